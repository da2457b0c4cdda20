"""Calendar arithmetic for reports: fiscal years, report columns and ageing buckets."""

from __future__ import annotations

from datetime import date, timedelta


def fiscal_year_start(day: date, start_month: int) -> date:
    """First day of the fiscal year that contains `day`."""
    year = day.year if day.month >= start_month else day.year - 1
    return date(year, start_month, 1)


def fiscal_year(year: int, start_month: int) -> tuple[date, date]:
    """The fiscal year that ends in calendar year `year`."""
    end = date(year + (1 if start_month == 1 else 0), start_month, 1) - timedelta(days=1)
    start = date(end.year - (0 if start_month == 1 else 1), start_month, 1)
    return start, end


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month_start(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def monthly_columns(to: date, count: int) -> list[tuple[date, date]]:
    """`count` calendar months ending with the month of `to` (the last one ends at `to`), oldest first."""
    columns = []
    end = to
    for _ in range(count):
        start = month_start(end)
        columns.append((start, end))
        end = start - timedelta(days=1)
    return list(reversed(columns))


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length right before [start, end]."""
    length = end - start
    previous_end = start - timedelta(days=1)
    return previous_end - length, previous_end


AGEING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("current", -(10**6), 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("over_90", 91, None),
)


def ageing_bucket(due_date: date, as_of: date) -> str:
    overdue_days = (as_of - due_date).days
    for name, low, high in AGEING_BUCKETS:
        if overdue_days >= low and (high is None or overdue_days <= high):
            return name
    raise AssertionError("buckets cover every number of days")
