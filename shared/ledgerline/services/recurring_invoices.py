"""Recurring invoices: templates (customer, lines, currency, terms) with a schedule, and the run that makes
each period's invoice exactly once.

A run of one period is ONE transaction (`_run_next`): the invoice (and, with `auto_post`, its number, entry
and balances), the template advanced to its next period (conditional on its version) and the period's run
item (conditional on not existing). Two runs of the job, or a run that retries, make one invoice per period;
a job that was down catches up every period due since, one transaction each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter

from ledgerline.clock import today, utc_now
from ledgerline.domain.documents import recurring_invoice as rules
from ledgerline.domain.documents.recurring_invoice import Position, RecurringStatus
from ledgerline.domain.errors import PreconditionFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.query import Query
from ledgerline.domain.recurrence import Interval, Schedule
from ledgerline.ids import new_id
from ledgerline.schemas.documents import LineIn
from ledgerline.schemas.positions import AllowanceChargeIn, PositionIn
from ledgerline.schemas.recurring_invoices import RecurringInvoiceOut
from ledgerline.services import emails, invoices
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import invalid
from ledgerline.services.idempotency import once
from ledgerline.services.pricing import referenced_positions
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store import recurring_invoices as store
from ledgerline.store.banking import BankDefault
from ledgerline.store.documents import DocumentRef, Invoice
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.records import Page, check_version
from ledgerline.store.recurring_invoices import RecurringInvoice, RecurringRun, ScheduleAttribute
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

_POSITION: TypeAdapter[Any] = TypeAdapter(PositionIn)
KIND = "recurring_invoice"
MAX_PERIODS_PER_RUN = 366  # a template this far behind catches up the rest on the next run
TEMPLATE_FIELDS = ("customer_id", "currency", "exchange_rate", "payment_terms_days", "reference", "notes",
                   "prices_include_tax", "lines", "positions", "allowances", "charges", "schedule", "auto_post",
                   "auto_send")


def represent(template: RecurringInvoice) -> dict[str, Any]:
    return RecurringInvoiceOut.model_validate(template).model_dump(mode="json")


# ----------------------------------------------------------------------------------------- reads


def get(tenant_id: str, template_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(RecurringInvoice, template_id))


def query_recurring_invoices(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of templates as a planned query asks (issue 18: the store's named read
    `lists.query_recurring_invoices`)."""
    return lists.query_recurring_invoices(tenant_id, query, limit=limit, start_key=start_key)


def history(tenant_id: str, template_id: str, *, limit: int, start_key: dict[str, Any] | None) -> Page[Invoice]:
    """The invoices the template made, by period day (a deleted draft is left out)."""
    open_unit(tenant_id).load(RecurringInvoice, template_id)  # 404 for an unknown (or another tenant's) id
    runs = store.runs_of(tenant_id, template_id, limit=limit, start_key=start_key)
    found = store.invoices_by_id(tenant_id, [run.invoice_id for run in runs.items]) if runs.items else {}
    return Page([found[run.invoice_id] for run in runs.items if run.invoice_id in found], runs.next_key)


# ------------------------------------------------------------------------------------- the rules


def schedule_of(data: dict[str, Any]) -> Schedule:
    def day(value: Any) -> date | None:
        return value if value is None or isinstance(value, date) else date.fromisoformat(value)

    return Schedule(Interval(data["interval"]), int(data.get("every") or 1), day(data["start_date"]),
                    data.get("day_of_month"), day(data.get("end_date")), data.get("count"))


def invoice_fields(fields: dict[str, Any], issue_date: date) -> dict[str, Any]:
    """What POST /v1/invoices would take for the invoice of one period (lines as the invoice schema reads them)."""
    rate = fields.get("exchange_rate")
    return {
        "customer_id": fields["customer_id"],
        "issue_date": issue_date,
        "currency": fields.get("currency"),
        "exchange_rate": None if rate is None else Decimal(str(rate)),
        "payment_terms_days": fields.get("payment_terms_days"),
        "reference": fields.get("reference"),
        "notes": fields.get("notes"),
        "prices_include_tax": fields.get("prices_include_tax"),
        **_priced_fields(fields),
    }


