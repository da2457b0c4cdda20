"""PDF rendering without a database: records in memory → views → ReportLab → pypdf reads it back."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from ledgerline.pdf import fonts, views
from ledgerline.pdf.blobs import MemoryBlobStore, blob_key
from ledgerline.pdf.render import render
from ledgerline.store.documents import CreditNote, DocumentLine, Invoice, TaxSubtotal
from ledgerline.store.parties import Address, Party
from ledgerline.store.reminders import Reminder
from ledgerline.store.tenants import BankDetails, Tenant

NOW = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)


def tenant(**fields) -> Tenant:
    return Tenant(id="ten_1", name="Acme Zürich AG", base_currency="CHF", country="CH", timezone="UTC",
                  tax_id="CHE-123.456.789 MWST", email="billing@acme.example",
                  address=Address(line1="Bahnhofstrasse 1", postal_code="8001", city="Zürich", country="CH"),
                  bank_details=BankDetails(account_name="Acme Zürich AG", bank_name="Zürcher Kantonalbank",
                                           iban="CH93 0076 2011 6238 5295 7", bic="ZKBKCHZZ80A"),
                  **fields)


def customer() -> Party:
    return Party(id="pty_1", tenant_id="ten_1", name="Łódź 東京 Trading", kind="customer",
                 address=Address(line1="ul. Piotrkowska 10", postal_code="90-001", city="Łódź", country="PL"),
                 tax_id="PL1234567890")


def invoice(lines: int = 2, currency: str = "CHF") -> Invoice:
    price = Decimal("100") if currency == "CHF" else Decimal("100000")
    document_lines = [DocumentLine(description=f"Beratung {n} — Zürich 東京", quantity=Decimal("10"),
                                   unit_price=price, account_id="acc_1", tax_code_id="txc_1",
                                   tax_rate=Decimal("8.1"), net_amount=price * 10, tax_amount=price * Decimal("0.81"),
                                   amount=price * Decimal("10.81")) for n in range(1, lines + 1)]
    subtotal = price * 10 * lines
    tax = (subtotal * Decimal("0.081")).quantize(Decimal("0.01"))
    return Invoice(id="inv_1", tenant_id="ten_1", status="awaiting_payment", number="INV-2030-0001",
                   customer_id="pty_1", customer_name="Łódź 東京 Trading", currency=currency,
                   exchange_rate=Decimal(1), lines=document_lines,
                   tax_breakdown=[TaxSubtotal(tax_code_id="txc_1", tax_code="VAT81", rate=Decimal("8.1"),
                                              taxable_amount=subtotal, tax_amount=tax)],
                   subtotal=subtotal, tax_total=tax, rounding_adjustment=Decimal(0), total=subtotal + tax,
                   issue_date=date(2030, 1, 10), due_date=date(2030, 2, 9), reference="PO-4711",
                   notes="Danke für Ihren Auftrag.", prices_include_tax=False, amount_paid=Decimal(0),
                   amount_credited=Decimal(0), amount_due=subtotal + tax, created_at=NOW, updated_at=NOW)


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def text_by_font(data: bytes) -> dict[str, str]:
    """The text of every page, by the font it is set in (subset prefixes such as `AAAAAA+` dropped)."""
    found: dict[str, str] = {}

    def visit(text, _cm, _tm, font, _size):  # type: ignore[no-untyped-def]
        if font and text.strip():
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            found[name] = found.get(name, "") + text

    for page in PdfReader(BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return found


EUROPEAN = ("Zürich", "Łódź", "Ελλάδα", "Москва")


def test_european_names_are_set_in_noto_sans_and_the_cjk_font_is_not_even_loaded(monkeypatch):
    def no_cjk():
        raise AssertionError("a document without CJK text must not load the CJK font")

    monkeypatch.setattr(fonts, "register_cjk", no_cjk)
    party = Party(id="pty_1", tenant_id="ten_1", name="Ελλάδα Trading ΑΕ", kind="customer",
                  address=Address(line1="Тверская улица 1", city="Москва", country="RU"))
    document = invoice()
    document.customer_name = party.name
    for line in document.lines:
        line.description = "Beratung — Zürich, Łódź"
    by_font = text_by_font(render(views.invoice_document(tenant(), document, party)))
    assert set(by_font) == {"NotoSans-Regular", "BitstreamVeraSans-Bold"}
    for name in (*EUROPEAN, "Тверская улица 1"):
        assert name in by_font["NotoSans-Regular"], name
    # Every one of their characters is a real glyph of the text font (not the missing-glyph box)
    fonts.register()
    text_font = fonts.pdfmetrics.getFont(fonts.TEXT).face.charToGlyph
    assert all(ord(c) in text_font for c in "".join(EUROPEAN) if not c.isspace())


def test_cjk_runs_are_set_in_noto_sans_cjk_and_the_rest_of_the_line_in_noto_sans():
    by_font = text_by_font(render(views.invoice_document(tenant(), invoice(), customer())))
    assert set(by_font) == {"NotoSans-Regular", "NotoSansCJKsc-Regular", "BitstreamVeraSans-Bold"}
    assert "東京" in by_font["NotoSansCJKsc-Regular"]
    assert set(by_font["NotoSansCJKsc-Regular"]) <= set("東京\n")  # nothing else falls back to it
    assert "Łódź" in by_font["NotoSans-Regular"] and "Trading" in by_font["NotoSans-Regular"]
    cjk_font = fonts.pdfmetrics.getFont(fonts.register_cjk()).face.charToGlyph
    assert all(ord(c) in cjk_font for c in "東京") and ord("가") in cjk_font and ord("カ") in cjk_font


def test_text_falls_back_to_the_cjk_font_only_for_what_the_text_font_lacks():
    assert list(fonts.runs("Zürich")) == [(None, "Zürich")]
    assert list(fonts.runs("Łódź 東京 Trading")) == [(None, "Łódź "), (fonts.CJK, "東京"), (None, " Trading")]
    assert list(fonts.runs("서울")) == [(fonts.CJK, "서울")]
    # A character in neither font (Thai) stays in the text font, as before: no second font for nothing
    assert list(fonts.runs("กรุงเทพ")) == [(None, "กรุงเทพ")]
    assert fonts.needs_cjk("東京") and not fonts.needs_cjk("Ελλάδα Москва")


def test_an_issuer_name_with_cjk_prints_on_later_pages_too():
    cjk_tenant = tenant()
    cjk_tenant.name = "東京商事 GmbH"
    text = pages(render(views.invoice_document(cjk_tenant, invoice(lines=120), customer())))
    assert len(text) > 1 and "東京商事 GmbH" in text[1]


def test_an_invoice_shows_its_number_customer_total_and_payment_details():
    text = "\n".join(pages(render(views.invoice_document(tenant(), invoice(), customer()))))
    assert "INV-2030-0001" in text
    assert "Łódź 東京 Trading" in text and "Acme Zürich AG" in text
    assert "2,162.00" in text  # total of 2 x 1,000.00 plus 8.1 % VAT
    assert "CH93 0076 2011 6238 5295 7" in text and "PO-4711" in text
    assert "Page 1 of 1" in text


def test_a_long_invoice_runs_over_pages_with_page_numbers_and_repeated_headings():
    data = render(views.invoice_document(tenant(), invoice(lines=120), customer()))
    text = pages(data)
    assert len(text) > 1
    assert "Page 1 of" in text[0] and f"Page {len(text)} of {len(text)}" in text[-1]
    for later in text[1:]:
        assert "INVOICE INV-2030-0001" in later and "DESCRIPTION" in later  # short header and column headings
    assert "Beratung 120 — Zürich 東京" in "".join(text)
    assert "AMOUNT DUE" in text[-1]


def test_rendering_is_deterministic():
    document = views.invoice_document(tenant(), invoice(lines=3), customer())
    first, second = render(document), render(document)
    assert first == second
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_amounts_follow_the_currencys_minor_units():
    text = "".join(pages(render(views.invoice_document(tenant(), invoice(currency="IDR"), customer()))))
    assert "IDR 2,162,000" in text and "2,162,000.00" not in text


def test_a_reminder_shows_what_is_due_with_its_fee():
    reminder = Reminder(id="rem_1", tenant_id="ten_1", invoice_id="inv_1", invoice_number="INV-2030-0001",
                        customer_id="pty_1", customer_name="Łódź 東京 Trading", level=2, title="Zweite Mahnung",
                        message="Bitte bezahlen Sie den offenen Betrag.", date=date(2030, 3, 2),
                        pay_by=date(2030, 3, 12), currency="CHF", invoice_date=date(2030, 1, 10),
                        invoice_due_date=date(2030, 2, 9), invoice_total=Decimal("2162"), amount_paid=Decimal("162"),
                        amount_due=Decimal("2000"), fee=Decimal("20"), fee_currency="CHF",
                        fee_invoice_number="INV-2030-0002", created_at=NOW, updated_at=NOW)
    text = "".join(pages(render(views.reminder_document(tenant(), reminder, customer()))))
    assert "Zweite Mahnung" in text and "PAYMENT REMINDER" in text
    assert "CHF 2,020.00" in text and "2030-03-12" in text and "INV-2030-0002" in text
    assert "Days overdue" in text.replace("DAYS OVERDUE", "Days overdue")


def test_a_credit_note_shows_how_it_settles():
    note = CreditNote(id="cn_1", tenant_id="ten_1", number="CN-2030-0001", customer_id="pty_1",
                      customer_name="Łódź 東京 Trading", currency="CHF", exchange_rate=Decimal(1),
                      lines=invoice().lines[:1], tax_breakdown=[], subtotal=Decimal(1000), tax_total=Decimal(0),
                      rounding_adjustment=Decimal(0), total=Decimal(1000), invoice_id="inv_1",
                      invoice_number="INV-2030-0001", date=date(2030, 1, 20), reason="Rabatt",
                      amount_applied=Decimal(1000), unallocated_amount=Decimal(0), journal_entry_id="je_1",
                      status="posted", created_at=NOW, updated_at=NOW)
    text = "".join(pages(render(views.credit_note_document(tenant(), note, customer()))))
    assert "CREDIT NOTE" in text and "CN-2030-0001" in text and "INV-2030-0001" in text
    assert "Reason: Rabatt" in text


def test_the_memory_blob_store_keeps_bytes_under_the_tenant_prefix():
    store = MemoryBlobStore()
    key = blob_key("ten_1", "invoice", "inv_1", "ab" * 32)
    store.put(key, b"%PDF", "application/pdf")
    assert key.startswith("ten_1/invoice/inv_1/") and store.get(key) == b"%PDF"
    assert store.link(key, "x.pdf", 60) is None
    assert MemoryBlobStore(presign=True).link(key, "x.pdf", 60).startswith("memory://ten_1/")


@pytest.mark.parametrize(("value", "text"), [(Decimal("10.000000"), "10"), (Decimal("1.50"), "1.5"),
                                             (Decimal("1E+2"), "100")])
def test_quantities_print_plainly(value, text):
    assert views.plain(value) == text


# ------------------------------------------------------ what each country asks of an invoice (issue 11.31)


def au_tenant() -> Tenant:
    return Tenant(id="ten_1", name="Acme Pty Ltd", base_currency="AUD", country="AU", timezone="UTC",
                  tax_id="51 824 753 556", address=Address(line1="1 George St", city="Sydney", region="NSW",
                                                           postal_code="2000", country="AU"),
                  bank_details=BankDetails(account_name="Acme Pty Ltd", bank_name="Westpac",
                                           routing_code="032-000", account_number="123456"))


def de_tenant() -> Tenant:
    return Tenant(id="ten_1", name="Muster GmbH", base_currency="EUR", country="DE", timezone="UTC",
                  tax_id="DE123456789", address=Address(line1="Unter den Linden 1", city="Berlin",
                                                        postal_code="10117", country="DE"))


def local_customer(country: str, **address) -> Party:
    return Party(id="pty_1", tenant_id="ten_1", name="Globex", kind="customer",
                 address=Address(country=country, **address))


def text_of(tenant_: Tenant, invoice_: Invoice, customer_: Party | None) -> str:
    return "\n".join(pages(render(views.invoice_document(tenant_, invoice_, customer_))))


def test_an_australian_invoice_is_a_tax_invoice_with_the_abn_gst_and_an_australian_address():
    text = text_of(au_tenant(), invoice(currency="AUD"),
                   local_customer("AU", line1="5 Collins St", city="Melbourne", region="VIC", postal_code="3000"))
    assert "TAX INVOICE" in text
    assert "ABN 51 824 753 556" in text and "Tax ID" not in text
    assert re.search(r"Subtotal\n.*\nGST\n", text) and "GST CODE" in text  # totals and headings name the tax
    assert "\nTax\n" not in text and "TAX CODE" not in text
    assert "Sydney NSW 2000" in text and "Melbourne VIC 3000" in text
    assert "2000 Sydney" not in text and "Australia" not in text  # a domestic letter has no country line
    assert "Westpac" in text and "BSB: 032-000" in text


def test_a_german_invoice_always_shows_the_date_of_supply():
    # No supply date given: it is the issue date
    text = text_of(de_tenant(), invoice(currency="EUR"), local_customer("DE", city="München", postal_code="80331"))
    assert "Date of supply" in text.replace("DATE OF SUPPLY", "Date of supply")
    assert text.count("2030-01-10") >= 2  # issue date and date of supply
    assert "10117 Berlin" in text and "80331 München" in text and "VAT ID DE123456789" in text
    assert "INVOICE" in text and "TAX INVOICE" not in text


def test_a_given_supply_date_is_printed_in_any_country():
    supplied = invoice(currency="AUD")
    supplied.supply_date = date(2029, 12, 20)
    text = text_of(au_tenant(), supplied, None)
    assert "2029-12-20" in text and "Date of supply" in text.replace("DATE OF SUPPLY", "Date of supply")
    # and an Australian invoice without one does not print the line
    assert "DATE OF SUPPLY" not in text_of(au_tenant(), invoice(currency="AUD"), None).upper()


def test_a_swiss_invoice_shows_the_vat_numbers_and_a_foreign_customers_country():
    text = text_of(tenant(), invoice(), customer())
    assert "VAT no. CHE-123.456.789 MWST" in text
    assert "VAT ID PL1234567890" in text  # the Polish customer's EU VAT number
    assert "90-001 Łódź" in text and "Poland" in text and "8001 Zürich" in text and "Switzerland" in text


def test_the_renderer_uses_reportlabs_c_accelerators():
    # rl-accel (in the PDF layer and the dev install): pure-Python number formatting doubled a warm render
    from reportlab.lib import rl_accel

    assert rl_accel.fp_str.__module__ == "_rl_accel"


def test_the_fast_paths_plain_text_and_one_line_break_per_width_give_the_same_bytes(monkeypatch):
    from ledgerline.pdf import render as renderer

    spaced = invoice(lines=3)
    for line, description in zip(spaced.lines, ("  two  spaces  ", "R&D <b>not bold</b>", "Zeile 1\nZeile 2"),
                                 strict=True):
        line.description = description
    documents = [views.invoice_document(tenant(), invoice(lines=120), customer()),
                 views.invoice_document(au_tenant(), invoice(currency="AUD"), None),
                 views.invoice_document(de_tenant(), spaced, local_customer("DE", city="Köln"))]
    fast = [render(document) for document in documents]
    monkeypatch.setattr(renderer, "FAST_PATHS", False)
    assert [render(document) for document in documents] == fast
