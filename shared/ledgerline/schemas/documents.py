"""Invoices, credit notes, receipts and journal entries as the API shows them and events carry them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, ValidationInfo, field_validator, model_validator

from ledgerline.domain.documents import effective_status
from ledgerline.domain.money import MAX_AMOUNT, round_money, with_minor_units
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
    UnitPrice,
    decimal_input,
    moment_read,
)
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.files import AttachmentIds, no_attachments
from ledgerline.schemas.positions import (
    AllowanceChargeIn,
    AllowanceChargeOut,
    PositionIn,
    PositionOut,
    check_tree,
    positions_of_lines,
)


def scale(target: object, currency: str, *fields: str) -> None:
    """DynamoDB drops trailing zeros; show amounts with the currency's minor units again ("1375.00")."""
    for name in fields:
        value = getattr(target, name)
        if value is not None:
            setattr(target, name, round_money(value, currency))


def scale_priced(document: Any) -> None:
    """A priced document's amounts in its currency's minor units (invoices, credit notes, bills)."""
    scale(document, document.currency, "subtotal", "tax_total", "rounding_adjustment", "total")
    for line in document.lines:
        scale(line, document.currency, "net_amount", "tax_amount", "amount")
        line.unit_price = with_minor_units(line.unit_price, document.currency)
    for tax in document.tax_breakdown:
        scale(tax, document.currency, "taxable_amount", "tax_amount")
    if "positions" not in type(document).model_fields:
        return  # a kind with lines only (quotes, for now)
    if not document.positions:
        document.positions = positions_of_lines(document.lines)
    for position in document.positions:
        position.scaled(document.currency)
    for allowance_charge in (*document.allowances, *document.charges):
        allowance_charge.scaled(document.currency)


POSITIONS_FIELD = Field(None, min_length=1, max_length=100, description=(
    "Instead of `lines`: item, text, subtotal, discount, group (nested positions) and page_break positions; "
    "the response shows the item positions as `lines` too"))
ALLOWANCES_FIELD = Field(None, max_length=10, description=(
    "Document-level allowances (EN 16931 BG-20), each in one tax category"))
CHARGES_FIELD = Field(None, max_length=10, description="Document-level charges (EN 16931 BG-21)")


def lines_or_positions(model: Any, *, required: bool) -> None:
    if model.lines is not None and model.positions is not None:
        raise ValueError("send either lines or positions")
    if required and model.lines is None and model.positions is None:
        raise ValueError("send lines or positions")


def positions_tree(positions: Any) -> Any:
    check_tree(positions)
    return positions


_lines_or_positions, _tree = lines_or_positions, positions_tree  # the names the sales kinds use


Amount = Annotated[decimal_input(whole=16, decimals=4, example="110.00", gt=0, le=MAX_AMOUNT),
                   Field(description='Decimal string, e.g. "110.00"; more than 0, at most 1000000000000000')]
Quantity = Annotated[decimal_input(whole=12, decimals=6, example="10", gt=0),
                     Field(description='Decimal string, e.g. "2.5"; more than 0, below 10^12, up to 6 decimals')]
LinePrice = Annotated[decimal_input(whole=16, decimals=6, example="100.00", negative=True, ge=-MAX_AMOUNT,
                                    le=MAX_AMOUNT),
                      Field(description="Decimal string from -1000000000000000 to 1000000000000000, up to 6 decimals")]
ExchangeRate = Annotated[
    decimal_input(whole=8, decimals=10, example="1.0856", gt=0),
    Field(description="Base currency units per unit of the document's currency"),
]
T = TypeVar("T")
# An amount added to stored documents later: records written before it have none, which reads as zero.
NoneAsZero = Annotated[DecimalOut, BeforeValidator(lambda value: Decimal(0) if value is None else value)]
NoneAsEmpty = Annotated[T, BeforeValidator(lambda value: [] if value is None else value)]
# E-invoicing references (issue 17): BT-10 buyer reference, BT-13 purchase order reference
EInvoiceReference = Annotated[str, Field(min_length=1, max_length=200)]
InvoiceStatusValue = Literal["draft", "awaiting_payment", "paid", "overdue", "voided"]


class LineIn(Input):
    item_id: str | None = Field(None, description="Fills description, unit price, account and tax code")
    description: Text | None = None
    quantity: Quantity = Decimal(1)
    unit_price: LinePrice | None = Field(None, description="Required unless the item has a price")
    account_id: str | None = Field(None, description="Revenue account; defaults to the item's, then Sales")
    tax_code_id: str | None = Field(None, description="Defaults to the item's; none means no tax")


class InvoiceCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "customer_id": "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "issue_date": "2026-02-01", "payment_terms_days": 30,
        "lines": [{"description": "Consulting", "quantity": "10", "unit_price": "100.00",
                   "tax_code_id": "tax_01K2X3Y4Z5A6B7C8D9E0F1G2H4"},
                  {"description": "Setup", "unit_price": "250.00", "tax_code_id": "tax_01K2X3Y4Z5A6B7C8D9E0F1G2H4"}]}]})

    customer_id: str
    issue_date: Date | None = Field(None, description="Defaults to today")
    supply_date: Date | None = Field(
        None, description="When the goods or services were supplied, if not on the issue date (printed on the PDF)")
    period_start: Date | None = Field(None, description="E-invoicing BT-73: first day of the invoicing period "
                                                         "(BG-14) the invoice is for")
    period_end: Date | None = Field(None, description="E-invoicing BT-74: last day of the invoicing period; not "
                                                       "before period_start")
    due_date: Date | None = None
    payment_terms_days: TermsDays | None = Field(
        None, description="Used when due_date is absent; then the customer's, then the tenant's"
    )
    currency: Currency | None = Field(None, description="Defaults to the customer's, then the tenant's base currency")
    exchange_rate: ExchangeRate | None = Field(
        None, description="For a currency other than the base currency; absent: the tenant's latest exchange rate "
                          "on or before the issue date (none: 422)")
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    buyer_reference: EInvoiceReference | None = Field(None, description=(
        "E-invoicing BT-10: the buyer's reference (for German public buyers the Leitweg-ID); defaults to the "
        "customer's `leitweg_id`"))
    order_reference: EInvoiceReference | None = Field(None, description="E-invoicing BT-13: the buyer's purchase "
                                                                         "order number")
    prices_include_tax: StrictBool | None = Field(None, description="Defaults to the tenant setting")
    lines: list[LineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]

    @model_validator(mode="after")
    def _positions(self) -> InvoiceCreate:
        _lines_or_positions(self, required=True)
        return self


class InvoiceUpdate(MetadataIn):
    customer_id: str = None  # type: ignore[assignment]
    issue_date: Date = None  # type: ignore[assignment]
    supply_date: Date | None = None
    period_start: Date | None = None
    period_end: Date | None = None
    due_date: Date | None = None
    payment_terms_days: TermsDays | None = None
    currency: Currency = None  # type: ignore[assignment]
    exchange_rate: ExchangeRate | None = None
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    buyer_reference: EInvoiceReference | None = None
    order_reference: EInvoiceReference | None = None
    prices_include_tax: StrictBool = None  # type: ignore[assignment]
    lines: list[LineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]

    @model_validator(mode="after")
    def _positions(self) -> InvoiceUpdate:
        _lines_or_positions(self, required=False)
        return self

    def changes(self) -> dict[str, Any]:
        """What the PATCH changes: the fields it sets; a line's unset fields take their defaults, as on create.
        `lines` and `positions` replace each other."""
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


class LineOut(Output):
    item_id: str | None
    description: str | None
    quantity: DecimalOut
    unit_price: DecimalOut
    account_id: str
    tax_code_id: str | None
    tax_rate: DecimalOut
    net_amount: DecimalOut
    tax_amount: DecimalOut
    amount: DecimalOut


class TaxSubtotalOut(Output):
    tax_code_id: str
    tax_code: str
    rate: DecimalOut
    taxable_amount: DecimalOut
    tax_amount: DecimalOut


class DocumentRefOut(Output):
    """Another document: what one was made from (`{"kind": "quote", "id": "quo_…"}`, a recurring invoice,
    an order) or converted into."""

    kind: str = Field(description="The document's kind: `quote`, `invoice`, `recurring_invoice`, …")
    id: str


