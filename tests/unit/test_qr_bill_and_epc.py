"""Payment parts on invoices (issue 16, part Q): the Swiss QR-bill's data built with `qrbill` and the EPC QR
code, compared with the invoice; the rendered PDF read back (page → image → QR text)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from qrbill import QRBill

from ledgerline.pdf import views
from ledgerline.pdf.payment_parts import epc_payload, qr_bill_of, swiss_text
from ledgerline.pdf.render import render
from ledgerline.store.banking import BankAccount
from ledgerline.store.parties import Address, Party
from tests.pdf_qr import page_count, qr_texts
from tests.unit.test_pdf_render import invoice, pages, tenant

QR_IBAN, IBAN = "CH4431999123000889012", "CH9300762011623852957"
QR_REFERENCE, RF_REFERENCE = "210000000003139471430009017", "RF18539007547034"


def bank(**fields) -> BankAccount:
    values = {"id": "bac_1", "tenant_id": "ten_1", "name": "ZKB business", "iban": IBAN, "bic": "ZKBKCHZZ80A",
              "qr_iban": QR_IBAN, "currency": "CHF", "account_id": "acc_9", "opening_balance": Decimal(0)} | fields
    return BankAccount(**values)


def swiss_customer() -> Party:
    return Party(id="pty_1", tenant_id="ten_1", name="Kunde GmbH", kind="customer",
                 address=Address(line1="Marktgasse 5", postal_code="3011", city="Bern", country="CH"))


def posted(currency: str = "CHF", reference: str | None = QR_REFERENCE):
    document = invoice(currency=currency)
    document.payment_reference = reference
    document.customer_name = "Kunde GmbH"
    return document


def fields(payload: str) -> list[str]:
    """The Swiss QR Code's lines (SPC 0200): 3 = account, 18 = amount, 19 = currency, 27/28 = reference."""
    return payload.split("\r\n")


def test_the_qr_bill_carries_the_invoices_amount_currency_qr_iban_and_qr_reference():
    document = posted()
    slip = views.invoice_document(tenant(), document, swiss_customer(), bank()).qr_bill
    assert slip is not None
    lines = fields(slip.payload)
    assert lines[:3] == ["SPC", "0200", "1"]
    assert lines[3] == QR_IBAN and lines[18] == f"{document.total:.2f}" and lines[19] == "CHF"
    assert lines[27:29] == ["QRR", QR_REFERENCE]
    assert lines[5] == "Acme Zürich AG" and lines[20:22] == ["S", "Kunde GmbH"]
    # the same data as qrbill builds it from the invoice's fields
    expected = QRBill(account=QR_IBAN, creditor={"name": "Acme Zürich AG", "street": "Bahnhofstrasse 1",
                                                 "pcode": "8001", "city": "Zürich", "country": "CH"},
                      debtor={"name": "Kunde GmbH", "street": "Marktgasse 5", "pcode": "3011", "city": "Bern",
                              "country": "CH"},
                      amount=f"{document.total:.2f}", currency="CHF", reference_number=QR_REFERENCE,
                      additional_information=f"Invoice {document.number}")
    assert slip.payload == expected.qr_data()
    assert slip.reference == "21 00000 00003 13947 14300 09017" and slip.account == "CH44 3199 9123 0008 8901 2"


def test_an_rf_reference_goes_with_the_plain_iban_and_eur_is_allowed():
    slip = views.invoice_document(tenant(), posted("EUR", RF_REFERENCE), swiss_customer(), bank()).qr_bill
    assert slip is not None
    lines = fields(slip.payload)
    assert lines[3] == IBAN and lines[19] == "EUR" and lines[27:29] == ["SCOR", RF_REFERENCE]


@pytest.mark.parametrize("case", ["no bank account", "usd", "qr reference without qr-iban", "no tenant postcode",
                                  "foreign iban"])
