"""Purchase orders (issue 15): one partition per order, `T#<tid>#PO#<id>` / `DOC`, listed through GSI1 by
order date (`PURCHASEORDERS`)."""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentLine, DocumentRecord, TaxSubtotal, assign_ordered_query_keys


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
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_number = UnicodeAttribute(null=True)
    search_reference = UnicodeAttribute(null=True)
    search_supplier_name = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.order_date

    def assign_keys(self) -> None:
        super().assign_keys()
        assign_ordered_query_keys(self, "supplier")  # issue 18: `store/lists.PURCHASE_ORDER_LIST`

