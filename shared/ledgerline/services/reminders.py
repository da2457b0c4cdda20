"""Dunning: the tenant's policy, what the daily job does to one overdue invoice, reminders by hand.

For each open invoice past its due date, in one transaction:
- an invoice still `awaiting_payment` becomes `overdue` (event `invoice.overdue`, once per transition);
- when the policy's next level is due, its reminder is created in the invoice's slot for that level
  (event `reminder.created`), on condition that the slot is free, so two runs never create it twice;
- a level with a fee posts a fee invoice in the same transaction (see `_fee_invoice`).
The transaction is also conditional on the invoice's version, so a payment or void that lands while the
job works makes it re-read and stop: paid and voided invoices are never reminded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import dunning
from ledgerline.domain.documents import InvalidState, InvoiceStatus
from ledgerline.domain.documents import invoice as invoice_rules
from ledgerline.domain.documents import reminder as reminder_rules
from ledgerline.domain.documents.base import Transition
from ledgerline.domain.documents.invoice import InvoiceState
from ledgerline.domain.dunning import DunningLevel, ExistingReminder
from ledgerline.domain.errors import PreconditionFailed
from ledgerline.domain.events import EventType
from ledgerline.ids import new_id
from ledgerline.schemas.documents import InvoiceOut
from ledgerline.schemas.reminders import DunningPolicyOut, ReminderOut
from ledgerline.services import invoices
from ledgerline.services.document_rules import invalid
from ledgerline.services.idempotency import once
from ledgerline.services.invoice_state import adopt, state_of
from ledgerline.services.pricing import price_lines
from ledgerline.services.retry import retrying
from ledgerline.store import reminders as reminder_store
from ledgerline.store.accounts import Account
from ledgerline.store.codes import CodeGuard
from ledgerline.store.documents import Invoice
from ledgerline.store.dunning import DunningPolicy, StoredLevel
from ledgerline.store.records import Page, check_version
from ledgerline.store.reminders import Reminder, ReminderPointer
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

OPEN = invoice_rules.OPEN_STATUSES
FEE_ACCOUNT_CODE = "4900"  # Other income, in the default chart


# ------------------------------------------------------------------------------------- the policy


@dataclass(frozen=True)
class Policy:
    enabled: bool
    levels: tuple[DunningLevel, ...]
    fee_account_id: str | None
    stored: DunningPolicy | None = None


def load_policy(tenant_id: str, uow: UnitOfWork | None = None) -> Policy:
    uow = uow or open_unit(tenant_id)
    stored = uow.find_at(DunningPolicy, DunningPolicy.key(tenant_id))
    if stored is None:
        return Policy(True, dunning.DEFAULT_LEVELS, None)
    levels = tuple(DunningLevel(int(s.level), int(s.days_after_due), s.title, s.message,
                                s.fee if s.fee else None, int(s.payment_days)) for s in stored.levels)
    return Policy(stored.enabled, levels, stored.fee_account_id, stored)


def represent_policy(tenant: Tenant, policy: Policy) -> dict[str, Any]:
    stored = policy.stored
    return DunningPolicyOut(
        enabled=policy.enabled,
        is_default=stored is None,
        levels=[asdict(level) for level in policy.levels],
        fee_account_id=policy.fee_account_id,
        fee_currency=tenant.base_currency,
        updated_at=stored.updated_at if stored else None,
        version=stored.version if stored else 0,
    ).model_dump(mode="json")


def get_policy(tenant_id: str) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    return represent_policy(uow.tenant(), load_policy(tenant_id, uow))


def put_policy(tenant_id: str, body: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    """Replace the policy (PUT). `If-Match: "0"` asks that the tenant still has the default policy.

    Without `If-Match` a concurrent change makes it re-read and replace that one; with it, the re-read
    version no longer matches (412)."""
    return retrying(lambda: _put_policy(tenant_id, body, expected_version))


def _put_policy(tenant_id: str, body: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    tenant = uow.tenant()
    current = load_policy(tenant_id, uow)
    version = current.stored.version if current.stored else 0
    if expected_version is not None and expected_version != version:
        raise PreconditionFailed(f"If-Match version {expected_version} is stale; the dunning policy is at "
                                 f"version {version}", param="If-Match")
    levels = tuple(DunningLevel(index, level["days_after_due"], level["title"], level["message"],
                                level.get("fee") or None, level.get("payment_days", dunning.DEFAULT_PAYMENT_DAYS))
                   for index, level in enumerate(body["levels"], start=1))
    dunning.check_levels(levels)
    fee_account_id = body.get("fee_account_id")
    if fee_account_id is not None:
        account = uow.find(Account, fee_account_id)
        if account is None or account.archived or account.type != "revenue":
            raise invalid("fee_account_id", f"no revenue account with id '{fee_account_id}'")
    now = utc_now()
    stored = current.stored or DunningPolicy(tenant_id=tenant_id, created_at=now)
    stored.enabled = body.get("enabled", True)
    stored.fee_account_id = fee_account_id
    stored.levels = [StoredLevel(level=lv.level, days_after_due=lv.days_after_due, title=lv.title, message=lv.message,
                                 fee=lv.fee, payment_days=lv.payment_days) for lv in levels]
    stored.updated_at = now
    if current.stored is None:
        uow.create(stored)  # on condition that no policy was stored meanwhile
    else:
        uow.save_if_unchanged(stored)
    uow.commit()
    return represent_policy(tenant, load_policy(tenant_id, open_unit(tenant_id)))


# ------------------------------------------------------------------------------ one invoice, one day


@dataclass
class Outcome:
    invoice_id: str
    marked_overdue: bool = False
    reminder: Reminder | None = None


def process_invoice(tenant_id: str, invoice_id: str, day: date, policy: Policy, *, dry_run: bool = False) -> Outcome:
    """The job's work on one invoice for `day`; safe to repeat and to run concurrently. With `dry_run`
    the outcome says what it would do (the overdue mark, the reminder it would create) and nothing is
    written."""
    return retrying(lambda: _process(tenant_id, invoice_id, day, policy, dry_run))


def _process(tenant_id: str, invoice_id: str, day: date, policy: Policy, dry_run: bool = False) -> Outcome:
    uow = open_unit(tenant_id)
    uow.prefetch([(Invoice, invoice_id)])
    invoice = uow.load(Invoice, invoice_id)
    outcome = Outcome(invoice_id)
    if not state_of(invoice).overdue_on(day):
        return outcome
    marking = invoice_rules.mark_overdue(state_of(invoice), day)
    mark = marking is not None
    level = None
    if policy.enabled and invoice.reminder_fee_for is None:  # fee invoices are not dunned themselves
        level = dunning.due_level(policy.levels, _existing(uow, invoice_id), invoice.due_date, day)
    if not mark and level is None:
        return outcome
    tenant = uow.tenant() if level is not None else None
    outcome.marked_overdue = mark
    outcome.reminder = _write(uow, tenant, invoice, level, day, policy, marking=marking, dry_run=dry_run)
    return outcome


def _existing(uow: UnitOfWork, invoice_id: str) -> list[ExistingReminder]:
    return [ExistingReminder(int(r.level), r.date) for r in uow.reminders_of_invoice(invoice_id)]


def _write(uow: UnitOfWork, tenant: Tenant | None, invoice: Invoice, level: DunningLevel | None, day: date,
           policy: Policy, *, marking: Transition[InvoiceState] | None, dry_run: bool = False) -> Reminder | None:
    """One transaction (the unit's commit): the overdue mark and/or the reminder (and its fee invoice),
    conditional on the invoice being exactly as read. A dry run returns the reminder it would create and
    writes nothing."""
    now = utc_now()
    reminder = _reminder(invoice, level, day, now) if level else None
    if dry_run:
        if reminder is not None and level is not None and level.fee and tenant is not None:
            reminder.fee, reminder.fee_currency = level.fee, tenant.base_currency
        return reminder
    if marking is not None:
        event = adopt(invoice, marking, now)
        uow.save_if_unchanged(invoice)  # conditional on the version read
        uow.record_event(event, invoice, InvoiceOut)
    else:
        uow.check_unchanged(invoice)
    if reminder is not None:
        if level is not None and level.fee and tenant is not None:
            fee_invoice = _fee_invoice(uow, tenant, invoice, reminder, level, day, policy)
            reminder.fee, reminder.fee_currency = level.fee, tenant.base_currency
            reminder.fee_invoice_id, reminder.fee_invoice_number = fee_invoice.id, fee_invoice.number
        # the level's slot and the pointer are new items: the commit fails if the level is taken
        uow.create(reminder)
        uow.create(ReminderPointer(*ReminderPointer.key(reminder.tenant_id, reminder.id),
                                   invoice_id=reminder.invoice_id, level=reminder.level))
        uow.record_event(EventType.REMINDER_CREATED, reminder, ReminderOut)
        uow.respond(ReminderOut, reminder)
    uow.commit()
    return reminder


def _reminder(invoice: Invoice, level: DunningLevel, day: date, now: Any) -> Reminder:
    return Reminder(
        id=new_id("rem"),
        tenant_id=invoice.tenant_id,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        customer_name=invoice.customer_name,
        level=level.level,
        title=level.title,
        message=level.message,
        date=day,
        pay_by=dunning.pay_by(day, level),
        currency=invoice.currency,
        invoice_date=invoice.issue_date,
        invoice_due_date=invoice.due_date,
        invoice_total=invoice.total,
        amount_paid=invoice.amount_paid + invoice.amount_credited,
        amount_due=invoice.amount_due,
        created_at=now,
        updated_at=now,
    )


def _fee_invoice(uow: UnitOfWork, tenant: Tenant, invoice: Invoice, reminder: Reminder, level: DunningLevel,
                 day: date, policy: Policy) -> Invoice:
    """The fee as its own invoice to the same customer, in the base currency, without tax, posted in the
    reminder's transaction. It is an ordinary receivable: payable, allocatable, voidable (to waive it),
    and it shows in aged receivables, which a bare journal entry would not."""
    account_id = policy.fee_account_id or _default_fee_account(uow, tenant)
    priced = price_lines(
        tenant,
        [{"description": f"Reminder fee: {level.title} for invoice {invoice.number}", "quantity": Decimal(1),
          "unit_price": level.fee, "account_id": account_id}],
        currency=tenant.base_currency,
        prices_include_tax=False,
        find=uow.find,
    )
    now = reminder.created_at
    fee_invoice = Invoice(
        id=new_id("inv"), tenant_id=tenant.id, status=InvoiceStatus.DRAFT, created_at=now, updated_at=now,
        customer_id=invoice.customer_id, customer_name=invoice.customer_name, issue_date=day,
        due_date=reminder.pay_by, currency=tenant.base_currency, exchange_rate=Decimal(1),
        reference=f"Reminder {level.level} for {invoice.number}", notes=None, prices_include_tax=False,
        lines=priced.lines, tax_breakdown=priced.tax_breakdown, subtotal=priced.totals.subtotal,
        tax_total=priced.totals.tax_total, rounding_adjustment=priced.totals.rounding_adjustment,
        total=priced.totals.total, amount_paid=Decimal(0), amount_credited=Decimal(0),
        amount_due=priced.totals.total, reminder_fee_for=invoice.id,
    )
    invoices.stage_posting(uow, tenant, fee_invoice)  # numbered and posted in the reminder's transaction
    return fee_invoice


def _default_fee_account(uow: UnitOfWork, tenant: Tenant) -> str:
    guard = CodeGuard.for_code(tenant.id, Account.PREFIX, FEE_ACCOUNT_CODE)
    found = uow.find_at(CodeGuard, (guard.pk, guard.sk))
    account = uow.find(Account, found.target_id) if found is not None else None
    return account.id if account is not None else tenant.system_accounts.sales


# ----------------------------------------------------------------------------------- the API's use


def get_reminder(tenant_id: str, reminder_id: str) -> Reminder:
    """The reminder, through its pointer; NotFound when withdrawn or unknown (an id too long to be a key
    included)."""
    return open_unit(tenant_id).find_reminder(reminder_id)


def list_reminders(tenant_id: str, *, is_sent: bool | None, from_date: date | None, to_date: date | None,
                   limit: int, start_key: dict[str, Any] | None) -> Page[Reminder]:
    """A page of the tenant's reminders by date (the store's named read `list_reminders`)."""
    return reminder_store.list_reminders(tenant_id, is_sent=is_sent, from_date=from_date, to_date=to_date,
                                         limit=limit, start_key=start_key)


def invoice_reminders(tenant_id: str, invoice_id: str, uow: UnitOfWork | None = None) -> list[Reminder]:
    """The invoice's reminders by level (withdrawn ones left out); 404 for an unknown invoice."""
    uow = uow or open_unit(tenant_id)
    uow.load(Invoice, invoice_id)
    return [r for r in uow.reminders_of_invoice(invoice_id) if not r.withdrawn]


