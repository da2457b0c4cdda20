"""The daily recurring-invoices job: every tenant, every active template due on the day, every due period.

It never scans: tenants come from the tenant directory (`TENANTS` partition) and each tenant's due templates
from the sparse due index (GSI2, `T#<tid>#RECURRING_DUE` by next run date), which holds only active
templates. Each period's invoice is one transaction with the template's advance and the period's run item
(services/recurring_invoices.py), so running twice for a day, two runs at once, or a run days late (it
catches up every period due since) makes exactly one invoice per period.

EventBridge Scheduler invokes it once a day (template.yaml, `RecurringInvoicesJobFunction`) with
`{"scheduled_time": …}`; the day is the scheduled time's UTC date. `date` and `tenant_id` may be given (the
CLI does: `ledgerline recurring run --date`). A day after today is refused unless `dry_run` (it would date
invoices ahead of time); a dry run reports the periods that are due and writes nothing.

A second step of the same daily run (issue 14): each tenant's open quotes whose validity passed before the
day get `quote.expired`, once per issue (services/quotes.announce_expiry), read from the sparse GSI2
partition `T#<tid>#QUOTES_EXPIRING`, which an announced quote leaves; so a second run announces nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, ClassVar

from ledgerline.clock import Clock
from ledgerline.daily_jobs import DailyReport, run_every_tenant
from ledgerline.daily_jobs import FutureRunRefused as FutureRunRefused  # the CLI and callers catch it here
from ledgerline.domain.errors import LedgerlineError
from ledgerline.domain.tenants import TenantStatus
from ledgerline.observability import logger
from ledgerline.reminders.job import day_of
from ledgerline.services import quotes, recurring_invoices
from ledgerline.store.recurring_invoices import due_recurring_invoices
from ledgerline.store.tenants import load_tenant

PAGE = 100


@dataclass
class RunReport(DailyReport):
    JOB: ClassVar[str] = "recurring invoices job"

    templates: int = 0
    invoices_created: int = 0
    invoice_ids: list[str] = field(default_factory=list)
    emails_queued: int = 0  # auto_send: one email per invoice, queued in its period's transaction
    # auto_send invoices created (and posted) but not emailed: the customer has no email address
    not_sent_invoice_ids: list[str] = field(default_factory=list)
    quotes_expired: int = 0  # `quote.expired` written (in a dry run: that would be)
    expired_quote_ids: list[str] = field(default_factory=list)


def run(day: date, tenant_ids: Iterable[str] | None = None, *, dry_run: bool = False,
        clock: Clock | None = None) -> RunReport:
    """The run for `day`, on `clock` (default: the process's, `clock.use`), which the services it calls read too."""
    report = RunReport(day, dry_run=dry_run)
    run_every_tenant(day, tenant_ids, dry_run=dry_run, clock=clock, report=report, run_tenant=run_tenant,
                     what="it would date invoices ahead of time")
    logger.info("recurring invoices job done", extra=report.as_dict() | {"invoice_ids": len(report.invoice_ids)})
    return report


def run_tenant(tenant_id: str, day: date, report: RunReport) -> None:
    _run_templates(tenant_id, day, report)
    _announce_expired_quotes(tenant_id, day, report)


def _run_templates(tenant_id: str, day: date, report: RunReport) -> None:
    checked = False
    start_key = None
    while True:
        page = due_recurring_invoices(tenant_id, day, limit=PAGE, start_key=start_key)
        if page.items and not checked:
            if load_tenant(tenant_id).status == TenantStatus.DEACTIVATED:
                return
            checked = True
        for template in page.items:
            report.templates += 1
            try:
                made = recurring_invoices.run_due(tenant_id, template.id, day, dry_run=report.dry_run)
            except LedgerlineError as exc:
                # One template that cannot run (an archived customer, a locked period) must not stop the others;
                # its period stays due and the next run tries again.
                report.failures += 1
                logger.warning("recurring invoices job skipped a template", extra={
                    "tenant_id": tenant_id, "recurring_invoice_id": template.id, "error": exc.code,
                    "reason": exc.message})
                continue
            for outcome in made:
                if outcome.invoice_id:
                    report.invoices_created += 1
                    report.invoice_ids.append(outcome.invoice_id)
                if outcome.email_id:
                    report.emails_queued += 1
                if outcome.not_sent and outcome.invoice_id:
                    report.not_sent_invoice_ids.append(outcome.invoice_id)
                    logger.warning("recurring invoice created but not sent", extra={
                        "tenant_id": tenant_id, "invoice_id": outcome.invoice_id, "reason": outcome.not_sent})
                report.actions.append({"tenant_id": tenant_id, **asdict(outcome), "date": outcome.date.isoformat()})
        if page.next_key is None:
            return
        start_key = page.next_key


def _announce_expired_quotes(tenant_id: str, day: date, report: RunReport) -> None:
    """`quote.expired` for each open quote of the tenant valid until before `day` and not announced yet."""
    checked = False
    start_key = None
    while True:
        page = quotes.expiring_quotes(tenant_id, day, limit=PAGE, start_key=start_key)
        if page.items and not checked:
            if load_tenant(tenant_id).status == TenantStatus.DEACTIVATED:
                return
            checked = True
        for quote in page.items:
            try:
                announced = report.dry_run or quotes.announce_expiry(tenant_id, quote.id, day)
            except LedgerlineError as exc:  # one quote must not stop the others; it stays in the index
                report.failures += 1
                logger.warning("recurring invoices job did not announce an expired quote", extra={
                    "tenant_id": tenant_id, "quote_id": quote.id, "error": exc.code, "reason": exc.message})
                continue
            if announced:
                report.quotes_expired += 1
                report.expired_quote_ids.append(quote.id)
                report.actions.append({"tenant_id": tenant_id, "quote_id": quote.id, "event": "quote.expired",
                                       "valid_until": quote.valid_until.isoformat()})
        if page.next_key is None:
            return
        start_key = page.next_key


def on_schedule(event: dict[str, Any], context: Any = None, clock: Clock | None = None) -> dict[str, Any]:
    tenant = event.get("tenant_id")
    return run(day_of(event, clock), [tenant] if tenant else None, dry_run=bool(event.get("dry_run")),
               clock=clock).as_dict()
