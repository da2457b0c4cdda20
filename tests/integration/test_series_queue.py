"""The fair queue of a number series between processes (issue 13, domain/series_queue.py): writers that share
nothing in memory (as Lambda invocations) take gapless numbers in turn; an abandoned ticket is skipped after
the timeout and nothing waits forever; without contention a posting is still one BatchGetItem and one
TransactWriteItems. No timing is asserted."""

from __future__ import annotations

import multiprocessing
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

import pytest

from ledgerline.domain import series_queue
from ledgerline.domain.errors import ServiceUnavailable
from ledgerline.services import invoices, retry
from ledgerline.store import ledger
from ledgerline.store.ledger import NumberSeries, last_number
from ledgerline.store.unit_of_work import DynamoUnitOfWork
from tests.integration.test_round_trips import Calls, calls  # noqa: F401 - the call-counting fixture

LINE = [{"description": "Job", "quantity": "1", "unit_price": "10.00"}]


def _drafts(books, count: int) -> list[str]:
    customer = books.customer()
    return [books.draft(customer, LINE)["id"] for _ in range(count)]


def _series(books, invoice_id: str) -> tuple[str, str]:
    return NumberSeries.key(books.tenant_id, "INV", int(books.invoice(invoice_id)["issue_date"][:4]))


def _writer(endpoint: str, table: str, tenant_id: str, invoice_ids: list[str], barrier: Any, results: Any) -> None:
    """One writer process: its own client, no turns or numbers shared with the others."""
    from ledgerline.settings import configure  # noqa: PLC0415
    from ledgerline.store.table import reset_connection  # noqa: PLC0415

    configure(environment="local", dynamodb_endpoint=endpoint, table_name=table)
    reset_connection()
    barrier.wait()
    numbers, unavailable = [], 0
    for invoice_id in invoice_ids:
        try:
            numbers.append(invoices.post(tenant_id, invoice_id)["number"])
        except ServiceUnavailable:
            unavailable += 1
    results.put({"numbers": numbers, "unavailable": unavailable,
                 **{name: retry.stats[name] for name in ("attempts", "tickets", "polls", "skips")}})


def test_writer_processes_take_gapless_numbers_in_turn_and_leave_no_queue(books):
    # Given 40 drafts of one tenant
    from ledgerline.settings import get_settings  # noqa: PLC0415

    drafts = _drafts(books, 40)
    settings = get_settings()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    # When 4 processes post 10 each at once
    processes = [context.Process(target=_writer, args=(settings.dynamodb_endpoint, settings.table_name,
                                                       books.tenant_id, drafts[n::4], barrier, results))
                 for n in range(4)]
    for process in processes:
        process.start()
    done = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    # Then every posting succeeded (no 503) with the numbers 1..40, each once
    assert sum(d["unavailable"] for d in done) == 0
    numbers = sorted(int(number.rsplit("-", 1)[1]) for d in done for number in d["numbers"])
    assert numbers == list(range(1, 41))
    series = _series(books, drafts[0])
    assert last_number(books.tenant_id, "INV", int(series[1].rsplit("#", 1)[1])) == 40
    assert books.balance("1100") == Decimal("400.00")
    # And whatever queue formed has drained: every ticket taken was served, the fast path is open
    issued, served, _ = ledger.queue_state(ledger.read_series(series))
    assert issued == served == sum(d["tickets"] for d in done)


def test_a_ticket_taken_and_abandoned_is_skipped_after_the_timeout(books, monkeypatch, calls):  # noqa: F811
    monkeypatch.setattr(series_queue, "TIMEOUT", 0.2)
    first, second, third = _drafts(books, 3)
    series = _series(books, first)
    # Given a writer that lost the race, took ticket 1 and crashed (its Lambda timed out)
    assert ledger.take_ticket(series) == 1
    skips = retry.stats["skips"]
    # When another writer posts: its read shows the queue, so it takes ticket 2 without trying the fast path
    # (no transaction bound to fail) and waits for ticket 1
    calls.active = True
    posted = invoices.post(books.tenant_id, first)
    calls.active = False
    assert calls.seen[:2] == ["BatchGetItem", "UpdateItem"] and calls.seen.count("TransactWriteItems") == 1
    calls.seen.clear()
    # Then ticket 1 is skipped after the timeout and the posting takes number 1: tickets have gaps, numbers none
    assert posted["number"].endswith("-0001")
    assert retry.stats["skips"] == skips + 1
    assert ledger.queue_state(ledger.read_series(series))[:2] == (2, 2)
    # And the queue is gone: the next posting is the fast path again, one BatchGetItem and one transaction
    calls.active = True
    assert invoices.post(books.tenant_id, second)["number"].endswith("-0002")
    calls.active = False
    assert calls.seen == ["BatchGetItem", "TransactWriteItems"]
    assert invoices.post(books.tenant_id, third)["number"].endswith("-0003")


