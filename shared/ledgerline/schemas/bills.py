"""Supplier bills (issue 15) as the API shows them and events carry them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictBool, ValidationInfo, field_validator, model_validator

from ledgerline.domain.documents import effective_status
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
    moment_read,
)
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import (
    ALLOWANCES_FIELD,
    CHARGES_FIELD,
    POSITIONS_FIELD,
    ExchangeRate,
    LineOut,
    LinePrice,
    NoneAsEmpty,
    NoneAsZero,
    Quantity,
    lines_or_positions,
    positions_tree,
    scale,
    scale_priced,
)
from ledgerline.schemas.positions import AllowanceChargeIn, AllowanceChargeOut, PositionIn, PositionOut

BillStatusValue = Literal["draft", "awaiting_payment", "paid", "overdue", "voided"]
SupplierReference = Field(min_length=1, max_length=100,
                          description="The supplier's own invoice number; unique per supplier (409 when taken)")
ATTACHMENTS = Field(None, max_length=10, description="Ids of files (`file_…`, POST /v1/files): the supplier's "
                                                     "PDF or a scan")


class BillLineIn(Input):
    item_id: str | None = Field(None, description="Fills description, unit price (the item's purchase price), "
                                                  "account (its expense account) and tax code")
    description: Text | None = None
    quantity: Quantity = Decimal(1)
    unit_price: LinePrice | None = Field(None, description="Required unless the item has a purchase price")
    account_id: str | None = Field(None, description="An expense or asset account; defaults to the item's "
                                                     "expense_account_id (required without one)")
    tax_code_id: str | None = Field(None, description="An input tax code (direction purchases or both); defaults "
                                                      "to the item's; none means no tax")


class StockBillLineIn(BillLineIn):
    location_id: str | None = Field(None, max_length=64, description=(
        "Issue 19: the stock location a stock-managed item goes into when the bill is posted (its void and supplier "
        "credit notes take it back out of there); absent: the tenant's default location"))


class BillLineOut(LineOut):
    location_id: str | None = Field(None, description="The stock location it goes into (absent: the default)")


EXAMPLE = {
    "supplier_id": "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "supplier_reference": "R-2026-0042",
    "bill_date": "2026-02-03", "payment_terms_days": 30,
    "lines": [{"description": "Office rent February", "unit_price": "1200.00",
               "account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H5", "tax_code_id": "txc_01K2X3Y4Z5A6B7C8D9E0F1G2H4"}],
    "attachment_ids": ["file_01K2X3Y4Z5A6B7C8D9E0F1G2H6"],
}


class BillCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    supplier_id: str
    supplier_reference: str = SupplierReference
    bill_date: Date | None = Field(None, description="The date on the supplier's invoice; defaults to today")
    due_date: Date | None = None
    payment_terms_days: TermsDays | None = Field(
        None, description="Used when due_date is absent; then the supplier's, then the tenant's")
    currency: Currency | None = Field(None, description="Defaults to the supplier's, then the tenant's base currency")
    exchange_rate: ExchangeRate | None = Field(
        None, description="For a currency other than the base currency; absent: the tenant's latest exchange rate "
                          "on or before the document's date (none: 422)")
    notes: Text | None = None
    prices_include_tax: StrictBool | None = Field(None, description="Defaults to false (supplier prices net)")
    lines: list[StockBillLineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(positions_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]
    attachment_ids: list[str] | None = ATTACHMENTS

    @model_validator(mode="after")
    def _positions(self) -> BillCreate:
        lines_or_positions(self, required=True)
        return self


class BillUpdate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{"due_date": "2026-03-15", "notes": "Agreed later"}]})

    supplier_id: str = None  # type: ignore[assignment]
    supplier_reference: str = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    bill_date: Date = None  # type: ignore[assignment]
    due_date: Date | None = None
    payment_terms_days: TermsDays | None = None
    currency: Currency = None  # type: ignore[assignment]
    exchange_rate: ExchangeRate | None = None
    notes: Text | None = None
    prices_include_tax: StrictBool = None  # type: ignore[assignment]
    lines: list[StockBillLineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(positions_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]
    attachment_ids: list[str] | None = ATTACHMENTS

    @model_validator(mode="after")
    def _positions(self) -> BillUpdate:
        lines_or_positions(self, required=False)
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the PATCH sets (null lines: unchanged); a line's unset fields take their defaults.
        `lines` and `positions` replace each other, as on invoices."""
        changes = self.model_dump(exclude_unset=True)
        for name in ("lines", "positions", "allowances", "charges"):  # null: unchanged
            if changes.get(name, ...) is None:
                del changes[name]
        if self.lines is not None:
            changes["lines"] = [line.model_dump() for line in self.lines]
            changes["positions"] = None
        if self.positions is not None:
            changes["positions"] = [position.model_dump() for position in self.positions]
            changes["lines"] = None
        for name in ("allowances", "charges"):
            if getattr(self, name) is not None:
                changes[name] = [entry.model_dump() for entry in getattr(self, name)]
        return changes


