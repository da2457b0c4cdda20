"""Calendar arithmetic for reports: fiscal years, report columns and ageing buckets; closing years in order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from ledgerline.domain.accounts import AccountType
from ledgerline.domain.documents import InvalidState, PeriodClosed, PeriodLocked
from ledgerline.domain.journal import JournalLine
from ledgerline.domain.money import round_money

# Accounts closed per entry: each adds a ledger line and three balance buckets to its transaction, which
# holds at most 100 items.
CLOSING_ACCOUNTS_PER_ENTRY = 15


def fiscal_year_start(day: date, start_month: int) -> date:
    """First day of the fiscal year that contains `day`."""
    year = day.year if day.month >= start_month else day.year - 1
    return date(year, start_month, 1)


def fiscal_year(year: int, start_month: int) -> tuple[date, date]:
    """The fiscal year that ends in calendar year `year`."""
    end = date(year + (1 if start_month == 1 else 0), start_month, 1) - timedelta(days=1)
    start = date(end.year - (0 if start_month == 1 else 1), start_month, 1)
    return start, end


def fiscal_year_of(day: date, start_month: int) -> int:
    """The fiscal year (named by the calendar year it ends in) that contains `day`."""
    return fiscal_year_start(day, start_month).year + (0 if start_month == 1 else 1)


def closed_through(closed_years: Iterable[int] | None, start_month: int) -> date | None:
    """The last day of the last closed fiscal year: every day up to it is closed, or None."""
    years = list(closed_years or [])
    return fiscal_year(max(years), start_month)[1] if years else None


def check_lock_date(lock_date: date | None, closed_years: Iterable[int] | None, start_month: int) -> None:
    """A lock date may move freely, but never back before the end of the last closed year."""
    years = list(closed_years or [])
    closed = closed_through(years, start_month)
    if closed is not None and (lock_date is None or lock_date < closed):
        raise PeriodClosed(
            f"Fiscal year {max(years)} is closed: the lock date cannot move before {closed.isoformat()}",
            param="lock_date",
        )


def check_fiscal_year_start_change(current: int, new: int, closed_years: Iterable[int] | None) -> None:
    """Moving the fiscal year start after a close would move closed years' boundaries."""
    years = list(closed_years or [])
    if years and new != current:
        raise PeriodClosed(
            f"Fiscal year {max(years)} is closed: the fiscal year start month can no longer change",
            param="fiscal_year_start_month",
        )


def unclosed_before(year: int, closed_years: Iterable[int] | None, start_month: int) -> tuple[date | None, date]:
    """The days before fiscal year `year` that belong to no closed year: (first day or None, last day)."""
    closed = closed_through(closed_years, start_month)
    start, _ = fiscal_year(year, start_month)
    return (closed + timedelta(days=1) if closed else None), start - timedelta(days=1)


def check_closable(
    year: int,
    *,
    closed_years: Iterable[int] | None,
    start_month: int,
    lock_date: date | None,
    first_unclosed_posting: date | None,
    today: date,
) -> None:
    """Years close in order, after they end, and their closing entries (dated the year end) are not locked.

    `first_unclosed_posting` is the date of the earliest posting in `unclosed_before(year, …)`."""
    years = list(closed_years or [])
    _, end = fiscal_year(year, start_month)
    if years and year <= max(years):
        raise PeriodClosed(f"Fiscal year {year} is already closed (years are closed up to {max(years)})",
                           param="year")
    if end >= today:
        raise InvalidState(f"Fiscal year {year} ends {end.isoformat()}; close it after it has ended", param="year")
    if first_unclosed_posting is not None:
        earlier = fiscal_year_of(first_unclosed_posting, start_month)
        raise InvalidState(
            f"Fiscal year {earlier} has postings and is still open; close it before fiscal year {year}",
            param="year",
            code="earlier_year_open",
        )
    if lock_date is not None and end <= lock_date:
        raise PeriodLocked(
            f"The books are locked up to {lock_date.isoformat()}, and closing fiscal year {year} posts on "
            f"{end.isoformat()}; move the lock date before {end.isoformat()} to close it (closing locks the year)",
            param="year",
        )


def accounts_to_close(balances: Mapping[str, tuple[Decimal, Decimal]],
                      types: Mapping[str, str]) -> list[tuple[str, Decimal]]:
    """(account id, debit − credit) of every revenue and expense account that does not read zero at the year
    end, by account id: what closing the year moves to retained earnings."""
    closed = (AccountType.REVENUE, AccountType.EXPENSE)
    return [(account_id, debit - credit) for account_id, (debit, credit) in sorted(balances.items())
            if types[account_id] in closed and debit != credit]


def closing_entries(year: int, to_close: list[tuple[str, Decimal]], retained_earnings: str, currency: str,
                    per_entry: int = CLOSING_ACCOUNTS_PER_ENTRY) -> list[list[JournalLine]]:
    """The lines of each closing entry of fiscal year `year` (in the base currency): every account of
    `to_close` back to zero, `per_entry` accounts an entry, and the entry's profit (credits net of debits
    on those accounts) to retained earnings, so that each entry balances on its own."""
    zero = round_money(Decimal(0), currency)
    entries = []
    for offset in range(0, len(to_close), per_entry):
        chunk = to_close[offset : offset + per_entry]
        lines = [JournalLine(account_id, zero if net > 0 else -net, net if net > 0 else zero, currency, abs(net),
                             f"Close fiscal year {year}")
                 for account_id, net in chunk]
        profit = -sum((net for _, net in chunk), Decimal(0))
        if profit:
            lines.append(JournalLine(retained_earnings, zero if profit > 0 else -profit, profit if profit > 0 else zero,
                                     currency, abs(profit), f"Profit of fiscal year {year}"))
        entries.append(lines)
    return entries


def close(closed_years: Iterable[int] | None, lock_date: date | None, year: int,
          start_month: int) -> tuple[list[int], date]:
    """The closed years and the lock date once `year` is closed: the lock date moves to the year end if it
    was before it."""
    _, end = fiscal_year(year, start_month)
    return sorted({*(closed_years or []), year}), (end if lock_date is None or lock_date < end else lock_date)


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
