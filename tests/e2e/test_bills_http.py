"""A supplier bill over real HTTP (issue 15): create → post → list → aged payables → void."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def auth(server) -> dict[str, str]:
    tenant = server.create_tenant(name="Bill Co Pty Ltd")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def test_a_bill_is_created_posted_listed_aged_and_voided(http, auth):
    def call(method: str, path: str, expect: int, **body):  # noqa: ANN202
        response = http.request(method, path, headers=auth, json=body or None)
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response.json()

    supplier = call("POST", "/v1/parties", 201, name="Office Supplies Pty Ltd", kind="supplier")["id"]
    tax = {t["code"]: t["id"] for t in call("GET", "/v1/tax-codes", 200)["data"]}["GST10"]
    expenses = {a["code"]: a["id"] for a in call("GET", "/v1/accounts?limit=100", 200)["data"]}["6000"]

    # Given a draft bill for the supplier's invoice R-42
    draft = call("POST", "/v1/bills", 201, supplier_id=supplier, supplier_reference="R-42", payment_terms_days=14,
                 lines=[{"description": "Paper", "quantity": "10", "unit_price": "5.00", "account_id": expenses,
                         "tax_code_id": tax}])
    assert (draft["status"], draft["total"], draft["number"]) == ("draft", "55.00", None)
    # the same supplier invoice cannot be entered twice
    duplicate = http.post("/v1/bills", headers=auth, json={"supplier_id": supplier, "supplier_reference": "R-42",
                                                           "lines": [{"unit_price": "1.00", "account_id": expenses}]})
    assert duplicate.status_code == 409 and duplicate.json()["error"]["param"] == "supplier_reference"

    # When it is posted
    posted = call("POST", f"/v1/bills/{draft['id']}/post", 200)
    assert posted["number"].startswith("BILL-") and posted["status"] == "awaiting_payment"

    # Then it is listed as open, and aged payables show it and equal the payable account
    listed = call("GET", f"/v1/bills?status=open&supplier_id={supplier}", 200)["data"]
    assert [b["id"] for b in listed] == [posted["id"]]
    aged = call("GET", "/v1/reports/aged-payables", 200)
    assert aged["totals"]["total"] == aged["payable_balance"] == "55.00"
    events = [e["type"] for e in call("GET", "/v1/events?limit=100", 200)["data"]]
    assert {"bill.created", "bill.posted"} <= set(events)

    # And voiding it empties the payable account
    assert call("POST", f"/v1/bills/{posted['id']}/void", 200)["status"] == "voided"
    assert call("GET", "/v1/reports/aged-payables", 200)["payable_balance"] == "0.00"
