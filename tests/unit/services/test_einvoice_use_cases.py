"""E-invoices' use cases on the in-memory unit of work (issue 17): what rendering reads, and refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.einvoice import cii, ubl
from ledgerline.domain.errors import ValidationFailed
from ledgerline.services import einvoices, invoices, receipts, tenants
from ledgerline.store.parties import Party
from ledgerline.store.unit_of_work import open_unit


def posted(books, *, post: bool = True) -> str:
    tenants.update_tenant(books.tenant_id, {"address": {"country": "AU"}}, None)
    party = open_unit(books.tenant_id).load(Party, books.customer_id)
    party.address = {"country": "AU"}  # type: ignore[assignment]
    books.table.put(party)
    created = invoices.create_draft(books.tenant_id, {
        "customer_id": books.customer_id, "issue_date": date(2026, 2, 1),
        "lines": [{"description": "Work", "quantity": Decimal(1), "unit_price": Decimal(100),
                   "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}]})
    if post:
        invoices.post(books.tenant_id, created["id"])
    return created["id"]


def test_rendering_reads_the_document_and_tenant_then_party_tax_codes_and_bank_pointer(books, read_rounds):
    invoice_id = posted(books)
    tenants.update_tenant(books.tenant_id, {"tax_id": "DE123456788"}, None)
    read_rounds.clear()
    number, xml = einvoices.invoice_xml(books.tenant_id, invoice_id, "ubl")
    assert number.encode() in xml
    # the invoice with the tenant; then the customer, the tax code and the default bank pointer together
    assert read_rounds == [2, 3]


def test_a_draft_is_refused_and_missing_data_lists_the_terms_and_writes_nothing(books):
    draft = posted(books, post=False)
    with pytest.raises(InvalidState):
        einvoices.invoice_xml(books.tenant_id, draft, "peppol")
    invoice_id = posted(books)
    events = books.table.event_types(books.tenant_id)
    with pytest.raises(ValidationFailed) as error:
        einvoices.invoice_xml(books.tenant_id, invoice_id, "peppol")
    assert [issue.message for issue in error.value.details] == [
        "BT-31 seller VAT identifier", "BT-34 seller electronic address", "BT-49 buyer electronic address",
        "BT-10 buyer reference (or BT-13 purchase order reference)"]
    assert books.table.event_types(books.tenant_id) == events


def test_facturx_checks_the_xml_first_so_a_draft_or_missing_data_renders_no_pdf(books):
    """Factur-X (issue 17 item 2): the CII XML is built before the PDF is rendered or read, so the refusals of
    `format=cii` come first and nothing (no PDF, no `document.rendered`) is written."""
    draft = posted(books, post=False)
    with pytest.raises(InvalidState):
        einvoices.invoice_facturx(books.tenant_id, draft)
    invoice_id = posted(books)
    events = books.table.event_types(books.tenant_id)
    with pytest.raises(ValidationFailed) as error:
        einvoices.invoice_facturx(books.tenant_id, invoice_id)  # no seller VAT id: BT-31
    assert "BT-31 seller VAT identifier" in [issue.message for issue in error.value.details]
    assert error.value.param == "format"
    assert books.table.event_types(books.tenant_id) == events
    assert "document.rendered" not in events


def test_a_partly_paid_invoice_shows_the_paid_amount_and_what_is_left_to_pay(books):
    """BT-113 (issue 17): a receipt allocated before the e-invoice is made is its paid amount, and BT-115 is the
    total less it (BR-CO-16); UBL and CII read it back the same."""
    invoice_id = posted(books)  # 100 + GST 10 % = 110.00
    tenants.update_tenant(books.tenant_id, {"tax_id": "DE123456788"}, None)
    receipts.create(books.tenant_id, {
        "customer_id": books.customer_id, "amount": Decimal("40.00"), "account_id": books.accounts["1010"],
        "date": date(2026, 2, 2), "allocations": [{"invoice_id": invoice_id, "amount": Decimal("40.00")}]})
    for name in ("ubl", "cii"):
        _number, xml = einvoices.invoice_xml(books.tenant_id, invoice_id, name)
        read = (ubl if name == "ubl" else cii).parse(xml)
        assert (read.stated.tax_inclusive, read.stated.prepaid, read.stated.payable) == (
            Decimal("110.00"), Decimal("40.00"), Decimal("70.00")), name
        assert read.document.prepaid == Decimal("40.00") and read.document.payable == Decimal("70.00")
