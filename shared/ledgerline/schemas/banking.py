"""Bank accounts, statements and bank transactions as the API shows them (issue 16)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, model_validator

from ledgerline.domain.banking.iban import normalise_bic, normalise_iban, normalise_qr_iban
from ledgerline.domain.money import MAX_AMOUNT
from ledgerline.schemas.common import (
    Currency,
    DecimalOut,
    Input,
    MetadataIn,
    MetadataOut,
    Name,
    Output,
    Timestamps,
    decimal_input,
)
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import Amount, ExchangeRate, scale

Iban = Annotated[str, Field(max_length=50, examples=["CH93 0076 2011 6238 5295 7"]), AfterValidator(normalise_iban)]
QrIban = Annotated[str, Field(max_length=50, examples=["CH44 3199 9123 0008 8901 2"]),
                   AfterValidator(normalise_qr_iban)]
Bic = Annotated[str, Field(max_length=20, examples=["ZKBKCHZZ80A"]), AfterValidator(normalise_bic)]
SignedAmount = Annotated[decimal_input(whole=16, decimals=4, example="10000.00", negative=True, ge=-MAX_AMOUNT,
                                       le=MAX_AMOUNT), Field(description='Decimal string, e.g. "10000.00"')]
Column = Annotated[str, Field(min_length=1, max_length=100)]
BankTransactionStatus = Literal["unmatched", "matched", "ignored"]


class CsvMapping(Input):
    """Which CSV column holds what (by header name): a signed `amount`, or `credit` and `debit`."""

    booking_date: Column
    amount: Column | None = None
    credit: Column | None = None
    debit: Column | None = None
    value_date: Column | None = None
    currency: Column | None = None
    counterparty_name: Column | None = None
    counterparty_iban: Column | None = None
    remittance: Column | None = None
    reference: Column | None = None
    entry_reference: Column | None = Field(None, description="The bank's own id of the entry (deduplicates)")
    delimiter: Literal[",", ";", "\t", "|"] = ","
    decimal_separator: Literal[".", ","] = "."
    date_format: Literal["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d", "%d.%m.%y"] = "%Y-%m-%d"
    encoding: Literal["utf-8", "latin-1", "cp1252"] = "utf-8"

    @model_validator(mode="after")
    def _amount_columns(self) -> CsvMapping:
        if self.amount is None and self.credit is None and self.debit is None:
            raise ValueError("name the amount column, or the credit and debit columns")
        if self.amount is not None and (self.credit is not None or self.debit is not None):
            raise ValueError("name either the amount column or the credit and debit columns, not both")
        return self


class BankAccountCreate(MetadataIn):
    model_config = {"json_schema_extra": {"examples": [{
        "name": "ZKB current account", "iban": "CH93 0076 2011 6238 5295 7", "bic": "ZKBKCHZZ80A",
        "currency": "CHF", "opening_balance": "10000.00", "opening_date": "2026-01-01", "is_default": True}]}}

    name: Name
    iban: Iban | None = None
    bic: Bic | None = None
    qr_iban: QrIban | None = Field(None, description="A Swiss QR-IBAN (CH/LI) for QR-bills with a QR reference")
    currency: Currency | None = Field(None, description="Defaults to the tenant's base currency")
    account_id: str | None = Field(
        None, description="An existing ledger account of subtype bank; without it, one is created with the bank "
                          "account (code `account_code`, or the next free 10xx code)")
    account_code: str | None = Field(None, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
                                     description="The code of the ledger account created with it")
    opening_balance: SignedAmount | None = Field(None, description="The bank's balance on `opening_date`")
    opening_date: Date | None = Field(None, description="Required with a non-zero opening balance")
    opening_account_id: str | None = Field(
        None, description="Where a non-zero opening balance is posted against (default: Owner's equity, 3000)")
    opening_exchange_rate: ExchangeRate | None = Field(
        None, description="Required for an opening balance in a currency other than the base")
    is_default: StrictBool = Field(False, description="The tenant's default bank account (invoices show it)")
    csv_mapping: CsvMapping | None = None

    @model_validator(mode="after")
    def _opening(self) -> BankAccountCreate:
        if self.opening_balance and self.opening_date is None:
            raise ValueError("opening_date is required with a non-zero opening_balance")
        if self.account_id is not None and self.account_code is not None:
            raise ValueError("give account_id (an existing account) or account_code (a new one), not both")
        return self


class BankAccountUpdate(MetadataIn):
    model_config = {"json_schema_extra": {"examples": [{"name": "ZKB main account", "is_default": True}]}}

    name: Name = None  # type: ignore[assignment]
    iban: Iban | None = None
    bic: Bic | None = None
    qr_iban: QrIban | None = None
    is_default: StrictBool = None  # type: ignore[assignment]
    archived: StrictBool = None  # type: ignore[assignment]
    csv_mapping: CsvMapping | None = None


class BankAccountOut(Timestamps, MetadataOut):
    object: Literal["bank_account"] = "bank_account"
    id: str
    name: str
    iban: str | None
    bic: str | None
    qr_iban: str | None
    currency: str
    account_id: str = Field(description="The ledger account (subtype bank) this bank account is")
    opening_balance: DecimalOut
    opening_date: Date | None
    opening_entry_id: str | None = Field(description="The journal entry of a non-zero opening balance")
    archived: bool
    is_default: bool
    csv_mapping: CsvMapping | None
    statement_balance: DecimalOut | None = Field(
        description="The closing balance of the latest statement (before one: the opening balance, if dated); the "
                    "next statement's opening balance must follow it")
    statement_date: Date | None
    last_statement_id: str | None

    @model_validator(mode="after")
    def _scaled(self) -> BankAccountOut:
        scale(self, self.currency, "opening_balance", "statement_balance")
        return self


class BankStatementOut(Timestamps):
    object: Literal["bank_statement"] = "bank_statement"
    id: str
    bank_account_id: str
    status: Literal["imported"]
    format: str
    file_name: str | None
    file_sha256: str
    statement_reference: str | None
    from_date: Date | None
    to_date: Date | None
    opening_balance: DecimalOut | None
    closing_balance: DecimalOut | None
    entries: int = Field(description="Booked entries in the file")
    imported: int = Field(description="New bank transactions")
    duplicates: int = Field(description="Entries imported before (by the bank's reference, else their content)")
    follows_previous: bool | None = Field(
        description="Whether the opening balance follows the previous statement's closing balance (less the "
                    "entries both statements hold); null when there is nothing to compare. false is a gap or "
                    "an error in the statements: it is reported here and in the event, never silently accepted")
    expected_opening_balance: DecimalOut | None
    balance_difference: DecimalOut | None = Field(description="opening_balance - expected_opening_balance")
    transaction_ids: list[str] | None = Field(None, description="The bank transactions it added (the first 1,000)")
    already_imported: bool = Field(False, description="The same file was imported before: this is that import")


class MatchSuggestion(Output):
    invoice_id: str
    invoice_number: str | None
    customer_id: str
    amount: DecimalOut = Field(description="What matching it allocates")
    reason: Literal["reference", "number_in_text", "amount_and_party"]
    score: int


class BillMatchSuggestion(Output):
    bill_id: str
    bill_number: str | None
    supplier_reference: str | None = Field(description="The supplier's own number of the bill")
    supplier_id: str
    amount: DecimalOut = Field(description="What matching it allocates (positive)")
    reason: Literal["number_in_text", "amount_and_party"]
    score: int


class BankTransactionOut(Timestamps):
    object: Literal["bank_transaction"] = "bank_transaction"
    id: str
    status: BankTransactionStatus
    bank_account_id: str
    statement_id: str
    date: Date = Field(description="Booking date")
    value_date: Date | None
    amount: DecimalOut = Field(description="Signed: money in is positive, money out negative")
    currency: str
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance_information: str | None
    reference: str | None = Field(description="Structured creditor reference (QR reference or RF)")
    reference_type: Literal["qr", "rf"] | None
    end_to_end_id: str | None
    bank_transaction_code: str | None
    entry_reference: str | None = Field(description="The bank's own reference of the entry")
    reversal: bool
    matched_by: Literal["receipt", "booking", "transfer", "supplier_payment"] | None = Field(
        None, description="What matched it: a receipt paying invoices, a booking to an account, or the booking "
                          "of the other side of a transfer between own bank accounts; for money out, a supplier "
                          "payment paying bills")
    receipt_id: str | None = Field(None, description="The receipt matching created")
    supplier_payment_id: str | None = Field(None, description="The supplier payment matching money out created")
    journal_entry_id: str | None = Field(None, description="The journal entry booking (or a transfer) posted")
    transfer_transaction_id: str | None = Field(None, description="The other side of a transfer")
    tax_code_id: str | None = Field(None, description="The tax code a booking applied")
    rule_id: str | None = Field(None, description="The bank rule that booked it on import")
    matched_at: datetime | None = None
    suggestions: list[MatchSuggestion] | None = Field(
        None, description="On an unmatched transaction: open invoices it may pay, best first")
    bill_suggestions: list[BillMatchSuggestion] | None = Field(
        None, description="On an unmatched money-out transaction: open bills it may pay, best first")

    @model_validator(mode="after")
    def _scaled(self) -> BankTransactionOut:
        scale(self, self.currency, "amount")
        return self


class MatchAllocation(Input):
    invoice_id: str | None = Field(None, max_length=64, examples=["inv_01KINV0000000000000000000"],
                                   description="The invoice money in pays (exactly one of invoice_id, bill_id)")
    bill_id: str | None = Field(None, max_length=64, examples=["bill_01KBIL0000000000000000000"],
                                description="The bill money out pays (exactly one of invoice_id, bill_id)")
    amount: Amount | None = Field(None, description="Default: what the invoice (bill) owes, at most what is left "
                                                    "of the transaction")

    @model_validator(mode="after")
    def _one_document(self) -> MatchAllocation:
        if (self.invoice_id is None) == (self.bill_id is None):
            raise ValueError("name exactly one of invoice_id (money in) and bill_id (money out)")
        return self


class BankTransactionMatch(Input):
    """Explicit `allocations`, or none to take the first suggestion. What is not allocated stays the
    customer's credit on the receipt."""

    model_config = {"json_schema_extra": {"examples": [
        {"allocations": [{"invoice_id": "inv_01KINV0000000000000000000", "amount": "1250.50"}]},
        {"allocations": [{"bill_id": "bill_01KBIL0000000000000000000", "amount": "480.00"}]}, {}]}}

    allocations: list[MatchAllocation] | None = Field(None, min_length=1, max_length=50)
    exchange_rate: ExchangeRate | None = Field(None, description="For a transaction not in the base currency")


