"""E-invoicing (issue 17) through the API against DynamoDB Local: a posted invoice and its credit note as
Peppol UBL (and every other format) pass the official rules; missing data is a 422 listing the business
terms; drafts are a 409; the validate endpoint reports a known failing file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledgerline.einvoice.validation import blocking, validate
from tests.integration.books import Books

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "einvoice"
FORMATS = ("peppol", "ubl", "cii", "xrechnung-ubl", "xrechnung-cii")
RULES = {"peppol": "peppol", "ubl": "en16931", "cii": "en16931", "xrechnung-ubl": "xrechnung",
         "xrechnung-cii": "xrechnung"}


@pytest.fixture
def de_books(api, make_tenant) -> Books:
    tenant = make_tenant(country="DE", currency="EUR", name="Ledgerline Demo GmbH")
    books = Books(api, tenant.tenant_id, tenant.headers)
    books.call("PATCH", "/v1/tenant", {
        "email": "billing@demo.example",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "bank_details": {"iban": "DE75 5121 0800 1245 1261 99", "bic": "SOGEDEFFXXX"},
        "einvoicing": {"electronic_address": "9930:DE123456788", "vat_id": "DE 123 456 788",
                       "contact_phone": "+49 30 123456"}}, expect=200)
    return books


def buyer(books: Books, **fields) -> str:
    return books.customer("Globex AG", **{
        "address": {"line1": "Marktplatz 2", "city": "München", "postal_code": "80331", "country": "DE"},
        "electronic_address": "0088:4000001000005", "vat_id": "DE811569869", "leitweg_id": "04011000-12345-34",
        **fields})


def posted(books: Books, customer_id: str, **fields) -> dict:
    lines = [{"description": "Consulting", "quantity": "10", "unit_price": "100.00",
              "tax_code_id": books.tax_codes["VAT19"]},
             {"description": "Books", "quantity": "3", "unit_price": "19.99", "tax_code_id": books.tax_codes["VAT7"]}]
    return books.posted(customer_id, lines, order_reference="PO-77", supply_date="2026-01-31", **fields)


def einvoice(books: Books, path: str, fmt: str, expect: int = 200):
    return books.call("GET", f"{path}/einvoice?format={fmt}", expect=expect)


def test_a_posted_invoice_and_its_credit_note_pass_the_official_rules_in_every_format(de_books):
    invoice = posted(de_books, buyer(de_books))
    assert invoice["buyer_reference"] == "04011000-12345-34"  # the customer's Leitweg-ID by default
    assert invoice["order_reference"] == "PO-77"
    for fmt in FORMATS:
        response = einvoice(de_books, f"/v1/invoices/{invoice['id']}", fmt)
        assert response.headers["content-type"].startswith("application/xml")
        assert f'{invoice["number"]}-{fmt}.xml' in response.headers["content-disposition"]
        assert invoice["number"].encode() in response.content
        assert blocking(validate(response.content, RULES[fmt])) == [], fmt
    ubl = einvoice(de_books, f"/v1/invoices/{invoice['id']}", "peppol").content
    assert b"<cbc:PayableAmount currencyID=\"EUR\">" + invoice["total"].encode() in ubl
    assert b"DE75512108001245126199" in ubl and b'schemeID="0088">4000001000005' in ubl

    note = de_books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "119.00",
                                              "reason": "Discount agreed"})
    for fmt in FORMATS:
        response = einvoice(de_books, f"/v1/credit-notes/{note['id']}", fmt)
        assert blocking(validate(response.content, RULES[fmt])) == [], fmt
    cii = einvoice(de_books, f"/v1/credit-notes/{note['id']}", "cii").content
    assert b"<ram:TypeCode>381</ram:TypeCode>" in cii and invoice["number"].encode() in cii


def test_foreign_currency_carries_the_tax_total_in_the_accounting_currency(de_books):
    invoice = posted(de_books, buyer(de_books), currency="CHF", exchange_rate="1.05")
    ubl = einvoice(de_books, f"/v1/invoices/{invoice['id']}", "peppol").content
    assert b"<cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>" in ubl
    assert blocking(validate(ubl, "peppol")) == []


def test_an_invoicing_period_and_a_partial_payment_show_in_every_format_and_pass(de_books):
    """BG-14 (BT-73/74) from the invoice's period_start/period_end, and BT-113: a receipt allocated before the
    e-invoice is fetched is its paid amount, BT-115 the rest (issue 17)."""
    customer = buyer(de_books)
    invoice = posted(de_books, customer, period_start="2026-01-01", period_end="2026-01-31")
    assert (invoice["period_start"], invoice["period_end"]) == ("2026-01-01", "2026-01-31")
    de_books.receipt(customer, "100.00", [(invoice["id"], "100.00")])
    due = f"{Decimal(invoice['total']) - Decimal('100.00'):.2f}".encode()
    for fmt in FORMATS:
        xml = einvoice(de_books, f"/v1/invoices/{invoice['id']}", fmt).content
        assert blocking(validate(xml, RULES[fmt])) == [], fmt
        if "cii" in fmt:
            assert b"<ram:TotalPrepaidAmount>100.00<" in xml and b"<ram:DuePayableAmount>" + due in xml
            assert b">20260101</udt:DateTimeString>" in xml and b">20260131</udt:DateTimeString>" in xml
        else:
            assert b'<cbc:PrepaidAmount currencyID="EUR">100.00<' in xml
            assert b'<cbc:PayableAmount currencyID="EUR">' + due in xml
            assert b"<cbc:StartDate>2026-01-01</cbc:StartDate>" in xml
            assert b"<cbc:EndDate>2026-01-31</cbc:EndDate>" in xml
    # a period that ends before it starts is a 422 naming period_end, and writes nothing
    refused = de_books.call("POST", "/v1/invoices", {
        "customer_id": customer, "period_start": "2026-02-01", "period_end": "2026-01-31",
        "lines": [{"description": "Work", "unit_price": "1.00", "tax_code_id": de_books.tax_codes["VAT19"]}]},
        expect=422)
    assert "period_end" in refused.text


def test_missing_data_is_a_422_listing_each_business_term_and_nothing_is_generated(de_books):
    bare = de_books.customer("Initech", address={"country": "DE"})
    invoice = posted(de_books, bare)
    response = einvoice(de_books, f"/v1/invoices/{invoice['id']}", "peppol", expect=422)
    error = response.json()["error"]
    messages = [detail["message"] for detail in error["details"]]
    assert "BT-49 buyer electronic address" in messages
    assert "BT-10 buyer reference (or BT-13 purchase order reference)" not in messages  # PO-77 is there
    xrechnung = einvoice(de_books, f"/v1/invoices/{invoice['id']}", "xrechnung-ubl", expect=422).json()
    assert {"BT-49 buyer electronic address", "BT-10 buyer reference (Leitweg-ID)", "BT-52 buyer city"} <= {
        detail["message"] for detail in xrechnung["error"]["details"]}
    # plain EN 16931 UBL needs neither
    assert blocking(validate(einvoice(de_books, f"/v1/invoices/{invoice['id']}", "ubl").content, "en16931")) == []


def test_a_draft_has_no_einvoice_and_bad_parameters_are_refused(de_books):
    draft = de_books.draft(buyer(de_books), [{"description": "X", "unit_price": "10",
                                             "tax_code_id": de_books.tax_codes["VAT19"]}])
    assert einvoice(de_books, f"/v1/invoices/{draft['id']}", "peppol", expect=409).json()["error"]
    assert de_books.call("GET", f"/v1/invoices/{draft['id']}/einvoice?format=pdf", expect=422).json()
    assert de_books.call("GET", f"/v1/invoices/{draft['id']}/einvoice?format=peppol&flavour=x", expect=400)


def test_another_tenants_invoice_is_a_404(de_books, api, make_tenant):
    invoice = posted(de_books, buyer(de_books))
    other = make_tenant(country="DE", currency="EUR")
    response = api.get(f"/v1/invoices/{invoice['id']}/einvoice?format=peppol", headers=other.headers)
    assert response.status_code == 404


def test_party_vat_ids_are_checked(de_books):
    response = de_books.call("POST", "/v1/parties", {"name": "Bad", "vat_id": "DE123456789"}, expect=422)
    assert "vat_id" in response.text
    de_books.call("POST", "/v1/parties", {"name": "Bad", "electronic_address": "4000001000005"}, expect=422)


def test_the_validate_endpoint_reports_the_failed_rules_of_a_known_failing_file(de_books):
    def check(name: str, rules: str):
        content = (FIXTURES / name).read_bytes()
        return de_books.api.post(
            "/v1/einvoices/validate", files={"file": (name, content, "application/xml")}, data={"rules": rules},
            headers=de_books.headers)

    failing = check("failing-BR-CO-16.xml", "peppol")
    assert failing.status_code == 200, failing.text
    body = failing.json()
    assert body["valid"] is False and body["syntax"] == "ubl"
    assert {(f["id"], f["severity"]) for f in body["failures"]} == {("BR-CO-16", "fatal")}
    assert body["failures"][0]["location"] and "BT-115" in body["failures"][0]["text"]

    good = check("CII_example1.xml", "en16931").json()
    assert good["valid"] is True and good["syntax"] == "cii"
    not_xml = de_books.api.post("/v1/einvoices/validate", files={"file": ("x.txt", b"hello", "text/plain")},
                                headers=de_books.headers)
    assert not_xml.status_code == 422 and "file" in not_xml.text


def test_an_exempt_tax_code_needs_its_exemption_reason_and_then_passes(de_books):
    exempt = de_books.post("/v1/tax-codes", {"code": "EXEMPT", "name": "Exempt", "rate": "0", "category": "E"})
    invoice = de_books.posted(buyer(de_books), [{"description": "Training", "unit_price": "500.00",
                                                 "tax_code_id": exempt["id"]}], order_reference="PO-9")
    refused = einvoice(de_books, f"/v1/invoices/{invoice['id']}", "peppol", expect=422).json()
    assert [d["message"] for d in refused["error"]["details"]] == ["BT-120 VAT exemption reason text (category E)"]
    de_books.call("PATCH", f"/v1/tax-codes/{exempt['id']}", {
        "exemption_reason": "Exempt under Article 132", "exemption_reason_code": "VATEX-EU-132-1A"}, expect=200)
    xml = einvoice(de_books, f"/v1/invoices/{invoice['id']}", "peppol").content
    assert b"<cbc:TaxExemptionReasonCode>VATEX-EU-132-1A</cbc:TaxExemptionReasonCode>" in xml
    assert blocking(validate(xml, "peppol")) == []
    de_books.call("PATCH", f"/v1/tax-codes/{exempt['id']}", {"exemption_reason_code": "EXEMPT"}, expect=422)


def test_facturx_is_the_pdf_with_the_cii_xml_embedded_and_passes_facturx_and_en16931(de_books):
    """Issue 17 item 2: `format=facturx` is the document's PDF (as GET …/pdf has it) with the EN 16931 CII XML
    embedded as PDF/A-3; factur-x's own check (level, XSD) finds it and the XML passes the en16931 rules."""
    import io

    import facturx
    from lxml import etree
    from pypdf import PdfReader

    invoice = posted(de_books, buyer(de_books))
    note = de_books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "119.00",
                                              "reason": "Discount agreed"})
    for path, number, type_code in ((f"/v1/invoices/{invoice['id']}", invoice["number"], b"380"),
                                    (f"/v1/credit-notes/{note['id']}", note["number"], b"381")):
        response = einvoice(de_books, path, "facturx")
        assert response.headers["content-type"] == "application/pdf"
        assert f'{number}-facturx.pdf' in response.headers["content-disposition"]
        filename, xml = facturx.get_facturx_xml_from_pdf(response.content, check_xsd=True)
        assert filename == "factur-x.xml", path  # (False, False) when no attachment passes the check
        assert facturx.get_level(etree.fromstring(xml)) == "en16931"
        assert f"<ram:TypeCode>{type_code.decode()}</ram:TypeCode>".encode() in xml and number.encode() in xml
        assert blocking(validate(xml, "en16931")) == [], path
        assert xml == einvoice(de_books, path, "cii").content  # the same XML as format=cii
        reader = PdfReader(io.BytesIO(response.content))
        assert b"<pdfaid:part>3</pdfaid:part>" in reader.xmp_metadata.stream.get_data()
        original = PdfReader(io.BytesIO(de_books.call("GET", f"{path}/pdf", expect=200).content))
        assert [page.extract_text() for page in reader.pages] == [page.extract_text() for page in original.pages]


def test_facturx_of_a_draft_is_a_409_and_of_another_tenants_invoice_a_404(de_books, api, make_tenant):
    draft = de_books.draft(buyer(de_books), [{"description": "X", "unit_price": "10",
                                             "tax_code_id": de_books.tax_codes["VAT19"]}])
    error = einvoice(de_books, f"/v1/invoices/{draft['id']}", "facturx", expect=409).json()["error"]
    assert error["code"] == "document_not_posted"
    invoice = posted(de_books, buyer(de_books))
    other = make_tenant(country="DE", currency="EUR")
    for path in (f"/v1/invoices/{invoice['id']}", f"/v1/invoices/{draft['id']}"):
        assert api.get(f"{path}/einvoice?format=facturx", headers=other.headers).status_code == 404
    # missing data the CII needs is a 422 before any PDF is rendered
    bare = posted(de_books, de_books.customer("Initech", address={}))
    response = einvoice(de_books, f"/v1/invoices/{bare['id']}", "facturx", expect=422)
    assert response.json()["error"]["param"] == "format"
