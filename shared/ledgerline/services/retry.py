"""Re-running a use case when a concurrent writer got there first.

Bounded: at most `ATTEMPTS` attempts, each after a delay drawn with full jitter from an exponential
window capped at `MAX_DELAY` (`backoff`), then 503. A use case on the unit of work retries with
`retrying_unit`: the next attempt keeps what the failed one read, except the items that made its commit
fail (`UnitOfWork.after`), so a writer that lost the tenant's next number to another one re-reads
nothing (DynamoDB returned the series as it stands) and only restages its writes with the next number.
"""

from __future__ import annotations

import random
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

from ledgerline.domain.errors import ServiceUnavailable
from ledgerline.observability import logger
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

T = TypeVar("T")

ATTEMPTS = 40
BASE_DELAY = 0.002
MAX_DELAY = 0.1

# Attempts, retries and give-ups of this process (the benchmark reports them; logs carry each give-up).
_lock = threading.Lock()
stats: Counter[str] = Counter()


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
    for attempt in range(attempts):
        _count("attempts")
        started = time.perf_counter()
        try:
            with turn(tenant_id) if in_turn else nullcontext():
                uow.freshen()
                result = operation(uow)
            _done(attempt + 1)
            return result
        except Contention as exc:
            if attempt == attempts - 1:
                break
            _count("retries")
            # the window grows from what one attempt took (about one transaction on the hot item), so the
            # writers that lost spread over the next few commits instead of colliding again at once
            time.sleep(backoff(attempt, base=max(BASE_DELAY, time.perf_counter() - started)))
            uow = uow.after(exc)
    raise _give_up(attempts)


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
