"""VAT periods (bexio's `accounting/vat_periods`): a tenant's tax reporting periods, `open` → `closed`
(→ `open` again by reopening). Pure rules: a period's range, no two periods overlap, the life cycle, the
settlement entry of a close, and the lock a closed period puts on tax-affecting postings dated in it.

The settlement (DESIGN.md section 11): each tax account is debited with the output tax its codes moved in
the period and credited with the input tax, so the period's tax movement leaves the tax accounts; the
difference goes to the VAT settlement account (credited when payable, debited when refundable).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledgerline.domain.documents.base import InvalidState, Transition
from ledgerline.domain.errors import Conflict, FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import JournalLine

OPEN, CLOSED = "open", "closed"
STATUSES = (OPEN, CLOSED)
MAX_DAYS = 366  # a VAT period is at most a year (monthly, quarterly, half-yearly or yearly returns)


class VatPeriodOverlaps(Conflict):
    code = "vat_period_overlaps"


class VatPeriodClosed(Conflict):
    """A tax-affecting posting dated in a closed VAT period."""

    code = "vat_period_closed"


@dataclass(frozen=True)
class Span:
    """A VAT period's id, range (both days included) and status, as the tenant keeps them."""

    id: str
    start: date
    end: date
    status: str

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def check_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed("to: must not be before 'from'", param="to",
                               details=[FieldIssue("to", "must not be before 'from'")])
    if (end - start).days >= MAX_DAYS:
        raise ValidationFailed(f"to: a VAT period is at most {MAX_DAYS} days", param="to",
                               details=[FieldIssue("to", f"a VAT period is at most {MAX_DAYS} days")])


def check_no_overlap(spans: Iterable[Span], start: date, end: date) -> None:
    for span in spans:
        if span.start <= end and start <= span.end:
            raise VatPeriodOverlaps(f"The VAT period {span.id} ({span.start.isoformat()} to {span.end.isoformat()}) "
                                    "overlaps this one", param="from")


def close(status: str) -> Transition[str]:
    if status != OPEN:
        raise InvalidState(f"Cannot close a VAT period that is {status}", param="status")
    return Transition(CLOSED, EventType.VAT_PERIOD_CLOSED)


def reopen(status: str) -> Transition[str]:
    if status != CLOSED:
        raise InvalidState(f"Cannot reopen a VAT period that is {status}", param="status")
    return Transition(OPEN, EventType.VAT_PERIOD_REOPENED)


def check_open_for_tax(spans: Iterable[Span], day: date, *, param: str = "date") -> None:
    """Refuse a tax-affecting posting (an invoice, credit note or bill; a journal entry line on a tax
    account) dated in a closed VAT period: 409 `vat_period_closed` naming the date's field."""
    for span in spans:
        if span.status == CLOSED and span.holds(day):
            raise VatPeriodClosed(f"{param} {day.isoformat()} falls in the closed VAT period {span.id} "
                                  f"({span.start.isoformat()} to {span.end.isoformat()})", param=param)


def settlement_lines(output_by_account: Mapping[str, Decimal], input_by_account: Mapping[str, Decimal],
                     settlement_account: str, currency: str, description: str) -> list[JournalLine]:
    """The close's entry in the base currency: debit each account's output tax, credit its input tax (one
    line per account, its net), and the difference (output − input) to the settlement account. Balanced by
    construction; no lines when everything is zero."""
    net_by_account: dict[str, Decimal] = {}
    for account, amount in output_by_account.items():
        net_by_account[account] = net_by_account.get(account, Decimal(0)) + amount
    for account, amount in input_by_account.items():
        net_by_account[account] = net_by_account.get(account, Decimal(0)) - amount
    lines = [_line(account, amount, currency, description) for account, amount in net_by_account.items() if amount]
    payable = sum(output_by_account.values(), Decimal(0)) - sum(input_by_account.values(), Decimal(0))
    if payable:
        lines.append(_line(settlement_account, -payable, currency, description))
    return lines


def _line(account: str, amount: Decimal, currency: str, description: str) -> JournalLine:
    """A positive amount is a debit, a negative one a credit."""
    debit, credit = (amount, Decimal(0)) if amount > 0 else (Decimal(0), -amount)
    return JournalLine(account, debit, credit, currency, debit + credit, description)
