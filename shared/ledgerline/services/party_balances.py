"""A party's balance: what the customer owes (receivable, overdue) and holds (unallocated credit).

Read from the customer's open items (GSI3: open invoices and credit-holding receipts and credit notes),
so its cost follows the customer's open documents, never the tenant's history.
"""

from __future__ import annotations

from typing import Any

from ledgerline.clock import today
from ledgerline.domain.money import round_money
from ledgerline.domain.refunds import Credit, OpenInvoice, party_totals
from ledgerline.schemas.refunds import BalanceTotals, PartyBalanceOut
from ledgerline.store.documents import customer_items
from ledgerline.store.parties import Party
from ledgerline.store.records import load
from ledgerline.store.tenants import load_tenant


def balance(tenant_id: str, party_id: str) -> dict[str, Any]:
    party = load(Party, tenant_id, party_id)  # another tenant's party is simply not found (404)
    tenant = load_tenant(tenant_id)
    base_currency = tenant.base_currency
    invoices: list[OpenInvoice] = []
    credits: list[Credit] = []
    for item in customer_items(tenant_id, party.id):
        if item.is_invoice:
            amount_due = item.amount_due or 0
            if item.base_total is not None and item.base_settled is not None:
                base_due = item.base_total - item.base_settled
            else:
                base_due = round_money(amount_due * item.exchange_rate, base_currency)
            invoices.append(OpenInvoice(item.currency, amount_due, base_due, item.due_date))
        else:
            credits.append(Credit("", item.id, item.date, item.currency, item.unallocated_amount or 0,
                                  item.exchange_rate))
    day = today()
    base, per_currency = party_totals(invoices, credits, base_currency=base_currency, today=day)
    return PartyBalanceOut(
        party_id=party.id, as_of=day, currency=base.currency, receivable=base.receivable, credit=base.credit,
        overdue=base.overdue,
        by_currency=[BalanceTotals(currency=t.currency, receivable=t.receivable, credit=t.credit, overdue=t.overdue)
                     for t in per_currency],
    ).model_dump(mode="json")
