"""Dunning: when an open invoice turns overdue, and which reminder level is due on a given day.

Pure: the caller passes the day (the reminders job's date), the policy and the reminders that exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledgerline.domain.documents import invoice as invoice_rules
from ledgerline.domain.errors import FieldIssue, ValidationFailed

MAX_LEVELS = 10
DEFAULT_PAYMENT_DAYS = 10


@dataclass(frozen=True)
class DunningLevel:
    """One step of a policy: `days_after_due` days past the due date, this reminder is due."""

    level: int
    days_after_due: int
    title: str
    message: str
    fee: Decimal | None = None
    payment_days: int = DEFAULT_PAYMENT_DAYS


DEFAULT_LEVELS: tuple[DunningLevel, ...] = (
    DunningLevel(1, 7, "Payment reminder",
                 "Our records show that this invoice is still open. If you have already paid it, please "
                 "disregard this reminder; otherwise please pay the amount due by the date below."),
    DunningLevel(2, 21, "Second reminder",
                 "This invoice is now three weeks overdue and we have not received your payment. "
                 "Please pay the amount due by the date below."),
    DunningLevel(3, 35, "Final reminder",
                 "Despite our earlier reminders this invoice remains unpaid. Please pay the amount due by the "
                 "date below; otherwise we may have to take further steps to collect it."),
)


@dataclass(frozen=True)
class ExistingReminder:
    """What the rules need to know about a reminder already created (or withdrawn) for an invoice."""

    level: int
    date: date


def check_levels(levels: Sequence[DunningLevel]) -> None:
    """Levels are numbered 1..n in order and come strictly later after the due date each time."""
    issues: list[FieldIssue] = []
    if not 1 <= len(levels) <= MAX_LEVELS:
        issues.append(FieldIssue("levels", f"give between 1 and {MAX_LEVELS} levels"))
    for index, level in enumerate(levels):
        where = f"levels.{index}"
        if level.level != index + 1:
            issues.append(FieldIssue(f"{where}.level", f"must be {index + 1}"))
        if index and level.days_after_due <= levels[index - 1].days_after_due:
            issues.append(FieldIssue(f"{where}.days_after_due",
                                     "must be later than the previous level's days_after_due"))
        if level.fee is not None and level.fee < 0:
            issues.append(FieldIssue(f"{where}.fee", "must not be negative"))
    if issues:
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues)


def is_overdue(due_date: date, amount_due: Decimal, day: date, grace_days: int = 0) -> bool:
    """Overdue on `day`: the due date has passed and money is still due (the invoice's one definition)."""
    return invoice_rules.is_overdue(due_date, amount_due, day, grace_days)


def due_level(levels: Sequence[DunningLevel], existing: Iterable[ExistingReminder], due_date: date,
              day: date) -> DunningLevel | None:
    """The reminder to create on `day`, if any: the level after the highest one that exists.

    It is due once the invoice is `days_after_due` days overdue and, after an earlier reminder, once as
    many days have passed since that reminder as the policy puts between the two levels. A job that ran
    every day creates level n exactly `days_after_due` days after the due date; a job that missed days
    (or an invoice found late) does not send the levels it skipped on consecutive days.
    """
    reminders = sorted(existing, key=lambda r: r.level)
    last = reminders[-1] if reminders else None
    following = [level for level in levels if last is None or level.level > last.level]
    if not following:
        return None
    candidate = following[0]
    if (day - due_date).days < candidate.days_after_due:
        return None
    if last is not None:
        previous = next((level for level in levels if level.level == last.level), None)
        gap = candidate.days_after_due - (previous.days_after_due if previous else 0)
        if day < last.date + timedelta(days=gap):
            return None
    return candidate


def next_level(levels: Sequence[DunningLevel], existing: Iterable[ExistingReminder]) -> DunningLevel | None:
    """The level a reminder created by hand gets: the one after the highest that exists."""
    highest = max((r.level for r in existing), default=0)
    return next((level for level in levels if level.level > highest), None)


def pay_by(day: date, level: DunningLevel) -> date:
    """The new payment deadline a reminder gives."""
    return day + timedelta(days=level.payment_days)
