"""General ledger: one account's ledger lines in date order with the opening balance, a running balance
on every line and the closing balance, a page at a time; the running balance travels in the cursor."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from ledgerline.domain.errors import InvalidRequest
from ledgerline.domain.statements import net_balance
from ledgerline.schemas.reports import GeneralLedger, GeneralLedgerLine
from ledgerline.services.reports.common import ZERO, AccountInfo, balances, money
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.store.accounts import Account
from ledgerline.store.ledger import account_lines
from ledgerline.store.records import load
from ledgerline.store.tenants import load_tenant


class Line(Protocol):
    """What the report shows of a ledger line (`store.ledger.LedgerLine`)."""

    date: date
    entry_id: str
    source_type: str
    source_id: str | None
    description: str | None
    debit: Decimal
    credit: Decimal


COLUMNS = ["date", "entry_id", "source_type", "source_id", "description", "debit", "credit", "running_balance"]


def _ledger_state_ok(state: dict[str, Any]) -> bool:
    """A general ledger cursor's state as `report` hands it on: a start key and a decimal balance."""
    running = state.get("running")
    if not (isinstance(state.get("key"), dict) and isinstance(running, str) and len(running) <= 40):
        return False
    try:
        return Decimal(running).is_finite()
    except ArithmeticError:
        return False


def report(
    tenant_id: str, account_id: str, start: date | None, end: date | None, *, limit: int, state: dict[str, Any] | None
) -> tuple[GeneralLedger, dict[str, Any] | None]:
    """One page of the account's lines. `state` is what the previous page handed on; the result's
    `has_more` says whether there is a next page and `next_cursor` is left for the caller to sign."""
    tenant = load_tenant(tenant_id)
    account = load(Account, tenant_id, account_id)
    if state is not None and state.get("account_id") != account_id:
        raise InvalidRequest("The cursor was issued for another account", param="cursor", code="invalid_cursor")
    if state is not None and not _ledger_state_ok(state):
        raise InvalidRequest("The cursor is malformed or was not issued for this list", param="cursor",
                             code="invalid_cursor")
    opening_day = (start or date.min + timedelta(days=1)) - timedelta(days=1)
    debit, credit = balances(tenant_id, opening_day).get(account_id, (ZERO, ZERO)) if start else (ZERO, ZERO)
    opening = net_balance(debit, credit)
    page = account_lines(
        tenant_id, account_id, from_date=start, to_date=end, limit=limit, start_key=state["key"] if state else None
    )
    close_debit, close_credit = balances(tenant_id, end or date.max - timedelta(days=1)).get(account_id, (ZERO, ZERO))
    info = AccountInfo(account.id, account.code, account.name, account.type, account.subtype)
    report, running = build(
        info, tenant.base_currency, start, end, opening=opening,
        running=Decimal(state["running"]) if state else opening, lines=page.items,
        closing=net_balance(close_debit, close_credit), has_more=page.next_key is not None,
    )
    next_state = (
        None if page.next_key is None else {"key": page.next_key, "running": str(running), "account_id": account_id}
    )
    return report, next_state


def build(account: AccountInfo, currency: str, start: date | None, end: date | None, *, opening: Decimal,
          running: Decimal, lines: Iterable[Line], closing: Decimal,
          has_more: bool) -> tuple[GeneralLedger, Decimal]:
    """The page, and the running balance after its last line (for the next page's cursor)."""
    rows = []
    for line in lines:
        running += net_balance(line.debit, line.credit)
        rows.append(
            GeneralLedgerLine(date=line.date, entry_id=line.entry_id, source_type=line.source_type,
                              source_id=line.source_id, description=line.description,
                              debit=money(currency, line.debit), credit=money(currency, line.credit),
                              running_balance=money(currency, running))
        )
    report = GeneralLedger.model_validate({
        "object": "general_ledger",
        "account_id": account.id,
        "code": account.code,
        "name": account.name,
        "currency": currency,
        "from": start,
        "to": end,
        "opening_balance": money(currency, opening),
        "lines": rows,
        "closing_balance": money(currency, closing),
        "has_more": has_more,
        "next_cursor": None,
    })
    return report, running


@csv_table.register
def table(report: GeneralLedger) -> Table:
    """The opening balance, then one row per line with its running balance (one page, like the JSON)."""
    rows: list[list[object]] = [["", "", "", "", "Opening balance", "", "", report.opening_balance]]
    rows += [[getattr(line, column) for column in COLUMNS] for line in report.lines]
    return Table("general-ledger", COLUMNS, rows)
