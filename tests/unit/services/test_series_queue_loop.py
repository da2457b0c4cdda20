"""`services/retry.retrying_unit` and the fair queue of a number series (issue 13), on a unit that keeps the
series' counters in memory: a lost race for the series queues (a ticket, no random backoff), the commit carries
the ticket, a stuck head is skipped, a skipped holder takes a new ticket, and a holder that stops in its turn
gives it on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ledgerline.domain import series_queue
from ledgerline.domain.errors import Conflict
from ledgerline.services import retry
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import using

SERIES = ("T#t1", "SEQ#INV#2026")


class Series:
    def __init__(self, issued: int = 0, served: int = 0) -> None:
        self.last, self.issued, self.served = 0, issued, served
        self.on_look: Callable[[Series], None] = lambda series: None


class Unit:
    """The queue half of the unit of work, on one series; `hold` is what the next commit carries."""

    QUEUED = True

    def __init__(self, tenant_id: str, series: Series) -> None:
        self.tenant_id, self.series, self.ticket = tenant_id, series, None

    def freshen(self) -> None: ...

    def contended_series(self, contention: Contention) -> tuple[str, str] | None:
        return SERIES if SERIES in contention.stale else None

    def after(self, contention: Contention) -> Unit:
        return self

    def hold(self, series: tuple[str, str], ticket: int | None) -> None:
        self.ticket = ticket

    def take_ticket(self, series: tuple[str, str]) -> int:
        self.series.issued += 1
        return self.series.issued

    def look(self, series: tuple[str, str]) -> tuple[int, int, float | None]:
        self.series.on_look(self.series)
        return self.series.issued, self.series.served, None

    def serve(self, series: tuple[str, str], served: int, ticket: int, now: float) -> bool:
        if self.series.served != served:
            return False
        self.series.served = ticket
        return True

    def commit(self) -> None:
        """As DynamoDB conditions the series' write: the fast path with no queue, a ticket in its turn."""
        series = self.series
        if (self.ticket is None and series.issued > series.served) or \
                (self.ticket is not None and not series_queue.may_commit(self.ticket, series.served)):
            raise Contention("ConditionalCheckFailed", {SERIES: None})
        series.last += 1
        if self.ticket is not None:
            series.served = self.ticket


def run(series: Series, operation: Callable[[Unit], Any]) -> Any:
    with using(lambda tenant_id: Unit(tenant_id, series)):
        return retry.retrying_unit("t1", operation)


@pytest.fixture(autouse=True)
def no_random_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "backoff", lambda *args, **kwargs: pytest.fail("backed off at random"))


def test_a_lost_race_for_the_series_takes_a_ticket_and_commits_in_its_turn():
    series = Series()
    commits: list[int | None] = []

    def post(uow: Unit) -> int:
        if not commits:
            commits.append(None)
            series.last += 1  # another process took the number first
            raise Contention("ConditionalCheckFailed", {SERIES: None})
        commits.append(uow.ticket)
        uow.commit()
        return series.last

    tickets = retry.stats["tickets"]
    assert run(series, post) == 2
    assert commits == [None, 1]  # the retry committed with ticket 1, serving it
    assert (series.issued, series.served) == (1, 1)
    assert retry.stats["tickets"] == tickets + 1


def test_a_head_that_stays_unserved_is_skipped(monkeypatch):
    monkeypatch.setattr(series_queue, "TIMEOUT", 0.0)
    series = Series(issued=1)  # ticket 1 taken by a writer that crashed
    skips = retry.stats["skips"]

    def post(uow: Unit) -> int:
        uow.commit()  # the fast path fails on the queue, then ticket 2 commits once 1 is skipped
        return uow.ticket or 0

    assert run(series, post) == 2
    assert (series.issued, series.served, series.last) == (2, 2, 1)
    assert retry.stats["skips"] == skips + 1


def test_a_holder_whose_ticket_was_skipped_takes_a_new_one():
    series = Series(issued=1)  # a head ahead of us...

    def skipped_at_first_look(series: Series) -> None:
        if series.issued == 2 and series.served == 0:
            series.served = 2  # ...and a waiter behind us thought both gone
    series.on_look = skipped_at_first_look

    def post(uow: Unit) -> int:
        uow.commit()
        return uow.ticket or 0

    assert run(series, post) == 3
    assert (series.issued, series.served, series.last) == (3, 3, 1)


def test_a_holder_that_stops_in_its_turn_gives_the_turn_on():
    series = Series()
    attempts: list[int | None] = []

    def post(uow: Unit) -> None:
        attempts.append(uow.ticket)
        if len(attempts) == 1:
            series.last += 1
            raise Contention("ConditionalCheckFailed", {SERIES: None})
        raise Conflict("the invoice was posted meanwhile")

    with pytest.raises(Conflict):
        run(series, post)
    assert attempts == [None, 1]
    # its ticket is served: the writers behind it (and the fast path) need not wait for a timeout
    assert (series.issued, series.served) == (1, 1)


def test_a_conflict_on_another_item_backs_off_as_before(monkeypatch):
    delays: list[Any] = []
    monkeypatch.setattr(retry, "backoff", lambda *args, **kwargs: delays.append(args) or 0.0)
    series = Series()
    attempts: list[int] = []

    def post(uow: Unit) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise Contention("TransactionConflict", {("T#t1", "INV#1"): None})
        uow.commit()

    run(series, post)
    assert len(delays) == 1 and series.issued == 0  # no ticket: the series was not what was lost
