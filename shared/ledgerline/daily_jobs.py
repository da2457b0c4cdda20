"""What the daily jobs share (reminders, recurring invoices): the day they may run for, and every tenant.

A run writes for its day (it dates what it creates on it), so a day after today is refused unless it is a
dry run; days before today are allowed (a missed run caught up). Tenants come from the tenant directory
(`TENANTS` partition), or are the ones given (the CLI's `--tenant`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, ClassVar

from ledgerline.clock import Clock, using
from ledgerline.domain.errors import InvalidRequest
from ledgerline.store.tenant_directory import all_tenant_ids


class FutureRunRefused(InvalidRequest):
    code = "future_date"


@dataclass
class DailyReport:
    """What a run did (or, in a dry run, would do); each job adds its own counts."""

    JOB: ClassVar[str] = "daily job"

    date: date
    tenants: int = 0
    failures: int = 0
    dry_run: bool = False
    # What was done (or would be), one entry per object that needed something
    actions: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "date": self.date.isoformat()}


def run_every_tenant(day: date, tenant_ids: Iterable[str] | None, *, dry_run: bool, clock: Clock | None,
                     report: DailyReport, run_tenant: Callable[[str, date, Any], None], what: str) -> None:
    """Run `run_tenant(tenant id, day, report)` for every tenant, on `clock` (default: the process's), which
    the services it calls read too. `what` says what a run after today would do wrong (its refusal)."""
    with using(clock) as now:
        today = now.today()
        if day > today and not dry_run:
            raise FutureRunRefused(f"Cannot run the {report.JOB} for {day.isoformat()}, after today "
                                   f"({today.isoformat()}): {what}. Use a dry run to see what it will do.",
                                   param="date")
        for tenant_id in tenant_ids if tenant_ids is not None else all_tenant_ids():
            report.tenants += 1
            run_tenant(tenant_id, day, report)