def test_no_qr_bill_when_one_cannot_be_made(case):
    owner, document, account = tenant(), posted(), bank()
    if case == "no bank account":
        account = None
    elif case == "usd":
        document = posted("USD")
    elif case == "qr reference without qr-iban":
        account = bank(qr_iban=None)
    elif case == "no tenant postcode":
        owner.address = Address(line1="Bahnhofstrasse 1", city="Zürich", country="CH")
    else:
        account = bank(iban="DE89370400440532013000", qr_iban=None)
        document = posted(reference=RF_REFERENCE)
    assert views.invoice_document(owner, document, swiss_customer(), account).qr_bill is None


def test_a_chf_invoice_with_a_qr_bill_has_two_pages_and_its_qr_code_reads_back_as_the_payload():
    document = views.invoice_document(tenant(), posted(), swiss_customer(), bank())
    data = render(document)
    assert page_count(data) == 2
    assert qr_texts(data) == [document.qr_bill.payload]
    last = pages(data)[-1]
    assert "Payment part" in last and "Receipt" in last and "21 00000 00003 13947 14300 09017" in last
    assert "Page 2 of 2" not in last  # nothing over the slip
    assert "Page 1 of 2" in pages(data)[0]


def test_the_invoice_prints_the_default_bank_accounts_details_and_the_reference():
    first = pages(render(views.invoice_document(tenant(), posted(), swiss_customer(), bank())))[0]
    assert "Bank account: ZKB business" in first and "IBAN: CH93 0076 2011 6238 5295 7" in first
    assert "BIC / SWIFT: ZKBKCHZZ80A" in first and "Payment reference: 21 00000 00003 13947 14300 09017" in first
    assert "Zürcher Kantonalbank" not in first  # the tenant's own bank details give way to the default account


def german_tenant():
    owner = tenant()
    owner.country, owner.base_currency = "DE", "EUR"
    owner.address = Address(line1="Hauptstr. 1", postal_code="10115", city="Berlin", country="DE")
    return owner


def test_a_eur_invoice_gets_an_epc_qr_code_that_decodes_to_the_iban_amount_and_rf_reference():
    document = posted("EUR", RF_REFERENCE)
    account = bank(iban="DE89370400440532013000", bic="COBADEFFXXX", qr_iban=None, currency="EUR")
    view = views.invoice_document(german_tenant(), document, None, account)
    assert view.qr_bill is None
    data = render(view)
    assert page_count(data) == 1
    [text] = qr_texts(data, 0)
    lines = text.split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert lines[5] == "Acme Zürich AG" and lines[6] == "DE89370400440532013000"
    assert lines[7] == f"EUR{document.total:.2f}" and lines[9] == RF_REFERENCE


def test_the_epc_payload_follows_the_standard_and_is_made_only_for_euros_to_an_iban():
    assert epc_payload(name="Acme", iban="DE89 3704 0044 0532 0130 00", bic=None, amount=Decimal("12.30"),
                       currency="EUR", reference=None, text="Invoice 7") == \
        "BCD\n002\n1\nSCT\n\nAcme\nDE89370400440532013000\nEUR12.30\n\n\nInvoice 7"
    assert epc_payload(name="Acme", iban="DE89370400440532013000", bic=None, amount=Decimal("12.30"),
                       currency="CHF", reference=None, text=None) is None
    assert epc_payload(name="Acme", iban=None, bic=None, amount=Decimal("12.30"), currency="EUR", reference=None,
                       text=None) is None
    assert epc_payload(name="Acme", iban="DE89370400440532013000", bic=None, amount=Decimal("0"), currency="EUR",
                       reference=None, text=None) is None


def test_other_invoices_print_the_reference_without_a_qr_code():
    owner = tenant()
    owner.country = "GB"
    account = bank(iban="GB29NWBK60161331926819", qr_iban=None, bic=None, currency="GBP")
    view = views.invoice_document(owner, posted("GBP", RF_REFERENCE), None, account)
    assert view.qr_bill is None and view.epc_qr is None
    assert "Payment reference: RF18 5390 0754 7034" in view.payment