class PurchaseTaxOut(Output):
    tax_code_id: str
    tax_code: str
    rate: DecimalOut
    category: str = Field(description="EN 16931 VAT category; AE: reverse charge (the tax is self-assessed, not "
                                      "charged by the supplier, and not part of the total)")
    taxable_amount: DecimalOut
    tax_amount: DecimalOut
    recoverable_percent: DecimalOut


class BillOut(Timestamps, MetadataOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "bill", "id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H7", "number": "BILL-2026-0001",
        "status": "awaiting_payment", "supplier_id": "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "supplier_name": "Office Ltd",
        "supplier_reference": "R-2026-0042", "bill_date": "2026-02-03", "due_date": "2026-03-05", "currency": "EUR",
        "total": "1428.00", "amount_due": "1428.00"}]})

    object: Literal["bill"] = "bill"
    id: str
    number: str | None = Field(description="The internal number, BILL-{YYYY}-{SEQ:4}, given when it is posted")
    status: BillStatusValue
    supplier_id: str
    supplier_name: str
    supplier_reference: str
    bill_date: Date
    due_date: Date
    currency: str
    exchange_rate: DecimalOut
    exchange_rate_id: str | None = Field(
        None, description="The exchange rate (GET /v1/exchange-rates/{id}) taken because the request gave no "
                          "exchange_rate; null when it was given or the currency is the base currency")
    notes: str | None
    prices_include_tax: bool
    attachment_ids: NoneAsEmpty[list[str]] = Field(default_factory=list)
    lines: list[BillLineOut]
    positions: NoneAsEmpty[list[PositionOut]] = Field(default_factory=list,
                                                      description="Every position; `lines` are its items")
    allowances: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    charges: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    tax_breakdown: list[PurchaseTaxOut]
    subtotal: DecimalOut
    tax_total: DecimalOut = Field(description="Tax charged by the supplier (reverse-charge tax not included)")
    rounding_adjustment: DecimalOut
    total: DecimalOut
    amount_paid: DecimalOut
    amount_credited: DecimalOut
    amount_due: DecimalOut
    scheduled_amount: NoneAsZero = Field(
        Decimal(0), description="What payment runs (POST /v1/payment-runs) scheduled and the bank has not yet "
                                "confirmed; a new run pays at most amount_due less this")
    journal_entry_id: str | None
    void_journal_entry_id: str | None = None
    purchase_order_id: str | None = Field(None, description="The purchase order the bill was made from, if any")
    buyer_reference: str | None = Field(None, description="Imported from an e-invoice (POST /v1/bills/import): "
                                                          "its buyer reference, BT-10")
    order_reference: str | None = Field(None, description="Imported from an e-invoice: its purchase order "
                                                          "reference, BT-13")
    posted_at: datetime | None
    voided_at: datetime | None
    paid_at: datetime | None

    @model_validator(mode="after")
    def _derived(self, info: ValidationInfo) -> BillOut:
        moment = moment_read(info.context)
        if moment is not None:
            self.status = effective_status(self.status, self.due_date, self.amount_due > 0, moment.date()).value
        scale_priced(self)  # lines, tax breakdown, positions, allowances and charges, as on invoices
        scale(self, self.currency, "amount_paid", "amount_credited", "amount_due", "scheduled_amount")
        return self


