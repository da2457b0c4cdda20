"""Quotes over HTTP against `ledgerline dev` (issue 14): create → issue (its PDF rendered by the relay on
quote.issued) → accept → convert into a draft invoice → post the invoice → pay it."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from tests.e2e.test_documents_local import wait_for_render


def test_a_quote_is_issued_accepted_converted_and_its_invoice_posted_and_paid(server, http):
    tenant = server.create_tenant(name="Quote Pty Ltd")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    customer = http.post("/v1/parties", json={"name": "Initech"}, headers=headers).json()["id"]
    created = http.post("/v1/quotes", headers={**headers, "Idempotency-Key": "q-1"}, json={
        "customer_id": customer, "valid_until": "2099-12-31",
        "lines": [{"description": "Design", "quantity": "3", "unit_price": "400.00"}]})
    assert created.status_code == 201, created.text
    quote = created.json()
    assert (quote["status"], quote["number"], quote["total"]) == ("draft", None, "1200.00")
    assert http.post("/v1/quotes", headers={**headers, "Idempotency-Key": "q-1"}, json={
        "customer_id": customer, "valid_until": "2099-12-31",
        "lines": [{"description": "Design", "quantity": "3", "unit_price": "400.00"}]}).json()["id"] == quote["id"]

    issued = http.post(f"/v1/quotes/{quote['id']}/issue", headers=headers).json()
    assert issued["status"] == "open" and issued["number"].startswith("QUO-")
    rendered = wait_for_render(http, headers, quote["id"])
    pdf = http.get(f"/v1/quotes/{quote['id']}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.headers["x-content-sha256"] == rendered["data"]["sha256"]
    assert issued["number"] in "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)

    assert http.post(f"/v1/quotes/{quote['id']}/accept", headers=headers).json()["status"] == "accepted"
    converted = http.post(f"/v1/quotes/{quote['id']}/convert", json={"to": "invoice"}, headers=headers)
    assert converted.status_code == 200, converted.text
    link, = converted.json()["converted_to"]
    assert converted.json()["status"] == "converted" and link["kind"] == "invoice"

    invoice = http.get(f"/v1/invoices/{link['id']}", headers=headers).json()
    assert invoice["source"] == {"kind": "quote", "id": quote["id"]} and invoice["status"] == "draft"
    posted = http.post(f"/v1/invoices/{invoice['id']}/post", headers=headers).json()
    assert posted["status"] == "awaiting_payment" and posted["total"] == "1200.00"
    bank = next(a["id"] for a in http.get("/v1/accounts?limit=100", headers=headers).json()["data"]
                if a["code"] == "1010")
    paid = http.post("/v1/receipts", headers=headers, json={
        "customer_id": customer, "amount": "1200.00", "account_id": bank,
        "allocations": [{"invoice_id": invoice["id"], "amount": "1200.00"}]})
    assert paid.status_code == 201, paid.text
    assert http.get(f"/v1/invoices/{invoice['id']}", headers=headers).json()["status"] == "paid"
    types = [e["type"] for e in http.get("/v1/events?limit=100", headers=headers).json()["data"]]
    assert {"quote.created", "quote.issued", "quote.accepted", "quote.converted", "invoice.posted"} <= set(types)
