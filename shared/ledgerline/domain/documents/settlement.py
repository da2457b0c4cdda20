"""Settlement: money or credit applied to a document that is owed (an invoice; later a supplier bill), and
undoing it; and credit a document holds (a receipt's or credit note's unallocated amount) drawn on by
allocations and refunds, and given back. One rule for receipts, credit notes, allocations and refunds.

Pure: amounts are in the document's currency; base-currency values stay with the posting rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ledgerline.domain.documents.base import InvalidState, Transition, invalid
from ledgerline.domain.documents.invoice import (
    CREDITABLE_STATUSES,
    OPEN_STATUSES,
    InvoiceState,
    InvoiceStatus,
    require,
)
from ledgerline.domain.events import EventType


class By(StrEnum):
    """What settles a document: a payment (receipt, allocation of its credit) or a credit (credit note)."""

    PAYMENT = "payment"
    CREDIT = "credit"


def settlement_date_error(day: date, issue_date: date) -> str | None:
    """Why money dated `day` cannot settle an invoice issued on `issue_date`, or None when it can.

    Settling an invoice before its issue date would leave the receivable negative in between."""
    if day < issue_date:
        return f"is issued {issue_date.isoformat()}, after {day.isoformat()}; it cannot be settled before it is issued"
    return None


def settlement_error(state: InvoiceState, day: date) -> str | None:
    """Why the document cannot be settled on `day` at all (not open, or not issued yet), or None."""
    if not state.is_open():
        return f"is {state.status.replace('_', ' ')}, not open"
    return settlement_date_error(day, state.issue_date)


def excess_error(state: InvoiceState, amount: Decimal, shown_due: Decimal | None = None) -> str | None:
    """Why `amount` is too much to settle (more than is due), or None; `shown_due` is the amount due as
    the message shows it (rounded to the currency)."""
    if amount > state.amount_due:
        return f"{amount} is more than the {state.amount_due if shown_due is None else shown_due} due"
    return None


def settle(state: InvoiceState, amount: Decimal, day: date, by: By = By.PAYMENT) -> Transition[InvoiceState]:
    """Apply `amount` to an open document: not more than is due, not dated before its issue. It is paid
    once nothing is due. The event: `invoice.paid` when it became paid, else `invoice.updated`."""
    require(state, OPEN_STATUSES, "settle")
    if (reason := settlement_date_error(day, state.issue_date)) is not None:
        raise invalid("date", f"the invoice {reason}")
    if amount <= 0:
        raise invalid("amount", "must be positive")
    if (reason := excess_error(state, amount)) is not None:
        raise invalid("amount", reason)
    paid = state.amount_paid + (amount if by == By.PAYMENT else 0)
    credited = state.amount_credited + (amount if by == By.CREDIT else 0)
    due = state.amount_due - amount
    status = InvoiceStatus.PAID.value if due == 0 else state.status
    new = replace(state, status=status, amount_paid=paid, amount_credited=credited, amount_due=due)
    return Transition(new, EventType.INVOICE_PAID if status == InvoiceStatus.PAID else EventType.INVOICE_UPDATED)


def unsettle(state: InvoiceState, amount: Decimal, by: By = By.PAYMENT) -> Transition[InvoiceState]:
    """Undo (part of) a settlement (a receipt reversed): what it paid is due again and a paid document
    reopens (awaiting payment; `overdue` is derived from its due date)."""
    require(state, (*OPEN_STATUSES, InvoiceStatus.PAID.value), "reopen")
    settled = state.amount_paid if by == By.PAYMENT else state.amount_credited
    if amount <= 0 or amount > settled:
        raise InvalidState(f"Cannot undo {amount} of the {settled} {'paid' if by == By.PAYMENT else 'credited'}",
                           param="amount")
    paid = state.amount_paid - (amount if by == By.PAYMENT else 0)
    credited = state.amount_credited - (amount if by == By.CREDIT else 0)
    status = InvoiceStatus.AWAITING_PAYMENT.value if state.status == InvoiceStatus.PAID else state.status
    new = replace(state, status=status, amount_paid=paid, amount_credited=credited,
                  amount_due=state.amount_due + amount)
    return Transition(new, EventType.INVOICE_UPDATED)


def check_creditable(state: InvoiceState, day: date) -> None:
    """A credit note may credit a posted invoice that is not voided, not dated before its issue."""
    require(state, CREDITABLE_STATUSES, "credit")
    if day < state.issue_date:
        raise invalid("date", "a credit note cannot be dated before its invoice")


def credit(state: InvoiceState, total: Decimal, day: date) -> tuple[Transition[InvoiceState], Decimal]:
    """A credit note of `total` for the invoice: it settles what it can of the amount due (the rest is
    customer credit). Returns the invoice's transition and the amount applied. Only a posted invoice
    that is not voided is credited, not before its issue date."""
    check_creditable(state, day)
    if total <= 0:
        raise invalid("lines", "a credit note must credit a positive amount")
    applied = min(total, state.amount_due)
    if applied <= 0:
        return Transition(state, EventType.INVOICE_UPDATED), applied
    return settle(state, applied, day, By.CREDIT), applied


# ------------------------------------------------------------------------------------- held credit


@dataclass(frozen=True)
class HeldCredit:
    """Credit a receipt or credit note holds: `unallocated` is left, `refunded` was paid back out."""

    unallocated: Decimal
    refunded: Decimal = Decimal(0)


def draw(held: HeldCredit, amount: Decimal, *, refund: bool) -> HeldCredit:
    """Take `amount` of the held credit (an allocation to invoices, or a refund): never more than is held."""
    if amount < 0 or amount > held.unallocated:
        raise invalid("amount", f"{amount} is more than the unallocated {held.unallocated}")
    return HeldCredit(held.unallocated - amount, held.refunded + (amount if refund else 0))


def restore(held: HeldCredit, amount: Decimal) -> HeldCredit:
    """Give back credit a refund took (the refund reversed)."""
    if amount < 0 or amount > held.refunded:
        raise InvalidState(f"Cannot give back {amount}: only {held.refunded} was refunded", param="amount")
    return HeldCredit(held.unallocated + amount, held.refunded - amount)
