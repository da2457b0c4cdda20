"""Sales orders and delivery notes as the API shows them and events carry them (issue 14)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from ledgerline.schemas.common import (
    Currency,
    DecimalOut,
    Input,
    MetadataIn,
    MetadataOut,
    Output,
    TermsDays,
    Text,
    Timestamps,
)
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import (
    ALLOWANCES_FIELD,
    CHARGES_FIELD,
    POSITIONS_FIELD,
    DocumentRefOut,
    ExchangeRate,
    LineIn,
    LineOut,
    NoneAsEmpty,
    Quantity,
    TaxSubtotalOut,
    _lines_or_positions,
    _tree,
    scale,
)
from ledgerline.schemas.positions import (
    AllowanceChargeIn,
    AllowanceChargeOut,
    PositionIn,
    PositionOut,
    positions_of_lines,
)
from ledgerline.schemas.quotes import priced_changes

IdList = Annotated[list[str], BeforeValidator(lambda value: list(value or []))]
OrderStatusValue = Literal["draft", "confirmed", "partially_delivered", "delivered", "cancelled"]
InvoicingStatusValue = Literal["not_invoiced", "partially_invoiced", "invoiced"]
DeliveryStatusValue = Literal["draft", "issued", "delivered"]

CUSTOMER, TAX = "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "tax_01K2X3Y4Z5A6B7C8D9E0F1G2H4"


class OrderCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "customer_id": CUSTOMER, "order_date": "2026-02-01", "reference": "PO 4711",
        "lines": [{"description": "Widget", "quantity": "10", "unit_price": "25.00", "tax_code_id": TAX}]}]})

    customer_id: str
    order_date: Date | None = Field(None, description="Defaults to today")
    currency: Currency | None = Field(None, description="Defaults to the customer's, then the tenant's base currency")
    exchange_rate: ExchangeRate | None = Field(None, description="Required for a currency other than the base currency")
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    prices_include_tax: StrictBool | None = Field(None, description="Defaults to the tenant setting")
    payment_terms_days: TermsDays | None = Field(None, description="Given to the invoices made from the order")
    lines: list[LineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]

    @model_validator(mode="after")
    def _positions(self) -> OrderCreate:
        _lines_or_positions(self, required=True)
        return self


class OrderUpdate(MetadataIn):
    customer_id: str = None  # type: ignore[assignment]
    order_date: Date = None  # type: ignore[assignment]
    currency: Currency = None  # type: ignore[assignment]
    exchange_rate: ExchangeRate | None = None
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    prices_include_tax: StrictBool = None  # type: ignore[assignment]
    payment_terms_days: TermsDays | None = None
    lines: list[LineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]

    @model_validator(mode="after")
    def _positions(self) -> OrderUpdate:
        _lines_or_positions(self, required=False)
        return self

    def changes(self) -> dict[str, Any]:
        return priced_changes(self)


class OrderLineOut(LineOut):
    line: int = Field(description="The line's number on the order (1, 2, …): deliveries name lines by it")
    delivered_quantity: DecimalOut
    invoiced_quantity: DecimalOut


class OrderOut(Timestamps, MetadataOut):
    object: Literal["order"] = "order"
    id: str
    number: str | None
    status: OrderStatusValue
    invoicing_status: InvoicingStatusValue
    customer_id: str
    customer_name: str
    order_date: Date
    currency: str
    exchange_rate: DecimalOut
    reference: str | None
    notes: str | None
    prices_include_tax: bool
    payment_terms_days: int | None = None
    lines: list[OrderLineOut]
    positions: NoneAsEmpty[list[PositionOut]] = Field(
        default_factory=list, description="Every position; `lines` are its items (deliveries and invoices take "
                                          "quantities of them)")
    allowances: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    charges: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    tax_breakdown: list[TaxSubtotalOut]
    subtotal: DecimalOut
    tax_total: DecimalOut
    rounding_adjustment: DecimalOut
    total: DecimalOut
    source: DocumentRefOut | None = None
    delivery_ids: IdList = Field(default_factory=list, description="Its delivery notes, oldest first")
    invoice_ids: IdList = Field(default_factory=list,
                                description="The invoices made from it that still count (not deleted, not voided)")
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None

    @model_validator(mode="after")
    def _scaled(self) -> OrderOut:
        scale(self, self.currency, "subtotal", "tax_total", "rounding_adjustment", "total")
        for line in self.lines:
            scale(line, self.currency, "net_amount", "tax_amount", "amount")
        for tax in self.tax_breakdown:
            scale(tax, self.currency, "taxable_amount", "tax_amount")
        if not self.positions:
            self.positions = positions_of_lines(self.lines)
        for position in self.positions:
            position.scaled(self.currency)
        for allowance_charge in (*self.allowances, *self.charges):
            allowance_charge.scaled(self.currency)
        return self


class LineQuantityIn(Input):
    line: StrictInt = Field(ge=1, le=100, description="The order line's number (1, 2, …)")
    quantity: Quantity


class OrderDeliveryRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"delivery_date": "2026-02-03", "lines": [{"line": 1, "quantity": "4"}]}, {}]})

    lines: list[LineQuantityIn] | None = Field(
        None, min_length=1, max_length=100,
        description="Quantities per order line; absent: everything not yet delivered")
    delivery_date: Date | None = Field(None, description="Defaults to today")
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None


class OrderInvoiceRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"basis": "delivered"}, {"basis": "ordered"}]})

    basis: Literal["delivered", "ordered"] = Field(
        "delivered", description="delivered: what is delivered and not yet invoiced; ordered: all not yet invoiced")
    issue_date: Date | None = Field(None, description="Defaults to today")
    due_date: Date | None = None


class DeliveryLineIn(Input):
    item_id: str | None = None
    description: Text | None = None
    quantity: Quantity = Decimal(1)
    location_id: str | None = Field(None, max_length=64, description=(
        "Issue 19: the stock location a stock-managed item leaves from when the note is issued; absent: the "
        "tenant's default location"))


class DeliveryCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "customer_id": CUSTOMER, "delivery_date": "2026-02-03",
        "lines": [{"description": "Widget", "quantity": "4"}]}]})

    customer_id: str
    delivery_date: Date | None = Field(None, description="Defaults to today")
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    lines: list[DeliveryLineIn] = Field(min_length=1, max_length=100)


class DeliveryLineOut(Output):
    order_line: int | None = Field(None, description="The order line it delivers (1, 2, …), if from an order")
    item_id: str | None
    description: str | None
    quantity: DecimalOut
    location_id: str | None = Field(None, description="The stock location it leaves from (absent: the default)")


class DeliveryNoteOut(Timestamps, MetadataOut):
    object: Literal["delivery"] = "delivery"
    id: str
    number: str | None
    status: DeliveryStatusValue
    customer_id: str
    customer_name: str
    delivery_date: Date
    order_id: str | None
    order_number: str | None
    reference: str | None
    notes: str | None
    lines: list[DeliveryLineOut]
    issued_at: datetime | None
    delivered_at: datetime | None
