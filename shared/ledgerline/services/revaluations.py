"""Revaluing a period's open foreign-currency balances (issue 16, part X): `POST /v1/periods/{YYYY-MM}/revalue`.

Reads the invoices and bills open at the period's last day (the store's named reads `invoices_open_at` and
`bills_open_at`: what each owed then from its dated movements, as the aged reports do) and, per currency, the
rate of that day (the latest on or before it: `UnitOfWork.rate_on`); `domain/revaluation` computes each item's
difference and the entry.
The revaluation record, its entry (dated the last day, to exchange gains and losses), the reversal (dated the
next period's first day) and the events commit in one transaction; a period is revalued once (409 after).
The carried values of the items never change, so settling them books the realised difference as before.
Foreign bank balances (part V) are items too: each ledger account kept in a foreign currency (a foreign bank
account's) at its balance in that currency and its base balance, both from the balance buckets of the day
(`UnitOfWork.foreign_balances_as_of`, maintained by posting: never summed from postings here).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain import receivables
from ledgerline.domain.documents.base import check_open_period
from ledgerline.domain.errors import Conflict, FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import Conversion
from ledgerline.domain.revaluation import (
    MissingRate,
    OpenItem,
    bank_item,
    revaluation_lines,
    revalue,
    reversal_lines,
)
from ledgerline.schemas.documents import JournalEntryOut
from ledgerline.schemas.exchange_rates import RevaluationOut
from ledgerline.services.bills import bill_movements, payable_account
from ledgerline.services.idempotency import once
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.services.retry import retrying
from ledgerline.store import banking as bank_store
from ledgerline.store import bills as bill_store
from ledgerline.store import documents
from ledgerline.store.documents import Invoice
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.revaluations import Revaluation
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


def period_days(period: str) -> tuple[date, date]:
    """The period's last day and the next period's first day; a period that is not YYYY-MM is a 422."""
    found = PERIOD.match(period)
    if found is None:
        raise invalid("period", "must be a month as YYYY-MM, e.g. 2026-01")
    year, month = int(found.group(1)), int(found.group(2))
    end = date(year, month, calendar.monthrange(year, month)[1])
    return end, end + timedelta(days=1)


def represent(record: Revaluation) -> dict[str, Any]:
    return RevaluationOut.model_validate(record).model_dump(mode="json")


def get_revaluation(tenant_id: str, period: str) -> dict[str, Any]:
    """The report of a period's revaluation; before it was revalued, `status: not_revalued` and nothing listed."""
    as_of, next_day = period_days(period)
    uow = open_unit(tenant_id)
    uow.prefetch([(Revaluation, period)])
    found = uow.find(Revaluation, period)
    if found is not None:
        return represent(found)
    zero = round_money(Decimal(0), uow.tenant().base_currency)
    return RevaluationOut(id=period, status="not_revalued", period=period, as_of=as_of, reversal_date=next_day,
                          currency=uow.tenant().base_currency, rates=[], items=[], gain=zero, loss=zero, net=zero,
                          journal_entry_id=None, reversal_journal_entry_id=None).model_dump(mode="json")


def revalue_period(tenant_id: str, period: str, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "revalue_period", {"period": period},
                lambda: retrying(lambda: _revalue(tenant_id, period)), in_unit=True)


def _open_receivables(tenant: Tenant, as_of: date) -> list[OpenItem]:
    """Invoices in a foreign currency that owed something at the end of `as_of`, at what they owed then."""
    items: list[OpenItem] = []
    for invoice in documents.invoices_open_at(tenant.id, as_of):
        if invoice.currency == tenant.base_currency:
            continue
        owed = _owed_at(invoice, as_of)
        if owed.amount:
            items.append(OpenItem("receivable", invoice.id, f"Invoice {invoice.number} ({invoice.customer_name})",
                                  tenant.system_accounts.receivable, invoice.currency, owed.amount,
                                  owed.base_amount))
    return sorted(items, key=lambda item: item.id)


def _open_payables(uow: UnitOfWork, tenant: Tenant, as_of: date) -> list[OpenItem]:
    """Bills in a foreign currency that owed something at the end of `as_of` (liabilities: negative)."""
    items: list[OpenItem] = []
    account: str | None = None
    for bill in bill_store.bills_open_at(tenant.id, as_of):
        if bill.currency == tenant.base_currency:
            continue
        owed = receivables.outstanding_at(issue_date=bill.bill_date, total=bill.total,
                                          base_total=bill.base_total or Decimal(0), movements=bill_movements(bill),
                                          day=as_of)
        if owed.amount:
            account = account or payable_account(uow, tenant)
            items.append(OpenItem("payable", bill.id, f"Bill {bill.number or bill.supplier_reference} "
                                                      f"({bill.supplier_name})",
                                  account, bill.currency, -owed.amount, -owed.base_amount))
    return sorted(items, key=lambda item: item.id)


def _bank_balances(uow: UnitOfWork, tenant: Tenant, as_of: date) -> list[OpenItem]:
    """Every ledger account kept in a foreign currency (a foreign bank account's) with a balance at the end of
    `as_of`: in its currency and in the base, from the balance buckets; named by its bank account."""
    held = {account_id: kept for account_id, kept in uow.foreign_balances_as_of(as_of).items()
            if kept[0] and kept[0] != tenant.base_currency and (kept[1] or kept[2])}
    if not held:
        return []
    banks: dict[str, Any] = {}
    for archived in (False, True):
        start: dict[str, Any] | None = None
        while True:
            page = bank_store.list_bank_accounts(tenant.id, archived=archived, limit=100, start_key=start)
            banks.update({bank.account_id: bank for bank in page.items})
            if page.next_key is None:
                break
            start = page.next_key
    items = []
    for account_id, (currency, foreign, base) in held.items():
        bank = banks.get(account_id)
        items.append(bank_item(bank_account_id=bank.id if bank else account_id, name=bank.name if bank else account_id,
                               account_id=account_id, currency=currency, foreign_balance=foreign, base_balance=base))
    return sorted(items, key=lambda item: item.id)


