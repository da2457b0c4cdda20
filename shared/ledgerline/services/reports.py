"""Financial reports. They read the balance and tax buckets that posting maintains, the invoice index
(open invoices, and those closed after a date) and the closings partition; none of them scans the
journal, so their cost does not grow with the number of entries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledgerline.domain import periods, receivables
from ledgerline.domain.accounts import AccountType
from ledgerline.domain.errors import InvalidRequest
from ledgerline.domain.money import round_money
from ledgerline.services.invoices import invoice_movements
from ledgerline.store.accounts import Account, all_accounts
from ledgerline.store.closings import closings_between
from ledgerline.store.documents import Invoice, invoices_open_at
from ledgerline.store.ledger import account_lines, balances_as_of, tax_totals_as_of
from ledgerline.store.records import load
from ledgerline.store.tax_codes import TaxCode, list_tax_codes
from ledgerline.store.tenants import Tenant, load_tenant

ZERO = Decimal(0)
Totals = dict[str, tuple[Decimal, Decimal]]


# ------------------------------------------------------------------------------- building blocks


def balances(tenant_id: str, day: date) -> Totals:
    """Debit and credit totals per account at the end of `day` (before the first entry: nothing)."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for bucket in balances_as_of(tenant_id, day):
        totals[bucket.account_id][0] += bucket.debit or ZERO
        totals[bucket.account_id][1] += bucket.credit or ZERO
    return {account: (debit, credit) for account, (debit, credit) in totals.items()}


def movements(tenant_id: str, start: date, end: date) -> Totals:
    """What each account moved from `start` to `end`, both included."""
    before, after = balances(tenant_id, start - timedelta(days=1)), balances(tenant_id, end)
    return {
        account: (debit - before.get(account, (ZERO, ZERO))[0], credit - before.get(account, (ZERO, ZERO))[1])
        for account, (debit, credit) in after.items()
    }


def _signed(account: Account, debit: Decimal, credit: Decimal) -> Decimal:
    """Balance on the account's normal side: assets and expenses debit, the rest credit."""
    return debit - credit if account.type in (AccountType.ASSET, AccountType.EXPENSE) else credit - debit


def _chart(tenant_id: str) -> dict[str, Account]:
    return {account.id: account for account in all_accounts(tenant_id)}


def _money(tenant: Tenant, amount: Decimal) -> Decimal:
    return round_money(amount, tenant.base_currency)


# --------------------------------------------------------------------------------- trial balance


def trial_balance(tenant_id: str, as_of: date) -> dict[str, Any]:
    """Every account with activity up to `as_of`: debit and credit totals and the balance."""
    tenant = load_tenant(tenant_id)
    chart = _chart(tenant_id)
    rows = []
    for account_id, (debit, credit) in balances(tenant_id, as_of).items():
        account = chart[account_id]
        rows.append(
            {
                "account_id": account_id,
                "code": account.code,
                "name": account.name,
                "type": account.type,
                "debit": _money(tenant, debit),
                "credit": _money(tenant, credit),
                "balance": _money(tenant, debit - credit),
            }
        )
    rows.sort(key=lambda row: row["code"])
    return {
        "object": "trial_balance",
        "as_of": as_of,
        "currency": tenant.base_currency,
        "accounts": rows,
        "total_debit": _money(tenant, sum((r["debit"] for r in rows), ZERO)),
        "total_credit": _money(tenant, sum((r["credit"] for r in rows), ZERO)),
    }


# ------------------------------------------------------------------------------ profit and loss


def profit_and_loss(
    tenant_id: str, start: date, end: date, *, compare_to_previous: bool = False, monthly_periods: int | None = None
) -> dict[str, Any]:
    """Revenue and expenses by type and subtype, per column. Year-end closing entries are left out,
    so a closed year still shows the profit it made."""
    if end < start:
        raise InvalidRequest("'to' must not be before 'from'", param="to")
    tenant = load_tenant(tenant_id)
    chart = _chart(tenant_id)
    if monthly_periods:
        columns = periods.monthly_columns(end, monthly_periods)
    else:
        columns = [(start, end)] + ([periods.previous_period(start, end)] if compare_to_previous else [])
    amounts: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * len(columns))
    for index, (low, high) in enumerate(columns):
        moved = movements(tenant_id, low, high)
        for closing in closings_between(tenant_id, low, high):
            for line in closing.lines:
                debit, credit = moved.get(line.account_id, (ZERO, ZERO))
                moved[line.account_id] = (debit - line.debit, credit - line.credit)
        for account_id, (debit, credit) in moved.items():
            account = chart[account_id]
            if account.type in (AccountType.REVENUE, AccountType.EXPENSE):
                amounts[account_id][index] = _signed(account, debit, credit)
    sections = []
    for kind in (AccountType.REVENUE, AccountType.EXPENSE):
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for account_id, values in amounts.items():
            account = chart[account_id]
            if account.type == kind and any(values):
                groups[account.subtype or "other"].append(
                    {
                        "account_id": account_id,
                        "code": account.code,
                        "name": account.name,
                        "amounts": [_money(tenant, v) for v in values],
                    }
                )
        subtypes = [
            {
                "subtype": subtype,
                "accounts": sorted(rows, key=lambda r: r["code"]),
                "totals": _column_sums(tenant, rows, len(columns)),
            }
            for subtype, rows in sorted(groups.items())
        ]
        sections.append(
            {
                "type": kind.value,
                "subtypes": subtypes,
                "totals": _column_sums(tenant, [r for s in subtypes for r in s["accounts"]], len(columns)),
            }
        )
    revenue, expenses = sections[0]["totals"], sections[1]["totals"]
    return {
        "object": "profit_and_loss",
        "currency": tenant.base_currency,
        "columns": [{"from": low, "to": high} for low, high in columns],
        "sections": sections,
        "net_profit": [_money(tenant, r - e) for r, e in zip(revenue, expenses, strict=True)],
    }


