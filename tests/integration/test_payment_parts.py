"""Payment parts on invoices against DynamoDB Local (issue 16, part Q): the payment reference set by the posting,
the lookup of open invoices by it, and the invoice PDF with its QR-bill or EPC QR code read back."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from ledgerline.clock import today
from ledgerline.domain.banking import references
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.store.documents import find_invoice_by_reference, find_open_invoice_by_reference
from ledgerline.store.events import list_events
from tests.integration.books import Books
from tests.pdf_qr import page_count, qr_texts

QR_IBAN = "CH44 3199 9123 0008 8901 2"
IBAN = "CH93 0076 2011 6238 5295 7"


@pytest.fixture(autouse=True)
def blob_store():
    store = MemoryBlobStore()
    blobs.use(store)
    yield store
    blobs.use(None)


def books_of(make_tenant, api, country: str, currency: str, address: dict) -> Books:
    tenant = make_tenant(country=country, currency=currency, name="Ledgerline Demo AG")
    books = Books(api, tenant.tenant_id, tenant.headers)
    books.call("PATCH", "/v1/tenant", {"address": address}, expect=200)
    return books


@pytest.fixture
def chf(make_tenant, api) -> Books:
    return books_of(make_tenant, api, "CH", "CHF",
                    {"line1": "Bahnhofstrasse 1", "postal_code": "8001", "city": "Zürich", "country": "CH"})


@pytest.fixture
def eur(make_tenant, api) -> Books:
    return books_of(make_tenant, api, "DE", "EUR",
                    {"line1": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"})


def bank_account(books: Books, **fields) -> dict:
    body = {"name": "ZKB current account", "iban": IBAN, "bic": "ZKBKCHZZ80A", "is_default": True} | fields
    return books.post("/v1/bank-accounts", body)


def invoice(books: Books, code: str, **fields) -> dict:
    customer = books.customer("Kunde GmbH", address={"line1": "Marktgasse 5", "postal_code": "3011", "city": "Bern",
                                                     "country": "CH"})
    lines = [{"description": "Beratung", "quantity": "10", "unit_price": "125.00",
              "tax_code_id": books.tax_codes[code]}]
    return books.posted(customer, lines, **fields)


def sequence_of(number: str) -> int:
    return int(number.rsplit("-", 1)[-1])


def test_posting_sets_a_qr_reference_for_a_ch_tenant_whose_default_account_has_a_qr_iban(chf, make_tenant, api):
    bank_account(chf, qr_iban=QR_IBAN)
    posted = invoice(chf, "VAT81")
    reference = posted["payment_reference"]
    assert references.is_qr_reference(reference)
    assert reference == references.invoice_reference(today().year, sequence_of(posted["number"]), qr=True)
    assert chf.invoice(posted["id"])["payment_reference"] == reference
    # the invoice.posted event carries it
    [event] = [e for e in list_events(chf.tenant_id, limit=1000) if e.type == "invoice.posted"]
    assert json.loads(event.data)["payment_reference"] == reference
    # a draft has none
    lines = [{"description": "Beratung", "unit_price": "10.00", "tax_code_id": chf.tax_codes["VAT81"]}]
    assert chf.draft(chf.customer(), lines)["payment_reference"] is None
    # the lookup finds the open invoice by it, as printed (spaces) or compact; not another tenant's
    assert find_open_invoice_by_reference(chf.tenant_id, references.format_qr(reference)).id == posted["id"]
    other = make_tenant(country="CH", currency="CHF")
    assert find_open_invoice_by_reference(other.tenant_id, reference) is None
    assert find_open_invoice_by_reference(chf.tenant_id, references.invoice_reference(1999, 1, qr=True)) is None
    # once it is no longer open, only the plain lookup finds it
    chf.post(f"/v1/invoices/{posted['id']}/void", {}, expect=200)
    assert find_open_invoice_by_reference(chf.tenant_id, reference) is None
    assert find_invoice_by_reference(chf.tenant_id, reference).status == "voided"


def test_without_a_qr_iban_the_reference_is_an_rf_reference_and_each_invoice_has_its_own(chf):
    account = bank_account(chf)
    first, second = invoice(chf, "VAT81"), invoice(chf, "VAT81")
    assert references.is_rf_reference(first["payment_reference"])
    assert first["payment_reference"] != second["payment_reference"]
    assert find_open_invoice_by_reference(chf.tenant_id, second["payment_reference"]).id == second["id"]
    # giving the default account a QR-IBAN later: the next invoice gets a QR reference, the posted keep theirs
    chf.call("PATCH", f"/v1/bank-accounts/{account['id']}", {"qr_iban": QR_IBAN}, expect=200)
    third = invoice(chf, "VAT81")
    assert references.is_qr_reference(third["payment_reference"])
    assert chf.invoice(first["id"])["payment_reference"] == first["payment_reference"]


def test_a_tenant_without_a_bank_account_gets_rf_references(books):
    posted = books.posted(books.customer())
    assert references.is_rf_reference(posted["payment_reference"])


def test_the_pdf_of_a_chf_invoice_has_a_second_page_whose_qr_bill_decodes_to_the_invoice(chf):
    bank_account(chf, qr_iban=QR_IBAN)
    posted = invoice(chf, "VAT81")
    pdf = chf.call("GET", f"/v1/invoices/{posted['id']}/pdf", expect=200).content
    assert page_count(pdf) == 2
    [payload] = qr_texts(pdf, -1)
    lines = payload.split("\r\n")
    assert lines[:3] == ["SPC", "0200", "1"] and lines[3] == QR_IBAN.replace(" ", "")
    assert Decimal(lines[18]) == Decimal(posted["total"]) and lines[19] == "CHF"
    assert lines[27:29] == ["QRR", posted["payment_reference"]]
    assert "Ledgerline Demo AG" in lines[5] and "Kunde GmbH" in lines[21]


def test_the_pdf_of_a_eur_invoice_has_an_epc_qr_code_with_the_iban_amount_and_reference(eur):
    bank_account(eur, name="Sparkasse", iban="DE89 3704 0044 0532 0130 00", bic="COBADEFFXXX", currency="EUR")
    posted = invoice(eur, "VAT19")
    pdf = eur.call("GET", f"/v1/invoices/{posted['id']}/pdf", expect=200).content
    assert page_count(pdf) == 1
    [payload] = qr_texts(pdf, 0)
    lines = payload.split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"] and lines[4] == "COBADEFFXXX"
    assert lines[6] == "DE89370400440532013000" and lines[7] == f"EUR{Decimal(posted['total']):.2f}"
    assert lines[9] == posted["payment_reference"] and references.is_rf_reference(lines[9])


def test_the_pdf_of_a_reminder_carries_the_invoices_reference_and_qr_bill_for_what_is_still_due(chf):
    """Issue 16, part V: the reminder's PDF prints the invoice's payment reference and the same QR-bill as the
    invoice's PDF, for the amount still due (a part payment is taken off)."""
    from datetime import timedelta

    bank_account(chf, qr_iban=QR_IBAN)
    posted = invoice(chf, "VAT81", issue_date=str(today() - timedelta(days=40)),
                     due_date=str(today() - timedelta(days=10)))
    chf.receipt(posted["customer_id"], "100.00", [(posted["id"], "100.00")])
    reminder = chf.post(f"/v1/invoices/{posted['id']}/reminders", {"date": str(today())})
    pdf = chf.call("GET", f"/v1/reminders/{reminder['id']}/pdf", expect=200).content
    assert page_count(pdf) == 2
    [payload] = qr_texts(pdf, -1)
    lines = payload.split("\r\n")
    assert lines[3] == QR_IBAN.replace(" ", "") and lines[19] == "CHF"
    assert Decimal(lines[18]) == Decimal(posted["total"]) - Decimal("100.00")
    assert lines[27:29] == ["QRR", posted["payment_reference"]]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert f"Payment reference: {references.format_qr(posted['payment_reference'])}" in text
