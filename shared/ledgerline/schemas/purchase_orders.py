"""Purchase orders as the API shows them and events carry them (issue 15)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, model_validator

from ledgerline.schemas.common import Currency, DecimalOut, Input, MetadataIn, MetadataOut, Text, Timestamps
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import (
    ExchangeRate,
    LineOut,
    LinePrice,
    Quantity,
    TaxSubtotalOut,
    scale,
)

IdList = Annotated[list[str], BeforeValidator(lambda value: list(value or []))]
PurchaseOrderStatusValue = Literal["draft", "sent", "partially_received", "received", "billed", "cancelled"]
BillingStatusValue = Literal["not_billed", "partially_billed", "billed"]

SUPPLIER, TAX, ACCOUNT = ("pty_01K2X3Y4Z5A6B7C8D9E0F1G2H5", "tax_01K2X3Y4Z5A6B7C8D9E0F1G2H4",
                          "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H6")


class PurchaseOrderLineIn(Input):
    item_id: str | None = Field(None, description=(
        "Fills description, tax code, and the unit price and account where the item has a purchase price and "
        "an expense account"))
    description: Text | None = None
    quantity: Quantity = Decimal(1)
    unit_price: LinePrice | None = Field(None, description="Required unless the item has a purchase price")
    account_id: str | None = Field(None, description=(
        "The expense or asset account the goods are booked to when billed; required unless the item has an "
        "expense account"))
    tax_code_id: str | None = Field(None, description="Input tax code; defaults to the item's; none means no tax")


class PurchaseOrderCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "supplier_id": SUPPLIER, "order_date": "2026-02-01", "expected_date": "2026-02-15",
        "reference": "Quote 88-120",
        "lines": [{"description": "Paper A4, box", "quantity": "20", "unit_price": "24.50", "account_id": ACCOUNT,
                   "tax_code_id": TAX}]}]})

    supplier_id: str
    order_date: Date | None = Field(None, description="Defaults to today")
    expected_date: Date | None = Field(None, description="When the goods are expected (printed on the PDF)")
    currency: Currency | None = Field(None, description="Defaults to the supplier's, then the tenant's base currency")
    exchange_rate: ExchangeRate | None = Field(None, description="Required for a currency other than the base currency")
    reference: str | None = Field(None, max_length=100, description="The supplier's quote or contract reference")
    notes: Text | None = None
    prices_include_tax: StrictBool | None = Field(None, description="Defaults to the tenant setting")
    lines: list[PurchaseOrderLineIn] = Field(min_length=1, max_length=100)


class PurchaseOrderUpdate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{"expected_date": "2026-02-20"}]})

    supplier_id: str = None  # type: ignore[assignment]
    order_date: Date = None  # type: ignore[assignment]
    expected_date: Date | None = None
    currency: Currency = None  # type: ignore[assignment]
    exchange_rate: ExchangeRate | None = None
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    prices_include_tax: StrictBool = None  # type: ignore[assignment]
    lines: list[PurchaseOrderLineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]

    def changes(self) -> dict[str, Any]:
        changes = self.model_dump(exclude_unset=True)
        if self.lines is not None:
            changes["lines"] = [line.model_dump() for line in self.lines]
        return changes


class PurchaseOrderLineOut(LineOut):
    line: int = Field(description="The line's number on the order (1, 2, …): receipts and bills name lines by it")
    received_quantity: DecimalOut
    billed_quantity: DecimalOut


class PurchaseOrderOut(Timestamps, MetadataOut):
    object: Literal["purchase_order"] = "purchase_order"
    id: str
    number: str | None
    status: PurchaseOrderStatusValue
    billing_status: BillingStatusValue
    supplier_id: str
    supplier_name: str
    order_date: Date
    expected_date: Date | None = None
    currency: str
    exchange_rate: DecimalOut
    reference: str | None
    notes: str | None
    prices_include_tax: bool
    lines: list[PurchaseOrderLineOut]
    tax_breakdown: list[TaxSubtotalOut]
    subtotal: DecimalOut
    tax_total: DecimalOut
    rounding_adjustment: DecimalOut
    total: DecimalOut
    bill_ids: IdList = Field(default_factory=list,
                             description="The bills made from it that still count (not deleted, not voided)")
    sent_at: datetime | None = None
    last_received_on: Date | None = Field(None, description="The date of the latest goods receipt")
    cancelled_at: datetime | None = None

    @model_validator(mode="after")
    def _scaled(self) -> PurchaseOrderOut:
        scale(self, self.currency, "subtotal", "tax_total", "rounding_adjustment", "total")
        for line in self.lines:
            scale(line, self.currency, "net_amount", "tax_amount", "amount")
        for tax in self.tax_breakdown:
            scale(tax, self.currency, "taxable_amount", "tax_amount")
        return self


class ReceivedQuantityIn(Input):
    line: StrictInt = Field(ge=1, le=100, description="The order line's number (1, 2, …)")
    quantity: Quantity


class PurchaseOrderReceiveRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"received_date": "2026-02-14", "lines": [{"line": 1, "quantity": "12"}]}, {}]})

    lines: list[ReceivedQuantityIn] | None = Field(
        None, min_length=1, max_length=100,
        description="Quantities received per order line; absent: everything still outstanding")
    received_date: Date | None = Field(None, description="Defaults to today")
