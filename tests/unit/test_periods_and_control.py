"""Closed years stay closed and close in order; control accounts; settling before issue (issue 11)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledgerline.domain.accounts import CONTROL_SUBTYPES, SUBTYPES, is_control
from ledgerline.domain.chart import DEFAULT_CHART, SYSTEM_ACCOUNT_CODES
from ledgerline.domain.documents import InvalidState, PeriodClosed, PeriodLocked, settlement_date_error
from ledgerline.domain.journal import SourceType
from ledgerline.domain.periods import (
    check_closable,
    check_fiscal_year_start_change,
    check_lock_date,
    closed_through,
    fiscal_year,
    fiscal_year_of,
    unclosed_before,
)
from ledgerline.domain.posting import Conversion
from ledgerline.store.ledger import JournalEntry

TODAY = date(2026, 12, 5)


# -- 11.1: the lock date never moves back before a closed year -----------------------------------


@pytest.mark.parametrize("lock_date", [None, date(2025, 12, 30), date(2024, 1, 1)])
def test_the_lock_date_cannot_move_back_before_the_last_closed_year(lock_date):
    with pytest.raises(PeriodClosed) as raised:
        check_lock_date(lock_date, [2024, 2025], 1)
    assert raised.value.param == "lock_date" and raised.value.code == "period_closed"


@pytest.mark.parametrize("lock_date", [date(2025, 12, 31), date(2026, 3, 31)])
def test_the_lock_date_may_move_forward_or_back_to_the_closed_year_end(lock_date):
    check_lock_date(lock_date, [2025], 1)


@pytest.mark.parametrize("lock_date", [None, date(2001, 1, 1)])
def test_without_a_closed_year_the_lock_date_moves_freely(lock_date):
    check_lock_date(lock_date, [], 1)
    check_lock_date(lock_date, None, 7)


def test_a_fiscal_year_ending_in_june_is_closed_through_its_june_end():
    assert closed_through([2025], 7) == date(2025, 6, 30)
    with pytest.raises(PeriodClosed):
        check_lock_date(date(2025, 6, 29), [2025], 7)
    check_lock_date(date(2025, 6, 30), [2025], 7)


def test_the_fiscal_year_start_is_fixed_once_a_year_is_closed():
    check_fiscal_year_start_change(1, 7, [])
    check_fiscal_year_start_change(1, 1, [2025])
    with pytest.raises(PeriodClosed) as raised:
        check_fiscal_year_start_change(1, 7, [2025])
    assert raised.value.param == "fiscal_year_start_month"


# -- 11.2: years close in order ------------------------------------------------------------------


@pytest.mark.parametrize(("day", "start_month", "year"), [
    (date(2024, 12, 31), 1, 2024), (date(2025, 1, 1), 1, 2025),
    (date(2025, 6, 30), 7, 2025), (date(2025, 7, 1), 7, 2026), (date(2025, 3, 31), 4, 2025),
])
def test_the_fiscal_year_of_a_day_is_the_one_that_contains_it(day, start_month, year):
    assert fiscal_year_of(day, start_month) == year
    start, end = fiscal_year(year, start_month)
    assert start <= day <= end


def test_unclosed_days_before_a_year_start_after_the_last_closed_year():
    assert unclosed_before(2025, [], 1) == (None, date(2024, 12, 31))
    assert unclosed_before(2026, [2023, 2024], 1) == (date(2025, 1, 1), date(2025, 12, 31))
    assert unclosed_before(2026, [2025], 7) == (date(2025, 7, 1), date(2025, 6, 30))  # nothing in between


def closable(year, closed_years=(), lock_date=None, first_unclosed_posting=None, start_month=1):
    check_closable(year, closed_years=list(closed_years), start_month=start_month, lock_date=lock_date,
                   first_unclosed_posting=first_unclosed_posting, today=TODAY)


def test_a_year_closes_after_it_ends_when_every_earlier_year_with_postings_is_closed():
    closable(2025)
    closable(2025, closed_years=[2024], lock_date=date(2024, 12, 31))
    closable(2025, lock_date=date(2025, 12, 30))


def test_an_earlier_open_year_with_postings_is_named():
    with pytest.raises(InvalidState) as raised:
        closable(2025, first_unclosed_posting=date(2024, 3, 10))
    assert raised.value.code == "earlier_year_open" and raised.value.param == "year"
    assert "Fiscal year 2024 " in raised.value.message
    with pytest.raises(InvalidState, match="Fiscal year 2024 "):
        closable(2025, first_unclosed_posting=date(2024, 6, 30), start_month=7)


@pytest.mark.parametrize("year", [2024, 2025])
def test_a_year_at_or_before_the_last_closed_year_is_closed_already(year):
    with pytest.raises(PeriodClosed) as raised:
        closable(year, closed_years=[2025], lock_date=date(2025, 12, 31))
    assert raised.value.param == "year"


def test_a_year_still_running_cannot_close():
    with pytest.raises(InvalidState) as raised:
        closable(2026)
    assert raised.value.code == "invalid_state"


def test_closing_entries_are_not_posted_into_a_locked_period():
    with pytest.raises(PeriodLocked) as raised:
        closable(2025, lock_date=date(2025, 12, 31))
    assert raised.value.param == "year"


# -- 11.8: control accounts and settling an invoice before its issue date ------------------------


def test_control_accounts_are_the_documents_accounts():
    assert {"receivable", "payable", "customer_credit", "tax", "inventory"} <= CONTROL_SUBTYPES
    assert {"receivable", "payable", "customer_credit", "tax", "inventory"} <= set().union(*SUBTYPES.values())
    assert not any(is_control(s) for s in ("bank", "cash", "equity", "retained_earnings", "sales", "operating", None))
    by_code = {t.code: t for t in DEFAULT_CHART}
    for role in ("receivable", "customer_credit"):
        assert is_control(by_code[SYSTEM_ACCOUNT_CODES[role]].subtype)


def test_an_invoice_is_not_settled_before_it_is_issued():
    assert settlement_date_error(date(2026, 1, 20), date(2026, 1, 20)) is None
    assert settlement_date_error(date(2026, 1, 21), date(2026, 1, 20)) is None
    assert "2026-01-20" in settlement_date_error(date(2026, 1, 19), date(2026, 1, 20))


# -- 11.10: every source type is listed -----------------------------------------------------------


def test_every_source_type_is_listed_and_no_other_is_posted():
    assert "year_end_close" in set(SourceType)
    conversion = Conversion("AUD", "AUD", Decimal(1))
    at = TODAY
    for source_type in SourceType:
        JournalEntry.new("ten_x", TODAY, conversion, source_type=source_type.value, source_id=None,
                         description=None, at=at)
    with pytest.raises(ValueError):
        JournalEntry.new("ten_x", TODAY, conversion, source_type="bogus", source_id=None, description=None, at=at)
