"""Receiving e-invoices (issue 17 item 5) through the API against DynamoDB Local: `POST /v1/bills/import`.

Every official example imports as a draft bill (the credit note is refused as such); a Peppol UBL exported by
one tenant imports into another with the invoice's totals; the same file twice, or the same supplier's invoice
number, is a 409 naming the bill; a file the rules refuse is a 422 with their findings and nothing written; a
Factur-X PDF imports; a VAT category and rate without a purchase tax code is a 422 naming them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from ledgerline.domain import einvoice
from ledgerline.einvoice.validation import syntax_of
from tests.integration.books import Books

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "einvoice"
EXAMPLES = sorted((FIXTURES / "examples").glob("*/*.xml"))


def upload(books: Books, content: bytes, name: str = "invoice.xml", expect: int | None = 201, **headers: str):
    response = books.api.post("/v1/bills/import", headers={**books.headers, **headers},
                              files={"file": (name, content)})
    if expect is not None:
        assert response.status_code == expect, response.text
    return response


def globex(seller: Books) -> str:
    return seller.customer("Globex AG", address={"city": "München", "postal_code": "80331", "country": "DE"},
                           electronic_address="0088:4000001000005", vat_id="DE811569869",
                           leitweg_id="04011000-12345-34")


def seller_books(api, make_tenant) -> Books:
    tenant = make_tenant(country="DE", currency="EUR", name="Ledgerline Demo GmbH")
    books = Books(api, tenant.tenant_id, tenant.headers)
    books.call("PATCH", "/v1/tenant", {
        "email": "billing@demo.example",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "bank_details": {"iban": "DE75 5121 0800 1245 1261 99", "bic": "SOGEDEFFXXX"},
        "einvoicing": {"electronic_address": "9930:DE123456788", "vat_id": "DE 123 456 788",
                       "contact_phone": "+49 30 123456"}}, expect=200)
    return books


@pytest.fixture
def buyer_books(api, make_tenant) -> Books:
    tenant = make_tenant(country="DE", currency="EUR", name="Globex AG")
    return Books(api, tenant.tenant_id, tenant.headers)


def counts(books: Books) -> tuple[int, int, int]:
    return tuple(len(books.get(path)["data"]) for path in ("/v1/bills", "/v1/files", "/v1/parties"))  # type: ignore


def purchase_codes_for(books: Books, received: einvoice.Received) -> None:
    """The purchase tax codes the document's categories and rates need (a tenant sets up its own)."""
    document = received.document
    taxes = [line.tax for line in document.lines] + [entry.tax for entry in (*document.allowances,
                                                                            *document.charges)]
    existing = {(t["category"], Decimal(t["rate"])) for t in books.get("/v1/tax-codes?limit=100")["data"]}
    for tax in {tax.key: tax for tax in taxes if tax is not None}.values():
        rate = Decimal(0) if tax.code == "O" else tax.rate
        if (tax.code, rate) in existing:
            continue
        code = re.sub(r"[^A-Za-z0-9]", "", f"IN{tax.code}{rate.normalize():f}")
        body = {"code": code, "name": f"Input {tax.code} {rate:f}", "rate": f"{rate:f}", "category": tax.code,
                "direction": "purchases"}
        if tax.code in ("E", "AE", "K", "G", "O"):
            body["exemption_reason"] = "Exempt"
        books.post("/v1/tax-codes", body)
        existing.add((tax.code, rate))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_official_example_imports_as_a_draft_bill(buyer_books, path):
    content = path.read_bytes()
    received = einvoice.parse(content, syntax_of(content))
    document = received.document
    purchase_codes_for(buyer_books, received)
    if document.currency != "EUR":
        buyer_books.post("/v1/exchange-rates", {"date": document.issue_date.isoformat(),
                                                "currency": document.currency, "rate": "0.1"})
    if document.credit_note or received.stated.tax_inclusive < 0:  # a credit note, or a negative correction
        refused = upload(buyer_books, content, path.name, expect=422).json()["error"]
        assert refused["code"] == "einvoice_credit_note" and "supplier-credit-notes" in refused["message"]
        assert counts(buyer_books) == (0, 0, 0)
        return

    result = upload(buyer_books, content, path.name).json()
    bill = result["bill"]
    assert result["object"] == "bill_import" and result["syntax"] == received.syntax
    assert result["rules"] == received.rules and result["supplier_created"] is True
    assert bill["status"] == "draft" and bill["number"] is None
    assert bill["supplier_reference"] == document.number
    assert bill["bill_date"] == document.issue_date.isoformat()
    warned = {warning["term"] for warning in result["import_warnings"]}
    if document.due_date is not None and document.due_date >= document.issue_date:
        assert bill["due_date"] == document.due_date.isoformat()
    elif document.due_date is not None:  # a due date before the issue date: the terms apply, and it is said
        assert "BT-9" in warned
    assert bill["currency"] == document.currency
    assert bill["buyer_reference"] == document.buyer_reference
    assert bill["order_reference"] == document.order_reference
    assert len(bill["lines"]) == len(document.lines) + len(document.allowances) + len(document.charges)
    assert [line["description"] for line in bill["lines"][:len(document.lines)]] == [
        line.name for line in document.lines]
    assert [Decimal(line["net_amount"]) for line in bill["lines"][:len(document.lines)]] == [
        line.net_amount for line in document.lines]
    # the bill's net is the document's (BT-109); where tax or the total differ, the response says so
    assert Decimal(bill["subtotal"]) == received.stated.tax_exclusive
    if received.stated.tax_total is not None:
        assert ("BT-110" in warned) == (Decimal(bill["tax_total"]) != received.stated.tax_total)
    assert bill["attachment_ids"] == [result["file_id"]]
    file = buyer_books.get(f"/v1/files/{result['file_id']}")
    assert file["purpose"] == "einvoice" and file["content_type"] == "application/xml"
    assert buyer_books.get(f"/v1/bills/{bill['id']}")["version"] == bill["version"]
    supplier = buyer_books.get(f"/v1/parties/{bill['supplier_id']}")
    assert supplier["kind"] == "supplier" and supplier["name"] == document.seller.name


