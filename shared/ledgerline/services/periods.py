"""Closing a fiscal year: profit moves to retained earnings and the year is locked.

On the unit of work: the service reads the tenant, the balances at the year end and the accounts through
it, `domain/periods` decides (may the year close, which accounts, the closing entries' lines), and the
last closing entry, its closing record and events, and the tenant's closed years and lock date with the
`period.closed` event commit together in one transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import periods
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import JournalLine
from ledgerline.domain.posting import Conversion
from ledgerline.schemas.documents import JournalEntryOut
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store.accounts import Account
from ledgerline.store.closings import closing_record
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

CLOSING_ACCOUNTS_PER_ENTRY = periods.CLOSING_ACCOUNTS_PER_ENTRY  # each adds a line and three buckets


def close_year(tenant_id: str, year: int, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "close_year", {"year": year}, lambda: _close(tenant_id, year),
                in_unit=True)


def _close(tenant_id: str, year: int) -> dict[str, Any]:
    posted: list[str] = []  # closing entries committed so far, by this attempt or an earlier one
    return retrying(lambda: _attempt(tenant_id, year, posted))


def _attempt(tenant_id: str, year: int, posted: list[str]) -> dict[str, Any]:
    """Post closing entries dated the year's last day, and lock the year.

    A tenant with more revenue and expense accounts than one entry holds gets several entries; each but the
    last commits on its own, the last one with the lock. If closing stops half way (or an attempt meets a
    concurrent change and runs again), closing again picks up what is left, because closed accounts then
    read zero."""
    uow = open_unit(tenant_id)
    tenant = uow.tenant()
    start_month = tenant.fiscal_year_start_month
    start, end = periods.fiscal_year(year, start_month)
    # Balances at the year end are cumulative, so they are this year's profit only if every earlier year
    # with postings is closed: years close in order.
    after, before = periods.unclosed_before(year, tenant.closed_years, start_month)
    periods.check_closable(
        year,
        closed_years=tenant.closed_years,
        start_month=start_month,
        lock_date=tenant.lock_date,
        first_unclosed_posting=uow.first_entry_date(after, before),
        today=today(),
    )
    balances = uow.balances_as_of(end)
    uow.prefetch([(Account, account_id) for account_id in balances])  # one BatchGetItem
    types = {account_id: uow.load(Account, account_id).type for account_id in balances}
    entries = periods.closing_entries(year, periods.accounts_to_close(balances, types),
                                      tenant.system_accounts.retained_earnings, tenant.base_currency,
                                      per_entry=CLOSING_ACCOUNTS_PER_ENTRY)
    for lines in entries[:-1]:  # a transaction holds at most 100 items
        unit = open_unit(tenant_id)
        unit.a_step()  # the Idempotency-Key's record commits with the last entry and the lock
        entry_id = _stage_closing(unit, tenant, year, end, lines)
        unit.commit()
        posted.append(entry_id)
    entry_ids = [*posted, *(_stage_closing(uow, tenant, year, end, lines) for lines in entries[-1:])]
    tenant.closed_years, tenant.lock_date = periods.close(tenant.closed_years, tenant.lock_date, year, start_month)
    tenant.updated_at = utc_now()
    uow.save_if_unchanged(tenant)  # conditional on the tenant as read: a second close of the year fails here
    data = {"year": year, "start": start.isoformat(), "end": end.isoformat(), "entry_ids": entry_ids,
            "lock_date": tenant.lock_date.isoformat()}
    uow.record_event_data(EventType.PERIOD_CLOSED, object_type="fiscal_year", object_id=str(year), data=data,
                          at=tenant.updated_at)
    answer = {"object": "fiscal_year_close", **data}  # JSON-ready: an Idempotency-Key's replayed response
    uow.respond_data(answer)
    uow.commit()
    posted[:] = entry_ids
    return answer


def _stage_closing(uow: UnitOfWork, tenant: Tenant, year: int, end: date, lines: list[JournalLine]) -> str:
    """One closing entry, its closing record and its `journal_entry.posted` event."""
    currency = tenant.base_currency
    entry = JournalEntry.new(
        tenant.id,
        end,
        Conversion(currency, currency, Decimal(1)),
        source_type="year_end_close",
        source_id=f"FY{year}",
        description=f"Close fiscal year {year}",
        at=utc_now(),
    )
    uow.post_entry(entry, lines)
    uow.create(closing_record(entry, lines))
    uow.record_event(EventType.JOURNAL_ENTRY_POSTED, entry, JournalEntryOut)
    return entry.id
