"""The fair queue of a number series (issue 13): who may commit the next number, and when to skip.

A gapless series serialises its writers on one item. Without contention a posting commits on the series'
last number alone (the fast path, on condition that no queue exists: `served == issued`). A writer that
loses the race takes a ticket (`issued + 1`, an ADD that always succeeds) and commits only in its turn:
when `served == ticket - 1`, on that condition, setting `served = ticket` in the same transaction as its
number (`last + 1`, as ever: tickets may have gaps, numbers never do). Between polls a waiter sleeps an
estimate of the commits ahead of it. A ticket whose holder crashed or gave up would hold every later one
forever, so a waiter may skip the head of the queue (`served → served + 1`, on condition that `served` is
still what it saw) once it has seen `served` stand still for `timeout`. A holder whose ticket was skipped
takes a new one.

Pure: the store keeps the counters (store/ledger.py), services/retry.py runs the loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TIMEOUT = 2.0  # seconds a head of the queue may go unserved before a waiter skips it
POLL_MIN = 0.002  # seconds: the shortest sleep between two looks at the series
POLL_MAX = 0.25  # seconds: the longest


@dataclass(frozen=True)
class QueueState:
    """The series as one consistent read saw it: tickets issued, tickets served (committed or skipped) and
    when `served` last moved (epoch seconds; None before the first ticket was served)."""

    issued: int
    served: int
    served_at: float | None = None


@dataclass(frozen=True)
class Step:
    """What a ticket holder does next: `commit` (its turn), `wait` `delay` seconds and look again, `skip`
    the head of the queue (ticket `served + 1`), or `retake` a ticket (its own was skipped)."""

    kind: Literal["commit", "wait", "skip", "retake"]
    delay: float = 0.0


def may_commit(ticket: int, served: int) -> bool:
    """A ticket's turn: every ticket before it is served (committed or skipped)."""
    return served == ticket - 1


def no_queue(state: QueueState) -> bool:
    """The fast path's condition: no ticket is waiting."""
    return state.served >= state.issued


def next_step(ticket: int, state: QueueState, *, unserved: float, commit_time: float,
              timeout: float | None = None, poll_min: float = POLL_MIN, poll_max: float = POLL_MAX) -> Step:
    """The next step of the holder of `ticket` when the series reads `state`, `served` has stood at its
    value for `unserved` seconds as this holder saw it (its own clock: no two processes' clocks are
    compared) and one commit on the series takes about `commit_time` seconds."""
    timeout = TIMEOUT if timeout is None else timeout
    if state.served >= ticket:
        return Step("retake")  # skipped: a waiter behind it thought it gone
    if may_commit(ticket, state.served):
        return Step("commit")
    if unserved >= timeout:
        return Step("skip")  # the head (ticket served + 1) crashed or gave up
    ahead = ticket - state.served - 1
    delay = min(max(ahead * commit_time, poll_min), poll_max, max(timeout - unserved, poll_min))
    return Step("wait", delay)