def test_a_peppol_invoice_of_one_tenant_imports_into_another_with_the_invoices_totals(api, make_tenant,
                                                                                      buyer_books):
    seller = seller_books(api, make_tenant)
    customer = globex(seller)
    lines = [{"description": "Consulting", "quantity": "10", "unit_price": "100.00",
              "tax_code_id": seller.tax_codes["VAT19"]},
             {"description": "Books", "quantity": "3", "unit_price": "19.99", "tax_code_id": seller.tax_codes["VAT7"]},
             {"description": "Licence", "quantity": "2.5", "unit_price": "33.33",
              "tax_code_id": seller.tax_codes["VAT19"]}]
    invoice = seller.posted(customer, lines, currency="CHF", exchange_rate="1.05", order_reference="PO-77",
                            buyer_reference="GLOBEX-4711", issue_date="2026-02-02",
                            allowances=[{"reason": "Loyalty discount", "amount": "40.00",
                                         "tax_code_id": seller.tax_codes["VAT19"]}])
    peppol = seller.call("GET", f"/v1/invoices/{invoice['id']}/einvoice?format=peppol", expect=200).content
    buyer_books.post("/v1/exchange-rates", {"date": "2026-02-01", "currency": "CHF", "rate": "1.04"})

    result = upload(buyer_books, peppol, "INV.xml").json()
    bill = result["bill"]
    assert result["import_warnings"] == [] and result["rules"] == "peppol"
    for name in ("subtotal", "tax_total", "total"):
        assert bill[name] == invoice[name], name
    assert bill["currency"] == "CHF" and bill["supplier_reference"] == invoice["number"]
    assert bill["due_date"] == invoice["due_date"] and bill["order_reference"] == "PO-77"
    assert bill["buyer_reference"] == "GLOBEX-4711"
    assert sorted((t["tax_code"], t["taxable_amount"], t["tax_amount"]) for t in bill["tax_breakdown"]) == sorted(
        (t["tax_code"], t["taxable_amount"], t["tax_amount"]) for t in invoice["tax_breakdown"])
    supplier = buyer_books.get(f"/v1/parties/{bill['supplier_id']}")
    assert supplier["electronic_address"] == "9930:DE123456788" and supplier["vat_id"] == "DE123456788"
    assert supplier["address"]["city"] == "Berlin"
    # posting it writes a balanced entry for the invoice's total
    posted = buyer_books.post(f"/v1/bills/{bill['id']}/post", expect=200)
    assert posted["total"] == invoice["total"] and posted["number"].startswith("BILL-")

    # the same file again: 409 naming the bill; the same invoice in another syntax: the supplier's number is taken
    again = upload(buyer_books, peppol, expect=409).json()["error"]
    assert again["code"] == "duplicate_einvoice" and bill["id"] in again["message"]
    cii = seller.call("GET", f"/v1/invoices/{invoice['id']}/einvoice?format=cii", expect=200).content
    taken = upload(buyer_books, cii, expect=409).json()["error"]
    assert taken["code"] == "duplicate_supplier_reference" and bill["id"] in taken["message"]

    # the next invoice of the same seller finds the supplier by its electronic address
    second = seller.posted(customer, lines[:1], order_reference="PO-78", issue_date="2026-02-03")
    xml = seller.call("GET", f"/v1/invoices/{second['id']}/einvoice?format=peppol", expect=200).content
    result = upload(buyer_books, xml).json()
    assert result["supplier_created"] is False and result["bill"]["supplier_id"] == bill["supplier_id"]
    assert result["bill"]["total"] == second["total"]


