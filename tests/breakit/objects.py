"""One object of every kind for a tenant, made through the API, keyed by the path prefix that serves it.

A route whose path has an id parameter is swept with the ids its prefix's factory made. A new resource
in template.yaml has no factory yet: `ids_for` then fails, naming the prefix, so the sweep cannot
silently skip it. Add a factory to FACTORIES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledgerline.domain.kinds import BY_NAME, KINDS
from tests.breakit.conftest import TenantKey

FIXTURES = Path(__file__).parent.parent / "fixtures" / "banking"

# Path parameters that are not ids of a stored object (nothing of another tenant to find).
NOT_OBJECT_IDS = {("/v1/periods", "year"): "a calendar year, not an object id"}


@dataclass
class TenantObjects:
    api: TestClient
    tenant: TenantKey
    label: str
    made: dict[str, list[str]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    tax_codes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.accounts = {a["code"]: a["id"] for a in self.get("/v1/accounts?limit=100")["data"]}
        self.tax_codes = {t["code"]: t["id"] for t in self.get("/v1/tax-codes?limit=100")["data"]}

    # -- calls ------------------------------------------------------------------------------------
    def call(self, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200, 201, 202)) -> Any:
        response = self.api.request(method, path, json=body, headers=self.tenant.headers)
        assert response.status_code in expect, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, body)

    # -- objects ----------------------------------------------------------------------------------
    def ids_for(self, prefix: str) -> list[str]:
        if prefix not in self.made:
            factory = FACTORIES.get(prefix)
            if factory is None:
                pytest.fail(f"No factory makes objects for {prefix}: add one to FACTORIES in tests/breakit/objects.py "
                            "so the isolation sweep covers its routes")
            self.made[prefix] = factory(self)
        return self.made[prefix]

    def names(self) -> set[str]:
        """Names this tenant's objects carry: none may show up in another tenant's responses."""
        return {f"{kind} of {self.label}" for kind in ("Secret Customer", "Item", "Revenue", "Tax", "Key", "Entry")}

    def all_ids(self) -> set[str]:
        """Every id of this tenant the sweep knows: what the factories made, the chart, the tenant."""
        return ({self.tenant.tenant_id} | set(self.accounts.values()) | set(self.tax_codes.values())
                | {i for ids in self.made.values() for i in ids})

    def customer(self) -> str:
        return self.ids_for("/v1/parties")[0]

    def draft(self) -> dict[str, Any]:
        return self.post("/v1/invoices", {"customer_id": self.customer(), "lines": [
            {"description": "Consulting", "quantity": "10", "unit_price": "100.00",
             "tax_code_id": self.tax_codes["GST10"]}]})

    def posted(self) -> dict[str, Any]:
        return self.post(f"/v1/invoices/{self.draft()['id']}/post")


def _parties(t: TenantObjects) -> list[str]:
    return [t.post("/v1/parties", {"name": f"Secret Customer of {t.label}", "email": "a@example.com"})["id"]]


def _items(t: TenantObjects) -> list[str]:
    return [t.post("/v1/items", {"code": "A-ITEM", "name": f"Item of {t.label}", "unit_price": "10.00"})["id"]]


def _accounts(t: TenantObjects) -> list[str]:
    made = t.post("/v1/accounts", {"code": "4999", "name": f"Revenue of {t.label}", "type": "revenue"})["id"]
    return [made, t.accounts["1100"], t.accounts["1010"]]


def _tax_codes(t: TenantObjects) -> list[str]:
    made = t.post("/v1/tax-codes", {"code": "ATAX", "name": f"Tax of {t.label}", "rate": "7",
                                    "account_id": t.accounts["2200"]})
    return [made["id"], t.tax_codes["GST10"]]


def _api_keys(t: TenantObjects) -> list[str]:
    made = t.post("/v1/api-keys", {"name": f"Key of {t.label}", "scopes": ["parties:read"]})["id"]
    return [made, *(k["id"] for k in t.get("/v1/api-keys")["data"] if k["id"] != made)]


def _invoices(t: TenantObjects) -> list[str]:
    return [t.draft()["id"], t.posted()["id"]]


def _receipts(t: TenantObjects) -> list[str]:
    invoice = t.posted()
    return [t.post("/v1/receipts", {"customer_id": t.customer(), "amount": "500.00", "account_id": t.accounts["1010"],
                                    "allocations": [{"invoice_id": invoice["id"], "amount": "500.00"}]})["id"]]


def _refunds(t: TenantObjects) -> list[str]:
    receipt = t.post("/v1/receipts", {"customer_id": t.customer(), "amount": "50.00", "account_id": t.accounts["1010"]})
    return [t.post("/v1/refunds", {"customer_id": t.customer(), "amount": "20.00", "account_id": t.accounts["1010"],
                                   "receipt_id": receipt["id"]})["id"]]


def _credit_notes(t: TenantObjects) -> list[str]:
    return [t.post("/v1/credit-notes", {"invoice_id": t.posted()["id"], "amount": "10.00"})["id"]]


def _journal_entries(t: TenantObjects) -> list[str]:
    manual = t.post("/v1/journal-entries", {"description": f"Entry of {t.label}", "lines": [
        {"account_id": t.accounts["1010"], "debit": "50.00"},
        {"account_id": t.accounts["1000"], "credit": "50.00"}]})
    return [manual["id"], t.posted()["journal_entry_id"]]


def _webhooks(t: TenantObjects) -> list[str]:
    body = {"url": f"http://127.0.0.1:9/hook-of-{t.label}", "events": ["invoice.posted"]}
    return [t.post("/v1/webhooks", body)["id"]]


def _webhook_deliveries(t: TenantObjects) -> list[str]:
    return [t.post(f"/v1/webhooks/{t.ids_for('/v1/webhooks')[0]}/test")["id"]]


def _reminders(t: TenantObjects) -> list[str]:
    # An invoice that fell due a month ago: reminding it today makes its first reminder (a reminder may not
    # be dated after today, issue 11.27).
    past = date.today() - timedelta(days=60)
    draft = t.post("/v1/invoices", {"customer_id": t.customer(), "issue_date": str(past),
                                    "due_date": str(past + timedelta(days=30)),
                                    "lines": [{"description": "Consulting", "unit_price": "100.00"}]})
    invoice = t.post(f"/v1/invoices/{draft['id']}/post")
    return [t.post(f"/v1/invoices/{invoice['id']}/reminders")["id"]]


def _recurring_invoices(t: TenantObjects) -> list[str]:
    return [t.post("/v1/recurring-invoices", {
        "customer_id": t.customer(), "lines": [{"description": "Hosting", "unit_price": "49.00"}],
        "schedule": {"interval": "monthly", "start_date": str(date.today() + timedelta(days=30))}})["id"]]


def _emails(t: TenantObjects) -> list[str]:
    invoice = t.posted()
    return [t.post(f"/v1/invoices/{invoice['id']}/send", {"to": [f"ap-{t.label}@example.com"]})["id"]]


def _quotes(t: TenantObjects) -> list[str]:
    body = {"customer_id": t.customer(), "lines": [{"description": "Consulting", "quantity": "10",
                                                    "unit_price": "100.00", "tax_code_id": t.tax_codes["GST10"]}]}
    draft, issued = t.post("/v1/quotes", body), t.post("/v1/quotes", body)
    return [draft["id"], t.post(f"/v1/quotes/{issued['id']}/issue")["id"]]


def _order(t: TenantObjects) -> dict[str, Any]:
    return t.post("/v1/orders", {"customer_id": t.customer(), "lines": [
        {"description": "Widget", "quantity": "4", "unit_price": "25.00", "tax_code_id": t.tax_codes["GST10"]}]})


def _orders(t: TenantObjects) -> list[str]:
    return [_order(t)["id"], t.post(f"/v1/orders/{_order(t)['id']}/confirm")["id"]]


def _deliveries(t: TenantObjects) -> list[str]:
    confirmed = t.post(f"/v1/orders/{_order(t)['id']}/confirm")
    from_order = t.post(f"/v1/orders/{confirmed['id']}/deliveries", {"lines": [{"line": 1, "quantity": "1"}]})
    direct = t.post("/v1/deliveries", {"customer_id": t.customer(), "lines": [{"description": "Widget"}]})
    return [from_order["id"], direct["id"]]


def _files(t: TenantObjects) -> list[str]:
    """An uploaded file (issue 15, multipart) and a journal entry that attaches it."""
    response = t.api.post("/v1/files", files={"file": (f"bill-of-{t.label}.pdf", b"%PDF-1.4\n%%EOF\n",
                                                       "application/pdf")}, data={"purpose": "bill"},
                          headers=t.tenant.headers)
    assert response.status_code == 201, response.text
    made = response.json()["id"]
    t.post("/v1/journal-entries", {"description": f"Entry of {t.label}", "attachment_ids": [made], "lines": [
        {"account_id": t.accounts["1010"], "debit": "5.00"}, {"account_id": t.accounts["1000"], "credit": "5.00"}]})
    return [made]


def _file_uploads(t: TenantObjects) -> list[str]:
    """A two-step upload (issue 15, part FU), pending: its bytes never sent."""
    return [t.post("/v1/files/uploads", {"filename": f"scan-of-{t.label}.pdf", "content_type": "application/pdf",
                                         "size": 1024})["id"]]


def _purchase_orders(t: TenantObjects) -> list[str]:
    supplier = t.post("/v1/parties", {"name": f"Secret Customer of {t.label}", "kind": "supplier",
                                      "email": f"sales-{t.label}@example.com"})
    body = {"supplier_id": supplier["id"], "lines": [{"description": "Paper", "quantity": "4", "unit_price": "25.00",
                                                      "account_id": t.accounts["6000"],
                                                      "tax_code_id": t.tax_codes["GST10"]}]}
    draft, sent = t.post("/v1/purchase-orders", body), t.post("/v1/purchase-orders", body)
    return [draft["id"], t.post(f"/v1/purchase-orders/{sent['id']}/issue")["id"]]


def _bills(t: TenantObjects) -> list[str]:
    supplier = t.post("/v1/parties", {"name": f"Secret Supplier of {t.label}", "kind": "supplier"})["id"]

    def bill(reference: str) -> dict[str, Any]:
        return t.post("/v1/bills", {"supplier_id": supplier, "supplier_reference": reference, "lines": [
            {"description": "Office rent", "unit_price": "500.00", "account_id": t.accounts["6000"],
             "tax_code_id": t.tax_codes["GST10"]}]})

    return [bill("R-1")["id"], t.post(f"/v1/bills/{bill('R-2')['id']}/post")["id"]]


def _expenses(t: TenantObjects) -> list[str]:
    expense = t.post("/v1/expenses", {"payee_name": f"Café of {t.label}", "paid_from_account_id": t.accounts["1010"],
                                      "lines": [{"description": "Lunch", "unit_price": "30.00",
                                                 "account_id": t.accounts["6000"],
                                                 "tax_code_id": t.tax_codes["GST10"]}]})
    return [expense["id"]]


def _supplier_payments(t: TenantObjects) -> list[str]:
    supplier = t.post("/v1/parties", {"name": f"Paid Supplier of {t.label}", "kind": "supplier"})["id"]
    bill = t.post("/v1/bills", {"supplier_id": supplier, "supplier_reference": "P-1", "lines": [
        {"description": "Office rent", "unit_price": "500.00", "account_id": t.accounts["6000"],
         "tax_code_id": t.tax_codes["GST10"]}]})
    posted = t.post(f"/v1/bills/{bill['id']}/post")
    payment = t.post("/v1/supplier-payments", {"supplier_id": supplier, "amount": "600.00",
                                               "account_id": t.accounts["1010"],
                                               "allocations": [{"bill_id": posted["id"], "amount": "200.00"}]})
    return [payment["id"]]


def _supplier_credit_notes(t: TenantObjects) -> list[str]:
    supplier = t.post("/v1/parties", {"name": f"Crediting Supplier of {t.label}", "kind": "supplier"})["id"]
    bill = t.post("/v1/bills", {"supplier_id": supplier, "supplier_reference": "C-1", "lines": [
        {"description": "Office rent", "unit_price": "500.00", "account_id": t.accounts["6000"],
         "tax_code_id": t.tax_codes["GST10"]}]})
    posted = t.post(f"/v1/bills/{bill['id']}/post")
    return [t.post("/v1/supplier-credit-notes", {"bill_id": posted["id"], "amount": "100.00"})["id"]]


def _payment_runs(t: TenantObjects) -> list[str]:
    """A CHF payment run (issue 16) from the tenant's CHF bank account, paying a supplier's posted bill."""
    bank_account = t.ids_for("/v1/bank-accounts")[0]
    supplier = t.post("/v1/parties", {"name": f"Run Supplier of {t.label}", "kind": "supplier",
                                      "iban": "CH5604835012345678009"})["id"]
    bill = t.post("/v1/bills", {"supplier_id": supplier, "supplier_reference": f"PR-{t.label}", "currency": "CHF",
                                "exchange_rate": "1.7", "lines": [
                                    {"description": "Office rent", "unit_price": "500.00",
                                     "account_id": t.accounts["6000"], "tax_code_id": t.tax_codes["GST10"]}]})
    posted = t.post(f"/v1/bills/{bill['id']}/post")
    return [t.post("/v1/payment-runs", {"bank_account_id": bank_account, "bills": [{"bill_id": posted["id"]}]})["id"]]


def _events(t: TenantObjects) -> list[str]:
    t.ids_for("/v1/invoices")
    return [event["id"] for event in t.get("/v1/events?limit=3")["data"]]


def _vat_periods(t: TenantObjects) -> list[str]:
    open_ = t.post("/v1/vat-periods", {"from": "2020-01-01", "to": "2020-03-31"})
    closed = t.post("/v1/vat-periods", {"from": "2020-04-01", "to": "2020-06-30"})
    t.call("POST", f"/v1/vat-periods/{closed['id']}/close")
    return [open_["id"], closed["id"]]


def _bank_accounts(t: TenantObjects) -> list[str]:
    return [t.post("/v1/bank-accounts", {"name": f"Bank of {t.label}", "iban": "CH9300762011623852957",
                                         "currency": "CHF"})["id"]]


def _bank_transactions(t: TenantObjects) -> list[str]:
    bank_account = t.ids_for("/v1/bank-accounts")[0]
    statement = (FIXTURES / "camt053_ch_qr_rf.xml").read_bytes()
    response = t.api.post(f"/v1/bank-accounts/{bank_account}/statements", headers=t.tenant.headers,
                          files={"file": ("statement.xml", statement, "application/xml")})
    assert response.status_code in (200, 201), response.text
    return response.json()["transaction_ids"][:2]


def _bank_rules(t: TenantObjects) -> list[str]:
    return [t.post("/v1/bank-rules", {"name": f"Fees of {t.label}", "value": "fee",
                                      "account_id": t.accounts["6000"]})["id"]]


def _exchange_rates(t: TenantObjects) -> list[str]:
    # a rate's id is `<currency>-<date>`, unique within its tenant: each tenant's rates get days of their own, so
    # that an id of A found in B's responses is a leak and not B's own rate of the same day
    month = {"A": "01", "B": "02"}.get(t.label, "03")
    return [t.post("/v1/exchange-rates", {"date": f"2026-{month}-05", "currency": "EUR", "rate": "1.6"})["id"],
            t.post("/v1/exchange-rates", {"date": f"2026-{month}-06", "currency": "USD", "rate": "1.5"})["id"]]


def _currencies(t: TenantObjects) -> list[str]:
    # a currency's id is its code, unique within its tenant: each tenant enables codes of its own
    code = {"A": "NOK", "B": "SEK"}.get(t.label, "DKK")
    return [t.post("/v1/currencies", {"code": code, "name": f"Crown of {t.label}"})["id"]]


def _stock_locations(t: TenantObjects) -> list[str]:  # issue 19
    return [t.post("/v1/stock-locations", {"name": f"Warehouse of {t.label}", "areas": ["A-01"]})["id"],
            t.post("/v1/stock-locations", {"name": f"Shop of {t.label}"})["id"]]


def _stock(t: TenantObjects) -> list[str]:
    """A stock-managed item with 100 units at the first location (the ids of /v1/stock/{item_id}/...)."""
    item = t.post("/v1/items", {"code": "S-ITEM", "name": f"Stocked item of {t.label}", "track_stock": True})["id"]
    t.post("/v1/stock-adjustments", {"item_id": item, "location_id": t.ids_for("/v1/stock-locations")[0],
                                     "reason": "opening", "quantity": "100", "unit_cost": "2.50"})
    return [item]


def _stock_adjustments(t: TenantObjects) -> list[str]:
    return [t.post("/v1/stock-adjustments", {"item_id": t.ids_for("/v1/stock")[0], "reason": "count",
                                             "location_id": t.ids_for("/v1/stock-locations")[0],
                                             "counted_quantity": "99"})["id"]]


def _stock_transfers(t: TenantObjects) -> list[str]:
    locations = t.ids_for("/v1/stock-locations")
    return [t.post("/v1/stock-transfers", {"item_id": t.ids_for("/v1/stock")[0], "from_location_id": locations[0],
                                           "to_location_id": locations[1], "quantity": "5"})["id"]]


# A factory per document kind (domain/kinds.KINDS), swept at the kind's path: a kind added to the registry
# without one fails here, at collection, instead of being skipped.
KIND_FACTORIES: dict[str, Callable[[TenantObjects], list[str]]] = {
    "invoice": _invoices,
    "receipt": _receipts,
    "refund": _refunds,
    "credit_note": _credit_notes,
    "journal_entry": _journal_entries,
    "reminder": _reminders,
    "recurring_invoice": _recurring_invoices,
    "quote": _quotes,
    "order": _orders,
    "delivery": _deliveries,
    "purchase_order": _purchase_orders,
    "bank_transaction": _bank_transactions,
    "bill": _bills,
    "expense": _expenses,
    "supplier_payment": _supplier_payments,
    "supplier_credit_note": _supplier_credit_notes,
    "payment_run": _payment_runs,
}
if missing := {kind.name for kind in KINDS} - set(KIND_FACTORIES):
    raise RuntimeError(f"no break-it factory for the document kinds {sorted(missing)}: add them to KIND_FACTORIES")

FACTORIES: dict[str, Callable[[TenantObjects], list[str]]] = {
    "/v1/parties": _parties,
    "/v1/items": _items,
    "/v1/accounts": _accounts,
    "/v1/tax-codes": _tax_codes,
    "/v1/api-keys": _api_keys,
    **{BY_NAME[name].path: factory for name, factory in KIND_FACTORIES.items()},
    "/v1/webhooks": _webhooks,
    "/v1/webhook-deliveries": _webhook_deliveries,
    "/v1/events": _events,
    "/v1/emails": _emails,
    "/v1/files": _files,
    "/v1/files/uploads": _file_uploads,
    "/v1/vat-periods": _vat_periods,
    "/v1/bank-accounts": _bank_accounts,
    "/v1/bank-rules": _bank_rules,
    "/v1/exchange-rates": _exchange_rates,
    "/v1/currencies": _currencies,
    "/v1/stock-locations": _stock_locations,
    "/v1/stock": _stock,
    "/v1/stock-adjustments": _stock_adjustments,
    "/v1/stock-transfers": _stock_transfers,
}

# Query parameters that take an object id, and the prefix whose factory makes one.
ID_QUERY_PARAMETERS = {"customer_id": "/v1/parties", "invoice_id": "/v1/invoices", "account_id": "/v1/accounts",
                       "tax_code_id": "/v1/tax-codes", "item_id": "/v1/items", "webhook_id": "/v1/webhooks",
                       "party_id": "/v1/parties", "receipt_id": "/v1/receipts",
                       "bank_account_id": "/v1/bank-accounts", "supplier_id": "/v1/parties"}
