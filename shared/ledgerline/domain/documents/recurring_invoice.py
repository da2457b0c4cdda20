"""Recurring invoice templates: active ⇄ paused, and finished once the schedule has no period left.

Pure: the state is the template's status, its next period and the schedule (domain/recurrence.py). A
template is not numbered and posts nothing itself; each period's invoice is an ordinary invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ledgerline.domain.documents.base import require_status
from ledgerline.domain.events import EventType
from ledgerline.domain.recurrence import Schedule


class RecurringStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    FINISHED = "finished"


STATUS_FILTERS: dict[str, tuple[str, ...]] = {status.value: (status.value,) for status in RecurringStatus}


@dataclass(frozen=True)
class Position:
    """Where a template stands: its status, the next period to invoice and that period's day (None when finished)."""

    status: RecurringStatus
    period: int
    next_run_date: date | None


def start(schedule: Schedule, last_run_date: date | None = None) -> Position:
    """A new template, or one whose schedule changed: the first period after the last day invoiced."""
    period = schedule.first_after(last_run_date)
    return settle(schedule, RecurringStatus.ACTIVE, period)


def settle(schedule: Schedule, status: RecurringStatus, period: int) -> Position:
    day = schedule.occurrence(period)
    if day is None:
        return Position(RecurringStatus.FINISHED, period, None)
    return Position(status, period, day)


def advance(schedule: Schedule, position: Position) -> Position:
    """After period `position.period` was invoiced."""
    require_status("recurring invoice", position.status, (RecurringStatus.ACTIVE,), "run")
    return settle(schedule, RecurringStatus.ACTIVE, position.period + 1)


def pause(position: Position) -> tuple[Position, EventType]:
    require_status("recurring invoice", position.status, (RecurringStatus.ACTIVE,), "pause")
    return Position(RecurringStatus.PAUSED, position.period, position.next_run_date), EventType.RECURRING_INVOICE_PAUSED


def resume(schedule: Schedule, position: Position, today: date) -> tuple[Position, EventType]:
    """Paused → active. Periods whose day fell while it was paused (before today) are skipped, not caught up:
    pausing means no invoices for that time."""
    require_status("recurring invoice", position.status, (RecurringStatus.PAUSED,), "resume")
    period = position.period
    while (day := schedule.occurrence(period)) is not None and day < today:
        period += 1
    return settle(schedule, RecurringStatus.ACTIVE, period), EventType.RECURRING_INVOICE_RESUMED
