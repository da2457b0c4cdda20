"""Between a stored invoice and its life cycle: read its state for the domain's aggregate, and take back the
state a transition returned (status, amounts, `paid_at`). Services decide nothing about status or amounts
themselves; `ledgerline.domain.documents.invoice` and `.settlement` do."""

from __future__ import annotations

from datetime import datetime

from ledgerline.domain.documents.base import Transition
from ledgerline.domain.documents.invoice import InvoiceState, InvoiceStatus
from ledgerline.store.documents import Invoice


def state_of(invoice: Invoice) -> InvoiceState:
    return InvoiceState(
        status=invoice.status,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        total=invoice.total,
        amount_paid=invoice.amount_paid,
        amount_credited=invoice.amount_credited,
        amount_due=invoice.amount_due,
    )


def adopt(invoice: Invoice, transition: Transition[InvoiceState], now: datetime) -> str:
    """Write the transition's state onto the invoice (stamping `paid_at` when it became paid and clearing
    it when it reopened); returns the event type to record."""
    state = transition.state
    was_paid = invoice.status == InvoiceStatus.PAID
    invoice.status = state.status
    invoice.amount_paid, invoice.amount_credited = state.amount_paid, state.amount_credited
    invoice.amount_due = state.amount_due
    if state.status == InvoiceStatus.PAID and not was_paid:
        invoice.paid_at = now
    elif state.status != InvoiceStatus.PAID and was_paid:
        invoice.paid_at = None
    invoice.updated_at = now
    return transition.event
