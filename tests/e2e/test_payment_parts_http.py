"""Payment parts over real HTTP (issue 16, part Q): a Swiss tenant's invoice carries a QR reference and its PDF
ends with a QR-bill whose QR code reads back as the invoice's account, amount and reference."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgerline.domain.banking import references
from tests.pdf_qr import page_count, qr_texts


@pytest.fixture(scope="module")
def auth(server) -> dict[str, str]:
    tenant = server.create_tenant(name="QR Demo AG", currency="CHF", country="CH")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def test_a_chf_invoice_is_posted_with_a_qr_reference_and_its_pdf_ends_with_the_qr_bill(http, auth):
    # Given a Swiss tenant with an address and a default bank account with a QR-IBAN
    tenant = http.patch("/v1/tenant", headers=auth, json={"address": {
        "line1": "Bahnhofstrasse 1", "postal_code": "8001", "city": "Zürich", "country": "CH"}})
    assert tenant.status_code == 200, tenant.text
    made = http.post("/v1/bank-accounts", headers={**auth, "Idempotency-Key": "e2e-qr-bank"}, json={
        "name": "PostFinance", "iban": "CH93 0076 2011 6238 5295 7", "qr_iban": "CH44 3199 9123 0008 8901 2",
        "is_default": True})
    assert made.status_code == 201, made.text
    codes = {t["code"]: t["id"] for t in http.get("/v1/tax-codes", headers=auth).json()["data"]}
    customer = http.post("/v1/parties", headers=auth, json={"name": "Kunde GmbH", "address": {
        "line1": "Marktgasse 5", "postal_code": "3011", "city": "Bern", "country": "CH"}}).json()
    draft = http.post("/v1/invoices", headers=auth, json={"customer_id": customer["id"], "lines": [
        {"description": "Beratung", "quantity": "8", "unit_price": "150.00", "tax_code_id": codes["VAT81"]}]})
    assert draft.status_code == 201, draft.text
    # When it is posted
    posted = http.post(f"/v1/invoices/{draft.json()['id']}/post", headers=auth)
    assert posted.status_code == 200, posted.text
    invoice = posted.json()
    # Then it carries a QR reference, and its PDF's second page is the QR-bill for it
    assert references.is_qr_reference(invoice["payment_reference"])
    pdf = http.get(f"/v1/invoices/{invoice['id']}/pdf", headers=auth)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert page_count(pdf.content) == 2
    [payload] = qr_texts(pdf.content, -1)
    lines = payload.split("\r\n")
    assert lines[3] == "CH4431999123000889012" and lines[19] == "CHF"
    assert Decimal(lines[18]) == Decimal(invoice["total"]) == Decimal("1297.20")
    assert lines[27:29] == ["QRR", invoice["payment_reference"]]