def _priced_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """A template's lines, or positions with allowances and charges, as the invoice schema reads them."""
    entries = {name: [AllowanceChargeIn.model_validate(entry).model_dump() for entry in fields.get(name) or []]
               for name in ("allowances", "charges")}
    if fields.get("positions"):
        return {"lines": None, **entries,
                "positions": [_POSITION.validate_python(position).model_dump() for position in fields["positions"]]}
    return {"lines": [LineIn.model_validate(line).model_dump() for line in fields["lines"]], **entries}


def fields_of(template: RecurringInvoice) -> dict[str, Any]:
    schedule = template.schedule
    return {
        "customer_id": template.customer_id, "currency": template.currency, "exchange_rate": template.exchange_rate,
        "payment_terms_days": None if template.payment_terms_days is None else int(template.payment_terms_days),
        "reference": template.reference, "notes": template.notes, "prices_include_tax": template.prices_include_tax,
        "lines": template.lines or None, "positions": template.positions, "allowances": template.allowances,
        "charges": template.charges, "auto_post": template.auto_post, "auto_send": template.auto_send,
        "schedule": {"interval": schedule.interval, "every": int(schedule.every),
                     "day_of_month": schedule.rule().day_of_month, "start_date": schedule.start_date,
                     "end_date": schedule.end_date, "count": None if schedule.count is None else int(schedule.count)},
    }


def _prefetch(uow: UnitOfWork, fields: dict[str, Any], *also: tuple[Any, str]) -> None:
    customer_id = fields.get("customer_id")
    parties = [(Party, customer_id)] if isinstance(customer_id, str) else []
    uow.prefetch([*also, *parties, *referenced_positions(fields)])


def _apply(uow: UnitOfWork, template: RecurringInvoice, fields: dict[str, Any]) -> Schedule:
    """Check the template as the invoice of its first period would be checked (customer, lines, currency),
    then keep it."""
    schedule = schedule_of(fields["schedule"])
    if fields.get("auto_send") and not fields.get("auto_post"):
        raise invalid("auto_send", "needs auto_post: only a posted invoice is sent")
    probe = invoices.draft_of(uow, uow.tenant(), invoice_fields(fields, schedule.start_date))
    template.customer_id, template.customer_name = probe.customer_id, probe.customer_name
    template.currency = probe.currency
    rate = fields.get("exchange_rate")
    template.exchange_rate = None if rate is None else str(rate)
    terms = fields.get("payment_terms_days")
    template.payment_terms_days = None if terms is None else int(terms)
    template.reference, template.notes = fields.get("reference"), fields.get("notes")
    template.prices_include_tax = fields.get("prices_include_tax")
    template.lines = [LineIn.model_validate(line).model_dump(mode="json", exclude_none=True)
                      for line in fields.get("lines") or []]
    template.positions = [_POSITION.validate_python(position).model_dump(mode="json", exclude_none=True)
                          for position in fields["positions"]] if fields.get("positions") else None
    for name in ("allowances", "charges"):
        setattr(template, name, [AllowanceChargeIn.model_validate(entry).model_dump(mode="json", exclude_none=True)
                                 for entry in fields.get(name) or []] or None)
    template.schedule = ScheduleAttribute.of(schedule)
    template.auto_post, template.auto_send = bool(fields.get("auto_post")), bool(fields.get("auto_send"))
    return schedule


def _place(template: RecurringInvoice, position: Position) -> None:
    template.status, template.period, template.next_run_date = position.status, position.period, \
        position.next_run_date


def _position(template: RecurringInvoice) -> Position:
    return Position(RecurringStatus(template.status), int(template.period), template.next_run_date)


