"""Every document life cycle, driven by Hypothesis: no sequence of operations reaches an invalid state
(issue 12, item 1). An operation a guard refuses raises a domain error and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledgerline.domain.documents import invoice as inv
from ledgerline.domain.documents import posted, reminder, settlement
from ledgerline.domain.documents.invoice import InvoiceState, InvoiceStatus
from ledgerline.domain.errors import LedgerlineError

# The event family of each posted kind, as the catalogue spells it
PREFIX = {"receipt": "receipt", "refund": "refund", "journal entry": "journal_entry", "credit note": "credit_note"}

ISSUE = date(2026, 3, 1)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
totals = st.decimals(min_value=Decimal(0), max_value=Decimal("1000"), places=2)
days = st.integers(min_value=-5, max_value=90).map(lambda n: ISSUE + timedelta(days=n))
SETTINGS = settings(max_examples=60, stateful_step_count=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


class InvoiceMachine(RuleBasedStateMachine):
    """Post, pay, credit, reverse payments, void, mark overdue and send, in any order."""

    @initialize(total=totals)
    def draft(self, total: Decimal) -> None:
        zero = Decimal("0.00")
        self.state = InvoiceState(InvoiceStatus.DRAFT.value, ISSUE, ISSUE + timedelta(days=14), total, zero, zero,
                                  total)
        self.payments: list[Decimal] = []

    def attempt(self, operation):  # type: ignore[no-untyped-def]
        before = self.state
        try:
            result = operation()
        except LedgerlineError:
            assert self.state == before  # a refused operation changes nothing
            return None
        if result is not None:
            self.state = result.state
        return result

    @rule()
    def post(self) -> None:
        was_draft = self.state.status == InvoiceStatus.DRAFT
        result = self.attempt(lambda: inv.post(self.state))
        assert (result is not None) == was_draft
        if result is not None:
            assert result.event == "invoice.posted"

    @rule(amount=amounts, day=days)
    def pay(self, amount: Decimal, day: date) -> None:
        before = self.state
        result = self.attempt(lambda: settlement.settle(self.state, amount, day))
        if result is None:
            assert not before.is_open() or amount > before.amount_due or day < before.issue_date
            return
        self.payments.append(amount)
        assert result.event == ("invoice.paid" if self.state.status == InvoiceStatus.PAID else "invoice.updated")

    @rule(total=amounts, day=days)
    def credit(self, total: Decimal, day: date) -> None:
        before = self.state
        try:
            transition, applied = settlement.credit(self.state, total, day)
        except LedgerlineError:
            assert self.state == before
            return
        assert applied == min(total, before.amount_due)
        self.state = transition.state

    @rule()
    def reverse_a_payment(self) -> None:
        if not self.payments:
            return
        amount = self.payments[-1]
        if self.attempt(lambda: settlement.unsettle(self.state, amount)) is not None:
            self.payments.pop()
            assert self.state.status != InvoiceStatus.PAID

    @rule(day=days)
    def void(self, day: date) -> None:
        before = self.state
        result = self.attempt(lambda: inv.void(self.state, day))
        if result is not None:
            assert before.is_open() and before.settled == 0 and day >= before.issue_date

    @rule(day=days)
    def mark_overdue(self, day: date) -> None:
        before = self.state
        result = self.attempt(lambda: inv.mark_overdue(self.state, day))
        if result is not None:
            assert before.status == InvoiceStatus.AWAITING_PAYMENT and before.overdue_on(day)

    @rule()
    def send(self) -> None:
        self.attempt(lambda: inv.send(self.state))

    @invariant()
    def consistent(self) -> None:
        s = self.state
        assert s.status in set(InvoiceStatus)
        assert s.amount_paid >= 0 and s.amount_credited >= 0 and s.amount_due >= 0
        assert s.amount_paid == sum(self.payments, Decimal(0))
        if s.status == InvoiceStatus.VOIDED:
            assert s.settled == 0 and s.amount_due == 0
        else:
            assert s.amount_due == s.total - s.settled  # nothing is lost or made up
        if s.status not in (InvoiceStatus.DRAFT, InvoiceStatus.VOIDED):
            assert (s.status == InvoiceStatus.PAID) == (s.amount_due == 0)  # paid ⇔ nothing due
        if s.status == InvoiceStatus.DRAFT:
            assert s.settled == 0
        assert inv.is_open(s.status) == (s.status in (InvoiceStatus.AWAITING_PAYMENT, InvoiceStatus.OVERDUE))


class ReceiptMachine(RuleBasedStateMachine):
    """A receipt's credit allocated, refunded, given back, and the receipt reversed."""

    @initialize(amount=amounts)
    def receive(self, amount: Decimal) -> None:
        self.amount = amount
        self.state = posted.post(posted.RECEIPT, ISSUE).state
        self.held = settlement.HeldCredit(amount)
        self.allocated = Decimal(0)

    @rule(amount=amounts, day=days)
    def allocate(self, amount: Decimal, day: date) -> None:
        try:
            posted.allocate(posted.RECEIPT, self.state, day)
            self.held = settlement.draw(self.held, amount, refund=False)
        except LedgerlineError:
            return
        self.allocated += amount
        assert self.state.status == posted.PostedStatus.POSTED and day >= self.state.date

    @rule(amount=amounts)
    def refund(self, amount: Decimal) -> None:
        if self.state.status != posted.PostedStatus.POSTED:
            return
        try:
            self.held = settlement.draw(self.held, amount, refund=True)
        except LedgerlineError:
            return
        self.state = posted.PostedState(self.state.status, self.state.date, self.held.refunded)

    @rule(amount=amounts)
    def reverse_refund(self, amount: Decimal) -> None:
        try:
            self.held = settlement.restore(self.held, amount)
        except LedgerlineError:
            return
        self.state = posted.PostedState(self.state.status, self.state.date, self.held.refunded)

    @rule(day=days)
    def reverse(self, day: date) -> None:
        before = self.state
        try:
            self.state = posted.reverse(posted.RECEIPT, self.state, day).state
        except LedgerlineError:
            assert self.state == before
            return
        assert before.status == posted.PostedStatus.POSTED and before.refunded == 0 and day >= before.date

    @invariant()
    def consistent(self) -> None:
        assert self.held.unallocated >= 0 and self.held.refunded >= 0
        assert self.allocated + self.held.unallocated + self.held.refunded == self.amount
        if self.state.status == posted.PostedStatus.REVERSED:
            assert self.held.refunded == 0


