"""A benchmark tenant: one customer, GST 10 % and a bank account, driven through the real services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.services import invoices, master_data, receipts
from ledgerline.services.tenants import create_tenant
from ledgerline.store.accounts import all_accounts
from ledgerline.store.parties import Party
from ledgerline.store.tax_codes import list_tax_codes

LINES = [{"description": "Consulting", "quantity": Decimal(10), "unit_price": Decimal("100.00")},
         {"description": "Setup", "quantity": Decimal(1), "unit_price": Decimal("250.00")}]


class Ledger:
    """One tenant (enterprise plan: never rate limited) with a customer, its tax code and bank account."""

    def __init__(self, name: str = "Bench Pty Ltd") -> None:
        tenant, secret = create_tenant(name=name, base_currency="AUD", country="AU", plan="enterprise")
        self.tenant = tenant.id
        self.secret = secret
        self.accounts = {a.code: a.id for a in all_accounts(tenant.id)}
        self.customer = master_data.create(Party, tenant.id, {"name": "Globex", "kind": "customer"}).id
        self.gst = next(t.id for t in list_tax_codes(tenant.id, active=None, archived=False, limit=10,
                                                     start_key=None).items if t.code == "GST10")

    def draft(self, issue_date: date | None = None, terms: int = 30, key: str | None = None) -> dict[str, Any]:
        fields: dict[str, Any] = {"customer_id": self.customer, "payment_terms_days": terms,
                                  "lines": [{**line, "tax_code_id": self.gst} for line in LINES]}
        if issue_date is not None:
            fields["issue_date"] = issue_date
        return invoices.create_draft(self.tenant, fields, key)

    def posted(self, issue_date: date | None = None) -> dict[str, Any]:
        return invoices.post(self.tenant, self.draft(issue_date)["id"])

    def pay(self, paid: list[dict[str, Any]], day: date | None = None, key: str | None = None) -> dict[str, Any]:
        """One receipt paying these invoices in full."""
        total = sum((Decimal(i["amount_due"]) for i in paid), Decimal(0))
        fields: dict[str, Any] = {"customer_id": self.customer, "amount": total, "account_id": self.accounts["1010"],
                                  "allocations": [{"invoice_id": i["id"], "amount": Decimal(i["amount_due"])}
                                                  for i in paid]}
        if day is not None:
            fields["date"] = day
        return receipts.create(self.tenant, fields, key)