def create_next(tenant_id: str, invoice_id: str, day: date | None,
                idempotency_key: str | None = None) -> dict[str, Any]:
    """A reminder by hand: the level after the last one, now, if the invoice is overdue on `day`."""
    return once(tenant_id, idempotency_key, "create_reminder", {"invoice_id": invoice_id, "date": str(day)},
                lambda: represent(_create_next(tenant_id, invoice_id, day or today())), in_unit=True)


def _create_next(tenant_id: str, invoice_id: str, day: date) -> Reminder:
    if day > today():  # it would mark the invoice overdue, and date the reminder, ahead of time
        raise invalid("date", f"must not be after today ({today().isoformat()})")
    def run() -> Reminder:
        uow = open_unit(tenant_id)
        uow.prefetch([(Invoice, invoice_id)], at=[DunningPolicy.key(tenant_id)])  # with the tenant and the key
        invoice = uow.load(Invoice, invoice_id)
        invoice_rules.require(state_of(invoice), OPEN, "remind a customer of")
        if invoice.reminder_fee_for is not None:
            raise InvalidState("This invoice charges a reminder fee; fee invoices are not reminded", param="id")
        marking = invoice_rules.mark_overdue(state_of(invoice), day)  # not overdue on `day`: 409 not_overdue
        policy = load_policy(tenant_id, uow)
        level = dunning.next_level(policy.levels, _existing(uow, invoice_id))
        if level is None:
            raise InvalidState(f"Every level of the dunning policy ({len(policy.levels)}) was already used for "
                               "this invoice", param="level", code="dunning_exhausted")
        reminder = _write(uow, uow.tenant(), invoice, level, day, policy, marking=marking)
        assert reminder is not None
        return reminder

    return retrying(run)