def _column_sums(tenant: Tenant, rows: list[dict[str, Any]], width: int) -> list[Decimal]:
    return [_money(tenant, sum((row["amounts"][i] for row in rows), ZERO)) for i in range(width)]


# -------------------------------------------------------------------------------- balance sheet


def balance_sheet(tenant_id: str, as_of: date) -> dict[str, Any]:
    """Assets = liabilities + equity, with profit not yet closed shown as equity so it balances."""
    tenant = load_tenant(tenant_id)
    chart = _chart(tenant_id)
    year_start = periods.fiscal_year_start(as_of, tenant.fiscal_year_start_month)
    sections: dict[str, list[dict[str, Any]]] = {"asset": [], "liability": [], "equity": []}
    for account_id, (debit, credit) in balances(tenant_id, as_of).items():
        account = chart[account_id]
        if account.type in sections and debit != credit:
            sections[account.type].append(
                {
                    "account_id": account_id,
                    "code": account.code,
                    "name": account.name,
                    "subtype": account.subtype,
                    "balance": _money(tenant, _signed(account, debit, credit)),
                }
            )
    current = _net_income(chart, movements(tenant_id, year_start, as_of))
    earlier = _net_income(chart, balances(tenant_id, year_start - timedelta(days=1)))
    if earlier:
        sections["equity"].append(
            {
                "account_id": None,
                "code": None,
                "subtype": "retained_earnings",
                "name": "Earnings of earlier years not yet closed",
                "balance": _money(tenant, earlier),
            }
        )
    sections["equity"].append(
        {
            "account_id": None,
            "code": None,
            "subtype": "current_year_earnings",
            "name": "Current year earnings",
            "balance": _money(tenant, current),
        }
    )
    totals = {kind: _money(tenant, sum((row["balance"] for row in rows), ZERO)) for kind, rows in sections.items()}
    return {
        "object": "balance_sheet",
        "as_of": as_of,
        "currency": tenant.base_currency,
        "fiscal_year_start": year_start,
        "assets": sorted(sections["asset"], key=_by_code),
        "liabilities": sorted(sections["liability"], key=_by_code),
        "equity": sorted(sections["equity"], key=_by_code),
        "total_assets": totals["asset"],
        "total_liabilities": totals["liability"],
        "total_equity": totals["equity"],
        "total_liabilities_and_equity": _money(tenant, totals["liability"] + totals["equity"]),
    }


def _by_code(row: dict[str, Any]) -> str:
    return row["code"] or "~"


def _net_income(chart: dict[str, Account], totals: Totals) -> Decimal:
    net = ZERO
    for account_id, (debit, credit) in totals.items():
        if chart[account_id].type in (AccountType.REVENUE, AccountType.EXPENSE):
            net += credit - debit
    return net


# ---------------------------------------------------------------------------- aged receivables


def aged_receivables(tenant_id: str, as_of: date) -> dict[str, Any]:
    """What each invoice owed at the end of `as_of`, by customer and days past due at that date, in the
    base currency. It reads the invoices open now and those closed after `as_of` (GSI2), and takes each
    one's dated movements up to `as_of`, so the total is the receivable account's balance at that date."""
    tenant = load_tenant(tenant_id)
    names = [name for name, _, _ in periods.AGEING_BUCKETS]
    customers: dict[str, dict[str, Any]] = {}
    for invoice in invoices_open_at(tenant_id, as_of):
        outstanding = _owed_at(invoice, as_of)
        if not outstanding:
            continue
        row = customers.setdefault(
            invoice.customer_id,
            {
                "customer_id": invoice.customer_id,
                "customer_name": invoice.customer_name,
                **{name: ZERO for name in names},
                "total": ZERO,
                "invoices": 0,
            },
        )
        row[periods.ageing_bucket(invoice.due_date, as_of)] += outstanding
        row["total"] += outstanding
        row["invoices"] += 1
    rows = sorted(customers.values(), key=lambda r: r["customer_name"])
    for row in rows:
        for key in (*names, "total"):
            row[key] = _money(tenant, row[key])
    totals = {key: _money(tenant, sum((row[key] for row in rows), ZERO)) for key in (*names, "total")}
    receivable = balances(tenant_id, as_of).get(tenant.system_accounts.receivable, (ZERO, ZERO))
    return {
        "object": "aged_receivables",
        "as_of": as_of,
        "currency": tenant.base_currency,
        "customers": rows,
        "totals": totals,
        "receivable_balance": _money(tenant, receivable[0] - receivable[1]),
    }