def test_qr_bill_of_refuses_what_qrbill_refuses_rather_than_printing_a_wrong_slip():
    address = Address(line1="Bahnhofstrasse 1", postal_code="8001", city="Zürich", country="CH")
    assert qr_bill_of(tenant_name="Acme", tenant_address=address, debtor_name="X", debtor_address=None,
                      iban="CH9300762011623852957", qr_iban=None, amount=Decimal("10"), currency="CHF",
                      reference="RF00BROKEN", message=None) is not None  # not a reference: none printed
    assert qr_bill_of(tenant_name="Acme", tenant_address=address, debtor_name="X", debtor_address=None,
                      iban="CH9300762011623852957", qr_iban=None, amount=Decimal("10"), currency="CHF",
                      reference=QR_REFERENCE, message=None) is None  # a QR reference needs the QR-IBAN


def test_the_qr_code_carries_only_the_swiss_character_set():
    customer = swiss_customer()
    customer.address.city = "Bern 東京"
    document = posted()
    document.customer_name = "Łódź 東京 Trading"
    slip = views.invoice_document(tenant(), document, customer, bank()).qr_bill
    lines = fields(slip.payload)
    assert lines[21] == "Łódź .. Trading" and lines[25] == "Bern .."  # Latin Extended-A stays, CJK does not
    assert swiss_text("Zürich Ș € 東") == "Zürich Ș € ."


def overdue(currency: str = "CHF", fee: str | None = "20.00"):
    """A second reminder of INV-2030-0001: CHF 2,000.00 still due, and a fee invoice of its own."""
    from datetime import UTC, date, datetime

    from ledgerline.store.reminders import Reminder

    now = datetime(2030, 3, 2, tzinfo=UTC)
    return Reminder(id="rem_1", tenant_id="ten_1", invoice_id="inv_1", invoice_number="INV-2030-0001",
                    customer_id="pty_1", customer_name="Kunde GmbH", level=2, title="Zweite Mahnung",
                    message="Bitte bezahlen Sie den offenen Betrag.", date=date(2030, 3, 2), pay_by=date(2030, 3, 12),
                    currency=currency, invoice_date=date(2030, 1, 10), invoice_due_date=date(2030, 2, 9),
                    invoice_total=Decimal("2162.00"), amount_paid=Decimal("162.00"), amount_due=Decimal("2000.00"),
                    fee=Decimal(fee) if fee else None, fee_currency=currency if fee else None,
                    fee_invoice_number="INV-2030-0002" if fee else None, created_at=now, updated_at=now)


def test_a_reminder_carries_the_invoices_qr_bill_for_what_is_still_due_and_prints_its_reference():
    """Issue 16, part V: the reminder's payment part is the invoice's (its QR reference, the default bank
    account's QR-IBAN) for the invoice's amount still due, so the bank import matches the payment to it."""
    view = views.reminder_document(tenant(), overdue(), swiss_customer(), bank(), QR_REFERENCE)
    assert view.qr_bill is not None and view.epc_qr is None
    lines = fields(view.qr_bill.payload)
    assert lines[3] == QR_IBAN and lines[18] == "2000.00" and lines[19] == "CHF"
    assert lines[27:29] == ["QRR", QR_REFERENCE] and lines[20:22] == ["S", "Kunde GmbH"]
    assert lines[29] == "Invoice INV-2030-0001"
    data = render(view)
    assert page_count(data) == 2 and qr_texts(data) == [view.qr_bill.payload]
    first = pages(data)[0]
    assert "Payment reference: 21 00000 00003 13947 14300 09017" in first
    assert "IBAN: CH93 0076 2011 6238 5295 7" in first
    assert "Zweite Mahnung" in first and "INV-2030-0002" in first  # the fee is listed, not in the slip's amount


def test_a_eur_reminder_gets_the_epc_qr_code_and_one_without_a_bank_account_none():
    account = bank(iban="DE89370400440532013000", bic="COBADEFFXXX", qr_iban=None, currency="EUR")
    view = views.reminder_document(german_tenant(), overdue("EUR", fee=None), None, account, RF_REFERENCE)
    assert view.qr_bill is None
    [text] = qr_texts(render(view), 0)
    lines = text.split("\n")
    assert lines[6] == "DE89370400440532013000" and lines[7] == "EUR2000.00" and lines[9] == RF_REFERENCE
    plain = views.reminder_document(tenant(), overdue(), swiss_customer())
    assert plain.qr_bill is None and plain.epc_qr is None
    assert not any("Payment reference" in line for line in plain.payment)
