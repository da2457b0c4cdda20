"""The schedule of recurring invoices (domain/recurrence.py): next dates, month-end clamping, `last`, the end."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.documents import recurring_invoice as rules
from ledgerline.domain.documents.recurring_invoice import Position, RecurringStatus
from ledgerline.domain.errors import ValidationFailed
from ledgerline.domain.recurrence import MONTHS, Interval, Schedule


def dates(schedule: Schedule, limit: int = 60) -> list[date]:
    found = []
    for n in range(limit):
        day = schedule.occurrence(n)
        if day is None:
            break
        found.append(day)
    return found


def test_monthly_on_the_31st_clamps_to_each_month_end_and_comes_back():
    schedule = Schedule(Interval.MONTHLY, 1, date(2026, 1, 31))
    assert dates(schedule, 4) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_last_is_the_last_day_of_every_month_also_in_a_leap_year():
    schedule = Schedule(Interval.MONTHLY, 1, date(2028, 1, 1), day_of_month="last")
    assert dates(schedule, 3) == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]


def test_a_day_of_month_already_past_in_the_start_month_starts_the_next_month():
    schedule = Schedule(Interval.QUARTERLY, 1, date(2026, 1, 20), day_of_month=15)
    assert dates(schedule, 3) == [date(2026, 2, 15), date(2026, 5, 15), date(2026, 8, 15)]


def test_weekly_every_two_weeks():
    schedule = Schedule(Interval.WEEKLY, 2, date(2026, 3, 2))
    assert dates(schedule, 3) == [date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 30)]


def test_yearly_on_the_29th_of_february_clamps_in_common_years():
    schedule = Schedule(Interval.YEARLY, 1, date(2028, 2, 29))
    assert dates(schedule, 2) == [date(2028, 2, 29), date(2029, 2, 28)]


def test_count_and_end_date_end_the_schedule():
    assert len(dates(Schedule(Interval.MONTHLY, 1, date(2026, 1, 1), count=3))) == 3
    assert dates(Schedule(Interval.MONTHLY, 1, date(2026, 1, 1), end_date=date(2026, 3, 1)))[-1] == date(2026, 3, 1)


@pytest.mark.parametrize("fields, field", [
    ({"every": 0}, "schedule.every"),
    ({"interval": Interval.WEEKLY, "day_of_month": 3}, "schedule.day_of_month"),
    ({"day_of_month": 32}, "schedule.day_of_month"),
    ({"end_date": date(2026, 1, 1), "count": 2}, "schedule.count"),
    ({"end_date": date(2025, 12, 31)}, "schedule.end_date"),
    ({"day_of_month": 20, "end_date": date(2026, 1, 10)}, "schedule.end_date"),
])
def test_bad_schedules_are_refused_naming_the_field(fields, field):
    base = {"interval": Interval.MONTHLY, "every": 1, "start_date": date(2026, 1, 1)}
    with pytest.raises(ValidationFailed) as error:
        Schedule(**(base | fields))
    assert error.value.param == field


def _schedule(*args: object) -> Schedule | None:
    try:
        return _make(*args)
    except ValidationFailed:  # an end before the first period's day
        return None


def _make(interval, every, start, day, end_after, count, ending):  # noqa: ANN001, ANN202
    return Schedule(
        interval, every, start, None if interval == Interval.WEEKLY else day,
        start + timedelta(days=end_after) if ending == "end" else None, count if ending == "count" else None)


schedules = st.builds(
    _schedule,
    st.sampled_from(list(Interval)), st.integers(1, 12), st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    st.one_of(st.none(), st.integers(1, 31), st.just("last")), st.integers(0, 2000), st.integers(1, 40),
    st.sampled_from(["never", "end", "count"])).filter(lambda schedule: schedule is not None)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month


@settings(max_examples=300, deadline=None)
@given(schedules)
def test_dates_strictly_increase_one_period_apart_and_respect_the_end(schedule):
    found = dates(schedule, 50)
    assert found, "a schedule has at least its first period"
    assert found[0] >= schedule.start_date
    assert all(a < b for a, b in zip(found, found[1:], strict=False))
    for a, b in zip(found, found[1:], strict=False):  # never a period skipped nor repeated: exactly one step apart
        if schedule.interval == Interval.WEEKLY:
            assert (b - a).days == 7 * schedule.every
        else:
            assert _month_index(b) - _month_index(a) == MONTHS[schedule.interval] * schedule.every
    if schedule.interval != Interval.WEEKLY:
        for day in found:
            last = calendar.monthrange(day.year, day.month)[1]
            wanted = last if schedule.day_of_month == "last" else min(schedule.day_of_month or
                                                                      schedule.start_date.day, last)
            assert day.day == wanted
    if schedule.count is not None:
        assert len(found) == min(schedule.count, 50)
    if schedule.end_date is not None:
        assert all(day <= schedule.end_date for day in found)
        if len(found) < 50:
            after = schedule._day(len(found))
            assert after > schedule.end_date


@settings(max_examples=200, deadline=None)
@given(schedules, st.integers(0, 3000))
def test_first_after_is_the_first_period_after_a_day(schedule, offset):
    day = schedule.start_date + timedelta(days=offset)
    n = schedule.first_after(day)
    assert schedule._day(n) > day
    assert n == 0 or schedule._day(n - 1) <= day


@settings(max_examples=200, deadline=None)
@given(schedules, st.lists(st.integers(0, 400), min_size=1, max_size=8))
def test_runs_on_any_days_invoice_every_period_once_in_order(schedule, gaps):
    """However the job's days fall (late, twice on a day), the periods invoiced are 0, 1, 2, … with no gap."""
    position = rules.start(schedule)
    invoiced: list[date] = []
    day = schedule.start_date
    for gap in gaps:
        day += timedelta(days=gap)
        for _ in range(2):  # the job twice on the same day changes nothing the second time
            while position.status == RecurringStatus.ACTIVE and position.next_run_date <= day:
                invoiced.append(position.next_run_date)
                position = rules.advance(schedule, position)
    assert invoiced == dates(schedule, len(invoiced)) if invoiced else True
    assert len(set(invoiced)) == len(invoiced)


