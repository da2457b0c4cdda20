"""Closing a fiscal year: profit moves to retained earnings and the year is locked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pynamodb.transactions import TransactWrite

from ledgerline.clock import today, utc_now
from ledgerline.domain import periods
from ledgerline.domain.accounts import AccountType
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import JournalLine
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import Conversion
from ledgerline.schemas.documents import JournalEntryOut
from ledgerline.services.document_rules import record_event
from ledgerline.services.idempotency import once
from ledgerline.services.reports import balances
from ledgerline.services.retry import retrying
from ledgerline.store.accounts import all_accounts
from ledgerline.store.closings import add_closing
from ledgerline.store.events import add_event
from ledgerline.store.ledger import JournalEntry, add_journal_entry, first_entry_date
from ledgerline.store.table import commit
from ledgerline.store.tenants import Tenant, load_tenant

# Accounts closed per entry: each adds a ledger line and three balance buckets to its transaction.
CLOSING_ACCOUNTS_PER_ENTRY = 15


def close_year(tenant_id: str, year: int, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "close_year", {"year": year}, lambda: _close(tenant_id, year))


def _close(tenant_id: str, year: int) -> dict[str, Any]:
    """Post closing entries dated the year's last day, then lock the year.

    Each closing entry commits on its own; if closing stops half way, closing again picks up
    what is left, because closed accounts then read zero."""
    tenant = load_tenant(tenant_id)
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
        first_unclosed_posting=first_entry_date(tenant_id, after, before),
        today=today(),
    )
    currency = tenant.base_currency
    chart = {account.id: account for account in all_accounts(tenant_id)}
    to_close = [
        (account_id, debit - credit)
        for account_id, (debit, credit) in sorted(balances(tenant_id, end).items())
        if chart[account_id].type in (AccountType.REVENUE, AccountType.EXPENSE) and debit != credit
    ]
    entry_ids = []
    for offset in range(0, len(to_close), CLOSING_ACCOUNTS_PER_ENTRY):
        chunk = to_close[offset : offset + CLOSING_ACCOUNTS_PER_ENTRY]
        entry_ids.append(_post_closing(tenant, year, end, chunk, currency))
    retrying(lambda: _lock(tenant_id, year, start, end, entry_ids))
    # JSON-ready: with an Idempotency-Key this result is stored as the replayed response
    return {
        "object": "fiscal_year_close",
        "year": year,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "entry_ids": entry_ids,
        "lock_date": end.isoformat(),
    }


def _post_closing(tenant: Tenant, year: int, end: date, chunk: list[tuple[str, Decimal]], currency: str) -> str:
    zero = round_money(Decimal(0), currency)
    lines = [
        JournalLine(
            account_id,
            zero if net > 0 else -net,
            net if net > 0 else zero,
            currency,
            abs(net),
            f"Close fiscal year {year}",
        )
        for account_id, net in chunk
    ]
    profit = sum((net for _, net in chunk), Decimal(0)) * -1  # credits net of debits on revenue and expenses
    retained = tenant.system_accounts.retained_earnings
    if profit:
        lines.append(
            JournalLine(
                retained,
                zero if profit > 0 else -profit,
                profit if profit > 0 else zero,
                currency,
                abs(profit),
                f"Profit of fiscal year {year}",
            )
        )
    entry = JournalEntry.new(
        tenant.id,
        end,
        Conversion(currency, currency, Decimal(1)),
        source_type="year_end_close",
        source_id=f"FY{year}",
        description=f"Close fiscal year {year}",
        at=utc_now(),
    )

    def write(tx: TransactWrite) -> None:
        add_journal_entry(tx, entry, lines)
        add_closing(tx, entry)
        record_event(tx, entry, EventType.JOURNAL_ENTRY_POSTED, JournalEntryOut)

    commit(write)
    return entry.id


def _lock(tenant_id: str, year: int, start: date, end: date, entry_ids: list[str]) -> None:
    tenant = load_tenant(tenant_id)
    tenant.closed_years = sorted({*(tenant.closed_years or []), year})
    if tenant.lock_date is None or tenant.lock_date < end:
        tenant.lock_date = end
    now = tenant.updated_at = utc_now()

    def write(tx: TransactWrite) -> None:
        tx.save(tenant)
        add_event(
            tx,
            tenant_id=tenant_id,
            type=EventType.PERIOD_CLOSED,
            object_type="fiscal_year",
            object_id=str(year),
            sequence=1,
            data={
                "year": year,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "entry_ids": entry_ids,
                "lock_date": tenant.lock_date.isoformat(),
            },
            at=now,
        )

    commit(write)
