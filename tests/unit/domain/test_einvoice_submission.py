"""The e-invoice submission's life cycle (issue 17, item 6), driven by Hypothesis: queued → sent →
delivered | rejected, queued → rejected | failed; a final state never changes; every move writes its event."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ledgerline.domain.documents import einvoice_submission as rules
from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.documents.einvoice_submission import FINAL, SubmissionStatus

S = SubmissionStatus
ALLOWED = {(S.QUEUED, S.SENT), (S.QUEUED, S.REJECTED), (S.QUEUED, S.FAILED), (S.SENT, S.DELIVERED),
           (S.SENT, S.REJECTED)}


class SubmissionMachine(RuleBasedStateMachine):
    """Any sequence of attempted moves, as the worker, the poller and a redelivered event would try them."""

    def __init__(self) -> None:
        super().__init__()
        self.status = S.QUEUED
        self.history = [S.QUEUED]

    @rule(to=st.sampled_from(list(S)))
    def move(self, to: SubmissionStatus) -> None:
        before = self.status
        if (before, to) in ALLOWED:
            transition = rules.move(before.value, to)
            assert transition.state == to and transition.event == f"einvoice.{to.value}"
            self.status = to
            self.history.append(to)
        else:
            with pytest.raises(InvalidState):
                rules.move(before.value, to)
            assert self.status == before  # a refused move changes nothing

    @invariant()
    def a_final_state_is_the_last(self) -> None:
        finals = [s for s in self.history if s in FINAL]
        assert len(finals) <= 1 and (not finals or self.history[-1] == finals[0])

    @invariant()
    def sent_only_from_queued_and_at_most_once(self) -> None:
        assert self.history.count(S.SENT) <= 1 and self.history[0] == S.QUEUED

    @invariant()
    def only_queued_is_submitted_and_only_sent_is_polled(self) -> None:
        assert rules.should_submit(self.status.value) == (self.status == S.QUEUED)
        assert rules.should_poll(self.status.value) == (self.status == S.SENT)


SubmissionMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=12, deadline=None)
TestSubmissionMachine = SubmissionMachine.TestCase


@given(attempt=st.integers(min_value=1, max_value=40), base=st.floats(min_value=0, max_value=10))
def test_backoff_doubles_from_the_base_and_is_capped(attempt: int, base: float) -> None:
    wait = rules.backoff(attempt, base, cap_seconds=60)
    assert 0 <= wait <= 60
    assert wait == min(60, base * 2 ** (attempt - 1))
    assert rules.backoff(attempt + 1, base, cap_seconds=60) >= wait


def test_attempts_count_from_one():
    with pytest.raises(ValueError):
        rules.backoff(0, 1.0)


def test_every_status_has_its_catalogued_event():
    assert {t.value for t in rules.EVENTS.values()} == {f"einvoice.{s.value}" for s in S}