# ------------------------------------------------------------------------------------- expenses


class ExpenseCreate(MetadataIn):
    """Issue 15: a purchase paid at once (a receipt from a shop, a card payment), posted on creation."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "payee_name": "Corner Café", "date": "2026-02-03", "paid_from_account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H8",
        "lines": [{"description": "Team lunch", "unit_price": "60.00", "account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H5",
                   "tax_code_id": "txc_01K2X3Y4Z5A6B7C8D9E0F1G2H4"}],
        "attachment_ids": ["file_01K2X3Y4Z5A6B7C8D9E0F1G2H6"]}]})

    supplier_id: str | None = Field(None, description="The supplier party, if any; else `payee_name`")
    payee_name: str | None = Field(None, min_length=1, max_length=200,
                                   description="Who was paid, free text; defaults to the supplier's name")
    date: Date | None = Field(None, description="Defaults to today")
    paid_from_account_id: str = Field(description="The bank or cash account, or a card clearing account "
                                                  "(a liability of subtype current), the money left from")
    reference: str | None = Field(None, max_length=100)
    currency: Currency | None = Field(None, description="Defaults to the supplier's, then the tenant's base currency")
    exchange_rate: ExchangeRate | None = Field(
        None, description="For a currency other than the base currency; absent: the tenant's latest exchange rate "
                          "on or before the document's date (none: 422)")
    notes: Text | None = None
    prices_include_tax: StrictBool | None = Field(None, description="Defaults to false")
    lines: list[BillLineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(positions_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]
    attachment_ids: list[str] | None = ATTACHMENTS

    @model_validator(mode="after")
    def _payee(self) -> ExpenseCreate:
        if self.supplier_id is None and self.payee_name is None:
            raise ValueError("send supplier_id or payee_name")
        lines_or_positions(self, required=True)
        return self


class ExpenseOut(Timestamps, MetadataOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "expense", "id": "exp_01K2X3Y4Z5A6B7C8D9E0F1G2H9", "status": "posted", "payee_name": "Corner Café",
        "date": "2026-02-03", "currency": "AUD", "total": "66.00"}]})

    object: Literal["expense"] = "expense"
    id: str
    status: Literal["posted", "reversed"]
    supplier_id: str | None
    payee_name: str
    date: Date
    paid_from_account_id: str
    reference: str | None
    currency: str
    exchange_rate: DecimalOut
    exchange_rate_id: str | None = Field(
        None, description="The exchange rate (GET /v1/exchange-rates/{id}) taken because the request gave no "
                          "exchange_rate; null when it was given or the currency is the base currency")
    notes: str | None
    prices_include_tax: bool
    attachment_ids: NoneAsEmpty[list[str]] = Field(default_factory=list)
    lines: list[LineOut]
    positions: NoneAsEmpty[list[PositionOut]] = Field(default_factory=list,
                                                      description="Every position; `lines` are its items")
    allowances: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    charges: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    tax_breakdown: list[PurchaseTaxOut]
    subtotal: DecimalOut
    tax_total: DecimalOut
    rounding_adjustment: DecimalOut
    total: DecimalOut
    journal_entry_id: str
    reversal_journal_entry_id: str | None
    reversed_at: datetime | None

    @model_validator(mode="after")
    def _scaled(self) -> ExpenseOut:
        scale_priced(self)  # lines, tax breakdown, positions, allowances and charges, as on invoices
        return self


class BillFromPurchaseOrder(Input):
    """Issue 15: a draft bill made from a purchase order (`POST /v1/purchase-orders/{id}/bill`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"basis": "received", "supplier_reference": "INV-88123", "bill_date": "2026-02-12"}]})

    basis: Literal["received", "ordered"] = Field(
        "received", description="Bill what is received and not yet billed (default), or everything not yet billed")
    supplier_reference: str | None = Field(
        None, min_length=1, max_length=100,
        description="The supplier's invoice number; defaults to the order's number (with `-2`, `-3`, … for its "
                    "later bills)")
    bill_date: Date | None = Field(None, description="The date on the supplier's invoice; defaults to today")
    due_date: Date | None = None
    attachment_ids: list[str] | None = ATTACHMENTS
