"""A tenant's books driven through the HTTP API, for ledger tests: terse helpers, real requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from ledgerline.clock import today
from ledgerline.services import reports
from ledgerline.store.events import list_events


@dataclass
class Books:
    api: TestClient
    tenant_id: str
    headers: dict[str, str]
    accounts: dict[str, str] = field(default_factory=dict)
    tax_codes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for account in self.get("/v1/accounts?limit=100")["data"]:
            self.accounts[account["code"]] = account["id"]
        for tax in self.get("/v1/tax-codes")["data"]:
            self.tax_codes[tax["code"]] = tax["id"]

    # -- raw calls ------------------------------------------------------------------------------
    def call(self, method: str, path: str, body: Any = None, expect: int | None = None, **headers: str) -> Any:
        response = self.api.request(method, path, json=body, headers={**self.headers, **headers})
        if expect is not None:
            assert response.status_code == expect, response.text
        return response

    def get(self, path: str) -> Any:
        return self.call("GET", path, expect=200).json()

    def post(self, path: str, body: Any = None, expect: int = 201, **headers: str) -> Any:
        return self.call("POST", path, body, expect=expect, **headers).json()

    # -- documents ------------------------------------------------------------------------------
    def customer(self, name: str = "Globex", **fields: Any) -> str:
        return self.post("/v1/parties", {"name": name, **fields})["id"]

    def draft(self, customer_id: str, lines: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
        lines = lines or [{"description": "Consulting", "quantity": "10", "unit_price": "100.00",
                           "tax_code_id": self.tax_codes["GST10"]},
                          {"description": "Setup", "unit_price": "250.00", "tax_code_id": self.tax_codes["GST10"]}]
        return self.post("/v1/invoices", {"customer_id": customer_id, "lines": lines, **fields})

    def posted(self, customer_id: str, lines: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
        draft = self.draft(customer_id, lines, **fields)
        return self.post(f"/v1/invoices/{draft['id']}/post", expect=200)

    def receipt(self, customer_id: str, amount: str, allocations: list[tuple[str, str]] = (),
                expect: int = 201, **fields: Any) -> Any:
        body = {"customer_id": customer_id, "amount": amount, "account_id": self.accounts["1010"],
                "allocations": [{"invoice_id": i, "amount": a} for i, a in allocations], **fields}
        return self.post("/v1/receipts", body, expect=expect)

    def invoice(self, invoice_id: str) -> dict[str, Any]:
        return self.get(f"/v1/invoices/{invoice_id}")

    # -- the ledger -----------------------------------------------------------------------------
    def trial_balance(self) -> dict[str, Any]:
        report = reports.trial_balance.report(self.tenant_id, today().replace(year=today().year + 1))
        return report.model_dump(by_alias=True)

    def balance(self, code: str) -> Decimal:
        """Debit-minus-credit balance of an account, as the balance buckets hold it."""
        rows = {row["code"]: row for row in self.trial_balance()["accounts"]}
        return rows[code]["balance"] if code in rows else Decimal(0)

    def events(self) -> list[str]:
        return [event.type for event in list_events(self.tenant_id, limit=1000)]
