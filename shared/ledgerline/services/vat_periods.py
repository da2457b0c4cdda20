"""VAT periods (issue 15, item 7): create (no overlap), list, get; close posts the settlement entry and
locks tax-affecting postings dated in the period; reopen reverses the settlement and lifts the lock.

On the unit of work: the tenant (which keeps every period's range and status, `Tenant.vat_periods`) and
the period are read in one round, the tax buckets at the period's edges in six queries; `domain/vat_periods`
decides; the period, the tenant (conditional on its version: two concurrent closes or overlapping creates
commit once), the settlement entry with its ledger lines and balance buckets, and the event commit in one
transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain.accounts import AccountType
from ledgerline.domain.documents import vat_period as vat_periods
from ledgerline.domain.documents.base import check_open_period
from ledgerline.domain.documents.vat_period import Span
from ledgerline.domain.errors import Conflict
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import reversed_lines
from ledgerline.domain.posting import INPUT, Conversion, split_tax_key
from ledgerline.ids import new_id
from ledgerline.schemas.accounts import AccountOut
from ledgerline.schemas.documents import JournalEntryOut
from ledgerline.schemas.vat_periods import VatPeriodOut
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import vat_periods as vat_period_store
from ledgerline.store.accounts import Account
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.records import Page
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit
from ledgerline.store.vat_periods import VatPeriod

SETTLEMENT_ACCOUNT_CODE = "2300"
INPUT_TAX_ACCOUNT_CODE = "1300"


def represent(period: VatPeriod) -> dict[str, Any]:
    return VatPeriodOut.model_validate(period).model_dump(mode="json", by_alias=True)


def get_vat_period(tenant_id: str, period_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(VatPeriod, period_id))


def list_vat_periods(tenant_id: str, *, status: str | None, from_date: date | None, to_date: date | None,
                     limit: int, start_key: dict[str, Any] | None) -> Page[VatPeriod]:
    """A page of VAT periods by their first day (the store's named read `list_vat_periods`)."""
    return vat_period_store.list_vat_periods(tenant_id, status=status, from_date=from_date, to_date=to_date,
                                             limit=limit, start_key=start_key)


# -- create ---------------------------------------------------------------------------------------------

def create(tenant_id: str, start: date, end: date, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_vat_period", {"from": start, "to": end},
                lambda: retrying(lambda: _create(tenant_id, start, end)), in_unit=True)


def _create(tenant_id: str, start: date, end: date) -> dict[str, Any]:
    vat_periods.check_range(start, end)
    uow = open_unit(tenant_id)
    tenant = uow.tenant()
    spans = tenant.vat_spans()
    vat_periods.check_no_overlap(spans, start, end)
    now = utc_now()
    period = VatPeriod(id=new_id("vatp"), tenant_id=tenant_id, status=vat_periods.OPEN, from_=start, to=end,
                       currency=tenant.base_currency, created_at=now, updated_at=now)
    period.assign_keys()
    tenant.set_vat_spans([*spans, Span(period.id, start, end, vat_periods.OPEN)])
    uow.save_if_unchanged(tenant)  # a concurrent create of an overlapping period fails here and runs again
    uow.create(period)
    uow.record_event(EventType.VAT_PERIOD_CREATED, period, VatPeriodOut)
    uow.respond(VatPeriodOut, period)
    uow.commit()
    return represent(period)


# -- close ----------------------------------------------------------------------------------------------

def close(tenant_id: str, period_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "close_vat_period", {"id": period_id},
                lambda: retrying(lambda: _close(tenant_id, period_id)), in_unit=True)


def moved_tax(uow: UnitOfWork, start: date, end: date) -> dict[str, tuple[Decimal, Decimal]]:
    """What each tax code moved per direction from `start` to `end` (keys: `posting.tax_key`)."""
    before, after = uow.tax_totals_as_of(start - timedelta(days=1)), uow.tax_totals_as_of(end)
    moved = {}
    for key in {**before, **after}:
        old, new = before.get(key, (Decimal(0), Decimal(0))), after.get(key, (Decimal(0), Decimal(0)))
        moved[key] = (new[0] - old[0], new[1] - old[1])
    return moved


def _close(tenant_id: str, period_id: str) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(VatPeriod, period_id)])  # the tenant and the period: one round trip
    period = uow.load(VatPeriod, period_id)
    transition = vat_periods.close(period.status)
    tenant = uow.tenant()
    check_open_period(period.to, tenant.lock_date, param="to")  # the settlement is dated the period's last day
    moved = moved_tax(uow, period.from_, period.to)
    codes = {split_tax_key(key)[0] for key in moved}
    uow.prefetch([(TaxCode, code_id) for code_id in codes])
    output_by_account: dict[str, Decimal] = {}
    input_by_account: dict[str, Decimal] = {}
    input_default: str | None = None
    for key, (_, tax) in moved.items():
        code_id, direction = split_tax_key(key)
        code = uow.load(TaxCode, code_id)
        if direction == INPUT:
            input_default = input_default or _input_tax_account(uow, tenant)
            account = getattr(code, "input_account_id", None) or input_default
            input_by_account[account] = input_by_account.get(account, Decimal(0)) + tax
        else:
            output_by_account[code.account_id] = output_by_account.get(code.account_id, Decimal(0)) + tax
    now = utc_now()
    settlement_account = _settlement_account(uow, tenant, now)
    currency = tenant.base_currency
    description = f"VAT settlement {period.from_.isoformat()} to {period.to.isoformat()}"
    lines = vat_periods.settlement_lines(output_by_account, input_by_account, settlement_account, currency,
                                         description)
    entry = JournalEntry.new(tenant_id, period.to, Conversion(currency, currency, Decimal(1)),
                             source_type="vat_settlement", source_id=period.id, description=description, at=now)
    uow.post_entry(entry, lines)
    uow.record_event(EventType.JOURNAL_ENTRY_POSTED, entry, JournalEntryOut)
    output, input_ = sum(output_by_account.values(), Decimal(0)), sum(input_by_account.values(), Decimal(0))
    period.status, period.output_tax, period.input_tax = transition.state, output, input_
    period.net_payable, period.journal_entry_id, period.closed_at = output - input_, entry.id, now
    period.reversal_journal_entry_id = period.reopened_at = None
    period.updated_at = now
    _set_status(uow, tenant, period)
    uow.record_event(transition.event, period, VatPeriodOut)
    uow.respond(VatPeriodOut, period)
    uow.commit()
    return represent(period)


