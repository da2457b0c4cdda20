"""PDFs of documents with rich positions (issue 14): every position type shows, read back with pypdf."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from ledgerline.pdf import views
from ledgerline.pdf.render import render
from ledgerline.schemas.documents import CreditNoteCreate
from ledgerline.services import credit_notes, invoices
from ledgerline.store.documents import CreditNote, Invoice
from ledgerline.store.unit_of_work import open_unit
from tests.unit.services.test_position_use_cases import TODAY, create, every_type


def pdf_pages(books, invoice_id: str) -> list[str]:
    invoice = books.table.load(Invoice, books.tenant_id, invoice_id)
    tenant = open_unit(books.tenant_id).tenant()
    data = render(views.invoice_document(tenant, invoice, None))
    return [flat(page.extract_text()) for page in PdfReader(BytesIO(data)).pages]


def flat(text: str) -> str:
    """The page's text with every run of whitespace (between table cells) one space."""
    return " ".join(text.split())


@pytest.fixture
def printed(books) -> list[str]:
    invoice = create(books, every_type(books))
    posted = invoices.post(books.tenant_id, invoice["id"])
    return pdf_pages(books, posted["id"])


def test_items_are_numbered_lines(printed):
    text = "".join(printed)
    for line in ("1 Consulting 10 100.00 10% 1,000.00", "2 Router 2 150.00 10% 300.00", "3 Manual 1 200.00",
                 "4 Travel 1 50.00 10% 50.00"):
        assert line in text


def test_a_text_block_shows(printed):
    assert "Hardware delivered on site" in printed[0]


def test_a_subtotal_shows_the_sum_above_it(printed):
    assert "Subtotal 1,500.00" in printed[0]


def test_discounts_show_negative_with_their_reason(printed):
    assert "Discount 10 %: Bundle -50.00" in printed[0]
    assert "Discount: Loyalty -100.00" in printed[0]


def test_a_group_shows_its_title_and_amount_above_its_positions(printed):
    text = printed[0]
    assert "Hardware 450.00" in text
    assert text.index("Hardware 450.00") < text.index("Router") < text.index("Bundle")


def test_a_page_break_starts_a_new_page_with_the_column_headings(printed):
    assert len(printed) == 2
    assert "Travel" not in printed[0] and "Travel" in printed[1] and "DESCRIPTION" in printed[1]
    assert "Page 2 of 2" in printed[1]


def test_allowances_and_charges_show_above_the_subtotal(printed):
    text = printed[1]
    assert "Allowance 5 %: Early order -77.50" in text and "Charge: Shipping 20.00" in text
    assert "Subtotal 1,342.50" in text and "1,460.08" in text


def test_a_credit_note_with_positions_shows_them(books):
    invoice = create(books, every_type(books))
    invoices.post(books.tenant_id, invoice["id"])
    note = credit_notes.create(books.tenant_id, CreditNoteCreate.model_validate({
        "invoice_id": invoice["id"], "date": str(TODAY), "positions": [
            {"type": "text", "text": "Returned goods"},
            {"type": "item", "description": "Router", "unit_price": "150.00"},
            {"type": "discount", "percent": "10", "reason": "Bundle"}]}).model_dump())
    record = books.table.load(CreditNote, books.tenant_id, note["id"])
    tenant = open_unit(books.tenant_id).tenant()
    text = flat(PdfReader(BytesIO(render(views.credit_note_document(tenant, record, None)))).pages[0].extract_text())
    assert "Returned goods" in text and "1 Router 1 150.00" in text and "Discount 10 %: Bundle -15.00" in text