def _owed_at(invoice: Invoice, as_of: date) -> Decimal:
    """The invoice's part of the receivable account at the end of `as_of`, in the base currency."""
    if invoice.movements is None:  # posted before movements were kept: what it owes now
        return (invoice.base_total or ZERO) - (invoice.base_settled or ZERO)
    return receivables.outstanding_at(issue_date=invoice.issue_date, total=invoice.total,
                                      base_total=invoice.base_total or ZERO, movements=invoice_movements(invoice),
                                      day=as_of).base_amount


# ------------------------------------------------------------------------------ general ledger


def _ledger_state_ok(state: dict[str, Any]) -> bool:
    """A general ledger cursor's state as `general_ledger` hands it on: a start key and a decimal balance."""
    running = state.get("running")
    if not (isinstance(state.get("key"), dict) and isinstance(running, str) and len(running) <= 40):
        return False
    try:
        return Decimal(running).is_finite()
    except ArithmeticError:
        return False


def general_ledger(
    tenant_id: str, account_id: str, start: date | None, end: date | None, *, limit: int, state: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One account's lines with a running balance. `state` is what the previous page handed on."""
    tenant = load_tenant(tenant_id)
    account = load(Account, tenant_id, account_id)
    if state is not None and state.get("account_id") != account_id:
        raise InvalidRequest("The cursor was issued for another account", param="cursor", code="invalid_cursor")
    if state is not None and not _ledger_state_ok(state):
        raise InvalidRequest("The cursor is malformed or was not issued for this list", param="cursor",
                             code="invalid_cursor")
    opening_day = (start or date.min + timedelta(days=1)) - timedelta(days=1)
    debit, credit = balances(tenant_id, opening_day).get(account_id, (ZERO, ZERO)) if start else (ZERO, ZERO)
    opening = debit - credit
    running = Decimal(state["running"]) if state else opening
    page = account_lines(
        tenant_id, account_id, from_date=start, to_date=end, limit=limit, start_key=state["key"] if state else None
    )
    lines = []
    for line in page.items:
        running += line.debit - line.credit
        lines.append(
            {
                "date": line.date,
                "entry_id": line.entry_id,
                "source_type": line.source_type,
                "source_id": line.source_id,
                "description": line.description,
                "debit": _money(tenant, line.debit),
                "credit": _money(tenant, line.credit),
                "running_balance": _money(tenant, running),
            }
        )
    close_debit, close_credit = balances(tenant_id, end or date.max - timedelta(days=1)).get(account_id, (ZERO, ZERO))
    report = {
        "object": "general_ledger",
        "account_id": account_id,
        "code": account.code,
        "name": account.name,
        "currency": tenant.base_currency,
        "from": start,
        "to": end,
        "opening_balance": _money(tenant, opening),
        "lines": lines,
        "closing_balance": _money(tenant, close_debit - close_credit),
    }
    next_state = (
        None if page.next_key is None else {"key": page.next_key, "running": str(running), "account_id": account_id}
    )
    return report, next_state


# --------------------------------------------------------------------------------- tax summary


def tax_summary(tenant_id: str, start: date, end: date) -> dict[str, Any]:
    """Per tax code: taxable sales and their tax (purchases stay zero until purchase bills exist)."""
    if end < start:
        raise InvalidRequest("'to' must not be before 'from'", param="to")
    tenant = load_tenant(tenant_id)
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for sign, day in ((-1, start - timedelta(days=1)), (1, end)):
        for bucket in tax_totals_as_of(tenant_id, day):
            totals[bucket.tax_code_id][0] += sign * (bucket.taxable or ZERO)
            totals[bucket.tax_code_id][1] += sign * (bucket.tax or ZERO)
    codes = {code.id: code for code in _all_tax_codes(tenant_id)}
    zero = _money(tenant, ZERO)
    rows = [
        {
            "tax_code_id": code_id,
            "code": codes[code_id].code,
            "name": codes[code_id].name,
            "rate": codes[code_id].rate,
            "sales_taxable": _money(tenant, taxable),
            "sales_tax": _money(tenant, tax),
            "purchases_taxable": zero,
            "purchases_tax": zero,
        }
        for code_id, (taxable, tax) in totals.items()
        if code_id in codes
    ]
    rows.sort(key=lambda row: row["code"])
    return {
        "object": "tax_summary",
        "from": start,
        "to": end,
        "currency": tenant.base_currency,
        "tax_codes": rows,
        "total_sales_tax": _money(tenant, sum((r["sales_tax"] for r in rows), ZERO)),
        "total_purchases_tax": zero,
    }


def _all_tax_codes(tenant_id: str) -> list[TaxCode]:
    codes: list[TaxCode] = []
    for archived in (False, True):
        start_key = None
        while True:
            page = list_tax_codes(tenant_id, active=None, archived=archived, limit=100, start_key=start_key)
            codes += page.items
            if page.next_key is None:
                break
            start_key = page.next_key
    return codes