def test_a_file_the_rules_refuse_is_a_422_with_their_findings_and_nothing_is_written(buyer_books):
    before = counts(buyer_books)
    response = upload(buyer_books, (FIXTURES / "failing-BR-CO-16.xml").read_bytes(), expect=422)
    error = response.json()["error"]
    assert error["code"] == "einvoice_invalid" and error["param"] == "file"
    assert [(d["id"], d["severity"], d["rule_set"]) for d in error["details"]] == [
        ("BR-CO-16", "fatal", "EN16931-UBL-validation")]
    assert error["details"][0]["location"] and "BT-115" in error["details"][0]["text"]
    assert counts(buyer_books) == before
    for content in (b"hello", b"<html><body>no</body></html>", b"%PDF-1.4\n%%EOF"):
        assert upload(buyer_books, content, expect=422).json()["error"]["param"] == "file"
    assert counts(buyer_books) == before


def test_a_category_and_rate_without_a_purchase_tax_code_is_a_422_naming_them(buyer_books):
    content = (FIXTURES / "examples" / "peppol" / "base-example.xml").read_bytes()  # S at 25 %
    error = upload(buyer_books, content, expect=422).json()["error"]
    assert error["code"] == "einvoice_tax_code_missing"
    assert "category S at 25 %" in error["message"] and error["details"][0]["field"] == "lines.0"
    assert counts(buyer_books) == (0, 0, 0)


def test_a_facturx_pdf_imports_and_keeps_the_pdf(api, make_tenant, buyer_books):
    seller = seller_books(api, make_tenant)
    customer = globex(seller)
    invoice = seller.posted(customer, [{"description": "Consulting", "quantity": "4", "unit_price": "120.00",
                                        "tax_code_id": seller.tax_codes["VAT19"]},
                                       {"description": "Books", "unit_price": "10.00",
                                        "tax_code_id": seller.tax_codes["VAT7"]}])
    pdf = seller.call("GET", f"/v1/invoices/{invoice['id']}/einvoice?format=facturx", expect=200).content
    assert pdf.startswith(b"%PDF-")

    result = upload(buyer_books, pdf, "invoice.pdf").json()
    assert result["syntax"] == "cii" and result["import_warnings"] == []
    assert result["bill"]["total"] == invoice["total"] and result["bill"]["tax_total"] == invoice["tax_total"]
    file = buyer_books.get(f"/v1/files/{result['file_id']}")
    assert file["content_type"] == "application/pdf" and file["filename"] == "invoice.pdf"


