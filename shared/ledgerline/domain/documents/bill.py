"""The supplier bill's life cycle (issue 15): draft → awaiting payment → (overdue) → paid, or voided while
nothing is settled.

A bill is the invoice's mirror on the purchase side: the same statuses, the same meaning of open and overdue
and the same state (`invoice.InvoiceState`: its bill date is the state's `issue_date`), so settling it
(supplier payments, supplier credit notes) is `ledgerline.domain.documents.settlement`, not a copy of it.
What differs is the events a transition emits (`bill.*`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ledgerline.domain.documents.base import InvalidState, Transition, invalid, require_status
from ledgerline.domain.documents.invoice import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    InvoiceState,
    InvoiceStatus,
    effective_status,
    is_open,
)
from ledgerline.domain.events import EventType

NOUN = "bill"

BillStatus = InvoiceStatus  # draft, awaiting_payment, overdue, paid, voided
BillState = InvoiceState  # status, bill date (`issue_date`), due date, total, paid, credited, due

BILL_OPEN_STATUSES = OPEN_STATUSES
BILL_CLOSED_STATUSES = CLOSED_STATUSES

OPEN_STATUS_FILTER = "open"
BILL_STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    **{status.value: (status.value,) for status in BillStatus},
    OPEN_STATUS_FILTER: OPEN_STATUSES,
}

__all__ = ["BILL_STATUS_FILTERS", "BillState", "BillStatus", "check_draft", "effective_status", "is_open",
           "post", "void"]


def check_draft(state: BillState, action: str) -> None:
    """Only a draft may be edited, deleted or posted."""
    require_status(NOUN, state.status, (BillStatus.DRAFT.value,), action)


def post(state: BillState) -> Transition[BillState]:
    """Draft → awaiting payment (paid at once when it owes nothing)."""
    check_draft(state, "post")
    zero = state.total * 0
    status = BillStatus.PAID if state.total == 0 else BillStatus.AWAITING_PAYMENT
    return Transition(replace(state, status=status.value, amount_paid=zero, amount_credited=zero,
                              amount_due=state.total), EventType.BILL_POSTED)


def void(state: BillState, day: date) -> Transition[BillState]:
    """Open → voided: only with nothing paid or credited, and not dated before the bill date."""
    require_status(NOUN, state.status, OPEN_STATUSES, "void")
    if state.amount_paid or state.amount_credited:
        raise InvalidState("Cannot void a bill with payments or credit notes; reverse those first", param="status")
    if day < state.issue_date:
        raise invalid("date", "a void cannot be dated before the bill date")
    return Transition(replace(state, status=BillStatus.VOIDED.value, amount_due=state.total * 0),
                      EventType.BILL_VOIDED)
