"""Document life cycles: which operation is allowed in which state, and dates that lock periods."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from ledgerline.domain.errors import Conflict, FieldIssue, ValidationFailed


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


# `status=open` in a list: an invoice that still waits for money, whether or not it is past its due date.
OPEN_STATUS_FILTER = "open"
INVOICE_OPEN_STATUSES = (InvoiceStatus.AWAITING_PAYMENT.value, InvoiceStatus.OVERDUE.value)
INVOICE_STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    **{status.value: (status.value,) for status in InvoiceStatus},
    OPEN_STATUS_FILTER: INVOICE_OPEN_STATUSES,
}

# Receipts and journal entries are posted, and may be reversed.
POSTED_STATUS_FILTERS: dict[str, tuple[str, ...]] = {"posted": ("posted",), "reversed": ("reversed",)}


def effective_status(status: str, due_date: date | None, amount_due_positive: bool, today: date) -> InvoiceStatus:
    """`overdue` is read from the due date, whatever is stored: an open invoice past its due date with
    money due. The reminders job stores `overdue` for the day it runs; an invoice stored `overdue` that is
    not past its due date today (a run for a later day marked it) still reads as awaiting payment."""
    if status not in INVOICE_OPEN_STATUSES:
        return InvoiceStatus(status)
    if due_date is not None and due_date < today and amount_due_positive:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.AWAITING_PAYMENT


def status_filter(values: list[str], filters: dict[str, tuple[str, ...]], *,
                  param: str = "status") -> frozenset[str] | None:
    """The statuses a list's `status` parameter asks for: repeated (`status=a&status=b`) or comma-separated
    (`status=a,b`), each a status or a group such as `open`. None when not given (no filter)."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        return None
    unknown = [name for name in names if name not in filters]
    if unknown:
        message = f"unknown status '{unknown[0]}'; use one or more of {', '.join(filters)}"
        raise ValidationFailed(f"{param}: {message}", param=param, details=[FieldIssue(param, message)])
    return frozenset(status for name in names for status in filters[name])


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
