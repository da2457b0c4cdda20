"""Schedules of recurring invoices (bexio's order repetition): pure date rules, no clock.

A schedule is an `interval` (weekly, monthly, quarterly, yearly) taken `every` N times, from `start_date`,
optionally on a `day_of_month` (1–31, or `last`; monthly, quarterly and yearly only), ending after `count`
periods or on `end_date` (inclusive), or never. Its periods are numbered 0, 1, 2, …: `occurrence(n)` is the
day period n is invoiced on. The first period is the first scheduled day on or after `start_date`; each
later one is exactly one step further (7·N days, or N, 3·N or 12·N calendar months), so no period is
skipped or repeated. A day of month the month lacks (31 in April, 29–31 in February) is clamped to the
month's last day, for that month only: the next month is on the asked day again.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ledgerline.domain.errors import FieldIssue, InvalidRequest, ValidationFailed

LAST = "last"
MAX_EVERY = 100
MAX_COUNT = 10_000


class Interval(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


MONTHS = {Interval.MONTHLY: 1, Interval.QUARTERLY: 3, Interval.YEARLY: 12}


def add_months(day: date, months: int, day_of_month: int | str | None) -> date:
    """The day `months` calendar months after `day`'s month, on `day_of_month` (default `day`'s own day),
    clamped to the month's last day; `last` is always the last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    wanted = last if day_of_month == LAST else int(day_of_month or day.day)
    return date(year, month, min(wanted, last))


@dataclass(frozen=True)
class Schedule:
    interval: Interval
    every: int
    start_date: date
    day_of_month: int | str | None = None
    end_date: date | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        errors: list[tuple[str, str]] = []
        if not 1 <= self.every <= MAX_EVERY:
            errors.append(("schedule.every", f"must be from 1 to {MAX_EVERY}"))
        if self.day_of_month is not None:
            if self.interval == Interval.WEEKLY:
                errors.append(("schedule.day_of_month", "is for monthly, quarterly and yearly schedules only"))
            elif self.day_of_month != LAST and not (isinstance(self.day_of_month, int)
                                                    and 1 <= self.day_of_month <= 31):
                errors.append(("schedule.day_of_month", 'must be from 1 to 31, or "last"'))
        if self.end_date is not None and self.count is not None:
            errors.append(("schedule.count", "give end_date or count, not both"))
        if self.end_date is not None and self.end_date < self.start_date:
            errors.append(("schedule.end_date", "must not be before start_date"))
        if self.count is not None and not 1 <= self.count <= MAX_COUNT:
            errors.append(("schedule.count", f"must be from 1 to {MAX_COUNT}"))
        if not errors and self.end_date is not None and self._day(0) > self.end_date:
            errors.append(("schedule.end_date", "no period falls on or before it"))
        if errors:
            raise ValidationFailed("; ".join(f"{field}: {message}" for field, message in errors),
                                   param=errors[0][0], details=[FieldIssue(f, m) for f, m in errors])

    def _day(self, n: int) -> date:
        """Period n's day, ignoring the end."""
        if self.interval == Interval.WEEKLY:
            return self.start_date + timedelta(weeks=self.every * n)
        step = MONTHS[self.interval] * self.every
        # The first period is in start_date's month, or in the next month when its day has passed there.
        anchor = 0 if add_months(self.start_date, 0, self.day_of_month) >= self.start_date else 1
        return add_months(self.start_date, anchor + step * n, self.day_of_month)

    def occurrence(self, n: int) -> date | None:
        """The day period `n` (0-based) is invoiced on, or None when the schedule has ended before it."""
        if n < 0:
            raise InvalidRequest("a period is numbered from 0")
        if self.count is not None and n >= self.count:
            return None
        try:
            day = self._day(n)
        except (OverflowError, ValueError):  # past year 9999
            return None
        if self.end_date is not None and day > self.end_date:
            return None
        return day

    def covers(self, n: int) -> tuple[date, date]:
        """The days period `n` invoices (e-invoicing BG-14, issue 17): from its own day to the day before the
        next period's day (billed in advance), whether or not the schedule ends before that next day."""
        start = self._day(n)
        try:
            return start, self._day(n + 1) - timedelta(days=1)
        except (OverflowError, ValueError):  # past year 9999
            return start, start

    def first_after(self, day: date | None) -> int:
        """The first period whose day is after `day` (0 for None): where a changed schedule goes on from, so
        no day already invoiced is invoiced again."""
        if day is None:
            return 0
        # Periods are at least 7 days apart, so a bounded search from an estimate finds it.
        if self.interval == Interval.WEEKLY:
            n = max(0, (day - self.start_date).days // (7 * self.every) - 1)
        else:
            months = (day.year - self.start_date.year) * 12 + day.month - self.start_date.month
            n = max(0, months // (MONTHS[self.interval] * self.every) - 2)
        while True:
            try:
                candidate = self._day(n)
            except (OverflowError, ValueError):
                return n
            if candidate > day:
                return n
            n += 1

    def due(self, period: int, day: date) -> list[tuple[int, date]]:
        """The periods from `period` on that are due on `day` (their day on or before it), in order."""
        found = []
        while (when := self.occurrence(period)) is not None and when <= day:
            found.append((period, when))
            period += 1
        return found
