"""Receiving e-invoices over real HTTP (issue 17 item 5): a seller posts an invoice and fetches its Peppol UBL
and its Factur-X PDF; the buyer (another tenant) imports both through `POST /v1/bills/import`, gets draft bills
with the invoice's totals and the files attached, posts one, and is refused the same file twice and a file
the official rules reject."""

from __future__ import annotations

from pathlib import Path

import pytest

FAILING = (Path(__file__).parents[1] / "fixtures" / "einvoice" / "failing-BR-CO-16.xml").read_bytes()


@pytest.fixture(scope="module")
def seller(server) -> dict[str, str]:
    tenant = server.create_tenant(name="Seller GmbH", currency="EUR", country="DE")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


@pytest.fixture(scope="module")
def buyer(server) -> dict[str, str]:
    tenant = server.create_tenant(name="Globex AG", currency="EUR", country="DE")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def test_a_suppliers_peppol_invoice_and_its_facturx_become_draft_bills_of_the_buyer(http, seller, buyer):
    # Given a seller with its e-invoicing data, and a posted invoice to the buyer in two tax rates
    assert http.patch("/v1/tenant", headers=seller, json={
        "email": "billing@seller.example",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "bank_details": {"iban": "DE75512108001245126199", "bic": "SOGEDEFFXXX"},
        "einvoicing": {"electronic_address": "9930:DE123456788", "vat_id": "DE123456788",
                       "contact_phone": "+49 30 123456"}}).status_code == 200
    customer = http.post("/v1/parties", headers=seller, json={
        "name": "Globex AG", "address": {"city": "München", "postal_code": "80331", "country": "DE"},
        "electronic_address": "0088:4000001000005", "vat_id": "DE811569869", "leitweg_id": "04011000-12345-34"})
    assert customer.status_code == 201, customer.text
    codes = {t["code"]: t["id"] for t in http.get("/v1/tax-codes", headers=seller).json()["data"]}
    draft = http.post("/v1/invoices", headers=seller, json={
        "customer_id": customer.json()["id"], "order_reference": "PO-77", "lines": [
            {"description": "Consulting", "quantity": "10", "unit_price": "100.00", "tax_code_id": codes["VAT19"]},
            {"description": "Books", "quantity": "3", "unit_price": "19.99", "tax_code_id": codes["VAT7"]}]})
    assert draft.status_code == 201, draft.text
    invoice = http.post(f"/v1/invoices/{draft.json()['id']}/post", headers=seller).json()
    peppol = http.get(f"/v1/invoices/{invoice['id']}/einvoice?format=peppol", headers=seller)
    assert peppol.status_code == 200, peppol.text

    # When the buyer imports it
    imported = http.post("/v1/bills/import", headers={**buyer, "Idempotency-Key": "imp-1"},
                         files={"file": ("invoice.xml", peppol.content, "application/xml")})

    # Then it is a draft bill for the invoice's totals, from a new supplier, with the file attached
    assert imported.status_code == 201, imported.text
    result = imported.json()
    bill = result["bill"]
    assert result["supplier_created"] is True and result["import_warnings"] == [] and result["rules"] == "peppol"
    assert bill["status"] == "draft" and bill["supplier_reference"] == invoice["number"]
    assert (bill["subtotal"], bill["tax_total"], bill["total"]) == (invoice["subtotal"], invoice["tax_total"],
                                                                    invoice["total"])
    assert bill["order_reference"] == "PO-77" and bill["attachment_ids"] == [result["file_id"]]
    stored = http.get(f"/v1/files/{result['file_id']}/download", headers=buyer)
    assert stored.status_code == 200 and stored.content == peppol.content  # the local blob store gives the bytes
    replay = http.post("/v1/bills/import", headers={**buyer, "Idempotency-Key": "imp-1"},
                       files={"file": ("invoice.xml", peppol.content, "application/xml")})
    assert replay.status_code == 201 and replay.json() == result
    posted = http.post(f"/v1/bills/{bill['id']}/post", headers=buyer)
    assert posted.status_code == 200 and posted.json()["total"] == invoice["total"], posted.text

    # And the same file again is a 409 naming the bill; a file the rules reject a 422 with their findings
    again = http.post("/v1/bills/import", headers=buyer, files={"file": ("invoice.xml", peppol.content)})
    assert again.status_code == 409 and bill["id"] in again.json()["error"]["message"]
    bad = http.post("/v1/bills/import", headers=buyer, files={"file": ("bad.xml", FAILING)})
    assert bad.status_code == 422 and [d["id"] for d in bad.json()["error"]["details"]] == ["BR-CO-16"]

    # And the next invoice, as Factur-X, is matched to the same supplier
    second = http.post("/v1/invoices", headers=seller, json={
        "customer_id": customer.json()["id"], "order_reference": "PO-78", "lines": [
            {"description": "Support", "quantity": "2", "unit_price": "80.00", "tax_code_id": codes["VAT19"]}]})
    second_invoice = http.post(f"/v1/invoices/{second.json()['id']}/post", headers=seller).json()
    pdf = http.get(f"/v1/invoices/{second_invoice['id']}/einvoice?format=facturx", headers=seller)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.text
    from_pdf = http.post("/v1/bills/import", headers=buyer, files={"file": ("invoice.pdf", pdf.content,
                                                                            "application/pdf")})
    assert from_pdf.status_code == 201, from_pdf.text
    assert from_pdf.json()["supplier_created"] is False and from_pdf.json()["syntax"] == "cii"
    assert from_pdf.json()["bill"]["supplier_id"] == bill["supplier_id"]
    assert from_pdf.json()["bill"]["total"] == second_invoice["total"]