class BankTransactionBook(Input):
    model_config = {"json_schema_extra": {"examples": [
        {"account_id": "acc_01KFEES000000000000000000", "description": "Bank charges January"}]}}

    account_id: str = Field(max_length=64, description="The account booked against the bank (bank charges, "
                                                       "interest, another bank account's ledger account for a "
                                                       "transfer)")
    tax_code_id: str | None = Field(None, max_length=64, description="The amount is gross: the tax at the code's "
                                                                     "rate is booked to its account and counted in "
                                                                     "the tax totals (output tax for money in, "
                                                                     "input tax for money out)")
    description: str | None = Field(None, max_length=500)
    exchange_rate: ExchangeRate | None = Field(None, description="For a transaction not in the base currency")


class BankTransactionUnmatch(Input):
    model_config = {"json_schema_extra": {"examples": [{}, {"date": "2026-02-01"}]}}

    date: Date | None = Field(None, description="The reversal's date (default: the transaction's date)")


class TransactionTotal(Output):
    count: int
    total: DecimalOut


class BankReconciliationOut(Output):
    object: Literal["bank_reconciliation"] = "bank_reconciliation"
    bank_account_id: str
    as_of: Date
    currency: str
    base_currency: str
    bank_balance: DecimalOut | None = Field(
        description="The closing balance of the latest statement up to `as_of` (before one: the opening balance)")
    bank_balance_date: Date | None
    statement_id: str | None = Field(description="The statement the bank balance is from")
    ledger_balance: DecimalOut = Field(description="The balance of the bank account's ledger account at the end of "
                                                   "`as_of`, in the base currency")
    ledger_balance_in_currency: DecimalOut | None = Field(
        default=None, description="A bank account in a foreign currency: its ledger account's balance in that "
                                  "currency, kept by posting (null for one in the base currency, or created before "
                                  "foreign balances were kept)")
    difference: DecimalOut | None = Field(description="bank_balance - ledger_balance (in a foreign currency: "
                                                      "- ledger_balance_in_currency; null when not comparable: no "
                                                      "statement, or a foreign bank account whose balance in its "
                                                      "currency is not kept)")
    unmatched: TransactionTotal = Field(description="Unmatched bank transactions up to `as_of`: at the bank, not "
                                                    "yet in the books")
    ignored: TransactionTotal = Field(description="Ignored bank transactions up to `as_of`")
    explained: DecimalOut = Field(description="unmatched + ignored")
    unexplained: DecimalOut | None = Field(
        description="difference - explained: in the books but not at the bank (postings to the bank account no "
                    "bank transaction matched), or an error; 0 when everything is reconciled")

    @model_validator(mode="after")
    def _scaled(self) -> BankReconciliationOut:
        scale(self, self.currency, "bank_balance", "difference", "explained", "unexplained",
              "ledger_balance_in_currency")
        scale(self, self.base_currency, "ledger_balance")
        scale(self.unmatched, self.currency, "total")
        scale(self.ignored, self.currency, "total")
        return self


