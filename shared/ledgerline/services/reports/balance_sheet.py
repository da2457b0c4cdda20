"""Balance sheet: assets = liabilities + equity at the end of a day, with profit not yet closed shown as
equity (this fiscal year's, and earlier years' until they are closed) so that it balances."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ledgerline.domain import periods
from ledgerline.domain.statements import BALANCE_SHEET, normal_balance, total_earnings
from ledgerline.schemas.reports import BalanceSheet, BalanceSheetRow
from ledgerline.services.reports.common import Chart, Totals, balances, chart, money, movements, total
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.store.tenants import load_tenant

EARLIER_YEARS = "Earnings of earlier years not yet closed"
CURRENT_YEAR = "Current year earnings"


def report(tenant_id: str, as_of: date) -> BalanceSheet:
    tenant = load_tenant(tenant_id)
    year_start = periods.fiscal_year_start(as_of, tenant.fiscal_year_start_month)
    return build(
        as_of, tenant.base_currency, year_start, chart(tenant_id),
        at_end=balances(tenant_id, as_of),
        this_year=movements(tenant_id, year_start, as_of),
        before_this_year=balances(tenant_id, year_start - timedelta(days=1)),
    )


def build(as_of: date, currency: str, year_start: date, accounts: Chart, *, at_end: Totals, this_year: Totals,
          before_this_year: Totals) -> BalanceSheet:
    """`at_end`: balances at the end of `as_of`; `this_year`: what moved since `year_start`;
    `before_this_year`: balances at the end of the day before `year_start`."""
    sections: dict[str, list[BalanceSheetRow]] = {kind.value: [] for kind in BALANCE_SHEET}
    for account_id, (debit, credit) in at_end.items():
        account = accounts[account_id]
        if account.type in sections and debit != credit:
            sections[account.type].append(
                BalanceSheetRow(account_id=account_id, code=account.code, name=account.name, subtype=account.subtype,
                                balance=money(currency, normal_balance(account.type, debit, credit)))
            )
    current = _earnings(accounts, this_year)
    earlier = _earnings(accounts, before_this_year)
    if earlier:
        sections["equity"].append(BalanceSheetRow(account_id=None, code=None, subtype="retained_earnings",
                                                  name=EARLIER_YEARS, balance=money(currency, earlier)))
    sections["equity"].append(BalanceSheetRow(account_id=None, code=None, subtype="current_year_earnings",
                                              name=CURRENT_YEAR, balance=money(currency, current)))
    totals = {kind: total(currency, (row.balance for row in rows)) for kind, rows in sections.items()}
    return BalanceSheet(
        object="balance_sheet",
        as_of=as_of,
        currency=currency,
        fiscal_year_start=year_start,
        assets=sorted(sections["asset"], key=_by_code),
        liabilities=sorted(sections["liability"], key=_by_code),
        equity=sorted(sections["equity"], key=_by_code),
        total_assets=totals["asset"],
        total_liabilities=totals["liability"],
        total_equity=totals["equity"],
        total_liabilities_and_equity=money(currency, totals["liability"] + totals["equity"]),
    )


def _earnings(accounts: Chart, totals: Totals) -> Decimal:
    return total_earnings((accounts[account_id].type, debit, credit) for account_id, (debit, credit) in totals.items())


def _by_code(row: BalanceSheetRow) -> str:
    return row.code or "~"  # the earnings lines (no code) come last


@csv_table.register
def table(report: BalanceSheet) -> Table:
    """section, code, name, balance; then total assets and total liabilities and equity."""
    rows: list[list[object]] = [
        [section, r.code, r.name, r.balance]
        for section, lines in (("assets", report.assets), ("liabilities", report.liabilities),
                               ("equity", report.equity))
        for r in lines
    ]
    rows += [
        ["total", "", "Total assets", report.total_assets],
        ["total", "", "Total liabilities and equity", report.total_liabilities_and_equity],
    ]
    return Table("balance-sheet", ["section", "code", "name", "balance"], rows)
