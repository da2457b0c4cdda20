"""Re-running a use case when a concurrent writer got there first.

Bounded: at most `ATTEMPTS` attempts, each after a delay drawn with full jitter from an exponential
window capped at `MAX_DELAY` (`backoff`), then 503. A use case on the unit of work retries with
`retrying_unit`: the next attempt keeps what the failed one read, except the items that made its commit
fail (`UnitOfWork.after`), so a writer that lost the tenant's next number to another one re-reads
nothing (DynamoDB returned the series as it stands) and only restages its writes with the next number.

A writer that lost the race for a number series does not back off at random: it queues (issue 13,
domain/series_queue.py). It takes a ticket, waits for its turn (sleeping about one commit per ticket ahead,
then looking at the series), and commits in its turn; a head of the queue that stays unserved is skipped.
Writers of separate processes (Lambda invocations) so take the series one after another instead of racing.
"""

from __future__ import annotations

import random
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TypeVar

from ledgerline.clock import current_clock
from ledgerline.domain import series_queue
from ledgerline.domain.errors import ServiceUnavailable
from ledgerline.observability import logger
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

T = TypeVar("T")

ATTEMPTS = 40
BASE_DELAY = 0.002
MAX_DELAY = 0.1
MAX_WAIT = 20.0  # seconds a writer waits in a series' queue at most (then 503): under API Gateway's 29 s

# Attempts, retries and give-ups of this process (the benchmark reports them; logs carry each give-up), and
# the series queue's tickets taken, looks at the series (polls) and heads skipped.
_lock = threading.Lock()
stats: Counter[str] = Counter()
_commit_time = [0.02]  # seconds one committed attempt takes, as this process last saw it (smoothed)


def _observe(seconds: float) -> None:
    with _lock:
        _commit_time[0] = 0.8 * _commit_time[0] + 0.2 * seconds


def backoff(attempt: int, *, base: float | None = None, cap: float | None = None,
            draw: Callable[[float, float], float] = random.uniform) -> float:
    """The delay before retry number `attempt + 1`: full jitter, uniform in [0, min(cap, base·2^attempt)]
    (`BASE_DELAY` and `MAX_DELAY` unless given)."""
    base = BASE_DELAY if base is None else base
    cap = MAX_DELAY if cap is None else cap
    return draw(0.0, min(cap, base * 2 ** min(attempt, 32)))


def _count(name: str) -> None:
    with _lock:
        stats[name] += 1


def _done(attempts: int) -> None:
    with _lock:
        stats["most_attempts"] = max(stats["most_attempts"], attempts)


def _give_up(attempts: int) -> ServiceUnavailable:
    _count("gave_up")
    logger.warning("gave up after repeated write conflicts", extra={"attempts": attempts})
    return ServiceUnavailable("Too many concurrent changes to the same records; retry the request shortly")