def test_pause_and_resume_skip_the_days_that_passed_while_paused():
    schedule = Schedule(Interval.MONTHLY, 1, date(2026, 1, 10))
    position = rules.start(schedule)
    paused, event = rules.pause(position)
    assert (paused.status, event) == (RecurringStatus.PAUSED, "recurring_invoice.paused")
    with pytest.raises(InvalidState):
        rules.pause(paused)
    resumed, event = rules.resume(schedule, paused, date(2026, 4, 1))
    assert (resumed.status, resumed.next_run_date, event) == (RecurringStatus.ACTIVE, date(2026, 4, 10),
                                                              "recurring_invoice.resumed")
    with pytest.raises(InvalidState):
        rules.resume(schedule, resumed, date(2026, 4, 1))


def test_the_last_period_finishes_the_template():
    schedule = Schedule(Interval.MONTHLY, 1, date(2026, 1, 1), count=1)
    finished = rules.advance(schedule, rules.start(schedule))
    assert finished == Position(RecurringStatus.FINISHED, 1, None)


def test_a_period_covers_its_own_day_up_to_the_day_before_the_next_one():
    """E-invoicing BG-14 (issue 17): a recurring invoice is for the days from its period's day (in advance)."""
    monthly = Schedule(Interval.MONTHLY, 1, date(2026, 1, 31))
    assert [monthly.covers(n) for n in range(3)] == [(date(2026, 1, 31), date(2026, 2, 27)),
                                                     (date(2026, 2, 28), date(2026, 3, 30)),
                                                     (date(2026, 3, 31), date(2026, 4, 29))]
    weekly = Schedule(Interval.WEEKLY, 2, date(2026, 1, 5), count=1)
    assert weekly.covers(0) == (date(2026, 1, 5), date(2026, 1, 18))  # the end of the schedule does not cut it


@settings(max_examples=80, deadline=None)
@given(interval=st.sampled_from(list(Interval)), every=st.integers(1, 3),
       start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), n=st.integers(0, 40))
def test_periods_cover_every_day_once_back_to_back(interval, every, start, n):
    schedule = Schedule(interval, every, start)
    first, last = schedule.covers(n)
    following, _ = schedule.covers(n + 1)
    assert first == schedule.occurrence(n) and first <= last and following == last + timedelta(days=1)
