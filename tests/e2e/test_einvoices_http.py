"""E-invoicing over real HTTP (issue 17): a seller and a buyer with their identifiers, an invoice posted, its
Peppol UBL fetched and validated by the API itself; a known failing file reported."""

from __future__ import annotations

from pathlib import Path

import pytest

FAILING = (Path(__file__).parents[1] / "fixtures" / "einvoice" / "failing-BR-CO-16.xml").read_bytes()


@pytest.fixture(scope="module")
def auth(server) -> dict[str, str]:
    tenant = server.create_tenant(name="E-Invoice Demo GmbH", currency="EUR", country="DE")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def test_a_posted_invoice_is_fetched_as_peppol_ubl_and_passes_the_validate_endpoint(http, auth):
    # Given the seller's and the buyer's e-invoicing data
    changed = http.patch("/v1/tenant", headers=auth, json={
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "bank_details": {"iban": "DE75512108001245126199", "bic": "SOGEDEFFXXX"},
        "einvoicing": {"electronic_address": "9930:DE123456788", "vat_id": "DE123456788"}})
    assert changed.status_code == 200, changed.text
    buyer = http.post("/v1/parties", headers=auth, json={
        "name": "Globex AG", "address": {"city": "München", "postal_code": "80331", "country": "DE"},
        "electronic_address": "0088:4000001000005", "vat_id": "DE811569869", "leitweg_id": "04011000-12345-34"})
    assert buyer.status_code == 201, buyer.text
    codes = {t["code"]: t["id"] for t in http.get("/v1/tax-codes", headers=auth).json()["data"]}
    draft = http.post("/v1/invoices", headers=auth, json={"customer_id": buyer.json()["id"], "lines": [
        {"description": "Consulting", "quantity": "10", "unit_price": "100.00", "tax_code_id": codes["VAT19"]}]})
    assert draft.status_code == 201, draft.text
    invoice_id = draft.json()["id"]
    assert http.get(f"/v1/invoices/{invoice_id}/einvoice", headers=auth).status_code == 409  # a draft
    assert http.post(f"/v1/invoices/{invoice_id}/post", headers=auth).status_code == 200

    # (Peppol's German rules want the seller's telephone and email: a 422 names them, then they are given)
    lacking = http.get(f"/v1/invoices/{invoice_id}/einvoice?format=peppol", headers=auth)
    assert lacking.status_code == 422, lacking.text
    assert [d["message"] for d in lacking.json()["error"]["details"]] == [
        "BT-42 seller contact telephone number", "BT-43 seller contact email address"]
    assert http.patch("/v1/tenant", headers=auth, json={"email": "billing@demo.example", "einvoicing": {
        "electronic_address": "9930:DE123456788", "vat_id": "DE123456788", "contact_phone": "+49 30 123456"}},
                      ).status_code == 200

    # When its Peppol UBL is fetched and sent back to the validate endpoint
    xml = http.get(f"/v1/invoices/{invoice_id}/einvoice?format=peppol", headers=auth)
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml"), xml.text
    checked = http.post("/v1/einvoices/validate", headers=auth, files={"file": ("invoice.xml", xml.content)},
                        data={"rules": "peppol"})

    # Then it is valid, and a known failing file is reported with its rule
    assert checked.status_code == 200, checked.text
    assert checked.json()["valid"] is True and checked.json()["failures"] == [], checked.json()["failures"]
    failing = http.post("/v1/einvoices/validate", headers=auth, files={"file": ("bad.xml", FAILING)})
    assert [(f["id"], f["severity"]) for f in failing.json()["failures"]] == [("BR-CO-16", "fatal")]


def test_a_posted_invoice_is_fetched_as_facturx_over_http(http, auth):
    """Issue 17 item 2: `format=facturx` over real HTTP is a PDF (PDF/A-3) whose embedded CII XML factur-x
    finds and the validate endpoint passes with the en16931 rules."""
    import facturx

    assert http.patch("/v1/tenant", headers=auth, json={
        "email": "billing@demo.example",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "bank_details": {"iban": "DE75512108001245126199", "bic": "SOGEDEFFXXX"},
        "einvoicing": {"electronic_address": "9930:DE123456788", "vat_id": "DE123456788"}}).status_code == 200
    buyer = http.post("/v1/parties", headers=auth, json={
        "name": "Initech SARL", "address": {"city": "Paris", "postal_code": "75001", "country": "FR"}})
    codes = {t["code"]: t["id"] for t in http.get("/v1/tax-codes", headers=auth).json()["data"]}
    draft = http.post("/v1/invoices", headers=auth, json={"customer_id": buyer.json()["id"], "lines": [
        {"description": "Consulting", "quantity": "2", "unit_price": "450.00", "tax_code_id": codes["VAT19"]}]})
    invoice_id = draft.json()["id"]
    assert http.get(f"/v1/invoices/{invoice_id}/einvoice?format=facturx", headers=auth).status_code == 409
    assert http.post(f"/v1/invoices/{invoice_id}/post", headers=auth).status_code == 200

    pdf = http.get(f"/v1/invoices/{invoice_id}/einvoice?format=facturx", headers=auth)

    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", pdf.text
    assert pdf.content.startswith(b"%PDF")
    filename, xml = facturx.get_facturx_xml_from_pdf(pdf.content, check_xsd=True)
    assert filename == "factur-x.xml"
    checked = http.post("/v1/einvoices/validate", headers=auth, files={"file": ("factur-x.xml", xml)},
                        data={"rules": "en16931"})
    assert checked.status_code == 200 and checked.json()["valid"] is True, checked.json()["failures"]