def retrying(operation: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `operation` (which re-reads what it needs) until its transaction commits.

    Full jitter on an exponential backoff: concurrent writers of one tenant (its number series,
    a shared invoice) spread out instead of colliding again in lock step.
    """
    for attempt in range(attempts):
        _count("attempts")
        try:
            result = operation()
            _done(attempt + 1)
            return result
        except Contention:
            if attempt == attempts - 1:
                break
            _count("retries")
            time.sleep(backoff(attempt))
    raise _give_up(attempts)


def retrying_unit(tenant_id: str, operation: Callable[[UnitOfWork], T], *, attempts: int = ATTEMPTS,
                  prepare: Callable[[UnitOfWork], None] | None = None, in_turn: bool = False) -> T:
    """Run `operation` on a unit of work until its commit holds; each retry re-reads only what was stale.

    `prepare` reads up front (once: a retry keeps what it read). With `in_turn`, the writers of one tenant
    in this process take turns for the operation itself (`turn`): they read concurrently, then stage and
    commit one after another, each starting from the number series the last one committed
    (`UnitOfWork.freshen`), so they do not race each other for it; writers in other processes still race,
    and the loser of such a race retries here."""
    uow = open_unit(tenant_id)
    if prepare is not None:
        prepare(uow)
    queued: Ticket | None = None  # while this writer holds a ticket
    done = False
    try:
        for attempt in range(attempts):
            _count("attempts")
            started = time.perf_counter()
            try:
                with turn(tenant_id) if in_turn else nullcontext():
                    uow.freshen()
                    result = operation(uow)
                _observe(time.perf_counter() - started)
                _done(attempt + 1)
                done = True
                return result
            except Contention as exc:
                if attempt == attempts - 1:
                    break
                _count("retries")
                took = time.perf_counter() - started
                series = uow.contended_series(exc)
                uow = uow.after(exc)
                if series is None and queued is None:
                    # not a series (a shared invoice, a bucket): the window grows from what one attempt
                    # took, so the writers that lost spread over the next few commits
                    time.sleep(backoff(attempt, base=max(BASE_DELAY, took)))
                    continue
                if series is not None and (queued is None or series != queued.series):
                    if queued is not None:
                        _leave(uow, queued)
                    queued = Ticket(series, _take_ticket(uow, series))
                assert queued is not None
                _wait_for_turn(uow, queued)
                uow.hold(queued.series, queued.number)
    finally:
        if queued is not None and not done:
            _leave(uow, queued)
    raise _give_up(attempts)


def _take_ticket(uow: UnitOfWork, series: tuple[str, str]) -> int:
    _count("tickets")
    return uow.take_ticket(series)


@dataclass
class Ticket:
    """A writer's place in a series' queue (a new number when its ticket was skipped)."""

    series: tuple[str, str]
    number: int


def _wait_for_turn(uow: UnitOfWork, ticket: Ticket) -> None:
    """Wait until `ticket` may commit on its series (`series_queue.next_step`); the unit learns the series'
    last number from the last look. Bounded by `MAX_WAIT` (then 503; the ticket is skipped after it)."""
    series = ticket.series
    since = time.perf_counter()
    seen: tuple[int, float] | None = None  # `served` as first seen at that value, and when (this clock)
    while True:
        _count("polls")
        issued, served, served_at = uow.look(series)
        looked = time.perf_counter()
        if seen is None or seen[0] != served:
            seen = (served, looked)
        step = series_queue.next_step(ticket.number, series_queue.QueueState(issued, served, served_at),
                                      unserved=looked - seen[1], commit_time=_commit_time[0])
        if step.kind == "commit":
            return
        if step.kind == "retake":
            ticket.number = _take_ticket(uow, series)
            continue
        if step.kind == "skip":
            if uow.serve(series, served, served + 1, _now()):
                _count("skips")
                logger.warning("skipped an unserved ticket of a number series", extra={"ticket": served + 1})
            continue
        if looked - since > MAX_WAIT:
            raise _give_up_waiting(ticket.number)
        time.sleep(step.delay)


def _now() -> float:
    return current_clock().now().timestamp()


def _give_up_waiting(ticket: int) -> ServiceUnavailable:
    _count("gave_up")
    logger.warning("gave up waiting in a number series' queue", extra={"ticket": ticket})
    return ServiceUnavailable("Too many concurrent changes to the same records; retry the request shortly")


def _leave(uow: UnitOfWork, queued: Ticket) -> None:
    """A holder that will not commit gives its turn on (if it is its turn; else a waiter skips it later)."""
    try:
        uow.serve(queued.series, queued.number - 1, queued.number, _now())
    except Exception:  # noqa: BLE001 - leaving is best effort: the ticket is skipped after the timeout
        logger.warning("could not give up a turn in a number series' queue", extra={"ticket": queued.number})


# Striped: bounded memory whatever the number of tenants. Re-entrant: a use case that runs another one of
# the same tenant inside its turn (a test's concurrent duplicate, a stripe shared by two tenants) holds it.
_TURNS = [threading.RLock() for _ in range(64)]


def turn_of(tenant_id: str) -> threading.RLock:
    return _TURNS[zlib.crc32(tenant_id.encode()) % len(_TURNS)]


@contextmanager
def turn(tenant_id: str) -> Iterator[None]:
    """This process's turn to write for the tenant (other processes are not held: they race, and retry)."""
    with turn_of(tenant_id):
        yield
