"""Purchase orders (issue 15): one partition per order, `T#<tid>#PO#<id>` / `DOC`, listed through GSI1 by
order date (`PURCHASEORDERS`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.condition import Condition

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentLine, DocumentRecord, TaxSubtotal, dated_documents
from ledgerline.store.records import Page


class PurchaseOrderLine(DocumentLine):
    """A priced purchase order line (numbered 1, 2, …: receipts and bills name it) and how much of it is
    received and billed."""

    line = NumberAttribute()
    received_quantity = DecimalAttribute()
    billed_quantity = DecimalAttribute()


class PurchaseOrder(DocumentRecord):
    PREFIX = "PO"
    LIST = "PURCHASEORDERS"
    NOUN = "purchase order"

    status = UnicodeAttribute()
    billing_status = UnicodeAttribute()
    number = UnicodeAttribute(null=True)
    supplier_id = UnicodeAttribute()
    supplier_name = UnicodeAttribute()
    order_date = DateAttribute()
    expected_date = DateAttribute(null=True)
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    reference = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    prices_include_tax = BooleanAttribute()
    lines = ListAttribute(of=PurchaseOrderLine)
    tax_breakdown = ListAttribute(of=TaxSubtotal)
    subtotal = DecimalAttribute()
    tax_total = DecimalAttribute()
    rounding_adjustment = DecimalAttribute()
    total = DecimalAttribute()
    bill_ids = ListAttribute(of=UnicodeAttribute, null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    last_received_on = DateAttribute(null=True)
    cancelled_at = UTCDateTimeAttribute(null=True)

    def list_date(self) -> date:
        return self.order_date


def list_purchase_orders(tenant_id: str, *, statuses: Iterable[str] | None, supplier_id: str | None,
                         from_date: date | None, to_date: date | None, limit: int,
                         start_key: dict[str, Any] | None) -> Page[PurchaseOrder]:
    """Purchase orders by order date, of any of `statuses` and one supplier when given."""
    condition: Condition | None = None
    if supplier_id is not None:
        condition = PurchaseOrder.supplier_id == supplier_id
    if statuses is not None:
        by_status = PurchaseOrder.status.is_in(*sorted(statuses))
        condition = by_status if condition is None else condition & by_status
    return dated_documents(PurchaseOrder, tenant_id, from_date=from_date, to_date=to_date,
                           filter_condition=condition, limit=limit, start_key=start_key)
