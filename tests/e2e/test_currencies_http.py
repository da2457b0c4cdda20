"""Exchange rates and revaluation over real HTTP (issue 16, part X): the ECB file through the CLI, a EUR invoice
that takes January's rate, the month revalued at its end rate and reversed, the invoice paid in February."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

ECB = Path(__file__).parents[1] / "fixtures" / "rates" / "eurofxref-daily.xml"


@pytest.fixture(scope="module")
def tenant(server) -> dict[str, str]:
    return server.create_tenant(name="FX Demo Pty Ltd", currency="AUD", country="AU")


def test_a_euro_invoice_takes_its_days_rate_is_revalued_at_the_months_end_and_paid_later(server, http, tenant):
    auth = {"Authorization": f"Bearer {tenant['api_key']}"}
    # Given the ECB's rates of 2 and 5 January (EUR 1.648 and 1.664 AUD) and a rate for 31 January
    imported = server.cli("rates", "import", str(ECB), "--tenant", tenant["tenant_id"])
    assert imported.returncode == 0, imported.stderr
    added = http.post("/v1/exchange-rates", headers={**auth, "Idempotency-Key": "e2e-fx-1"},
                      json={"date": "2026-01-31", "currency": "EUR", "rate": "1.70", "source": "bank"})
    assert added.status_code == 201, added.text
    customer = http.post("/v1/parties", headers=auth, json={"name": "Euro GmbH"}).json()["id"]
    accounts = {a["code"]: a["id"] for a in http.get("/v1/accounts?limit=100", headers=auth).json()["data"]}

    # When a EUR invoice of 20 January is posted without a rate
    draft = http.post("/v1/invoices", headers=auth, json={
        "customer_id": customer, "currency": "EUR", "issue_date": "2026-01-20",
        "lines": [{"description": "Export", "unit_price": "100.00"}]})
    assert draft.status_code == 201, draft.text
    assert (D(draft.json()["exchange_rate"]), draft.json()["exchange_rate_id"]) == (D("1.664"), "EUR-2026-01-05")
    invoice = http.post(f"/v1/invoices/{draft.json()['id']}/post", headers=auth).json()

    # And January is revalued at 1.70
    revalued = http.post("/v1/periods/2026-01/revalue", headers=auth)
    assert revalued.status_code == 201, revalued.text
    report = http.get("/v1/reports/revaluation?period=2026-01", headers=auth).json()
    assert report == revalued.json()
    (item,) = report["items"]
    total = D(item["amount"])
    assert item["id"] == invoice["id"] and D(item["difference"]) == (total * D("1.70") - total * D("1.664")).quantize(
        D("0.01"))

    # Then a receipt of 2 February at the rate given pays it and books only the realised difference
    paid = http.post("/v1/receipts", headers=auth, json={
        "customer_id": customer, "amount": item["amount"], "currency": "EUR", "date": "2026-02-02",
        "exchange_rate": "1.75", "account_id": accounts["1010"],
        "allocations": [{"invoice_id": invoice["id"], "amount": item["amount"]}]})
    assert paid.status_code == 201, paid.text
    assert http.get(f"/v1/invoices/{invoice['id']}", headers=auth).json()["status"] == "paid"
    trial = {a["code"]: a for a in http.get("/v1/reports/trial-balance", headers=auth).json()["accounts"]}
    assert D(trial["7950"]["balance"]) == -(total * D("1.75") - D(item["carried_base"]))
    assert "1100" not in trial or D(trial["1100"]["balance"]) == 0
