"""Writers of one tenant posting at once (issue 13): gapless numbers, exact balances, bounded retries that
re-read only what changed. No timing is asserted; call counts are."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import date
from decimal import Decimal

import pytest

from ledgerline.services import invoices, retry
from ledgerline.services.invoices import _post, _read_for_post
from ledgerline.store import unit_of_work
from ledgerline.store.ledger import NumberSeries, last_number, tax_totals_as_of
from ledgerline.store.table import Contention, connection
from ledgerline.store.unit_of_work import DynamoUnitOfWork, open_unit

LINE = [{"description": "Job", "quantity": "3", "unit_price": "10.00"}]  # 30.00 net, GST 3.00


def _drafts(books, count: int) -> list[str]:
    customer = books.customer()
    lines = [{**LINE[0], "tax_code_id": books.tax_codes["GST10"]}]
    return [books.draft(customer, lines)["id"] for _ in range(count)]


def _post_all(books, drafts: list[str]) -> list[dict]:
    connection().connection.client  # noqa: B018 - build the shared client before the threads use it
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda invoice_id: invoices.post(books.tenant_id, invoice_id), drafts))


def _assert_gapless_and_exact(books, posted: list[dict]) -> None:
    count = len(posted)
    assert sorted(int(p["number"].rsplit("-", 1)[1]) for p in posted) == list(range(1, count + 1))
    assert last_number(books.tenant_id, "INV", int(posted[0]["issue_date"][:4])) == count
    # every cent of every posting is in the balance buckets, whatever shard it went to
    assert books.balance("1100") == Decimal("33.00") * count  # receivable: total
    assert books.balance("4000") == Decimal("-30.00") * count  # sales: net (credit)
    assert books.balance("2200") == Decimal("-3.00") * count  # GST collected (credit)
    taxable = tax = Decimal(0)
    for bucket in tax_totals_as_of(books.tenant_id, date(2100, 1, 1)):  # the tax summary's buckets
        if bucket.tax_code_id == books.tax_codes["GST10"]:
            taxable, tax = taxable + (bucket.taxable or 0), tax + (bucket.tax or 0)
    assert (taxable, tax) == (Decimal("30.00") * count, Decimal("3.00") * count)


def test_writers_in_one_process_take_turns_and_never_retry(books):
    # Given 24 drafts of one tenant
    drafts = _drafts(books, 24)
    before = retry.stats["retries"]
    # When 8 threads post them at once
    posted = _post_all(books, drafts)
    # Then the numbers are 1..24 and the balances exact, and no posting lost a race: the threads took turns
    _assert_gapless_and_exact(books, posted)
    assert retry.stats["retries"] == before


def test_writers_of_separate_processes_race_and_retry_to_gapless_numbers(books, monkeypatch):
    # Given writers that share nothing in process (as separate Lambda invocations): no turns, no numbers seen
    monkeypatch.setattr(retry, "turn", lambda tenant_id: nullcontext())
    monkeypatch.setattr(DynamoUnitOfWork, "freshen", lambda self: None)
    drafts = _drafts(books, 24)
    # When 8 of them post at once, racing for the number
    posted = _post_all(books, drafts)
    # Then the losers retried until the numbers are still 1..24, each once, and the balances exact
    _assert_gapless_and_exact(books, posted)


def test_a_lost_race_for_the_number_retries_without_reading_again(books):
    first, second = _drafts(books, 2)
    # Given a posting that has read the series (still empty) and staged its writes
    uow = open_unit(books.tenant_id)
    _read_for_post(uow, first)
    reads = dict(uow.cache)
    # When another writer takes number 1 first
    invoices.post(books.tenant_id, second)
    with pytest.raises(Contention) as lost:
        _post(uow, first)
    # Then DynamoDB named the series as the stale item and returned it as it stands
    series = NumberSeries.key(books.tenant_id, "INV", int(books.invoice(second)["issue_date"][:4]))
    assert set(lost.value.stale) == {series}
    assert lost.value.stale[series]["last"] == {"N": "1"}
    # And the next attempt keeps every other read and commits number 2 without reading anything
    retry_unit = uow.after(lost.value)
    assert {key: data for key, data in retry_unit.cache.items() if key != series} == \
        {key: data for key, data in reads.items() if key != series}
    retry_unit._fetch = lambda keys: pytest.fail(f"read again: {keys}")  # type: ignore[method-assign]
    assert _post(retry_unit, first).number.endswith("-0002")


def test_a_wrong_guess_of_the_series_costs_one_retry_never_a_gap(books):
    # Given a process that believes the series further on than it is (say the table was made again)
    draft, = _drafts(books, 1)
    year = int(books.invoice(draft)["issue_date"][:4])
    pk, sk = NumberSeries.key(books.tenant_id, "INV", year)
    unit_of_work._numbers_seen.learn([{"PK": {"S": pk}, "SK": {"S": sk}, "last": {"N": "41"}}])
    before = retry.stats["retries"]
    # When it posts, its condition fails once (the series does not exist), and DynamoDB's answer wins
    assert invoices.post(books.tenant_id, draft)["number"].endswith("-0001")
    assert retry.stats["retries"] == before + 1
