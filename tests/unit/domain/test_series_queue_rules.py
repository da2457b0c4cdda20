"""The fair queue of a number series (issue 13): who may commit, when to wait, when to skip a stuck head."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ledgerline.domain.series_queue import TIMEOUT, QueueState, Step, may_commit, next_step, no_queue


def test_a_ticket_commits_when_every_ticket_before_it_is_served():
    assert may_commit(1, 0) and may_commit(5, 4)
    assert not may_commit(5, 3) and not may_commit(5, 5)
    assert next_step(3, QueueState(issued=4, served=2), unserved=0, commit_time=0.02) == Step("commit")


def test_a_waiter_sleeps_about_one_commit_per_ticket_ahead_within_bounds():
    # ticket 5 with 1 served: tickets 2, 3 and 4 are ahead
    assert next_step(5, QueueState(5, 1), unserved=0, commit_time=0.02) == Step("wait", pytest.approx(0.06))
    assert next_step(2, QueueState(2, 0), unserved=0, commit_time=0.0).delay == 0.002  # never a busy loop
    assert next_step(90, QueueState(90, 0), unserved=0, commit_time=0.05).delay == 0.25  # looks again soon
    # never past the moment the head would be skipped
    assert next_step(90, QueueState(90, 0), unserved=TIMEOUT - 0.01, commit_time=0.05).delay == \
        pytest.approx(0.01)


def test_a_head_unserved_for_the_timeout_is_skipped_and_a_skipped_holder_retakes():
    assert next_step(3, QueueState(3, 1), unserved=TIMEOUT, commit_time=0.02) == Step("skip")
    assert next_step(3, QueueState(3, 1), unserved=TIMEOUT - 0.001, commit_time=0.02).kind == "wait"
    # its turn comes before any timeout: a holder never skips itself
    assert next_step(2, QueueState(3, 1), unserved=10 * TIMEOUT, commit_time=0.02) == Step("commit")
    assert next_step(2, QueueState(3, 2), unserved=0, commit_time=0.02) == Step("retake")
    assert next_step(2, QueueState(3, 3), unserved=0, commit_time=0.02) == Step("retake")


def test_the_fast_path_is_open_only_when_no_ticket_waits():
    assert no_queue(QueueState(0, 0)) and no_queue(QueueState(4, 4))
    assert not no_queue(QueueState(5, 4))


@dataclass
class Writer:
    ticket: int
    seen: tuple[int, float] | None = None
    crashed: bool = False
    committed: bool = False


class SeriesQueue(RuleBasedStateMachine):
    """Writers of separate processes against one series item: they arrive (win the fast path, or lose the
    race and take a ticket), look and act on `next_step` in any order, crash, and time passes. Each action
    on the item is atomic and conditional as in DynamoDB."""

    def __init__(self) -> None:
        super().__init__()
        self.last = self.issued = self.served = 0
        self.now = 0.0
        self.writers: list[Writer] = []
        self.numbers: list[int] = []

    def _take(self, writer: Writer | None = None) -> Writer:
        self.issued += 1  # ADD: never fails
        if writer is None:
            writer = Writer(self.issued)
            self.writers.append(writer)
        else:
            writer.ticket, writer.seen = self.issued, None
        return writer

    def _commit(self) -> None:
        self.last += 1
        self.numbers.append(self.last)

    @rule(lost=st.booleans())
    def arrive(self, lost: bool) -> None:
        if no_queue(QueueState(self.issued, self.served)) and not lost:
            self._commit()  # the fast path: conditioned on last and on no queue
        else:
            self._take()  # lost to a commit or to the queue: a ticket

    def _live(self) -> list[Writer]:
        return [w for w in self.writers if not w.crashed and not w.committed]

    @precondition(lambda self: bool(self._live()))
    @rule(data=st.data())
    def look(self, data: st.DataObject) -> None:
        self._step(data.draw(st.sampled_from(self._live())))

    def _step(self, writer: Writer) -> float:
        if writer.seen is None or writer.seen[0] != self.served:
            writer.seen = (self.served, self.now)
        step = next_step(writer.ticket, QueueState(self.issued, self.served),
                         unserved=self.now - writer.seen[1], commit_time=0.02)
        if step.kind == "commit":
            assert may_commit(writer.ticket, self.served)  # the transaction's condition
            self._commit()
            self.served = writer.ticket
            writer.committed = True
        elif step.kind == "skip":
            self.served += 1  # conditioned on served as seen: nothing moved in between (atomic here)
        elif step.kind == "retake":
            self._take(writer)
        return step.delay

    @precondition(lambda self: bool(self._live()))
    @rule(data=st.data())
    def crash(self, data: st.DataObject) -> None:
        data.draw(st.sampled_from(self._live())).crashed = True

    @rule(seconds=st.sampled_from([0.001, 0.05, 0.5, TIMEOUT]))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds

    @invariant()
    def numbers_are_gapless_and_at_most_one_holder_may_commit(self) -> None:
        assert self.numbers == list(range(1, self.last + 1))
        assert self.served <= self.issued
        assert sum(may_commit(w.ticket, self.served) for w in self._live()) <= 1

    def _drain(self) -> None:
        for _ in range(10_000):
            live = self._live()
            if not live:
                return
            self.now += min(self._step(writer) for writer in live) or 0.001
        pytest.fail("a writer waits forever")

    def teardown(self) -> None:
        # nothing waits forever: every live writer commits (crashed heads skipped)...
        self._drain()
        # ... and one more writer after them commits too and leaves no queue: the fast path is open again
        self.arrive(lost=False)
        self._drain()
        assert no_queue(QueueState(self.issued, self.served))
        assert self.numbers == list(range(1, self.last + 1))


TestSeriesQueue = SeriesQueue.TestCase
TestSeriesQueue.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