# -- reopen ---------------------------------------------------------------------------------------------

def reopen(tenant_id: str, period_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "reopen_vat_period", {"id": period_id},
                lambda: retrying(lambda: _reopen(tenant_id, period_id)), in_unit=True)


def _reopen(tenant_id: str, period_id: str) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(VatPeriod, period_id)])
    period = uow.load(VatPeriod, period_id)
    transition = vat_periods.reopen(period.status)
    tenant = uow.tenant()
    check_open_period(period.to, tenant.lock_date, param="to")  # the reversal is dated like the settlement
    settlement = uow.load(JournalEntry, period.journal_entry_id)
    now = utc_now()
    currency = tenant.base_currency
    reversal = JournalEntry.new(tenant_id, period.to, Conversion(currency, currency, Decimal(1)),
                                source_type="vat_settlement_reversal", source_id=period.id,
                                description=f"Reopened: {settlement.description}", at=now)
    uow.post_entry(reversal, reversed_lines(settlement.journal_lines()))
    uow.record_event(EventType.JOURNAL_ENTRY_POSTED, reversal, JournalEntryOut)
    period.status, period.reversal_journal_entry_id, period.reopened_at = transition.state, reversal.id, now
    period.updated_at = now
    _set_status(uow, tenant, period)
    uow.record_event(transition.event, period, VatPeriodOut)
    uow.respond(VatPeriodOut, period)
    uow.commit()
    return represent(period)


# -- helpers --------------------------------------------------------------------------------------------

def _set_status(uow: UnitOfWork, tenant: Tenant, period: VatPeriod) -> None:
    """The period and the tenant's copy of its status, both conditional on the versions read: a second
    close (or reopen) racing this one fails, runs again and finds the period's new status (409)."""
    tenant.set_vat_spans([Span(s.id, s.start, s.end, period.status) if s.id == period.id else s
                          for s in tenant.vat_spans()])
    uow.save_if_unchanged(tenant)
    uow.save_if_unchanged(period)


def _input_tax_account(uow: UnitOfWork, tenant: Tenant) -> str:
    """The account input tax is booked on when its code names none: the tenant's `input_tax` system account
    (issue 15, part B), else the default chart's 1300."""
    accounts = tenant.system_accounts
    found = getattr(accounts, "input_tax", None) if accounts is not None else None
    if found:
        return found
    account = uow.find_by_code(Account, INPUT_TAX_ACCOUNT_CODE)
    if account is None:
        raise Conflict("The tenant has no input tax account (1300) to settle input tax from", param="id")
    return account.id


def _settlement_account(uow: UnitOfWork, tenant: Tenant, now: Any) -> str:
    """The tenant's VAT settlement account: its system account; on tenants made before it existed, the
    account with code 2300, else a new one made now (in the close's transaction, with `account.created`)."""
    accounts = tenant.system_accounts
    if accounts is not None and accounts.vat_settlement:
        return accounts.vat_settlement
    account = uow.find_by_code(Account, SETTLEMENT_ACCOUNT_CODE)
    if account is None:
        account = Account(id=new_id("acc"), tenant_id=tenant.id, code=SETTLEMENT_ACCOUNT_CODE, name="VAT settlement",
                          type=AccountType.LIABILITY, subtype="vat_settlement", archived=False, created_at=now,
                          updated_at=now)
        account.assign_keys()
        uow.create(account)
        uow.claim_code(account)
        uow.record_event(EventType.ACCOUNT_CREATED, account, AccountOut)
    if accounts is not None:
        accounts.vat_settlement = account.id  # the tenant is saved with the close
    return account.id
