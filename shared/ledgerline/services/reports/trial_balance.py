"""Trial balance: every account with activity up to a day, its debit and credit totals and their
difference, read from the balance buckets."""

from __future__ import annotations

from datetime import date

from ledgerline.domain.statements import net_balance
from ledgerline.schemas.reports import TrialBalance, TrialBalanceRow
from ledgerline.services.reports.common import Chart, Totals, balances, chart, money, total
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.store.tenants import load_tenant


def report(tenant_id: str, as_of: date) -> TrialBalance:
    tenant = load_tenant(tenant_id)
    return build(as_of, tenant.base_currency, chart(tenant_id), balances(tenant_id, as_of))


def build(as_of: date, currency: str, accounts: Chart, totals: Totals) -> TrialBalance:
    rows = sorted(
        (
            TrialBalanceRow(
                account_id=account_id,
                code=accounts[account_id].code,
                name=accounts[account_id].name,
                type=accounts[account_id].type,
                debit=money(currency, debit),
                credit=money(currency, credit),
                balance=money(currency, net_balance(debit, credit)),
            )
            for account_id, (debit, credit) in totals.items()
        ),
        key=lambda row: row.code,
    )
    return TrialBalance(
        object="trial_balance",
        as_of=as_of,
        currency=currency,
        accounts=rows,
        total_debit=total(currency, (row.debit for row in rows)),
        total_credit=total(currency, (row.credit for row in rows)),
    )


@csv_table.register
def table(report: TrialBalance) -> Table:
    """code, name, type, debit, credit, balance; then a totals row."""
    return Table(
        "trial-balance",
        ["code", "name", "type", "debit", "credit", "balance"],
        [[r.code, r.name, r.type, r.debit, r.credit, r.balance] for r in report.accounts]
        + [["", "Total", "", report.total_debit, report.total_credit, ""]],
    )
