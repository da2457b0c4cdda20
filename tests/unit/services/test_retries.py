"""Retries on write conflicts (issue 13): bounded backoff with full jitter, turns per tenant, and a retry that
keeps what it read except what made its commit fail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledgerline.domain.errors import ServiceUnavailable
from ledgerline.services import retry
from ledgerline.store.ledger import NumberSeries
from ledgerline.store.memory import MemoryTable
from ledgerline.store.parties import Party
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import NumbersSeen, using

AT = datetime(2026, 2, 1, tzinfo=UTC)


def test_backoff_is_full_jitter_within_an_exponential_window_capped():
    top = lambda attempt: retry.backoff(attempt, draw=lambda low, high: high)  # noqa: E731
    bottom = lambda attempt: retry.backoff(attempt, draw=lambda low, high: low)  # noqa: E731
    assert [top(n) for n in range(4)] == [retry.BASE_DELAY * 2**n for n in range(4)]
    assert all(bottom(n) == 0 for n in range(50))  # full jitter: a retry may go at once
    assert all(top(n) <= retry.MAX_DELAY for n in range(1_000))  # bounded, even far out
    assert top(1_000) == retry.MAX_DELAY
    assert all(0 <= retry.backoff(n) <= retry.MAX_DELAY for n in range(200))


def test_the_number_of_attempts_is_bounded_then_503(monkeypatch):
    monkeypatch.setattr(retry.time, "sleep", lambda seconds: None)
    calls = []

    def conflicting(uow):
        calls.append(uow)
        raise Contention("ConditionalCheckFailed")

    with using(MemoryTable().unit), pytest.raises(ServiceUnavailable):
        retry.retrying_unit("ten_1", conflicting, attempts=5)
    assert len(calls) == 5


def test_a_tenant_always_takes_its_turn_on_the_same_lock():
    assert retry.turn_of("ten_1") is retry.turn_of("ten_1")
    assert len({id(retry.turn_of(f"ten_{n}")) for n in range(1_000)}) <= len(retry._TURNS)  # bounded memory


def test_a_retry_keeps_what_was_read_except_the_stale_items_and_takes_returned_ones():
    table = MemoryTable()
    table.put(Party(id="pty_1", tenant_id="ten_1", name="Globex", kind="customer", archived=False, created_at=AT,
                    updated_at=AT))
    mine, theirs = table.unit("ten_1"), table.unit("ten_1")
    for unit in (mine, theirs):
        unit.prefetch([(Party, "pty_1")], series=[("INV", 2026)])
    theirs.take_number("INV", 2026, theirs.last_number("INV", 2026))
    theirs.commit()
    mine.take_number("INV", 2026, mine.last_number("INV", 2026))
    with pytest.raises(Contention) as lost:
        mine.commit()
    series = NumberSeries.key("ten_1", "INV", 2026)
    assert list(lost.value.stale) == [series]
    again = mine.after(lost.value)
    assert again.writes == [] and again.cache.keys() == mine.cache.keys()
    assert again.last_number("INV", 2026) == 1  # as the commit's answer gave it: nothing read again
    assert again.cache[Party.key("ten_1", "pty_1")] is mine.cache[Party.key("ten_1", "pty_1")]


def test_a_later_number_seen_in_process_replaces_an_older_read_and_an_answer_from_dynamodb_wins():
    seen = NumbersSeen()
    series = ("T#ten_1", "SEQ#INV#2026")
    item = lambda last: {"PK": {"S": series[0]}, "SK": {"S": series[1]}, "last": {"N": str(last)}}  # noqa: E731
    seen.learn([item(5)])
    seen.learn([item(3)])  # an older commit is not news
    assert seen.newer({series: item(4)}) == {series: item(5)}
    assert seen.newer({series: item(5)}) == {} and seen.newer({}) == {}
    assert seen.newer({series: None}) == {series: item(5)}
    seen.learn([item(2)], replace=True)  # DynamoDB said so: a wrong guess is dropped
    assert seen.newer({series: item(2)}) == {}
    seen.forget([series])  # DynamoDB said it does not exist (a table made again): no guess at all
    assert seen.newer({series: None}) == {}