class PostedMachine(RuleBasedStateMachine):
    """Refunds, credit notes and journal entries: posted once, reversed at most once (credit notes never),
    never dated before the document."""

    kind = posted.REFUND

    @initialize(day=days)
    def create(self, day: date) -> None:
        created = posted.post(self.kind, day)
        assert created.event == f"{PREFIX[self.kind.noun]}.posted"
        self.state, self.reversals = created.state, 0

    @rule(day=days)
    def reverse(self, day: date) -> None:
        before = self.state
        try:
            result = posted.reverse(self.kind, self.state, day)
        except LedgerlineError:
            assert self.state == before
            return
        assert self.kind.reversible and before.status == posted.PostedStatus.POSTED and day >= before.date
        assert result.event == f"{PREFIX[self.kind.noun]}.reversed"
        self.state, self.reversals = result.state, self.reversals + 1

    @invariant()
    def consistent(self) -> None:
        assert self.state.status in set(posted.PostedStatus)
        assert self.reversals == (self.state.status == posted.PostedStatus.REVERSED)
        assert self.kind.reversible or self.reversals == 0


class JournalEntryMachine(PostedMachine):
    kind = posted.JOURNAL_ENTRY


class CreditNoteMachine(PostedMachine):
    kind = posted.CREDIT_NOTE


class ReminderMachine(RuleBasedStateMachine):
    """Reminders of one invoice: created level by level, sent, the latest withdrawn while unsent."""

    @initialize()
    def start(self) -> None:
        self.reminders: list[reminder.ReminderState] = []

    @rule()
    def create(self) -> None:
        self.reminders.append(reminder.create(len(self.reminders) + 1).state)

    @rule(index=st.integers(min_value=0, max_value=9))
    def send(self, index: int) -> None:
        if index < len(self.reminders) and not self.reminders[index].deleted:
            result = reminder.send(self.reminders[index])
            if result is not None:
                self.reminders[index] = result.state

    @rule(index=st.integers(min_value=0, max_value=9))
    def withdraw(self, index: int) -> None:
        live = [r for r in self.reminders if not r.deleted]
        if index >= len(self.reminders) or self.reminders[index].deleted or not live:
            return
        try:
            self.reminders[index] = reminder.withdraw(self.reminders[index], max(r.level for r in live)).state
        except LedgerlineError:
            return

    @invariant()
    def consistent(self) -> None:
        for state in self.reminders:
            assert not (state.sent and state.deleted)  # a sent reminder is never withdrawn


for machine in (InvoiceMachine, ReceiptMachine, PostedMachine, JournalEntryMachine, CreditNoteMachine,
                ReminderMachine):
    machine.TestCase.settings = SETTINGS

TestInvoiceLifecycle = InvoiceMachine.TestCase
TestReceiptLifecycle = ReceiptMachine.TestCase
TestRefundLifecycle = PostedMachine.TestCase
TestJournalEntryLifecycle = JournalEntryMachine.TestCase
TestCreditNoteLifecycle = CreditNoteMachine.TestCase
TestReminderLifecycle = ReminderMachine.TestCase
