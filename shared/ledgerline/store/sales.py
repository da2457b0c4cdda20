"""Sales orders and delivery notes (issue 14): one partition per document, `T#<tid>#SO#<id>` / `DOC` and
`T#<tid>#DN#<id>` / `DOC`, listed through GSI1 by date (`ORDERS`, `DELIVERIES`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.condition import Condition

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentLine, DocumentRecord, DocumentRef, TaxSubtotal, dated_documents
from ledgerline.store.records import Page


class OrderLine(DocumentLine):
    """A priced order line (numbered 1, 2, …: deliveries name it) and how much of it is delivered and invoiced."""

    line = NumberAttribute()
    delivered_quantity = DecimalAttribute()
    invoiced_quantity = DecimalAttribute()


class Order(DocumentRecord):
    PREFIX = "SO"
    LIST = "ORDERS"
    NOUN = "order"

    status = UnicodeAttribute()
    invoicing_status = UnicodeAttribute()
    number = UnicodeAttribute(null=True)
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    order_date = DateAttribute()
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    reference = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    prices_include_tax = BooleanAttribute()
    payment_terms_days = NumberAttribute(null=True)
    lines = ListAttribute(of=OrderLine)
    # Rich positions (as PricedDocument keeps them: schemas/positions.PositionOut, an item naming its line by
    # index), document-level allowances and charges; none on an order made of lines only.
    positions = JSONAttribute(null=True)
    allowances = JSONAttribute(null=True)
    charges = JSONAttribute(null=True)
    tax_breakdown = ListAttribute(of=TaxSubtotal)
    subtotal = DecimalAttribute()
    tax_total = DecimalAttribute()
    rounding_adjustment = DecimalAttribute()
    total = DecimalAttribute()
    source = DocumentRef(null=True)
    delivery_ids = ListAttribute(of=UnicodeAttribute, null=True)
    invoice_ids = ListAttribute(of=UnicodeAttribute, null=True)
    confirmed_at = UTCDateTimeAttribute(null=True)
    cancelled_at = UTCDateTimeAttribute(null=True)

    def list_date(self) -> date:
        return self.order_date


class DeliveryLine(MapAttribute):
    order_line = NumberAttribute(null=True)  # the number (1, 2, …) of the order line it delivers, if from an order
    item_id = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    quantity = DecimalAttribute()
    location_id = UnicodeAttribute(null=True)  # issue 19: the stock location it leaves from (absent: the default)


class Delivery(DocumentRecord):
    PREFIX = "DN"
    LIST = "DELIVERIES"
    NOUN = "delivery note"

    status = UnicodeAttribute()
    number = UnicodeAttribute(null=True)
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    delivery_date = DateAttribute()
    order_id = UnicodeAttribute(null=True)
    order_number = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    lines = ListAttribute(of=DeliveryLine)
    issued_at = UTCDateTimeAttribute(null=True)
    delivered_at = UTCDateTimeAttribute(null=True)

    def list_date(self) -> date:
        return self.delivery_date


def _filters(model: Any, statuses: Iterable[str] | None, customer_id: str | None) -> Condition | None:
    condition: Condition | None = None
    if customer_id is not None:
        condition = model.customer_id == customer_id
    if statuses is not None:
        by_status = model.status.is_in(*sorted(statuses))
        condition = by_status if condition is None else condition & by_status
    return condition


def list_orders(tenant_id: str, *, statuses: Iterable[str] | None, customer_id: str | None,
                from_date: date | None, to_date: date | None, limit: int,
                start_key: dict[str, Any] | None) -> Page[Order]:
    """Orders by order date, of any of `statuses` and one customer when given."""
    return dated_documents(Order, tenant_id, from_date=from_date, to_date=to_date,
                           filter_condition=_filters(Order, statuses, customer_id), limit=limit, start_key=start_key)


def list_deliveries(tenant_id: str, *, statuses: Iterable[str] | None, customer_id: str | None,
                    from_date: date | None, to_date: date | None, limit: int,
                    start_key: dict[str, Any] | None) -> Page[Delivery]:
    """Delivery notes by delivery date, of any of `statuses` and one customer when given."""
    return dated_documents(Delivery, tenant_id, from_date=from_date, to_date=to_date,
                           filter_condition=_filters(Delivery, statuses, customer_id), limit=limit,
                           start_key=start_key)