class InvoiceOut(Timestamps, MetadataOut):
    object: Literal["invoice"] = "invoice"
    id: str
    number: str | None
    status: InvoiceStatusValue
    customer_id: str
    customer_name: str
    issue_date: Date
    supply_date: Date | None = None
    period_start: Date | None = Field(None, description="E-invoicing BT-73: invoicing period (BG-14) start")
    period_end: Date | None = Field(None, description="E-invoicing BT-74: invoicing period (BG-14) end")
    due_date: Date
    currency: str
    exchange_rate: DecimalOut
    exchange_rate_id: str | None = Field(
        None, description="The exchange rate (GET /v1/exchange-rates/{id}) the document took because the request "
                          "gave no exchange_rate; null when it was given or the currency is the base currency")
    reference: str | None
    notes: str | None
    buyer_reference: str | None = Field(None, description="E-invoicing BT-10 (the Leitweg-ID for German public "
                                                           "buyers)")
    order_reference: str | None = Field(None, description="E-invoicing BT-13: the buyer's purchase order number")
    prices_include_tax: bool
    lines: list[LineOut]
    positions: NoneAsEmpty[list[PositionOut]] = Field(default_factory=list,
                                                      description="Every position; `lines` are its items")
    allowances: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    charges: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    tax_breakdown: list[TaxSubtotalOut]
    subtotal: DecimalOut
    tax_total: DecimalOut
    rounding_adjustment: DecimalOut
    total: DecimalOut
    amount_paid: DecimalOut
    amount_credited: DecimalOut
    amount_due: DecimalOut
    journal_entry_id: str | None
    posted_at: datetime | None
    sent_at: datetime | None
    voided_at: datetime | None
    paid_at: datetime | None
    source: DocumentRefOut | None = Field(None, description="The document it was made from, if any (a quote, "
                                                            '`{"kind": "recurring_invoice", "id": …}`)')
    payment_reference: str | None = Field(
        None, description="The structured reference the customer quotes when paying (set when posted): a 27-digit "
                          "QR reference for a CH/LI tenant whose default bank account has a QR-IBAN, else an "
                          "ISO 11649 RF creditor reference; bank statements are matched to the invoice by it",
        examples=["RF35202600000042"])

    @model_validator(mode="after")
    def _derived(self, info: ValidationInfo) -> InvoiceOut:
        # The status as of the moment the caller reads at (schemas/common.read_at); without one, as stored.
        moment = moment_read(info.context)
        if moment is not None:
            self.status = effective_status(self.status, self.due_date, self.amount_due > 0, moment.date()).value
        scale_priced(self)
        scale(self, self.currency, "amount_paid", "amount_credited", "amount_due")
        return self


class VoidRequest(Input):
    date: Date | None = Field(None, description="Date of the reversing entry; defaults to today")


class AllocationIn(Input):
    invoice_id: str
    amount: Amount


class ReceiptCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "customer_id": "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "date": "2026-02-20", "amount": "1375.00",
        "account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H5",
        "allocations": [{"invoice_id": "inv_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "amount": "1375.00"}]}]})

    customer_id: str
    date: Date | None = Field(None, description="Defaults to today")
    amount: Amount
    currency: Currency | None = Field(None, description="Defaults to the customer's, then the base currency")
    exchange_rate: ExchangeRate | None = Field(
        None, description="For a currency other than the base currency; absent: the tenant's latest exchange rate "
                          "on or before the date (none: 422)")
    account_id: str = Field(description="The bank or cash account the money went into")
    reference: str | None = Field(None, max_length=100)
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=25)


class AllocateRequest(Input):
    date: Date | None = Field(None, description="Defaults to today")
    allocations: list[AllocationIn] = Field(min_length=1, max_length=25)


class AllocationOut(Output):
    invoice_id: str
    invoice_number: str
    amount: DecimalOut
    date: Date
    journal_entry_id: str


class ReceiptOut(Timestamps, MetadataOut):
    object: Literal["receipt"] = "receipt"
    id: str
    status: Literal["posted", "reversed"]
    customer_id: str
    customer_name: str
    date: Date
    amount: DecimalOut
    currency: str
    exchange_rate: DecimalOut
    exchange_rate_id: str | None = Field(
        None, description="The exchange rate (GET /v1/exchange-rates/{id}) the document took because the request "
                          "gave no exchange_rate; null when it was given or the currency is the base currency")
    account_id: str
    reference: str | None
    allocations: list[AllocationOut]
    allocated_amount: DecimalOut
    unallocated_amount: DecimalOut
    refunded_amount: NoneAsZero = Field(Decimal(0), description="Credit paid back out by refunds")
    journal_entry_ids: list[str]
    reversal_journal_entry_id: str | None
    reversed_at: datetime | None

    @model_validator(mode="after")
    def _scaled(self) -> ReceiptOut:
        scale(self, self.currency, "amount", "allocated_amount", "unallocated_amount", "refunded_amount")
        for allocation in self.allocations:
            scale(allocation, self.currency, "amount")
        return self


class CreditNoteCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "invoice_id": "inv_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "date": "2026-02-10", "reason": "Discount agreed",
        "amount": "100.00"}]})

    invoice_id: str
    date: Date | None = Field(None, description="Defaults to today")
    reason: Text | None = None
    lines: list[LineIn] | None = Field(
        None, min_length=1, max_length=100, description="Credit these lines; or send `amount` instead"
    )
    amount: Amount | None = Field(
        None, description="Credit this net amount on the invoice's first line's account and tax code"
    )
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]
    restock: StrictBool = Field(False, description="Returned goods (issue 19): the credited lines of stock-managed "
                                                   "items on the invoice go back into the default stock location at "
                                                   "the current average cost, reversing cost of goods sold")

    @model_validator(mode="after")
    def _lines_or_amount(self) -> CreditNoteCreate:
        if (self.lines is None and self.positions is None) == (self.amount is None):
            raise ValueError("send either lines or amount")
        _lines_or_positions(self, required=False)
        if self.amount is not None and (self.allowances or self.charges):
            raise ValueError("allowances and charges go with lines or positions, not amount")
        return self