def _owed_at(invoice: Invoice, as_of: date) -> receivables.Outstanding:
    zero = Decimal(0)
    if invoice.movements is None:  # posted before movements were kept: what it owes now
        return receivables.Outstanding(invoice.amount_due or zero, (invoice.base_total or zero)
                                       - (invoice.base_settled or zero))
    movements = [receivables.Movement(m.date, m.amount, m.base_amount) for m in invoice.movements]
    return receivables.outstanding_at(issue_date=invoice.issue_date, total=invoice.total,
                                      base_total=invoice.base_total or zero, movements=movements, day=as_of)


def _rates(uow: UnitOfWork, currencies: set[str], as_of: date) -> dict[str, Any]:
    """Each currency's rate of the period's last day (one query each); none → 422 naming it and the day."""
    found: dict[str, Any] = {}
    for currency in sorted(currencies):
        rate = uow.rate_on(currency, as_of)
        if rate is None:
            raise invalid("period", f"no exchange rate of {currency} on or before {as_of.isoformat()}: add one "
                                    "(POST /v1/exchange-rates) to revalue the period")
        found[currency] = rate
    return found


def _revalue(tenant_id: str, period: str) -> dict[str, Any]:
    as_of, next_day = period_days(period)
    uow = open_unit(tenant_id)
    uow.prefetch([(Revaluation, period)])
    tenant = uow.tenant()
    if uow.find(Revaluation, period) is not None:
        raise Conflict(f"The period {period} is revalued already (GET /v1/reports/revaluation?period={period})",
                       param="period")
    check_open_period(as_of, tenant.lock_date, param="period")
    base = tenant.base_currency
    items = _open_receivables(tenant, as_of) + _open_payables(uow, tenant, as_of) + _bank_balances(uow, tenant, as_of)
    rates = _rates(uow, {item.currency for item in items}, as_of)
    try:
        revalued = revalue(items, {c: Decimal(r.rate) for c, r in rates.items()}, base)
    except MissingRate as exc:  # pragma: no cover - every item's currency has its rate read above
        raise invalid("period", f"no exchange rate of {exc.currency}") from exc
    now = utc_now()
    description = f"Revaluation {period} (unrealised exchange differences)"
    lines = revaluation_lines(revalued, fx_account=tenant.system_accounts.fx, base_currency=base,
                              description=description)
    zero = round_money(Decimal(0), base)
    record = Revaluation(
        id=period, tenant_id=tenant_id, period=period, as_of=as_of, reversal_date=next_day, currency=base,
        rates={c: {"rate": str(r.rate), "exchange_rate_id": r.id} for c, r in rates.items()},
        items=[{"kind": r.item.kind, "id": r.item.id, "label": r.item.label, "account_id": r.item.account_id,
                "currency": r.item.currency, "amount": str(r.item.amount), "carried_base": str(r.item.carried_base),
                "rate": str(r.rate), "revalued_base": str(r.revalued_base), "difference": str(r.difference)}
               for r in revalued],
        gain=sum((r.difference for r in revalued if r.difference > 0), zero),
        loss=-sum((r.difference for r in revalued if r.difference < 0), zero),
        net=sum((r.difference for r in revalued), zero),
        created_at=now, updated_at=now,
    )
    if lines:
        check_open_period(next_day, tenant.lock_date, param="period")
        conversion = Conversion(base, base, Decimal(1))
        entry = JournalEntry.new(tenant_id, as_of, conversion, source_type="revaluation", source_id=period,
                                 description=description, at=now)
        reversal = JournalEntry.new(tenant_id, next_day, conversion, source_type="revaluation_reversal",
                                    source_id=period, description=f"Reversal: {description}", at=now)
        uow.post_entry(entry, lines)
        uow.post_entry(reversal, reversal_lines(lines))
        uow.record_event(EventType.JOURNAL_ENTRY_POSTED, entry, JournalEntryOut)
        uow.record_event(EventType.JOURNAL_ENTRY_POSTED, reversal, JournalEntryOut)
        record.journal_entry_id, record.reversal_journal_entry_id = entry.id, reversal.id
    uow.create(record)
    uow.record_event(EventType.REVALUATION_POSTED, record, RevaluationOut)
    uow.respond(RevaluationOut, record)
    uow.commit()
    return represent(record)


@csv_table.register
def table(report: RevaluationOut) -> Table:
    """One row per item revalued, then the totals."""
    rows: list[list[object]] = [
        ["item", i.kind, i.id, i.label, i.currency, i.amount, i.carried_base, i.rate, i.revalued_base, i.difference]
        for i in report.items]
    rows += [["total", name, "", "", report.currency, "", "", "", "", amount]
             for name, amount in (("gain", report.gain), ("loss", report.loss), ("net", report.net))]
    return Table("revaluation", ["row", "kind", "id", "label", "currency", "amount", "carried_base", "rate",
                                 "revalued_base", "difference"], rows)
