"""Profit and loss: revenue and expenses by type and subtype, one amount per column (the period, the
previous period, or months). Year-end closing entries are left out, so a closed year still shows the
profit it made."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from ledgerline.domain import periods
from ledgerline.domain.errors import InvalidRequest
from ledgerline.domain.statements import INCOME_STATEMENT, normal_balance, on_income_statement
from ledgerline.schemas.reports import (
    Column,
    ProfitAndLoss,
    ProfitAndLossGroup,
    ProfitAndLossRow,
    ProfitAndLossSection,
)
from ledgerline.services.reports.common import ZERO, Chart, Totals, chart, money, movements
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.store.closings import closings_between
from ledgerline.store.tenants import load_tenant

Period = tuple[date, date]


def report(
    tenant_id: str, start: date, end: date, *, compare_to_previous: bool = False, monthly_periods: int | None = None
) -> ProfitAndLoss:
    if end < start:
        raise InvalidRequest("'to' must not be before 'from'", param="to")
    tenant = load_tenant(tenant_id)
    if monthly_periods:
        columns = periods.monthly_columns(end, monthly_periods)
    else:
        columns = [(start, end)] + ([periods.previous_period(start, end)] if compare_to_previous else [])
    moved = [
        without_closings(movements(tenant_id, low, high),
                         ((line.account_id, line.debit, line.credit)
                          for closing in closings_between(tenant_id, low, high) for line in closing.lines))
        for low, high in columns
    ]
    return build(tenant.base_currency, chart(tenant_id), columns, moved)


def without_closings(moved: Totals, closing_lines: Iterable[tuple[str, Decimal, Decimal]]) -> Totals:
    """A period's movements less the year-end closing entries' lines (account id, debit, credit)."""
    result = dict(moved)
    for account_id, line_debit, line_credit in closing_lines:
        debit, credit = result.get(account_id, (ZERO, ZERO))
        result[account_id] = (debit - line_debit, credit - line_credit)
    return result


def build(currency: str, accounts: Chart, columns: Sequence[Period], moved: Sequence[Totals]) -> ProfitAndLoss:
    """`moved[i]` is what each account moved in `columns[i]`, closing entries left out."""
    width = len(columns)
    amounts: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * width)
    for index, totals in enumerate(moved):
        for account_id, (debit, credit) in totals.items():
            account = accounts[account_id]
            if on_income_statement(account.type):
                amounts[account_id][index] = normal_balance(account.type, debit, credit)
    sections = []
    for kind in INCOME_STATEMENT:
        groups: dict[str, list[ProfitAndLossRow]] = defaultdict(list)
        for account_id, values in amounts.items():
            account = accounts[account_id]
            if account.type == kind and any(values):
                groups[account.subtype or "other"].append(
                    ProfitAndLossRow(account_id=account_id, code=account.code, name=account.name,
                                     amounts=[money(currency, v) for v in values])
                )
        subtypes = [
            ProfitAndLossGroup(subtype=subtype, accounts=sorted(rows, key=lambda r: r.code),
                               totals=_column_sums(currency, rows, width))
            for subtype, rows in sorted(groups.items())
        ]
        sections.append(
            ProfitAndLossSection(type=kind.value, subtypes=subtypes,
                                 totals=_column_sums(currency, [r for s in subtypes for r in s.accounts], width))
        )
    revenue, expenses = sections[0].totals, sections[1].totals
    return ProfitAndLoss(
        object="profit_and_loss",
        currency=currency,
        columns=[Column.model_validate({"from": low, "to": high}) for low, high in columns],
        sections=sections,
        net_profit=[money(currency, r - e) for r, e in zip(revenue, expenses, strict=True)],
    )


def _column_sums(currency: str, rows: list[ProfitAndLossRow], width: int) -> list[Decimal]:
    return [money(currency, sum((row.amounts[i] for row in rows), ZERO)) for i in range(width)]


@csv_table.register
def table(report: ProfitAndLoss) -> Table:
    """type, subtype, code, name and one column per period; one row per account, the totals per
    section, and the net profit."""
    labels = [f"{c.from_}..{c.to}" for c in report.columns]
    rows: list[list[object]] = [
        [s.type, g.subtype, a.code, a.name, *a.amounts] for s in report.sections for g in s.subtypes for a in g.accounts
    ]
    rows += [[s.type, "", "", f"Total {s.type}", *s.totals] for s in report.sections]
    rows.append(["", "", "", "Net profit", *report.net_profit])
    return Table("profit-and-loss", ["type", "subtype", "code", "name", *labels], rows)