class CreditNoteOut(Timestamps, MetadataOut):
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
    exchange_rate: DecimalOut
    exchange_rate_id: str | None = Field(
        None, description="The exchange rate (GET /v1/exchange-rates/{id}) the document took because the request "
                          "gave no exchange_rate; null when it was given or the currency is the base currency")
    reason: str | None
    restock: Annotated[bool, BeforeValidator(bool)] = Field(
        False, description="Whether returned goods went back into stock (issue 19)")
    stock_journal_entry_id: str | None = Field(None, description="The entry that put returned goods back into "
                                                                 "inventory against cost of goods sold")
    lines: list[LineOut]
    positions: NoneAsEmpty[list[PositionOut]] = Field(default_factory=list,
                                                      description="Every position; `lines` are its items")
    allowances: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    charges: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    tax_breakdown: list[TaxSubtotalOut]
    subtotal: DecimalOut
    tax_total: DecimalOut
    rounding_adjustment: DecimalOut
    total: DecimalOut
    amount_applied: DecimalOut = Field(description="Part of the total that reduced what the invoice still owed")
    unallocated_amount: DecimalOut = Field(description="Excess that became customer credit")
    refunded_amount: NoneAsZero = Field(Decimal(0), description="Credit paid back out by refunds")
    journal_entry_id: str

    @model_validator(mode="after")
    def _scaled(self) -> CreditNoteOut:
        scale_priced(self)
        scale(self, self.currency, "amount_applied", "unallocated_amount", "refunded_amount")
        return self


class EntryLineIn(Input):
    account_id: str
    debit: UnitPrice = Decimal(0)
    credit: UnitPrice = Decimal(0)
    description: Text | None = None


class JournalEntryCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "date": "2026-02-28", "description": "Accrued rent",
        "lines": [{"account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H7", "debit": "1375.00"},
                  {"account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H8", "credit": "1375.00"}]}]})

    date: Date | None = Field(None, description="Defaults to today")
    description: Text | None = None
    reference: str | None = Field(None, max_length=100)
    lines: list[EntryLineIn] = Field(min_length=2, max_length=50)
    attachment_ids: AttachmentIds | None = None


class JournalEntryUpdate(MetadataIn):
    """What may change on a posted entry: the files it references and its metadata (its lines never change)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "attachment_ids": ["file_01K2X3Y4Z5A6B7C8D9E0F1G2H3"], "metadata": {"import_batch": "2026-03"}}]})

    attachment_ids: AttachmentIds | None = Field(
        None, description="Replaces the list; [] detaches every file; left out, the files stay")


class EntryLineOut(Output):
    account_id: str
    debit: DecimalOut
    credit: DecimalOut
    currency: str
    amount: DecimalOut
    description: str | None


class JournalEntryOut(Timestamps, MetadataOut):
    object: Literal["journal_entry"] = "journal_entry"
    id: str
    status: Literal["posted", "reversed"]
    date: Date
    description: str | None
    reference: str | None
    source_type: str
    source_id: str | None
    currency: str
    exchange_rate: DecimalOut
    lines: list[EntryLineOut]
    total: DecimalOut
    reverses_id: str | None
    reversed_by_id: str | None
    base_currency: str
    attachment_ids: list[str] = Field(default_factory=list, description="Uploaded files the entry references")

    _no_attachments = field_validator("attachment_ids", mode="before")(no_attachments)

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
    debit: DecimalOut
    credit: DecimalOut
    base_currency: str
    currency: str
    amount: DecimalOut

    @model_validator(mode="after")
    def _scaled(self) -> LedgerLineOut:
        scale(self, self.base_currency, "debit", "credit")
        scale(self, self.currency, "amount")
        return self
