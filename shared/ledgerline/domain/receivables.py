"""What an invoice owed on any day: its posting less the dated settlements booked against it.

Every document that moves an invoice's receivable (a receipt or an allocation of credit, a credit note, a
receipt reversal, a void) adds a `Movement` to the invoice, dated like its journal entry, with the base
amount it booked. So the invoice's part of the receivable account at the end of any day is its base total
less the movements dated up to that day: aged receivables as of a past date add these up, and always
equal the receivable account's balance at that date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Movement:
    """A change to what an invoice owes, dated: positive amounts settle, negative ones reopen."""

    day: date
    amount: Decimal
    base_amount: Decimal


@dataclass(frozen=True)
class Outstanding:
    amount: Decimal
    base_amount: Decimal

    def __bool__(self) -> bool:
        return bool(self.amount or self.base_amount)


def outstanding_at(*, issue_date: date, total: Decimal, base_total: Decimal, movements: Sequence[Movement],
                   day: date) -> Outstanding:
    """What the invoice owed at the end of `day` (nothing before it was issued)."""
    if day < issue_date:
        return Outstanding(Decimal(0), Decimal(0))
    settled = [m for m in movements if m.day <= day]
    return Outstanding(total - sum((m.amount for m in settled), Decimal(0)),
                       base_total - sum((m.base_amount for m in settled), Decimal(0)))


def closed_on(*, issue_date: date, total: Decimal, base_total: Decimal, movements: Sequence[Movement]) -> date | None:
    """The first day from which the invoice owes nothing for good, or None while it still owes something.

    Settlements may be dated in any order (and a reversal reopens), so this is the day after which every
    later day's outstanding amount is zero, not simply the date of the last payment."""
    days = sorted({issue_date, *(m.day for m in movements if m.day > issue_date)})
    closed: date | None = None
    for day in days:
        owed = outstanding_at(issue_date=issue_date, total=total, base_total=base_total, movements=movements, day=day)
        if owed:
            closed = None
        elif closed is None:
            closed = day
    return closed
