"""The clock port: the domain receives dates and times, only adapters read the wall clock.

`Clock` is the port (`now()`, `today()`, both UTC). `SystemClock` is the one reader of the wall clock;
`FixedClock` stands still until a test moves it. The edges choose the clock: the app factory
(`create_app(clock=...)`) installs one per request, jobs and the CLI take one, and the process's clock
(`use()`, for tests and the local runtime) stands behind them. Services and the store read the clock the
edge installed, `current_clock()` (context-local, as the log keys are), never the wall clock; schemas read
no clock at all: they take the day from the validation context their caller gives them.

`utc_now()` and `today()` are `current_clock().now()` and `.today()`, kept by name for the modules that
call them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...

    def today(self) -> date:
        """The current day in UTC."""
        ...


class SystemClock:
    """The wall clock: the only place Ledgerline reads it."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()


def _wall() -> datetime:
    return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until moved (tests, dry runs): `set(moment)`, `travel_to(day)`."""

    moment: datetime = field(default_factory=_wall)

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a clock's moment must be timezone-aware")
        self.moment = moment.astimezone(UTC)

    def travel_to(self, day: date, at: time = time(9)) -> None:
        """Make `day` today (at 09:00 UTC unless told)."""
        self.moment = datetime.combine(day, at, UTC)


SYSTEM_CLOCK: Clock = SystemClock()
_process_clock: Clock = SYSTEM_CLOCK
_installed: ContextVar[Clock | None] = ContextVar("ledgerline_clock", default=None)


def use(clock: Clock | None) -> None:
    """Set the process's clock (None: the system clock again); what `current_clock()` falls back to."""
    global _process_clock
    _process_clock = clock if clock is not None else SYSTEM_CLOCK


def process_clock() -> Clock:
    return _process_clock


@contextmanager
def using(clock: Clock | None) -> Iterator[Clock]:
    """Install `clock` for this context (a request, a job run) and the threads it starts; None: the process's."""
    chosen = clock if clock is not None else _process_clock
    token = _installed.set(chosen)
    try:
        yield chosen
    finally:
        _installed.reset(token)


def current_clock() -> Clock:
    """The clock the edge installed for this call, else the process's."""
    return _installed.get() or _process_clock


def utc_now() -> datetime:
    return current_clock().now()


def today() -> date:
    return current_clock().today()


def isoformat(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
