"""Sales orders and delivery notes (issue 14): one partition per document, `T#<tid>#SO#<id>` / `DOC` and
`T#<tid>#DN#<id>` / `DOC`, listed through GSI1 by date (`ORDERS`, `DELIVERIES`)."""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import (
    DocumentLine,
    DocumentRecord,
    DocumentRef,
    TaxSubtotal,
    assign_ordered_query_keys,
)


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
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_number = UnicodeAttribute(null=True)
    search_reference = UnicodeAttribute(null=True)
    search_customer_name = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.order_date

    def assign_keys(self) -> None:
        super().assign_keys()
        assign_ordered_query_keys(self, "customer")  # issue 18: `store/lists.ORDER_LIST`


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
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_number = UnicodeAttribute(null=True)
    search_reference = UnicodeAttribute(null=True)
    search_customer_name = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.delivery_date

    def assign_keys(self) -> None:
        super().assign_keys()
        assign_ordered_query_keys(self, "customer")  # issue 18: `store/lists.DELIVERY_LIST`

