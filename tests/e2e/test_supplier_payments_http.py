"""Paying a supplier over real HTTP (issue 15): a bill with its PDF uploaded through /v1/files is posted, paid in
two parts, shows in aged payables until it is paid, and its input tax shows in the VAT return."""

from __future__ import annotations

from datetime import date

import pytest

PDF = b"%PDF-1.7\n" + bytes(range(256)) + b"\n%%EOF\n"


@pytest.fixture(scope="module")
def auth(server) -> dict[str, str]:
    tenant = server.create_tenant(name="Payables Co Pty Ltd")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def test_a_bill_with_its_pdf_is_paid_in_two_parts_and_leaves_aged_payables(http, auth):
    def call(method: str, path: str, expect: int, **body):  # noqa: ANN202
        response = http.request(method, path, headers=auth, json=body or None)
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response.json()

    supplier = call("POST", "/v1/parties", 201, name="Office Supplies Pty Ltd", kind="supplier")["id"]
    tax = {t["code"]: t["id"] for t in call("GET", "/v1/tax-codes", 200)["data"]}["GST10"]
    accounts = {a["code"]: a["id"] for a in call("GET", "/v1/accounts?limit=100", 200)["data"]}

    # Given the supplier's invoice uploaded as a PDF and a bill that attaches it
    upload = http.post("/v1/files", headers=auth, data={"purpose": "bill"},
                       files={"file": ("supplier-invoice-77.pdf", PDF, "application/pdf")})
    assert upload.status_code == 201, upload.text
    pdf = upload.json()["id"]
    unknown = http.post("/v1/bills", headers=auth, json={
        "supplier_id": supplier, "supplier_reference": "INV-77", "attachment_ids": ["file_nope"],
        "lines": [{"unit_price": "1.00", "account_id": accounts["6000"]}]})
    assert unknown.status_code == 422 and unknown.json()["error"]["param"] == "attachment_ids.0"
    draft = call("POST", "/v1/bills", 201, supplier_id=supplier, supplier_reference="INV-77", attachment_ids=[pdf],
                 lines=[{"description": "Paper", "quantity": "20", "unit_price": "10.00",
                         "account_id": accounts["6000"], "tax_code_id": tax}])
    bill = call("POST", f"/v1/bills/{draft['id']}/post", 200)
    assert (bill["total"], bill["attachment_ids"]) == ("220.00", [pdf])
    assert call("GET", f"/v1/files/{pdf}", 200)["attached_to"] == [bill["id"]]
    assert call("GET", "/v1/reports/aged-payables", 200)["totals"]["total"] == "220.00"

    # When it is paid in two parts
    first = call("POST", "/v1/supplier-payments", 201, supplier_id=supplier, amount="120.00",
                 account_id=accounts["1010"], allocations=[{"bill_id": bill["id"], "amount": "120.00"}])
    assert first["status"] == "posted"
    assert call("GET", f"/v1/bills/{bill['id']}", 200)["amount_due"] == "100.00"
    aged = call("GET", "/v1/reports/aged-payables", 200)
    assert aged["totals"]["total"] == aged["payable_balance"] == "100.00"
    call("POST", "/v1/supplier-payments", 201, supplier_id=supplier, amount="100.00", account_id=accounts["1010"],
         allocations=[{"bill_id": bill["id"], "amount": "100.00"}])

    # Then it is paid, gone from aged payables, and its input tax is in the VAT return
    assert call("GET", f"/v1/bills/{bill['id']}", 200)["status"] == "paid"
    aged = call("GET", "/v1/reports/aged-payables", 200)
    assert aged["totals"]["total"] == aged["payable_balance"] == "0.00" and aged["suppliers"] == []
    year = date.today().year
    vat = call("GET", f"/v1/reports/vat-return?from={year}-01-01&to={year}-12-31", 200)
    assert vat["input_tax"] == "20.00"
    events = [e["type"] for e in call("GET", "/v1/events?limit=100", 200)["data"]]
    assert {"supplier_payment.posted", "bill.paid"} <= set(events)
    listed = call("GET", f"/v1/supplier-payments?supplier_id={supplier}", 200)["data"]
    assert [p["amount"] for p in listed] == ["120.00", "100.00"]