RuleField = Literal["counterparty", "text", "any"]
RuleOperator = Literal["contains", "equals"]
RuleDirection = Literal["in", "out", "any"]


class BankRuleCreate(MetadataIn):
    model_config = {"json_schema_extra": {"examples": [{
        "name": "Bank charges", "field": "text", "operator": "contains", "value": "Kontofuehrung",
        "direction": "out", "account_id": "acc_01KFEES000000000000000000"}]}}

    name: Name
    field: RuleField = Field("any", description="What is compared: the counterparty (name, IBAN), the text "
                                                "(remittance information, reference) or both")
    operator: RuleOperator = Field("contains", description="Case and spaces are ignored")
    value: str = Field(min_length=1, max_length=200)
    direction: RuleDirection = Field("any", description="Only money in, only money out, or both")
    bank_account_id: str | None = Field(None, max_length=64, description="Only this bank account's transactions")
    account_id: str = Field(max_length=64, description="The account the transaction is booked to")
    tax_code_id: str | None = Field(None, max_length=64)
    description: str | None = Field(None, max_length=500, description="The booking's description")
    priority: int = Field(100, ge=0, le=10000, description="Lower first; then the oldest rule")
    active: StrictBool = True


class BankRuleUpdate(MetadataIn):
    model_config = {"json_schema_extra": {"examples": [{"value": "Kontoführung", "priority": 10}]}}

    name: Name = None  # type: ignore[assignment]
    field: RuleField = None  # type: ignore[assignment]
    operator: RuleOperator = None  # type: ignore[assignment]
    value: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    direction: RuleDirection = None  # type: ignore[assignment]
    bank_account_id: str | None = Field(None, max_length=64)
    account_id: str = Field(None, max_length=64)  # type: ignore[assignment]
    tax_code_id: str | None = Field(None, max_length=64)
    description: str | None = Field(None, max_length=500)
    priority: int = Field(None, ge=0, le=10000)  # type: ignore[assignment]
    active: StrictBool = None  # type: ignore[assignment]


class BankRuleOut(Timestamps, MetadataOut):
    object: Literal["bank_rule"] = "bank_rule"
    id: str
    name: str
    field: RuleField
    operator: RuleOperator
    value: str
    direction: RuleDirection
    bank_account_id: str | None
    account_id: str
    tax_code_id: str | None
    description: str | None
    priority: int
    active: bool
