"""Reports read the balance buckets that posting maintains; they never scan the journal."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.domain.money import round_money
from ledgerline.store.accounts import all_accounts
from ledgerline.store.ledger import balances_as_of
from ledgerline.store.tenants import load_tenant


def trial_balance(tenant_id: str, as_of: date) -> dict[str, Any]:
    """Every account with activity up to `as_of`: its debit and credit totals and the balance."""
    currency = load_tenant(tenant_id).base_currency
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for bucket in balances_as_of(tenant_id, as_of):
        totals[bucket.account_id][0] += bucket.debit or 0
        totals[bucket.account_id][1] += bucket.credit or 0
    accounts = {account.id: account for account in all_accounts(tenant_id)}
    rows = []
    for account_id, (debit, credit) in totals.items():
        account = accounts[account_id]
        rows.append(
            {
                "account_id": account_id,
                "code": account.code,
                "name": account.name,
                "type": account.type,
                "debit": round_money(debit, currency),
                "credit": round_money(credit, currency),
                "balance": round_money(debit - credit, currency),
            }
        )
    rows.sort(key=lambda row: row["code"])
    total_debit = round_money(sum((r["debit"] for r in rows), Decimal(0)), currency)
    total_credit = round_money(sum((r["credit"] for r in rows), Decimal(0)), currency)
    return {
        "object": "trial_balance",
        "as_of": as_of,
        "currency": currency,
        "accounts": rows,
        "total_debit": total_debit,
        "total_credit": total_credit,
    }
