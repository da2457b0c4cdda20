"""Document life cycles: which operation is allowed in which state, and dates that lock periods."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from ledgerline.domain.errors import Conflict


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    OVERDUE = "overdue"
    VOIDED = "voided"


class PeriodLocked(Conflict):
    code = "period_locked"


class PeriodClosed(Conflict):
    code = "period_closed"


class InvalidState(Conflict):
    code = "invalid_state"


def effective_status(status: str, due_date: date | None, amount_due_positive: bool, today: date) -> InvoiceStatus:
    """`overdue` is read, not stored by writes: an open invoice past its due date with money due."""
    if status == InvoiceStatus.AWAITING_PAYMENT and due_date is not None and due_date < today and amount_due_positive:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus(status)


def require_status(noun: str, status: str, allowed: tuple[str, ...], action: str) -> None:
    if status not in allowed:
        article = "an" if noun[0] in "aeiou" else "a"
        raise InvalidState(f"Cannot {action} {article} {noun} that is {status.replace('_', ' ')}", param="status")


def check_open_period(day: date, lock_date: date | None, *, param: str = "date") -> None:
    if lock_date is not None and day <= lock_date:
        raise PeriodLocked(f"The books are locked up to {lock_date.isoformat()}; {param} {day.isoformat()} "
                           "falls in a locked period", param=param)


def settlement_date_error(day: date, issue_date: date) -> str | None:
    """Why money dated `day` cannot settle an invoice issued on `issue_date`, or None when it can.

    Settling an invoice before its issue date would leave the receivable negative in between."""
    if day < issue_date:
        return f"is issued {issue_date.isoformat()}, after {day.isoformat()}; it cannot be settled before it is issued"
    return None