def mark_sent(tenant_id: str, reminder_id: str) -> Reminder:
    def run() -> Reminder:
        uow = open_unit(tenant_id)
        reminder = uow.find_reminder(reminder_id)
        sending = reminder_rules.send(_state(reminder))
        if sending is not None:
            reminder.sent_at = reminder.updated_at = utc_now()
            _save_with_event(uow, reminder, sending.event)
        return reminder

    return retrying(run)


def delete(tenant_id: str, reminder_id: str, expected_version: int | None) -> Reminder:
    """Withdraw the most recent reminder, if it was not sent, and void its fee invoice, in one transaction;
    the level stays used, so the job moves on to the next level when that one is due."""
    return retrying(lambda: _delete(tenant_id, reminder_id, expected_version))


def _delete(tenant_id: str, reminder_id: str, expected_version: int | None) -> Reminder:
    uow = open_unit(tenant_id)
    reminder = uow.find_reminder(reminder_id)
    check_version(reminder, expected_version)
    latest = max(invoice_reminders(tenant_id, reminder.invoice_id, uow), key=lambda r: int(r.level))
    withdrawal = reminder_rules.withdraw(_state(reminder), int(latest.level))
    if reminder.fee_invoice_id:
        fee_invoice = uow.load(Invoice, reminder.fee_invoice_id)
        if fee_invoice.status != InvoiceStatus.VOIDED:
            try:
                invoices.stage_void(uow, uow.tenant(), fee_invoice, max(today(), fee_invoice.issue_date))
            except InvalidState as exc:
                raise InvalidState(f"The reminder's fee invoice {fee_invoice.number} cannot be voided: {exc.message}",
                                   param="id") from exc
    reminder.deleted_at = reminder.updated_at = utc_now()
    _save_with_event(uow, reminder, withdrawal.event)
    return reminder


def _save_with_event(uow: UnitOfWork, reminder: Reminder, event_type: EventType) -> None:
    uow.save_if_unchanged(reminder)  # conditional on the version read; a withdrawn one leaves the list
    uow.record_event(event_type, reminder, ReminderOut)
    uow.commit()


def _state(reminder: Reminder) -> reminder_rules.ReminderState:
    return reminder_rules.ReminderState(int(reminder.level), sent=reminder.sent_at is not None,
                                        deleted=reminder.deleted_at is not None)


def represent(reminder: Reminder) -> dict[str, Any]:
    return ReminderOut.model_validate(reminder).model_dump(mode="json")
