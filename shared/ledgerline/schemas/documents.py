"""Invoices, credit notes, receipts and journal entries as the API shows them and events carry them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ledgerline.clock import today
from ledgerline.domain.documents import effective_status
from ledgerline.domain.money import round_money, with_minor_units
from ledgerline.schemas.common import Currency, Input, Output, Text, Timestamps, UnitPrice
from ledgerline.schemas.common import Day as Date


def scale(target: object, currency: str, *fields: str) -> None:
    """DynamoDB drops trailing zeros; show amounts with the currency's minor units again ("1375.00")."""
    for name in fields:
        value = getattr(target, name)
        if value is not None:
            setattr(target, name, round_money(value, currency))


def scale_priced(document: InvoiceOut | CreditNoteOut) -> None:
    scale(document, document.currency, "subtotal", "tax_total", "rounding_adjustment", "total")
    for line in document.lines:
        scale(line, document.currency, "net_amount", "tax_amount", "amount")
        line.unit_price = with_minor_units(line.unit_price, document.currency)
    for tax in document.tax_breakdown:
        scale(tax, document.currency, "taxable_amount", "tax_amount")


Amount = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4, description='Decimal string, e.g. "110.00"')]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6)]
LinePrice = Annotated[Decimal, Field(ge=-(10**15), le=10**15, max_digits=18, decimal_places=6)]
ExchangeRate = Annotated[
    Decimal,
    Field(
        gt=0, max_digits=18, decimal_places=10, description="Base currency units per unit of the document's currency"
    ),
]
InvoiceStatusValue = Literal["draft", "awaiting_payment", "paid", "overdue", "voided"]


class LineIn(Input):
    item_id: str | None = Field(None, description="Fills description, unit price, account and tax code")
    description: Text | None = None
    quantity: Quantity = Decimal(1)
    unit_price: LinePrice | None = Field(None, description="Required unless the item has a price")
    account_id: str | None = Field(None, description="Revenue account; defaults to the item's, then Sales")
    tax_code_id: str | None = Field(None, description="Defaults to the item's; none means no tax")


class InvoiceCreate(Input):
    customer_id: str
    issue_date: Date | None = Field(None, description="Defaults to today")
    due_date: Date | None = None
    payment_terms_days: int | None = Field(
        None, ge=0, le=365, description="Used when due_date is absent; then the customer's, then the tenant's"
    )
    currency: Currency | None = Field(None, description="Defaults to the customer's, then the tenant's base currency")
    exchange_rate: ExchangeRate | None = Field(None, description="Required for a currency other than the base currency")
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    prices_include_tax: bool | None = Field(None, description="Defaults to the tenant setting")
    lines: list[LineIn] = Field(min_length=1, max_length=100)


class InvoiceUpdate(Input):
    customer_id: str = None  # type: ignore[assignment]
    issue_date: Date = None  # type: ignore[assignment]
    due_date: Date | None = None
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    currency: Currency = None  # type: ignore[assignment]
    exchange_rate: ExchangeRate | None = None
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    prices_include_tax: bool = None  # type: ignore[assignment]
    lines: list[LineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]

    def changes(self) -> dict[str, Any]:
        """What the PATCH changes: the fields it sets; a line's unset fields take their defaults, as on create."""
        changes = self.model_dump(exclude_unset=True)
        if self.lines is not None:
            changes["lines"] = [line.model_dump() for line in self.lines]
        return changes


class LineOut(Output):
    item_id: str | None
    description: str | None
    quantity: Decimal
    unit_price: Decimal
    account_id: str
    tax_code_id: str | None
    tax_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    amount: Decimal


class TaxSubtotalOut(Output):
    tax_code_id: str
    tax_code: str
    rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal


class InvoiceOut(Timestamps):
    object: Literal["invoice"] = "invoice"
    id: str
    number: str | None
    status: InvoiceStatusValue
    customer_id: str
    customer_name: str
    issue_date: Date
    due_date: Date
    currency: str
    exchange_rate: Decimal
    reference: str | None
    notes: str | None
    prices_include_tax: bool
    lines: list[LineOut]
    tax_breakdown: list[TaxSubtotalOut]
    subtotal: Decimal
    tax_total: Decimal
    rounding_adjustment: Decimal
    total: Decimal
    amount_paid: Decimal
    amount_credited: Decimal
    amount_due: Decimal
    journal_entry_id: str | None
    posted_at: datetime | None
    sent_at: datetime | None
    voided_at: datetime | None
    paid_at: datetime | None

    @model_validator(mode="after")
    def _derived(self) -> InvoiceOut:
        self.status = effective_status(self.status, self.due_date, self.amount_due > 0, today()).value
        scale_priced(self)
        scale(self, self.currency, "amount_paid", "amount_credited", "amount_due")
        return self


class VoidRequest(Input):
    date: Date | None = Field(None, description="Date of the reversing entry; defaults to today")


