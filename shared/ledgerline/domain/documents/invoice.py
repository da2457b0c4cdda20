"""The invoice's life cycle: draft → awaiting payment → (overdue) → paid, or voided while nothing is settled.

"Open" (waiting for money) and "overdue" (open, past its due date with money due) are defined here once;
the store's open-invoice index, the list filters, the API's status and the dunning job derive from them.
Settlement (payments and credits) is `ledgerline.domain.documents.settlement`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from ledgerline.domain.documents.base import InvalidState, Transition, invalid, require_status
from ledgerline.domain.events import EventType

NOUN = "invoice"


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    OVERDUE = "overdue"
    VOIDED = "voided"


# Open: posted and still waiting for money, whether or not past its due date (`overdue` is stored by the
# dunning job, and derived from the due date when read). Closed: owes nothing for good.
OPEN_STATUSES: tuple[str, ...] = (InvoiceStatus.AWAITING_PAYMENT.value, InvoiceStatus.OVERDUE.value)
CLOSED_STATUSES: tuple[str, ...] = (InvoiceStatus.PAID.value, InvoiceStatus.VOIDED.value)
# An invoice may be sent, and credited, once posted and until voided.
SENDABLE_STATUSES: tuple[str, ...] = (*OPEN_STATUSES, InvoiceStatus.PAID.value)
CREDITABLE_STATUSES: tuple[str, ...] = SENDABLE_STATUSES
INVOICE_OPEN_STATUSES = OPEN_STATUSES  # the name the list filters used

# `status=open` in a list: an invoice that still waits for money, whether or not it is past its due date.
OPEN_STATUS_FILTER = "open"
INVOICE_STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    **{status.value: (status.value,) for status in InvoiceStatus},
    OPEN_STATUS_FILTER: OPEN_STATUSES,
}


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def is_closed(status: str) -> bool:
    return status in CLOSED_STATUSES


def overdue_cutoff(day: date, grace_days: int = 0) -> date:
    """Due dates before this day are past due on `day` (after `grace_days` of grace)."""
    return day - timedelta(days=grace_days)


def is_overdue(due_date: date, amount_due: Decimal, day: date, grace_days: int = 0) -> bool:
    """Past due on `day`: the due date (plus any grace) has passed and money is still due."""
    return due_date < overdue_cutoff(day, grace_days) and amount_due > 0


def effective_status(status: str, due_date: date | None, amount_due_positive: bool, today: date,
                     grace_days: int = 0) -> InvoiceStatus:
    """`overdue` is read from the due date, whatever is stored: an open invoice past its due date with
    money due. The reminders job stores `overdue` for the day it runs; an invoice stored `overdue` that is
    not past its due date today (a run for a later day marked it) still reads as awaiting payment."""
    if not is_open(status):
        return InvoiceStatus(status)
    if due_date is not None and due_date < overdue_cutoff(today, grace_days) and amount_due_positive:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.AWAITING_PAYMENT


@dataclass(frozen=True)
class InvoiceState:
    """What the life cycle needs of an invoice: its status, dates and amounts (in its currency)."""

    status: str
    issue_date: date
    due_date: date
    total: Decimal
    amount_paid: Decimal
    amount_credited: Decimal
    amount_due: Decimal

    @property
    def settled(self) -> Decimal:
        return self.amount_paid + self.amount_credited

    def is_open(self) -> bool:
        return is_open(self.status)

    def overdue_on(self, day: date, grace_days: int = 0) -> bool:
        return self.is_open() and is_overdue(self.due_date, self.amount_due, day, grace_days)


def require(state: InvoiceState, allowed: tuple[str, ...], action: str) -> None:
    require_status(NOUN, state.status, allowed, action)


def check_draft(state: InvoiceState, action: str) -> None:
    """Only a draft may be edited, deleted or posted."""
    require(state, (InvoiceStatus.DRAFT.value,), action)


def post(state: InvoiceState) -> Transition[InvoiceState]:
    """Draft → awaiting payment (paid at once when it owes nothing)."""
    check_draft(state, "post")
    zero = state.total * 0
    status = InvoiceStatus.PAID if state.total == 0 else InvoiceStatus.AWAITING_PAYMENT
    return Transition(replace(state, status=status.value, amount_paid=zero, amount_credited=zero,
                              amount_due=state.total), EventType.INVOICE_POSTED)


def void(state: InvoiceState, day: date) -> Transition[InvoiceState]:
    """Open → voided: only with nothing paid or credited, and not dated before the issue date."""
    require(state, OPEN_STATUSES, "void")
    if state.amount_paid or state.amount_credited:
        raise InvalidState("Cannot void an invoice with payments or credit notes; reverse those first", param="status")
    if day < state.issue_date:
        raise invalid("date", "a void cannot be dated before the invoice's issue date")
    return Transition(replace(state, status=InvoiceStatus.VOIDED.value, amount_due=state.total * 0),
                      EventType.INVOICE_VOIDED)


def send(state: InvoiceState) -> Transition[InvoiceState]:
    """Sending changes no status: posted and not voided."""
    require(state, SENDABLE_STATUSES, "send")
    return Transition(state, EventType.INVOICE_SENT)


def mark_overdue(state: InvoiceState, day: date, grace_days: int = 0) -> Transition[InvoiceState] | None:
    """Awaiting payment → overdue, once the invoice is overdue on `day`; None when it is stored overdue
    already (the event is emitted once per transition)."""
    if not state.overdue_on(day, grace_days):
        raise InvalidState(f"The invoice is not overdue on {day.isoformat()} (due {state.due_date.isoformat()})",
                           param="date", code="not_overdue")
    if state.status == InvoiceStatus.OVERDUE:
        return None
    return Transition(replace(state, status=InvoiceStatus.OVERDUE.value), EventType.INVOICE_OVERDUE)
