"""Refunds: which customer credit a refund pays out, and what a customer owes and holds.

Pure: callers pass in the credit-holding documents and open invoices they read, and today's date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledgerline.domain.documents.invoice import is_overdue
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import Conversion, part_base

MAX_SOURCES = 25  # credit documents one refund may draw on (one transaction stays far below 100 items)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


@dataclass(frozen=True)
class Credit:
    """Unallocated customer credit held by one receipt or credit note, booked at `rate`."""

    source_type: str  # "receipt" or "credit_note"
    source_id: str
    date: date
    currency: str
    unallocated: Decimal
    rate: Decimal
    # What the unallocated credit is worth in the base currency as booked (receipts keep it); the take
    # that uses the last of it takes all of it, so no residue stays in customer credit. None: convert.
    held_base: Decimal | None = None

    def base_held(self, base_currency: str) -> Decimal:
        if self.held_base is not None:
            return self.held_base
        return round_money(self.unallocated * self.rate, base_currency)


@dataclass(frozen=True)
class Take:
    """Part of one credit a refund pays out, in the credit's currency and in the base currency."""

    credit: Credit
    amount: Decimal
    base_amount: Decimal


def take_credit(credits: Sequence[Credit], *, amount: Decimal, currency: str, day: date, base_currency: str,
                named_source: bool = False) -> list[Take]:
    """Draw `amount` from the credits, oldest first: only credit in the refund's currency that existed on
    the refund's date counts. Customer credit leaves the books at the rate it was booked at.

    With a named source (one credit), a currency or date mismatch is an error of its own; without,
    the refund is checked against everything the customer holds in that currency.
    """
    if named_source:
        (credit,) = credits
        noun = credit.source_type.replace("_", " ")
        if credit.currency != currency:
            raise _invalid("currency", f"the {noun}'s credit is in {credit.currency}, not {currency}")
        if day < credit.date:
            raise _invalid("date", f"a refund cannot be dated before its {noun} ({credit.date.isoformat()})")
        if amount > credit.unallocated:
            held = round_money(credit.unallocated, currency)
            raise _invalid("amount", f"{amount} is more than the {noun}'s unallocated credit of {held}")
    else:
        held_currencies = sorted({c.currency for c in credits if c.unallocated > 0})
        if held_currencies and currency not in held_currencies:
            raise _invalid("currency", f"the customer's credit is in {', '.join(held_currencies)}, not {currency}")
        available = sum((c.unallocated for c in credits if c.currency == currency and c.date <= day), Decimal(0))
        if amount > available:
            held = round_money(available, currency)
            raise _invalid("amount", f"{amount} is more than the customer's available credit of {held} {currency}"
                                     f" on {day.isoformat()}")
    takes: list[Take] = []
    rest = amount
    for credit in sorted(credits, key=lambda c: (c.date, c.source_id)):
        if rest <= 0:
            break
        if credit.currency != currency or credit.date > day or credit.unallocated <= 0:
            continue
        part = min(rest, credit.unallocated)
        base = part_base(amount=part, remaining=credit.unallocated, remaining_base=credit.base_held(base_currency),
                         conversion=Conversion(credit.currency, base_currency, credit.rate))
        takes.append(Take(credit, part, base))
        rest -= part
    if len(takes) > MAX_SOURCES:
        raise _invalid("amount", f"would draw on more than {MAX_SOURCES} credit documents; refund in parts or "
                                 "name a receipt_id or credit_note_id")
    return takes


# ------------------------------------------------------------------------------------ party balance


@dataclass(frozen=True)
class OpenInvoice:
    currency: str
    amount_due: Decimal
    base_due: Decimal  # the receivable still booked for it, in the base currency
    due_date: date


@dataclass(frozen=True)
class Totals:
    currency: str
    receivable: Decimal
    credit: Decimal
    overdue: Decimal


def party_totals(invoices: Sequence[OpenInvoice], credits: Sequence[Credit], *, base_currency: str,
                 today: date) -> tuple[Totals, list[Totals]]:
    """What a customer owes (receivable: amount due on open invoices; overdue: the part past its due
    date) and holds (unallocated credit), in the base currency and per document currency."""
    zero = Decimal(0)
    per: dict[str, list[Decimal]] = {}
    base = [zero, zero, zero]
    for invoice in invoices:
        if invoice.amount_due <= 0:
            continue
        slot = per.setdefault(invoice.currency, [zero, zero, zero])
        overdue = is_overdue(invoice.due_date, invoice.amount_due, today)
        slot[0] += invoice.amount_due
        base[0] += invoice.base_due
        if overdue:
            slot[2] += invoice.amount_due
            base[2] += invoice.base_due
    for credit in credits:
        if credit.unallocated <= 0:
            continue
        per.setdefault(credit.currency, [zero, zero, zero])[1] += credit.unallocated
        base[1] += credit.base_held(base_currency)

    def totals(currency: str, values: list[Decimal]) -> Totals:
        receivable, credit, overdue = (round_money(v, currency) for v in values)
        return Totals(currency, receivable, credit, overdue)

    return totals(base_currency, base), [totals(c, v) for c, v in sorted(per.items())]
