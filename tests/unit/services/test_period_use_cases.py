"""Closing a fiscal year on the in-memory unit of work (the integration tier's test_closed_books.py and the
close in test_reports.py are the spec)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from ledgerline import clock
from ledgerline.domain.documents import InvalidState, PeriodClosed, PeriodLocked
from ledgerline.services import invoices, journal_entries, periods
from ledgerline.store.closings import YearClose
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.memory import MemoryUnitOfWork
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import open_unit


@pytest.fixture(autouse=True)
def march_2026() -> Iterator[None]:
    with clock.using(clock.FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC))):
        yield


def sale(books, day: date, price: str = "125") -> dict:
    line = {"description": "Work", "quantity": D(10), "unit_price": D(price), "account_id": books.accounts["4000"],
            "tax_code_id": books.tax_codes["GST10"]}
    draft = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "issue_date": day,
                                                    "due_date": day, "lines": [line]})
    return invoices.post(books.tenant_id, draft["id"])


def expense(books, day: date, amount: str, account: str = "6000") -> dict:
    return journal_entries.create(books.tenant_id, {"date": day, "description": "Rent", "lines": [
        {"account_id": books.accounts[account], "debit": D(amount)},
        {"account_id": books.accounts["1010"], "credit": D(amount)},
    ]})


def closing_entries(books) -> list[JournalEntry]:
    closes = books.table.partition(YearClose, YearClose.partition(books.tenant_id))
    return [books.table.load(JournalEntry, books.tenant_id, close.entry_id) for close in closes]


def tenant(books) -> Tenant:
    return open_unit(books.tenant_id).tenant()


def test_closing_moves_the_years_profit_to_retained_earnings_in_one_transaction(books):
    sale(books, date(2025, 6, 1))  # revenue 1250 (+ GST 125)
    expense(books, date(2025, 9, 1), "400")
    before = books.table.transactions
    closed = periods.close_year(books.tenant_id, 2025)
    assert books.table.transactions == before + 1  # closing entry, its record, the lock and the events
    assert closed == {"object": "fiscal_year_close", "year": 2025, "start": "2025-01-01", "end": "2025-12-31",
                      "entry_ids": closed["entry_ids"], "lock_date": "2025-12-31"}
    [entry] = closing_entries(books)
    assert closed["entry_ids"] == [entry.id]
    assert (entry.date, entry.source_type, entry.source_id) == (date(2025, 12, 31), "year_end_close", "FY2025")
    assert sum(line.debit for line in entry.lines) == sum(line.credit for line in entry.lines) == D(1250)
    balances = books.balances()
    assert "4000" not in balances and "6000" not in balances  # revenue and expenses read zero
    assert balances["3100"] == D(-850)  # the profit, a credit to retained earnings
    assert balances["1100"] == D(1375) and balances["1010"] == D(-400)  # the balance sheet is untouched
    assert books.table.event_types(books.tenant_id)[-2:] == ["journal_entry.posted", "period.closed"]
    period_closed = books.table.events(books.tenant_id)[-1]
    assert (period_closed.object_type, period_closed.object_id) == ("fiscal_year", "2025")
    assert (tenant(books).closed_years, tenant(books).lock_date) == ([2025], date(2025, 12, 31))


def test_a_closed_year_is_not_closed_again_nor_posted_into(books):
    sale(books, date(2025, 6, 1))
    periods.close_year(books.tenant_id, 2025)
    before, events = books.table.transactions, books.table.event_types(books.tenant_id)
    with pytest.raises(PeriodClosed) as error:
        periods.close_year(books.tenant_id, 2025)
    assert error.value.code == "period_closed"
    with pytest.raises(PeriodLocked):
        sale(books, date(2025, 12, 15))
    with pytest.raises(PeriodLocked):
        expense(books, date(2025, 12, 31), "10")
    assert books.table.event_types(books.tenant_id) == events + ["invoice.created"]  # the draft only
    assert books.table.transactions == before + 1
    assert len(closing_entries(books)) == 1


def test_a_year_not_ended_or_after_an_open_year_with_postings_is_refused(books):
    with pytest.raises(InvalidState):
        periods.close_year(books.tenant_id, 2026)  # ends 2026-12-31, after today
    expense(books, date(2024, 5, 1), "50")
    sale(books, date(2025, 6, 1))
    with pytest.raises(InvalidState) as error:
        periods.close_year(books.tenant_id, 2025)
    assert error.value.code == "earlier_year_open"
    periods.close_year(books.tenant_id, 2024)
    periods.close_year(books.tenant_id, 2025)
    assert tenant(books).closed_years == [2024, 2025]
    assert books.balances()["3100"] == D(-1200)  # 1250 of 2025 less 50 of 2024, each counted once


def test_a_year_without_profit_or_loss_closes_with_no_entry(books):
    periods.close_year(books.tenant_id, 2025)
    assert closing_entries(books) == [] and tenant(books).closed_years == [2025]
    assert books.table.event_types(books.tenant_id) == ["period.closed"]


def test_more_accounts_than_one_entry_holds_close_in_several_balanced_entries(books, monkeypatch):
    monkeypatch.setattr(periods, "CLOSING_ACCOUNTS_PER_ENTRY", 2)
    sale(books, date(2025, 6, 1))
    for account, amount in (("5000", "100"), ("6000", "200"), ("6900", "5")):
        expense(books, date(2025, 7, 1), amount, account)
    before = books.table.transactions
    closed = periods.close_year(books.tenant_id, 2025)
    entries = closing_entries(books)
    assert len(entries) == 2 and books.table.transactions == before + 2  # the last one with the lock
    assert sorted(closed["entry_ids"]) == sorted(entry.id for entry in entries)
    for entry in entries:
        assert sum(line.debit for line in entry.lines) == sum(line.credit for line in entry.lines)
    assert {code: amount for code, amount in books.balances().items() if code >= "4000"} == {}
    assert books.balances()["3100"] == D(-945)


def test_two_closes_of_one_year_at_once_post_one_closing_entry(books, monkeypatch):
    sale(books, date(2025, 6, 1))
    read = MemoryUnitOfWork.balances_as_of
    raced: list[bool] = []

    def racing(self, day):  # noqa: ANN001, ANN202
        balances = read(self, day)
        if not raced:  # another request closes the year between this one's reads and its commit
            raced.append(True)
            periods.close_year(books.tenant_id, 2025)
        return balances

    monkeypatch.setattr(MemoryUnitOfWork, "balances_as_of", racing)
    with pytest.raises(PeriodClosed):  # its commit fails on the tenant as read; re-read, the year is closed
        periods.close_year(books.tenant_id, 2025)
    assert len(closing_entries(books)) == 1
    assert books.balances()["3100"] == D(-1250)


def test_balances_and_first_entry_date_read_through_the_unit(books):
    sale(books, date(2025, 6, 1))
    expense(books, date(2025, 9, 1), "400")
    unit = open_unit(books.tenant_id)
    assert books.accounts["6000"] not in unit.balances_as_of(date(2025, 8, 31))
    assert unit.balances_as_of(date(2025, 9, 1))[books.accounts["6000"]] == (D(400), D(0))
    assert unit.balances_as_of(date(2025, 5, 31)) == {}
    assert unit.first_entry_date(None, None) == date(2025, 6, 1)
    assert unit.first_entry_date(date(2025, 6, 2), date(2025, 12, 31)) == date(2025, 9, 1)
    assert unit.first_entry_date(date(2025, 9, 2), None) is None


def test_a_close_with_an_idempotency_key_stores_its_answer_with_the_lock_and_replays_it(books, monkeypatch):
    monkeypatch.setattr(periods, "CLOSING_ACCOUNTS_PER_ENTRY", 2)  # two entries: the first is a step
    sale(books, date(2025, 6, 1))
    for account, amount in (("5000", "100"), ("6000", "200"), ("6900", "5")):
        expense(books, date(2025, 7, 1), amount, account)
    before = books.table.transactions
    closed = periods.close_year(books.tenant_id, 2025, idempotency_key="close-2025")
    assert books.table.transactions == before + 2  # the key's record rides on the last one, no write of its own
    replayed = periods.close_year(books.tenant_id, 2025, idempotency_key="close-2025")
    assert replayed == closed and books.table.transactions == before + 2
    assert len(closing_entries(books)) == 2