def test_nothing_waits_forever_behind_a_stuck_ticket(books, monkeypatch):
    # Given an abandoned ticket that is never skipped in time (a huge timeout) and a short wait limit
    monkeypatch.setattr(series_queue, "TIMEOUT", 3600.0)
    monkeypatch.setattr(retry, "MAX_WAIT", 0.3)
    first, second = _drafts(books, 2)
    series = _series(books, first)
    ledger.take_ticket(series)
    # When a writer posts, it waits at most MAX_WAIT and answers 503, changing nothing
    with pytest.raises(ServiceUnavailable):
        invoices.post(books.tenant_id, first)
    assert books.invoice(first)["status"] == "draft"
    assert last_number(books.tenant_id, "INV", int(series[1].rsplit("#", 1)[1])) == 0
    # And once heads may be skipped again, the next posting skips both abandoned tickets and takes number 1
    monkeypatch.setattr(series_queue, "TIMEOUT", 0.2)
    monkeypatch.setattr(retry, "MAX_WAIT", 20.0)
    assert invoices.post(books.tenant_id, second)["number"].endswith("-0001")
    issued, served, _ = ledger.queue_state(ledger.read_series(series))
    assert issued == served


def test_writers_without_turns_queue_on_a_lost_race_instead_of_backing_off(books, monkeypatch):
    # Given writers of one process made to race as separate processes do (no turns, no numbers seen)
    monkeypatch.setattr(retry, "turn", lambda tenant_id: nullcontext())
    monkeypatch.setattr(DynamoUnitOfWork, "freshen", lambda self: None)
    drafts = _drafts(books, 16)
    tickets, backoffs = retry.stats["tickets"], []
    monkeypatch.setattr(retry, "backoff", lambda *a, **k: backoffs.append(a) or 0.0)
    # When 8 threads post at once
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    from ledgerline.store.table import connection  # noqa: PLC0415

    connection().connection.client  # noqa: B018
    with ThreadPoolExecutor(max_workers=8) as pool:
        posted = list(pool.map(lambda invoice_id: invoices.post(books.tenant_id, invoice_id), drafts))
    # Then the numbers are 1..16 and every lost race for the number queued (a ticket each) rather than backed off
    assert sorted(int(p["number"].rsplit("-", 1)[1]) for p in posted) == list(range(1, 17))
    issued, served, _ = ledger.queue_state(ledger.read_series(_series(books, drafts[0])))
    assert issued == served == retry.stats["tickets"] - tickets
    assert backoffs == []


def test_the_fast_path_is_refused_by_the_table_while_a_ticket_waits(books):
    from ledgerline.services.invoices import _post, _read_for_post  # noqa: PLC0415
    from ledgerline.store.table import Contention  # noqa: PLC0415
    from ledgerline.store.unit_of_work import open_unit  # noqa: PLC0415

    first, second = _drafts(books, 2)
    invoices.post(books.tenant_id, first)  # number 1, no queue
    series = _series(books, first)
    # Given a posting that read the series with no queue (last 1)
    uow = open_unit(books.tenant_id)
    _read_for_post(uow, second)
    # When a writer of another process takes a ticket before it commits
    assert ledger.take_ticket(series) == 1
    # Then its fast-path commit fails on the series' condition (no queue), DynamoDB returning the queue
    with pytest.raises(Contention) as lost:
        _post(uow, second)
    assert ledger.queue_state(lost.value.stale[series])[:2] == (1, 0)
    assert last_number(books.tenant_id, "INV", int(series[1].rsplit("#", 1)[1])) == 1
    # And in its turn (ticket 1, served 0) the same posting commits number 2, serving the ticket
    retry_unit = uow.after(lost.value)
    retry_unit.hold(series, 1)
    assert _post(retry_unit, second).number.endswith("-0002")
    assert ledger.queue_state(ledger.read_series(series))[:2] == (1, 1)
