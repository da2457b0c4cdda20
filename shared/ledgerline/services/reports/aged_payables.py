"""Aged payables (issue 15): what each posted bill owed at the end of a day, by supplier and days past due
at that date, in the base currency; the mirror of aged receivables. It reads the bills open now and those
closed after the day (the open-bills index, GSI2) and takes each one's dated movements up to the day, so the
total is the payable account's balance at that date, which the report carries to reconcile against."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.domain import periods, receivables
from ledgerline.domain.statements import net_balance
from ledgerline.schemas.reports import AgedPayables, AgedSupplier, AgeingRow
from ledgerline.services.bills import bill_movements, payable_account
from ledgerline.services.reports.aged_receivables import BUCKETS, Owed, _cell
from ledgerline.services.reports.common import ZERO, balances, money, total
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.store.bills import Bill, bills_open_at
from ledgerline.store.unit_of_work import open_unit


def report(tenant_id: str, as_of: date) -> AgedPayables:
    uow = open_unit(tenant_id)
    tenant = uow.tenant()
    owed = (Owed(bill.supplier_id, bill.supplier_name, bill.due_date, owed_at(bill, as_of))
            for bill in bills_open_at(tenant_id, as_of))
    debit, credit = balances(tenant_id, as_of).get(payable_account(uow, tenant), (ZERO, ZERO))
    return build(as_of, tenant.base_currency, owed, payable_balance=-net_balance(debit, credit))


def owed_at(bill: Bill, as_of: date) -> Decimal:
    """The bill's part of the payable account at the end of `as_of`, in the base currency."""
    return receivables.outstanding_at(issue_date=bill.bill_date, total=bill.total, base_total=bill.base_total or ZERO,
                                      movements=bill_movements(bill), day=as_of).base_amount


def build(as_of: date, currency: str, owed: Iterable[Owed], *, payable_balance: Decimal) -> AgedPayables:
    """One row per supplier (bills owing nothing at `as_of` left out), sorted by name, and the totals."""
    suppliers: dict[str, dict[str, Any]] = {}
    for item in owed:
        if not item.amount:
            continue
        row = suppliers.setdefault(item.customer_id, {
            "supplier_id": item.customer_id, "supplier_name": item.customer_name,
            **{name: ZERO for name in BUCKETS}, "total": ZERO, "bills": 0})
        row[periods.ageing_bucket(item.due_date, as_of)] += item.amount
        row["total"] += item.amount
        row["bills"] += 1
    rows = [AgedSupplier.model_validate(row | {key: money(currency, row[key]) for key in (*BUCKETS, "total")})
            for row in sorted(suppliers.values(), key=lambda r: r["supplier_name"])]
    totals = AgeingRow.model_validate({key: total(currency, (_cell(row, key) for row in rows))
                                       for key in (*BUCKETS, "total")})
    return AgedPayables(object="aged_payables", as_of=as_of, currency=currency, suppliers=rows, totals=totals,
                        payable_balance=money(currency, payable_balance))


@csv_table.register
def table(report: AgedPayables) -> Table:
    """supplier, one column per ageing bucket, total; then a totals row."""
    rows: list[list[object]] = [[r.supplier_name, *(_cell(r, b) for b in BUCKETS), r.total] for r in report.suppliers]
    rows.append(["Total", *(_cell(report.totals, b) for b in BUCKETS), report.totals.total])
    return Table("aged-payables", ["supplier", *BUCKETS, "total"], rows)
