"""What every document kind's life cycle shares: invalid-state errors, locked periods, list status filters,
and the result of a transition (the new state and the event type it emits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from ledgerline.domain.errors import Conflict, FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType

S = TypeVar("S")


class PeriodLocked(Conflict):
    code = "period_locked"


class PeriodClosed(Conflict):
    code = "period_closed"


class InvalidState(Conflict):
    code = "invalid_state"


@dataclass(frozen=True)
class Transition(Generic[S]):
    """A transition's outcome: the document's new state and the event type to record with it."""

    state: S
    event: EventType


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


def status_filter(values: list[str], filters: dict[str, tuple[str, ...]], *,
                  param: str = "status") -> frozenset[str] | None:
    """The statuses a list's `status` parameter asks for: repeated (`status=a&status=b`) or comma-separated
    (`status=a,b`), each a status or a group such as `open`. None when not given (no filter)."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        return None
    unknown = [name for name in names if name not in filters]
    if unknown:
        message = f"unknown status '{unknown[0]}'; use one or more of {', '.join(filters)}"
        raise ValidationFailed(f"{param}: {message}", param=param, details=[FieldIssue(param, message)])
    return frozenset(status for name in names for status in filters[name])


def require_status(noun: str, status: str, allowed: tuple[str, ...], action: str) -> None:
    if status not in allowed:
        article = "an" if noun[0] in "aeiou" else "a"
        raise InvalidState(f"Cannot {action} {article} {noun} that is {status.replace('_', ' ')}", param="status")


def check_open_period(day: date, lock_date: date | None, *, param: str = "date") -> None:
    if lock_date is not None and day <= lock_date:
        raise PeriodLocked(f"The books are locked up to {lock_date.isoformat()}; {param} {day.isoformat()} "
                           "falls in a locked period", param=param)
