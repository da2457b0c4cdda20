"""The daily reminders job: every tenant, every open invoice due before the day, one at a time.

It never scans: tenants come from the tenant directory (`TENANTS` partition) and each tenant's overdue
invoices from the sparse open-invoice index (GSI2, `T#<tid>#OPEN` by due date), which holds only
invoices that are awaiting payment or overdue. Running it twice for a day, or two runs at once, is
safe: every write it makes is conditional (see services/reminders.py).

EventBridge Scheduler invokes it once a day (template.yaml, `RemindersJobFunction`) with
`{"scheduled_time": "<aws.scheduler.scheduled-time>"}`; the day is the scheduled time's UTC date, so a
retry later on keeps the day it was meant for. `date` (YYYY-MM-DD) and `tenant_id` may be given to run
another day or one tenant (the CLI does: `ledgerline reminders run --date`).

A run writes for its day: it stores `overdue` and dates reminders on it. So a day after today is refused
(it would mark invoices that are not due yet and date reminders in the future); `dry_run` runs any day and
reports what the run would do, writing nothing. Days before today are allowed (a missed run caught up).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from ledgerline.clock import Clock, using
from ledgerline.daily_jobs import DailyReport, run_every_tenant
from ledgerline.daily_jobs import FutureRunRefused as FutureRunRefused  # the CLI and callers catch it here
from ledgerline.domain.errors import LedgerlineError
from ledgerline.domain.tenants import TenantStatus
from ledgerline.observability import logger
from ledgerline.services import bills, reminders
from ledgerline.store.documents import open_invoices_due_before
from ledgerline.store.tenants import load_tenant

PAGE = 100


@dataclass
class RunReport(DailyReport):
    JOB: ClassVar[str] = "reminders job"

    overdue_invoices: int = 0
    marked_overdue: int = 0
    reminders_created: int = 0
    reminder_ids: list[str] = field(default_factory=list)


def run(day: date, tenant_ids: Iterable[str] | None = None, *, dry_run: bool = False,
        clock: Clock | None = None) -> RunReport:
    """The run for `day`, on `clock` (default: the process's, `clock.use`), which the services it calls read too."""
    report = RunReport(day, dry_run=dry_run)
    run_every_tenant(day, tenant_ids, dry_run=dry_run, clock=clock, report=report, run_tenant=run_tenant,
                     what="it would mark invoices overdue and date reminders ahead of time")
    logger.info("reminders job done", extra=report.as_dict() | {"reminder_ids": len(report.reminder_ids)})
    return report


def run_tenant(tenant_id: str, day: date, report: RunReport) -> None:
    remind_tenant(tenant_id, day, report)
    announce_bills(tenant_id, day, report)


def announce_bills(tenant_id: str, day: date, report: RunReport) -> None:
    """Payables are never dunned; instead each open bill due within three days gets `bill.due_soon` once
    (issue 15), so integrators can plan payments. One action per bill announced."""
    try:
        announced = bills.announce_due_soon(tenant_id, day, dry_run=report.dry_run)
    except LedgerlineError as exc:
        report.failures += 1
        logger.warning("reminders job skipped the bills due soon", extra={
            "tenant_id": tenant_id, "error": exc.code, "message": exc.message})
        return
    report.actions += [{"tenant_id": tenant_id, "bill_id": bill.id, "bill_number": bill.number,
                        "due_soon": bill.due_date.isoformat()} for bill in announced]


def remind_tenant(tenant_id: str, day: date, report: RunReport) -> None:
    policy: reminders.Policy | None = None
    start_key = None
    while True:
        page = open_invoices_due_before(tenant_id, day, limit=PAGE, start_key=start_key)
        if page.items and policy is None:
            if load_tenant(tenant_id).status == TenantStatus.DEACTIVATED:
                return  # its books are kept, but nobody is reminded on its behalf any more
            policy = reminders.load_policy(tenant_id)
        for invoice in page.items:
            report.overdue_invoices += 1
            try:
                outcome = reminders.process_invoice(tenant_id, invoice.id, day, policy, dry_run=report.dry_run)
            except LedgerlineError as exc:
                # One invoice that cannot be handled (a locked period for the fee, contention that outlasted
                # the retries) must not stop the run for everybody; the next run tries again.
                report.failures += 1
                logger.warning("reminders job skipped an invoice", extra={
                    "tenant_id": tenant_id, "invoice_id": invoice.id, "error": exc.code, "message": exc.message})
                continue
            report.marked_overdue += outcome.marked_overdue
            if outcome.reminder is not None:
                report.reminders_created += 1
                if not report.dry_run:
                    report.reminder_ids.append(outcome.reminder.id)
            if outcome.marked_overdue or outcome.reminder is not None:
                report.actions.append(_action(tenant_id, invoice.number, outcome))
        if page.next_key is None:
            return
        start_key = page.next_key


def _action(tenant_id: str, invoice_number: str | None, outcome: reminders.Outcome) -> dict[str, Any]:
    reminder = outcome.reminder
    return {
        "tenant_id": tenant_id,
        "invoice_id": outcome.invoice_id,
        "invoice_number": invoice_number,
        "marked_overdue": outcome.marked_overdue,
        "reminder_level": int(reminder.level) if reminder is not None else None,
        "reminder_fee": str(reminder.fee) if reminder is not None and reminder.fee else None,
    }


def day_of(event: dict[str, Any], clock: Clock | None = None) -> date:
    """The day to run for: `date`, else the scheduled time's UTC date, else an EventBridge `time`, else today
    (by `clock`, default the process's)."""
    if event.get("date"):
        return date.fromisoformat(event["date"])
    moment = event.get("scheduled_time") or event.get("time")
    if moment:
        return datetime.fromisoformat(moment.replace("Z", "+00:00")).date()
    with using(clock) as now:
        return now.today()


def on_schedule(event: dict[str, Any], context: Any = None, clock: Clock | None = None) -> dict[str, Any]:
    tenant = event.get("tenant_id")
    return run(day_of(event, clock), [tenant] if tenant else None, dry_run=bool(event.get("dry_run")),
               clock=clock).as_dict()