# ---------------------------------------------------------------------------------------- writes


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        uow = open_unit(tenant_id)
        _prefetch(uow, fields)
        now = utc_now()
        template = RecurringInvoice(id=new_id("rinv"), tenant_id=tenant_id, created_at=now, updated_at=now,
                                    invoices_created=0)
        schedule = _apply(uow, template, fields)
        _place(template, rules.start(schedule))
        record_metadata.on_create(template, fields)
        uow.create(template)
        uow.record_event(EventType.RECURRING_INVOICE_CREATED, template, RecurringInvoiceOut)
        uow.respond(RecurringInvoiceOut, template)
        uow.commit()
        return represent(template)

    return once(tenant_id, idempotency_key, "create_recurring_invoice", fields, run, in_unit=True)


def update(tenant_id: str, template_id: str, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    """Change the template. Invoices already made stay as they are; a new schedule goes on from the first of
    its days after the last day invoiced (so no day is invoiced twice), keeping a paused template paused."""
    uow = open_unit(tenant_id)
    _prefetch(uow, changes, (RecurringInvoice, template_id))
    template = uow.load(RecurringInvoice, template_id)
    check_version(template, expected_version)
    changes = record_metadata.take(template, changes)  # issue 20
    current = fields_of(template)
    fields = current | changes
    schedule = _apply(uow, template, fields)
    if "schedule" in changes:
        position = rules.start(schedule, template.last_run_date)
        if template.status == RecurringStatus.PAUSED and position.status == RecurringStatus.ACTIVE:
            position = Position(RecurringStatus.PAUSED, position.period, position.next_run_date)
        _place(template, position)
    template.updated_at = utc_now()
    uow.save_if_unchanged(template)
    uow.record_event(EventType.RECURRING_INVOICE_UPDATED, template, RecurringInvoiceOut)
    _commit_change(uow)
    return represent(template)


def delete(tenant_id: str, template_id: str, expected_version: int | None) -> RecurringInvoice:
    """The template goes; the invoices it made stay (with their `source`)."""
    uow = open_unit(tenant_id)
    template = uow.load(RecurringInvoice, template_id)
    check_version(template, expected_version)
    uow.delete(template)
    uow.create(lists.document_tombstone(template, utc_now()))  # `updated_since` shows it deleted (issue 18)
    uow.record_event(EventType.RECURRING_INVOICE_DELETED, template, RecurringInvoiceOut)
    _commit_change(uow)
    return template


def pause(tenant_id: str, template_id: str) -> dict[str, Any]:
    return retrying(lambda: _transition(tenant_id, template_id, lambda t: rules.pause(_position(t))))


def resume(tenant_id: str, template_id: str) -> dict[str, Any]:
    return retrying(lambda: _transition(
        tenant_id, template_id, lambda t: rules.resume(t.schedule.rule(), _position(t), today())))


def _transition(tenant_id: str, template_id: str, change: Any) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    template = uow.load(RecurringInvoice, template_id)
    position, event = change(template)
    _place(template, position)
    template.updated_at = utc_now()
    uow.save_if_unchanged(template)
    uow.record_event(event, template, RecurringInvoiceOut)
    uow.commit()
    return represent(template)


def _commit_change(uow: UnitOfWork) -> None:
    try:
        uow.commit()
    except Contention as exc:
        raise PreconditionFailed("The recurring invoice was changed by another request; read it again and retry") \
            from exc


# ----------------------------------------------------------------------------------------- the run


@dataclass
class Made:
    """One period's invoice (in a dry run: the period that would be invoiced, with no invoice)."""

    recurring_invoice_id: str
    period: int
    date: date
    invoice_id: str | None = None
    invoice_number: str | None = None
    posted: bool = False
    sent: bool = False  # never at run time: an auto_send invoice is emailed by the email consumer
    email_id: str | None = None  # auto_send: the email queued in the period's transaction
    not_sent: str | None = None  # auto_send, but the invoice could not be emailed: why (`invoice.not_sent`)
    more_due: bool = False  # the template's next period is due on the run's day too


def run_due(tenant_id: str, template_id: str, day: date, *, dry_run: bool = False) -> list[Made]:
    """Every period of the template due on `day` (its day on or before it) not invoiced yet, oldest first,
    each in its own transaction. Safe to run twice or concurrently: a period already invoiced is not due."""
    if dry_run:
        template = open_unit(tenant_id).load(RecurringInvoice, template_id)
        if template.status != RecurringStatus.ACTIVE:
            return []
        due = template.schedule.rule().due(int(template.period), day)[:MAX_PERIODS_PER_RUN]
        return [Made(template_id, period, when) for period, when in due]
    made: list[Made] = []
    while len(made) < MAX_PERIODS_PER_RUN:
        outcome = retrying(lambda: _run_next(tenant_id, template_id, day))
        if outcome is None:
            break
        made.append(outcome)
        if not outcome.more_due:  # saves the read that would find nothing due
            break
    return made


def _run_next(tenant_id: str, template_id: str, day: date) -> Made | None:
    """The template's next period, if due on `day`: one transaction (invoice, template advanced, run item)."""
    uow = open_unit(tenant_id)
    # with the default bank account's pointer, which the posting's payment reference needs (issue 16)
    uow.prefetch([(RecurringInvoice, template_id), (BankDefault, BankDefault.ID)], series=[("INV", day.year)])
    template = uow.find(RecurringInvoice, template_id)
    if template is None or template.status != RecurringStatus.ACTIVE or template.next_run_date is None \
            or template.next_run_date > day:
        return None
    _prefetch(uow, {"customer_id": template.customer_id, **fields_of(template)})  # one more round for all
    tenant = uow.tenant()
    when, period = template.next_run_date, int(template.period)
    period_start, period_end = template.schedule.rule().covers(period)  # BG-14 of the e-invoice (issue 17)
    invoice = invoices.draft_of(uow, tenant, invoice_fields(fields_of(template), when) | {
        "period_start": period_start, "period_end": period_end}, source=DocumentRef(kind=KIND, id=template.id))
    uow.record_event(EventType.INVOICE_CREATED, invoice, invoices.InvoiceOut)
    if template.auto_post:
        invoices.stage_posting(uow, tenant, invoice)  # saves the new invoice (no version yet) numbered
    else:
        uow.create(invoice)
    _place(template, rules.advance(template.schedule.rule(), _position(template)))
    template.last_run_date = when
    template.invoices_created = int(template.invoices_created) + 1
    template.updated_at = utc_now()
    uow.save_if_unchanged(template)
    uow.create(RecurringRun(tenant_id=tenant_id, recurring_invoice_id=template.id, period=period, date=when,
                            invoice_id=invoice.id, created_at=utc_now()))
    email_id, not_sent = _stage_sending(uow, tenant, template, invoice)
    uow.commit()
    return Made(template.id, period, when, invoice.id, invoice.number, posted=bool(template.auto_post),
                email_id=email_id, not_sent=not_sent,
                more_due=template.next_run_date is not None and template.next_run_date <= day)


NO_EMAIL = "the customer has no email address"


def _stage_sending(uow: UnitOfWork, tenant: Any, template: RecurringInvoice, invoice: Invoice
                   ) -> tuple[str | None, str | None]:
    """auto_send: the invoice's email queued to the customer's address in the period's transaction (so one
    email per period, however often the job runs), sent by the email consumer, which marks the invoice sent.
    A customer without an email address: the invoice stays created and posted, not sent, and
    `invoice.not_sent` (in the same transaction) says so; the run reports it. (email id, why not sent)."""
    if not (template.auto_send and template.auto_post):
        return None, None
    if emails.recipient_of(uow, "invoice", invoice) is None:
        uow.record_event(EventType.INVOICE_NOT_SENT, invoice, invoices.InvoiceOut)
        return None, NO_EMAIL
    return emails.stage_email(uow, tenant, "invoice", invoice, {}).id, None
