"""`quote.expired` from the daily job against DynamoDB Local (issue 14, part L): once per quote (per issue),
however often or concurrently the job runs; the quote stays `open` in storage and reads `expired`."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest

from ledgerline import clock
from ledgerline.clock import FixedClock
from ledgerline.recurring import job
from tests.integration.books import Books

CLOCK = FixedClock()


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[FixedClock]:
    CLOCK.set(datetime(2030, 1, 1, 6, tzinfo=UTC))
    clock.use(CLOCK)
    yield CLOCK
    clock.use(None)


def issued(books: Books, customer: str, valid_until: str) -> dict:
    quote = books.post("/v1/quotes", {"customer_id": customer, "issue_date": "2030-01-01",
                                      "valid_until": valid_until, "lines": [
                                          {"description": "Consulting", "unit_price": "100.00"}]})
    return books.post(f"/v1/quotes/{quote['id']}/issue", expect=200)


def run_on(books: Books, day: date, **kwargs) -> job.RunReport:
    CLOCK.travel_to(day)
    return job.run(day, [books.tenant_id], **kwargs)


def expired_events(books: Books) -> list[dict]:
    return [event for event in books.get("/v1/events?limit=100")["data"] if event["type"] == "quote.expired"]


def test_the_daily_job_announces_each_expired_quote_once(books: Books):
    customer = books.customer()
    soon, later = issued(books, customer, "2030-01-10"), issued(books, customer, "2030-02-10")
    accepted = issued(books, customer, "2030-01-05")
    books.post(f"/v1/quotes/{accepted['id']}/accept", expect=200)
    assert run_on(books, date(2030, 1, 10)).quotes_expired == 0  # still valid on its last day
    dry = run_on(books, date(2030, 1, 11), dry_run=True)
    assert (dry.quotes_expired, expired_events(books)) == (1, [])
    report = run_on(books, date(2030, 1, 11))
    assert (report.quotes_expired, report.expired_quote_ids) == (1, [soon["id"]])
    assert run_on(books, date(2030, 1, 11)).quotes_expired == 0  # run twice: nothing more
    assert run_on(books, date(2030, 1, 20)).quotes_expired == 0
    events = expired_events(books)
    assert [(e["data"]["id"], e["data"]["status"]) for e in events] == [(soon["id"], "expired")]
    assert books.get(f"/v1/quotes/{soon['id']}")["status"] == "expired"
    assert [q["id"] for q in books.get("/v1/quotes?status=expired")["data"]] == [soon["id"]]
    assert run_on(books, date(2030, 3, 1)).expired_quote_ids == [later["id"]]


def test_concurrent_runs_announce_a_quote_once(books: Books):
    customer = books.customer()
    quotes = [issued(books, customer, "2030-01-10") for _ in range(3)]
    CLOCK.travel_to(date(2030, 1, 12))
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda _: job.run(date(2030, 1, 12), [books.tenant_id]), range(4)))
    assert sum(report.quotes_expired for report in reports) == 3
    assert sum(report.failures for report in reports) == 0
    assert sorted(e["data"]["id"] for e in expired_events(books)) == sorted(q["id"] for q in quotes)


def test_a_quote_reverted_and_issued_again_may_expire_again(books: Books):
    quote = issued(books, books.customer(), "2030-01-10")
    assert run_on(books, date(2030, 1, 11)).quotes_expired == 1
    books.post(f"/v1/quotes/{quote['id']}/revert-issue", expect=200)
    books.call("PATCH", f"/v1/quotes/{quote['id']}", {"valid_until": "2030-01-31"}, expect=200)
    books.post(f"/v1/quotes/{quote['id']}/issue", expect=200)
    assert run_on(books, date(2030, 1, 20)).quotes_expired == 0
    assert run_on(books, date(2030, 2, 1)).quotes_expired == 1
    assert run_on(books, date(2030, 2, 2)).quotes_expired == 0
    assert len(expired_events(books)) == 2