def test_an_idempotency_key_replays_the_import_and_a_deleted_draft_frees_the_file(api, make_tenant, buyer_books):
    seller = seller_books(api, make_tenant)
    customer = globex(seller)
    invoice = seller.posted(customer, [{"description": "Consulting", "unit_price": "100.00",
                                        "tax_code_id": seller.tax_codes["VAT19"]}], order_reference="PO-1")
    xml = seller.call("GET", f"/v1/invoices/{invoice['id']}/einvoice?format=peppol", expect=200).content
    first = upload(buyer_books, xml, **{"Idempotency-Key": "import-1"}).json()
    replay = upload(buyer_books, xml, **{"Idempotency-Key": "import-1"}).json()
    assert replay == first
    assert counts(buyer_books)[0] == 1

    buyer_books.call("DELETE", f"/v1/bills/{first['bill']['id']}", expect=200)
    again = upload(buyer_books, xml).json()
    assert again["bill"]["id"] != first["bill"]["id"] and again["supplier_created"] is False
    assert buyer_books.api.post("/v1/bills/import?x=1", headers=buyer_books.headers,
                                files={"file": ("a.xml", xml)}).status_code == 400


def test_a_discount_position_in_two_rates_and_a_foreign_currency_round_trips(api, make_tenant, buyer_books):
    """A percent discount position spans both rates: the export shows it as one allowance per VAT category
    (docs/einvoicing.md), the import as one negative line per category, and the totals still equal."""
    seller = seller_books(api, make_tenant)
    customer = globex(seller)
    draft = seller.post("/v1/invoices", dict(customer_id=customer, currency="USD", exchange_rate="0.92",
                                             order_reference="PO-9", issue_date="2026-02-02", positions=[
                                {"type": "item", "description": "Router", "quantity": "3", "unit_price": "149.99",
                                 "tax_code_id": seller.tax_codes["VAT19"]},
                                {"type": "item", "description": "Manual", "unit_price": "24.90",
                                 "tax_code_id": seller.tax_codes["VAT7"]},
                                {"type": "discount", "percent": "12.5", "applies_to": "all"}]))
    invoice = seller.post(f"/v1/invoices/{draft['id']}/post", expect=200)
    xml = seller.call("GET", f"/v1/invoices/{invoice['id']}/einvoice?format=peppol", expect=200).content
    buyer_books.post("/v1/exchange-rates", {"date": "2026-01-01", "currency": "USD", "rate": "0.91"})

    result = upload(buyer_books, xml).json()
    assert result["import_warnings"] == []
    assert [result["bill"][name] for name in ("subtotal", "tax_total", "total")] == [
        invoice[name] for name in ("subtotal", "tax_total", "total")]
    assert sum(Decimal(line["net_amount"]) < 0 for line in result["bill"]["lines"]) == 2  # one per category


def test_two_racing_imports_of_one_file_make_one_bill(api, make_tenant, buyer_books):
    from concurrent.futures import ThreadPoolExecutor

    seller = seller_books(api, make_tenant)
    invoice = seller.posted(globex(seller), [{"description": "Consulting", "unit_price": "100.00",
                                              "tax_code_id": seller.tax_codes["VAT19"]}], order_reference="PO-1")
    xml = seller.call("GET", f"/v1/invoices/{invoice['id']}/einvoice?format=peppol", expect=200).content
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(lambda _: upload(buyer_books, xml, expect=None).status_code, range(4)))
    assert statuses == [201, 409, 409, 409]
    bills, files, parties = counts(buyer_books)
    assert (bills, files) == (1, 1)
    assert len([p for p in buyer_books.get("/v1/parties")["data"] if p["kind"] == "supplier"]) == 1
