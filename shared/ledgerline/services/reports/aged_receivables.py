"""Aged receivables: what each invoice owed at the end of a day, by customer and days past due at that
date, in the base currency. It reads the invoices open now and those closed after the day (GSI2) and
takes each one's dated movements up to the day, so the total is the receivable account's balance at
that date; the report carries that balance to reconcile against."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.domain import periods, receivables
from ledgerline.domain.statements import net_balance
from ledgerline.schemas.reports import AgedCustomer, AgedReceivables, AgeingRow
from ledgerline.services.invoices import invoice_movements
from ledgerline.services.reports.common import ZERO, balances, money, total
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.store.documents import Invoice, invoices_open_at
from ledgerline.store.tenants import load_tenant

BUCKETS = [name for name, _, _ in periods.AGEING_BUCKETS]
_FIELD = {field.alias or name: name for name, field in AgeingRow.model_fields.items()}  # "1_30" -> days_1_30


@dataclass(frozen=True)
class Owed:
    """What one invoice owed at the report's date, in the base currency."""

    customer_id: str
    customer_name: str
    due_date: date
    amount: Decimal


def report(tenant_id: str, as_of: date) -> AgedReceivables:
    tenant = load_tenant(tenant_id)
    owed = (
        Owed(invoice.customer_id, invoice.customer_name, invoice.due_date, _owed_at(invoice, as_of))
        for invoice in invoices_open_at(tenant_id, as_of)
    )
    debit, credit = balances(tenant_id, as_of).get(tenant.system_accounts.receivable, (ZERO, ZERO))
    return build(as_of, tenant.base_currency, owed, receivable_balance=net_balance(debit, credit))


def _owed_at(invoice: Invoice, as_of: date) -> Decimal:
    """The invoice's part of the receivable account at the end of `as_of`, in the base currency."""
    if invoice.movements is None:  # posted before movements were kept: what it owes now
        return (invoice.base_total or ZERO) - (invoice.base_settled or ZERO)
    return receivables.outstanding_at(issue_date=invoice.issue_date, total=invoice.total,
                                      base_total=invoice.base_total or ZERO, movements=invoice_movements(invoice),
                                      day=as_of).base_amount


def build(as_of: date, currency: str, owed: Iterable[Owed], *, receivable_balance: Decimal) -> AgedReceivables:
    """One row per customer (invoices owing nothing at `as_of` left out), sorted by name, and the totals."""
    customers: dict[str, dict[str, Any]] = {}
    for item in owed:
        if not item.amount:
            continue
        row = customers.setdefault(
            item.customer_id,
            {"customer_id": item.customer_id, "customer_name": item.customer_name,
             **{name: ZERO for name in BUCKETS}, "total": ZERO, "invoices": 0},
        )
        row[periods.ageing_bucket(item.due_date, as_of)] += item.amount
        row["total"] += item.amount
        row["invoices"] += 1
    rows = [
        AgedCustomer.model_validate(row | {key: money(currency, row[key]) for key in (*BUCKETS, "total")})
        for row in sorted(customers.values(), key=lambda r: r["customer_name"])
    ]
    totals = AgeingRow.model_validate(
        {key: total(currency, (_cell(row, key) for row in rows)) for key in (*BUCKETS, "total")}
    )
    return AgedReceivables(
        object="aged_receivables",
        as_of=as_of,
        currency=currency,
        customers=rows,
        totals=totals,
        receivable_balance=money(currency, receivable_balance),
    )


def _cell(row: AgeingRow, bucket: str) -> Decimal:
    """A bucket's amount by its name in the API ("1_30", …)."""
    return getattr(row, _FIELD[bucket])


@csv_table.register
def table(report: AgedReceivables) -> Table:
    """customer, one column per ageing bucket, total; then a totals row."""
    rows: list[list[object]] = [
        [r.customer_name, *(_cell(r, b) for b in BUCKETS), r.total] for r in report.customers
    ]
    rows.append(["Total", *(_cell(report.totals, b) for b in BUCKETS), report.totals.total])
    return Table("aged-receivables", ["customer", *BUCKETS, "total"], rows)
