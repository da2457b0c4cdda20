"""The quote's life cycle (issue 14), driven by Hypothesis: no sequence of issue, accept, decline, revert,
convert and edits of the validity reaches an invalid state, a refused operation changes nothing, and a
quote is converted at most once. "Expired" is only ever derived, never stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledgerline.domain.documents import quote as q
from ledgerline.domain.documents.quote import QuoteState, QuoteStatus
from ledgerline.domain.errors import LedgerlineError, ValidationFailed

START = date(2026, 3, 1)
days = st.integers(min_value=0, max_value=60).map(lambda n: START + timedelta(days=n))
SETTINGS = settings(max_examples=80, stateful_step_count=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
TERMINAL = {QuoteStatus.DECLINED.value, QuoteStatus.CONVERTED.value}


class QuoteMachine(RuleBasedStateMachine):
    """An oracle written apart from the rules: what each action may do from each status on a given day."""

    @initialize(valid_for=st.integers(min_value=0, max_value=40))
    def draft(self, valid_for: int) -> None:
        self.state = QuoteState(QuoteStatus.DRAFT.value, START + timedelta(days=valid_for))
        self.conversions = 0
        self.ever_issued = False

    def expired(self, day: date) -> bool:
        return self.state.status == "open" and self.state.valid_until < day

    def attempt(self, operation, allowed: bool, event: str) -> None:  # type: ignore[no-untyped-def]
        before = self.state
        try:
            result = operation()
        except LedgerlineError:
            assert self.state == before and not allowed
            return
        assert allowed, (before, event)
        assert result.event == event
        self.state = result.state

    @rule(day=days)
    def issue(self, day: date) -> None:
        allowed = self.state.status == "draft" and self.state.valid_until >= day
        self.attempt(lambda: q.issue(self.state, day), allowed, "quote.issued")
        if allowed:
            self.ever_issued = True
            assert self.state.status == "open" and self.state.numbered

    @rule(day=days)
    def accept(self, day: date) -> None:
        allowed = self.state.status == "open" and not self.expired(day)
        self.attempt(lambda: q.accept(self.state, day), allowed, "quote.accepted")

    @rule(day=days)
    def decline(self, day: date) -> None:
        allowed = self.state.status == "open"  # expired or not
        self.attempt(lambda: q.decline(self.state, day), allowed, "quote.declined")

    @rule(day=days)
    def revert(self, day: date) -> None:
        allowed = self.state.status == "open"
        numbered = self.state.numbered
        self.attempt(lambda: q.revert_issue(self.state, day), allowed, "quote.reverted")
        assert self.state.numbered == numbered  # the number is kept

    @rule(day=days)
    def convert(self, day: date) -> None:
        allowed = (self.state.status == "open" and not self.expired(day)) or self.state.status == "accepted"
        self.attempt(lambda: q.convert(self.state, day), allowed, "quote.converted")
        if allowed:
            self.conversions += 1

    @rule(valid_for=st.integers(min_value=0, max_value=60))
    def edit_validity(self, valid_for: int) -> None:
        try:
            q.check_draft(self.state, "edit")
        except LedgerlineError:
            assert self.state.status != "draft"
            return
        self.state = replace(self.state, valid_until=START + timedelta(days=valid_for))

    @invariant()
    def only_stored_statuses(self) -> None:
        assert self.state.status in q.STORED_STATUSES and self.state.status != "expired"

    @invariant()
    def converted_at_most_once(self) -> None:
        assert self.conversions <= 1
        assert (self.state.status == "converted") == (self.conversions == 1)

    @invariant()
    def an_issued_quote_keeps_its_number(self) -> None:
        assert self.state.numbered == self.ever_issued

    @invariant()
    def expiry_is_derived(self) -> None:
        day = self.state.valid_until + timedelta(days=1)
        shown = q.effective_status(self.state.status, self.state.valid_until, day)
        assert shown == ("expired" if self.state.status == "open" else self.state.status)
        assert q.effective_status(self.state.status, self.state.valid_until, self.state.valid_until) == \
            self.state.status


QuoteMachine.TestCase.settings = SETTINGS
TestQuoteLifeCycle = QuoteMachine.TestCase


def test_expired_reads_from_valid_until_and_only_for_open_quotes():
    until = date(2026, 3, 31)
    assert q.effective_status("open", until, until) == "open"
    assert q.effective_status("open", until, until + timedelta(days=1)) == "expired"
    assert q.effective_status("accepted", until, until + timedelta(days=9)) == "accepted"
    assert q.effective_status("draft", until, until + timedelta(days=9)) == "draft"


def test_an_expired_quote_cannot_be_accepted_or_converted_but_may_be_declined_or_reverted():
    state = QuoteState("open", date(2026, 3, 31), numbered=True)
    later = date(2026, 4, 1)
    for refused in (q.accept, q.convert):
        with pytest.raises(q.InvalidState, match="expired"):
            refused(state, later)
    assert q.decline(state, later).state.status == "declined"
    assert q.revert_issue(state, later).state == replace(state, status="draft")


def test_a_converted_quote_is_never_converted_again():
    converted = q.convert(QuoteState("accepted", date(2026, 3, 31)), date(2026, 3, 2)).state
    with pytest.raises(q.InvalidState) as error:
        q.convert(converted, date(2026, 3, 2))
    assert error.value.code == "already_converted"


def test_issuing_after_the_validity_names_valid_until():
    with pytest.raises(ValidationFailed) as error:
        q.issue(QuoteState("draft", date(2026, 3, 1)), date(2026, 3, 2))
    assert error.value.param == "valid_until"
    with pytest.raises(ValidationFailed):
        q.check_validity(date(2026, 3, 2), date(2026, 3, 1))
