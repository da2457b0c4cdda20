"""Journal entries: lines in the base currency that must balance to the last minor unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.money import round_money


class SourceType(StrEnum):
    """What posted a journal entry. `GET /v1/journal-entries?source_type=` takes every one of them, so a
    new kind of posting document adds its source type here (JournalEntry.new refuses any other)."""

    MANUAL = "manual"
    INVOICE = "invoice"
    INVOICE_VOID = "invoice_void"
    RECEIPT = "receipt"
    RECEIPT_ALLOCATION = "receipt_allocation"
    RECEIPT_REVERSAL = "receipt_reversal"
    CREDIT_NOTE = "credit_note"
    YEAR_END_CLOSE = "year_end_close"
    REFUND = "refund"
    REFUND_REVERSAL = "refund_reversal"
    VAT_SETTLEMENT = "vat_settlement"
    VAT_SETTLEMENT_REVERSAL = "vat_settlement_reversal"
    BANK_OPENING_BALANCE = "bank_opening_balance"
    BILL = "bill"  # issue 15
    BILL_VOID = "bill_void"
    EXPENSE = "expense"
    EXPENSE_REVERSAL = "expense_reversal"
    BANK_TRANSACTION = "bank_transaction"  # a bank transaction booked to an account (issue 16)
    BANK_TRANSACTION_REVERSAL = "bank_transaction_reversal"  # its booking undone by unmatch
    REVALUATION = "revaluation"  # issue 16: unrealised exchange differences at a period's end
    REVALUATION_REVERSAL = "revaluation_reversal"  # its mirror on the next period's first day
    SUPPLIER_PAYMENT = "supplier_payment"
    SUPPLIER_PAYMENT_REVERSAL = "supplier_payment_reversal"
    SUPPLIER_PAYMENT_ALLOCATION = "supplier_payment_allocation"
    SUPPLIER_PAYMENT_REFUND = "supplier_payment_refund"
    SUPPLIER_CREDIT_NOTE = "supplier_credit_note"
    SUPPLIER_CREDIT_NOTE_ALLOCATION = "supplier_credit_note_allocation"  # its excess (1400) applied to bills
    SUPPLIER_CREDIT_NOTE_REFUND = "supplier_credit_note_refund"  # its excess paid back by the supplier

    STOCK_ADJUSTMENT = "stock_adjustment"  # issue 19: an adjustment's value difference
    DELIVERY = "delivery"  # issue 19: cost of the stock-managed goods a delivery note took out
    CREDIT_NOTE_RESTOCK = "credit_note_restock"  # issue 19: returned goods back into inventory against COGS
    INVOICE_COGS = "invoice_cogs"  # issue 19: goods a posted invoice took out (a tenant without deliveries)
    INVOICE_VOID_COGS = "invoice_void_cogs"  # issue 19: those goods back when the invoice is voided
    STOCK_CORRECTION = "stock_correction"  # issue 19: stock arrived below zero: the estimated cost corrected


@dataclass(frozen=True)
class JournalLine:
    """One line: `debit` or `credit` in the base currency, and the same side in the document's currency."""

    account_id: str
    debit: Decimal
    credit: Decimal
    currency: str
    amount: Decimal
    description: str | None = None


@dataclass(frozen=True)
class Leg:
    """A signed movement before it becomes a line: positive debits, negative credits.

    `base_amount` is set when the base value is fixed by history (settling an invoice booked at
    another rate); otherwise the leg is converted at the entry's exchange rate.
    """

    account_id: str
    amount: Decimal
    base_amount: Decimal | None = None
    description: str | None = None


class Unbalanced(ValidationFailed):
    code = "unbalanced_entry"


def assert_balanced(lines: Sequence[JournalLine]) -> None:
    if len(lines) < 2:
        raise Unbalanced("A journal entry needs at least two lines", param="lines")
    debits = sum((line.debit for line in lines), Decimal(0))
    credits = sum((line.credit for line in lines), Decimal(0))
    if debits != credits:
        raise Unbalanced(f"Debits {debits} and credits {credits} differ by {debits - credits}", param="lines",
                         details=[FieldIssue("lines", "total debits must equal total credits")])
    for index, line in enumerate(lines):
        if (line.debit > 0) == (line.credit > 0) or line.debit < 0 or line.credit < 0:
            raise Unbalanced("Each line is either a debit or a credit, greater than zero",
                             param=f"lines.{index}")


def lines_from_legs(legs: Sequence[Leg], *, balancing: Leg, currency: str, base_currency: str,
                    rate: Decimal) -> list[JournalLine]:
    """Turn legs into balanced lines; `balancing` takes whatever base amount makes the entry balance.

    A line whose base amount is zero is left out. A document whose every base amount is zero (a total
    of zero, or USD 0.01 worth nothing once rounded to the base currency) gets an entry of no lines:
    it still posts, and moves nothing. (Manual entries keep needing two lines: `assert_balanced`.)"""
    converted = [replace(leg, base_amount=leg.base_amount if leg.base_amount is not None
                         else round_money(leg.amount * rate, base_currency)) for leg in legs]
    rest = -sum((leg.base_amount for leg in converted), Decimal(0))  # type: ignore[misc]
    converted.append(replace(balancing, base_amount=round_money(rest, base_currency)))
    merged: dict[tuple[str, str | None], list[Decimal]] = {}
    for leg in converted:
        slot = merged.setdefault((leg.account_id, leg.description), [Decimal(0), Decimal(0)])
        slot[0] += leg.amount
        slot[1] += leg.base_amount  # type: ignore[operator]
    lines = [_line(account, description, amount, base, currency, base_currency)
             for (account, description), (amount, base) in merged.items() if base != 0]
    if lines:
        assert_balanced(lines)
    return lines


def _line(account_id: str, description: str | None, amount: Decimal, base: Decimal, currency: str,
          base_currency: str) -> JournalLine:
    zero = round_money(Decimal(0), base_currency)
    side_amount = abs(round_money(amount, currency))
    if base > 0:
        return JournalLine(account_id, base, zero, currency, side_amount, description)
    return JournalLine(account_id, zero, -base, currency, side_amount, description)


def reversed_lines(lines: Sequence[JournalLine]) -> list[JournalLine]:
    """The mirror entry: every debit becomes a credit of the same amounts and vice versa."""
    return [replace(line, debit=line.credit, credit=line.debit) for line in lines]