class AllocationIn(Input):
    invoice_id: str
    amount: Amount


class ReceiptCreate(Input):
    customer_id: str
    date: Date | None = Field(None, description="Defaults to today")
    amount: Amount
    currency: Currency | None = Field(None, description="Defaults to the customer's, then the base currency")
    exchange_rate: ExchangeRate | None = None
    account_id: str = Field(description="The bank or cash account the money went into")
    reference: str | None = Field(None, max_length=100)
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=25)


class AllocateRequest(Input):
    date: Date | None = Field(None, description="Defaults to today")
    allocations: list[AllocationIn] = Field(min_length=1, max_length=25)


class AllocationOut(Output):
    invoice_id: str
    invoice_number: str
    amount: Decimal
    date: Date
    journal_entry_id: str


class ReceiptOut(Timestamps):
    object: Literal["receipt"] = "receipt"
    id: str
    status: Literal["posted", "reversed"]
    customer_id: str
    customer_name: str
    date: Date
    amount: Decimal
    currency: str
    exchange_rate: Decimal
    account_id: str
    reference: str | None
    allocations: list[AllocationOut]
    allocated_amount: Decimal
    unallocated_amount: Decimal
    journal_entry_ids: list[str]
    reversal_journal_entry_id: str | None
    reversed_at: datetime | None

    @model_validator(mode="after")
    def _scaled(self) -> ReceiptOut:
        scale(self, self.currency, "amount", "allocated_amount", "unallocated_amount")
        for allocation in self.allocations:
            scale(allocation, self.currency, "amount")
        return self


class CreditNoteCreate(Input):
    invoice_id: str
    date: Date | None = Field(None, description="Defaults to today")
    reason: Text | None = None
    lines: list[LineIn] | None = Field(
        None, min_length=1, max_length=100, description="Credit these lines; or send `amount` instead"
    )
    amount: Amount | None = Field(
        None, description="Credit this net amount on the invoice's first line's account and tax code"
    )

    @model_validator(mode="after")
    def _lines_or_amount(self) -> CreditNoteCreate:
        if (self.lines is None) == (self.amount is None):
            raise ValueError("send either lines or amount")
        return self


class CreditNoteOut(Timestamps):
    object: Literal["credit_note"] = "credit_note"
    id: str
    number: str
    status: Literal["posted"]
    invoice_id: str
    invoice_number: str
    customer_id: str
    customer_name: str
    date: Date
    currency: str
    exchange_rate: Decimal
    reason: str | None
    lines: list[LineOut]
    tax_breakdown: list[TaxSubtotalOut]
    subtotal: Decimal
    tax_total: Decimal
    rounding_adjustment: Decimal
    total: Decimal
    amount_applied: Decimal = Field(description="Part of the total that reduced what the invoice still owed")
    unallocated_amount: Decimal = Field(description="Excess that became customer credit")
    journal_entry_id: str

    @model_validator(mode="after")
    def _scaled(self) -> CreditNoteOut:
        scale_priced(self)
        scale(self, self.currency, "amount_applied", "unallocated_amount")
        return self


class EntryLineIn(Input):
    account_id: str
    debit: UnitPrice = Decimal(0)
    credit: UnitPrice = Decimal(0)
    description: Text | None = None


class JournalEntryCreate(Input):
    date: Date | None = Field(None, description="Defaults to today")
    description: Text | None = None
    reference: str | None = Field(None, max_length=100)
    lines: list[EntryLineIn] = Field(min_length=2, max_length=50)


class EntryLineOut(Output):
    account_id: str
    debit: Decimal
    credit: Decimal
    currency: str
    amount: Decimal
    description: str | None


class JournalEntryOut(Timestamps):
    object: Literal["journal_entry"] = "journal_entry"
    id: str
    status: Literal["posted", "reversed"]
    date: Date
    description: str | None
    reference: str | None
    source_type: str
    source_id: str | None
    currency: str
    exchange_rate: Decimal
    lines: list[EntryLineOut]
    total: Decimal
    reverses_id: str | None
    reversed_by_id: str | None
    base_currency: str

    @model_validator(mode="after")
    def _scaled(self) -> JournalEntryOut:
        scale(self, self.base_currency, "total")
        for line in self.lines:
            scale(line, self.base_currency, "debit", "credit")
            scale(line, line.currency, "amount")
        return self


class ReverseRequest(Input):
    date: Date | None = Field(None, description="Date of the reversing entry; defaults to today")


class LedgerLineOut(Output):
    object: Literal["ledger_line"] = "ledger_line"
    account_id: str
    date: Date
    entry_id: str
    source_type: str
    source_id: str | None
    description: str | None
    debit: Decimal
    credit: Decimal
    base_currency: str
    currency: str
    amount: Decimal

    @model_validator(mode="after")
    def _scaled(self) -> LedgerLineOut:
        scale(self, self.base_currency, "debit", "credit")
        scale(self, self.currency, "amount")
        return self
