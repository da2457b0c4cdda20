"""The document life cycles' guards, derived states and events (issue 12, item 1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledgerline.domain import dunning
from ledgerline.domain.documents import INVOICE_STATUS_FILTERS, InvalidState, effective_status, posted, settlement
from ledgerline.domain.documents import invoice as inv
from ledgerline.domain.documents import reminder as rem
from ledgerline.domain.documents.invoice import InvoiceState, InvoiceStatus
from ledgerline.domain.errors import ValidationFailed
from ledgerline.store.documents import Invoice

# The event family of each posted kind, as the catalogue spells it
PREFIX = {"receipt": "receipt", "refund": "refund", "journal entry": "journal_entry", "credit note": "credit_note"}

ISSUE, DUE = date(2026, 3, 1), date(2026, 3, 15)


def draft(total: str = "100.00") -> InvoiceState:
    zero = Decimal("0.00")
    return InvoiceState(InvoiceStatus.DRAFT.value, ISSUE, DUE, Decimal(total), zero, zero, Decimal(total))


def posted_invoice(total: str = "100.00") -> InvoiceState:
    return inv.post(draft(total)).state


def test_open_and_overdue_are_defined_once() -> None:
    assert Invoice.OPEN_STATUSES is inv.OPEN_STATUSES and Invoice.CLOSED_STATUSES is inv.CLOSED_STATUSES
    assert INVOICE_STATUS_FILTERS["open"] == inv.OPEN_STATUSES
    assert dunning.is_overdue(DUE, Decimal(1), DUE + timedelta(days=1))
    assert not dunning.is_overdue(DUE, Decimal(1), DUE + timedelta(days=1), grace_days=1)


def test_overdue_with_a_grace_period() -> None:
    state = posted_invoice()
    assert state.overdue_on(DUE + timedelta(days=1))
    assert not state.overdue_on(DUE + timedelta(days=3), grace_days=3)
    assert state.overdue_on(DUE + timedelta(days=4), grace_days=3)
    assert effective_status("awaiting_payment", DUE, True, DUE + timedelta(days=3), grace_days=3) == "awaiting_payment"
    assert effective_status("awaiting_payment", DUE, True, DUE + timedelta(days=4), grace_days=3) == "overdue"
    assert not settlement.settle(state, Decimal("100.00"), DUE).state.overdue_on(DUE + timedelta(days=30))


def test_post_only_a_draft_and_a_zero_invoice_is_paid_at_once() -> None:
    posted_state = inv.post(draft())
    assert (posted_state.state.status, posted_state.event) == ("awaiting_payment", "invoice.posted")
    assert inv.post(draft("0.00")).state.status == "paid"
    with pytest.raises(InvalidState, match="Cannot post an invoice that is awaiting payment"):
        inv.post(posted_state.state)


def test_void_only_open_with_nothing_settled_and_not_before_issue() -> None:
    state = posted_invoice()
    voided = inv.void(state, ISSUE)
    assert (voided.state.status, voided.state.amount_due, voided.event) == ("voided", Decimal("0.00"), "invoice.voided")
    with pytest.raises(ValidationFailed) as raised:
        inv.void(state, ISSUE - timedelta(days=1))
    assert raised.value.param == "date"
    with pytest.raises(InvalidState, match="payments or credit notes"):
        inv.void(settlement.settle(state, Decimal("1.00"), ISSUE).state, ISSUE)
    with pytest.raises(InvalidState, match="Cannot void an invoice that is draft"):
        inv.void(draft(), ISSUE)
    with pytest.raises(InvalidState):
        inv.void(voided.state, ISSUE)


def test_settle_and_undo() -> None:
    state = posted_invoice()
    part = settlement.settle(state, Decimal("40.00"), ISSUE)
    assert (part.state.amount_paid, part.state.amount_due, part.event) == (Decimal("40.00"), Decimal("60.00"),
                                                                          "invoice.updated")
    full = settlement.settle(part.state, Decimal("60.00"), ISSUE)
    assert (full.state.status, full.state.amount_due, full.event) == ("paid", Decimal("0.00"), "invoice.paid")
    reopened = settlement.unsettle(full.state, Decimal("60.00"))
    assert (reopened.state.status, reopened.state.amount_due) == ("awaiting_payment", Decimal("60.00"))
    with pytest.raises(ValidationFailed, match="more than the 100.00 due"):
        settlement.settle(state, Decimal("100.01"), ISSUE)
    with pytest.raises(ValidationFailed, match="cannot be settled before it is issued"):
        settlement.settle(state, Decimal("1.00"), ISSUE - timedelta(days=1))
    with pytest.raises(InvalidState):
        settlement.settle(full.state, Decimal("1.00"), ISSUE)
    with pytest.raises(InvalidState):
        settlement.unsettle(state, Decimal("1.00"))  # nothing was paid
    assert settlement.settlement_error(full.state, ISSUE) == "is paid, not open"
    assert settlement.excess_error(state, Decimal("100.01"), Decimal("100.00")) == "100.01 is more than the 100.00 due"


def test_a_credit_applies_what_is_due_and_the_rest_is_credit() -> None:
    state = settlement.settle(posted_invoice(), Decimal("70.00"), ISSUE).state
    credited, applied = settlement.credit(state, Decimal("50.00"), ISSUE)
    assert applied == Decimal("30.00")
    assert (credited.state.status, credited.state.amount_credited, credited.event) == ("paid", Decimal("30.00"),
                                                                                     "invoice.paid")
    again, none = settlement.credit(credited.state, Decimal("5.00"), ISSUE)  # a paid invoice may be credited
    assert none == 0 and again.state == credited.state and again.event == "invoice.updated"
    with pytest.raises(ValidationFailed, match="before its invoice"):
        settlement.credit(state, Decimal("5.00"), ISSUE - timedelta(days=1))
    with pytest.raises(InvalidState, match="Cannot credit an invoice that is voided"):
        settlement.credit(inv.void(posted_invoice(), ISSUE).state, Decimal("5.00"), ISSUE)


def test_held_credit_is_drawn_and_given_back() -> None:
    held = settlement.draw(settlement.HeldCredit(Decimal("50.00")), Decimal("20.00"), refund=True)
    assert held == settlement.HeldCredit(Decimal("30.00"), Decimal("20.00"))
    assert settlement.restore(held, Decimal("20.00")) == settlement.HeldCredit(Decimal("50.00"), Decimal("0.00"))
    with pytest.raises(ValidationFailed):
        settlement.draw(held, Decimal("30.01"), refund=False)
    with pytest.raises(InvalidState):
        settlement.restore(held, Decimal("20.01"))


def test_mark_overdue_once() -> None:
    state = posted_invoice()
    with pytest.raises(InvalidState) as raised:
        inv.mark_overdue(state, DUE)
    assert raised.value.code == "not_overdue"
    marked = inv.mark_overdue(state, DUE + timedelta(days=1))
    assert marked is not None and (marked.state.status, marked.event) == ("overdue", "invoice.overdue")
    assert inv.mark_overdue(marked.state, DUE + timedelta(days=2)) is None


@pytest.mark.parametrize("kind", [posted.RECEIPT, posted.REFUND, posted.JOURNAL_ENTRY])
def test_posted_documents_reverse_once_and_not_before_their_date(kind: posted.PostedKind) -> None:
    created = posted.post(kind, ISSUE)
    assert created.event == f"{PREFIX[kind.noun]}.posted"
    reversed_ = posted.reverse(kind, created.state, ISSUE)
    assert (reversed_.state.status, reversed_.event) == ("reversed", f"{PREFIX[kind.noun]}.reversed")
    with pytest.raises(InvalidState, match="already reversed"):
        posted.reverse(kind, reversed_.state, ISSUE)
    with pytest.raises(ValidationFailed, match="a reversal cannot be dated before"):
        posted.reverse(kind, created.state, ISSUE - timedelta(days=1))


def test_a_receipt_with_refunded_credit_is_not_reversed_and_a_reversed_one_not_allocated() -> None:
    state = posted.PostedState("posted", ISSUE, refunded=Decimal("5.00"))
    with pytest.raises(InvalidState, match="refunded"):
        posted.reverse(posted.RECEIPT, state, ISSUE)
    with pytest.raises(InvalidState, match="Cannot allocate a reversed receipt"):
        posted.allocate(posted.RECEIPT, posted.PostedState("reversed", ISSUE), ISSUE)
    with pytest.raises(ValidationFailed):
        posted.allocate(posted.RECEIPT, state, ISSUE - timedelta(days=1))
    with pytest.raises(InvalidState):
        posted.reverse(posted.CREDIT_NOTE, posted.post(posted.CREDIT_NOTE, ISSUE).state, ISSUE)


def test_reminders_are_sent_once_and_only_the_latest_unsent_one_is_withdrawn() -> None:
    first = rem.create(1).state
    sent = rem.send(first)
    assert sent is not None and sent.event == "reminder.sent" and rem.send(sent.state) is None
    with pytest.raises(InvalidState) as raised:
        rem.withdraw(sent.state, 1)
    assert raised.value.code == "reminder_sent"
    with pytest.raises(InvalidState) as raised:
        rem.withdraw(first, 2)
    assert raised.value.code == "not_latest_reminder"
    assert rem.withdraw(first, 1).event == "reminder.deleted"
