"""Receiving e-invoices (issue 17 item 5), pure: the parsers read back what the serializers write (one
mapping, both directions), and the mapping to a bill (supplier matching, tax codes, lines, total warnings)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain import einvoice
from ledgerline.domain.einvoice import receiving
from ledgerline.domain.einvoice.document import (
    AllowanceCharge,
    EInvoice,
    Line,
    StatedTotals,
    TaxCategory,
    line_price,
    rules_for,
)
from ledgerline.domain.einvoice.reading import UnreadableEInvoice
from tests.unit.einvoice.samples import BUYER, SELLER, sample, with_allowance

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "einvoice" / "examples"
S19, S7, Z0 = TaxCategory("S", Decimal("19")), TaxCategory("S", Decimal("7")), TaxCategory("Z", Decimal("0"))
E0 = TaxCategory("E", Decimal("0"), "Exempt", "VATEX-EU-132")
FORMATS = ("peppol", "ubl", "cii", "xrechnung-ubl", "xrechnung-cii")


def same_terms(read: EInvoice, written: EInvoice) -> None:
    """The business terms a bill is made from survive the round trip."""
    for name in ("credit_note", "number", "issue_date", "currency", "seller", "buyer", "tax_total", "buyer_reference",
                 "order_reference", "preceding_invoice", "preceding_invoice_date", "delivery_date", "payment",
                 "payment_terms", "note", "tax_currency", "tax_total_accounting", "period_start", "period_end",
                 "prepaid"):
        assert getattr(read, name) == getattr(written, name), name
    assert read.due_date == (None if written.credit_note else written.due_date)
    # a line's (and an allowance's) category and rate; exemption reasons are written in the breakdown only
    assert [(line.name, line.net_amount, line.tax.key) for line in read.lines] == [
        (line.name, line.net_amount, line.tax.key) for line in written.lines]
    assert [(e.charge, e.amount, e.reason, e.tax.key) for e in (*read.allowances, *read.charges)] == [
        (e.charge, e.amount, e.reason, e.tax.key) for e in (*written.allowances, *written.charges)]
    assert {key: amount for key, amount in read.tax_amounts.items()} == written.tax_amounts
    assert (read.line_total, read.tax_exclusive, read.tax_inclusive, read.payable) == (
        written.line_total, written.tax_exclusive, written.tax_inclusive, written.payable)


def test_the_parsers_read_back_every_business_term_the_serializers_write():
    for document in (sample(), with_allowance(), sample(credit_note=True, preceding_invoice="INV-2026-0001",
                                                        preceding_invoice_date=date(2026, 1, 15)),
                     # BG-14 invoicing period and BT-113 paid amount (issue 17)
                     sample(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), prepaid=Decimal("400.00")),
                     sample(period_start=date(2026, 1, 1)), sample(period_end=date(2026, 1, 31))):
        for fmt in FORMATS:
            xml = einvoice.render(document, fmt)
            received = einvoice.parse(xml, einvoice.FORMATS[fmt].syntax)
            same_terms(received.document, document)
            assert received.customization == einvoice.FORMATS[fmt].customization
            assert received.rules == einvoice.FORMATS[fmt].rules
            assert received.stated.payable == document.payable
            assert received.stated.tax_exclusive == document.tax_exclusive


AMOUNT = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2)
TAXES = st.sampled_from([S19, S7, Z0, E0])


@st.composite
def documents(draw) -> EInvoice:
    taxed = draw(st.lists(st.tuples(AMOUNT, st.sampled_from([Decimal(1), Decimal(3), Decimal("2.5")]), TAXES),
                          min_size=1, max_size=5))
    lines = []
    for index, (amount, quantity, tax) in enumerate(taxed, start=1):
        negative = draw(st.booleans()) and index > 1
        net = -amount if negative else amount
        q, price, base = line_price(net, quantity)
        lines.append(Line(str(index), f"Item {index}", q, price, net, tax, base_quantity=base))
    allowances = tuple(AllowanceCharge(False, amount, "Discount", tax)
                       for amount, tax in draw(st.lists(st.tuples(AMOUNT, TAXES), max_size=2)))
    charges = tuple(AllowanceCharge(True, amount, "Freight", tax)
                    for amount, tax in draw(st.lists(st.tuples(AMOUNT, TAXES), max_size=1)))
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    for tax, amount in [(line.tax, line.net_amount) for line in lines] + [
            (entry.tax, -entry.amount) for entry in allowances] + [(entry.tax, entry.amount) for entry in charges]:
        taxable[tax.key] = taxable.get(tax.key, Decimal(0)) + amount
    tax_amounts = {key: (value * key[1] / 100).quantize(Decimal("0.01")) for key, value in taxable.items()}
    foreign = draw(st.booleans())
    tax_total = sum(tax_amounts.values(), Decimal(0))
    return EInvoice(credit_note=draw(st.booleans()), number=draw(st.sampled_from(["INV-1", "R/2026/77", "Ä-1"])),
                    issue_date=date(2026, 2, 1), currency="CHF" if foreign else "EUR", seller=SELLER, buyer=BUYER,
                    lines=tuple(lines), tax_amounts=tax_amounts, tax_total=tax_total,
                    allowances=allowances, charges=charges, due_date=date(2026, 3, 3),
                    order_reference=draw(st.sampled_from([None, "PO-77"])), buyer_reference="04011000-12345-34",
                    period_start=draw(st.sampled_from([None, date(2026, 1, 1)])),
                    period_end=draw(st.sampled_from([None, date(2026, 1, 31)])),
                    prepaid=draw(st.sampled_from([Decimal(0), Decimal("0.01")])),
                    tax_currency="EUR" if foreign else None,
                    tax_total_accounting=(tax_total * Decimal("1.05")).quantize(Decimal("0.01")) if foreign else None)


@settings(max_examples=60, deadline=None)
@given(document=documents(), fmt=st.sampled_from(FORMATS))
def test_any_document_reads_back_as_it_was_written_and_maps_to_bill_lines_with_its_net(document, fmt):
    received = einvoice.parse(einvoice.render(document, fmt), einvoice.FORMATS[fmt].syntax)
    same_terms(received.document, document)
    codes = [receiving.PurchaseCode("txc_19", "S", Decimal(19)), receiving.PurchaseCode("txc_7", "S", Decimal(7)),
             receiving.PurchaseCode("txc_0", "Z", Decimal(0)), receiving.PurchaseCode("txc_e", "E", Decimal(0))]
    lines, issues = receiving.bill_lines(received.document, codes, "acc_6000")
    assert issues == []
    # every bill line is quantity × unit price = its net exactly, and the net per tax code is BT-116
    assert all(Decimal(line["quantity"]) > 0 for line in lines)
    net = sum((Decimal(line["quantity"]) * Decimal(line["unit_price"]) for line in lines), Decimal(0))
    assert net == document.tax_exclusive
    by_code: dict[str, Decimal] = {}
    for line in lines:
        by_code[line["tax_code_id"]] = by_code.get(line["tax_code_id"], Decimal(0)) + \
            Decimal(line["quantity"]) * Decimal(line["unit_price"])
    expected = {receiving.tax_code_for(group.category, codes): group.taxable_amount
                for group in document.tax_groups()}
    assert by_code == expected


def test_every_official_example_parses():
    for path in sorted(EXAMPLES.glob("*/*.xml")):
        content = path.read_bytes()
        syntax = "cii" if b"CrossIndustryInvoice" in content[:4000] else "ubl"
        received = einvoice.parse(content, syntax)
        assert received.document.number and received.document.lines, path.name
        assert received.document.seller.name, path.name
        assert received.stated.tax_exclusive == received.document.tax_exclusive, path.name


def test_what_a_bill_needs_is_required():
    xml = einvoice.render(sample(), "ubl").replace(b"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", b"")
    try:
        einvoice.parse(xml, "ubl")
    except UnreadableEInvoice as exc:
        assert "BT-5" in str(exc)
    else:
        raise AssertionError("a document without a currency was read")
    try:
        einvoice.parse(b"<Order xmlns='urn:x'/>", "ubl")
    except UnreadableEInvoice as exc:
        assert "Order" in str(exc)
    else:
        raise AssertionError("an order was read as an invoice")


def test_the_rules_come_from_the_specification_identifier():
    assert rules_for("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0") == "peppol"
    assert rules_for("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0") == "xrechnung"
    assert rules_for("urn:cen.eu:en16931:2017") == "en16931"
    assert rules_for("") == "en16931"


def test_the_supplier_is_matched_by_electronic_address_then_vat_id_then_legal_id():
    parties = [receiving.KnownParty("pty_vat", vat_id="DE 123 456 788"),
               receiving.KnownParty("pty_address", electronic_address="9930:de123456788"),
               receiving.KnownParty("pty_legal", legal_registration_id="HRB 12345")]
    assert receiving.match_supplier(SELLER, parties) == "pty_address"
    assert receiving.match_supplier(replace(SELLER, electronic_address=None), parties) == "pty_vat"
    assert receiving.match_supplier(replace(SELLER, electronic_address="0088:1", vat_id=None), parties) == "pty_legal"
    assert receiving.match_supplier(replace(SELLER, electronic_address=None, vat_id="FR1",
                                            legal_registration_id=None), parties) is None


def test_a_category_and_rate_without_a_purchase_tax_code_is_named_once():
    document = sample(lines=(Line("1", "A", Decimal(1), Decimal(10), Decimal(10), TaxCategory("S", Decimal(25))),
                             Line("2", "B", Decimal(1), Decimal(10), Decimal(10), TaxCategory("S", Decimal(25))),
                             Line("3", "C", Decimal(1), Decimal(10), Decimal(10), None)))
    lines, issues = receiving.bill_lines(document, [receiving.PurchaseCode("txc_19", "S", Decimal(19))], "acc")
    assert [(issue.field, issue.message) for issue in issues] == [
        ("lines.0", "the tenant has no purchase tax code of this VAT category and rate (category S at 25 %)"),
        ("lines.2", "has no VAT category (BT-151)")]
    assert receiving.tax_code_for(TaxCategory("O", Decimal(0)), [receiving.PurchaseCode("txc_o", "O", Decimal(0))]) \
        == "txc_o"


def test_a_line_keeps_its_quantity_when_the_net_divides_by_it_else_it_is_one_of_its_net():
    assert receiving.line_quantity(Decimal("30.00"), Decimal(3)) == (Decimal(3), Decimal(10))
    assert receiving.line_quantity(Decimal("-30.00"), Decimal(-3)) == (Decimal(3), Decimal(-10))
    assert receiving.line_quantity(Decimal("10.00"), Decimal(3)) == (Decimal(1), Decimal("10.00"))
    assert receiving.line_quantity(Decimal("5.00"), Decimal(0)) == (Decimal(1), Decimal("5.00"))


def test_totals_that_differ_from_the_documents_are_warned_about():
    stated = StatedTotals(tax_exclusive=Decimal("100.00"), tax_total=Decimal("19.01"),
                          tax_inclusive=Decimal("119.01"), prepaid=Decimal("10.00"))
    warnings = receiving.total_warnings(stated, subtotal=Decimal("100.00"), tax_total=Decimal("19.00"),
                                        total=Decimal("119.00"))
    assert [(w.term, w.stated, w.computed) for w in warnings] == [
        ("BT-110", Decimal("19.01"), Decimal("19.00")), ("BT-112", Decimal("119.01"), Decimal("119.00")),
        ("BT-113", Decimal("10.00"), Decimal(0))]
    assert "the document states 19.01, the bill comes to 19.00" in warnings[0].message
    same = StatedTotals(tax_exclusive=Decimal(100), tax_total=Decimal(19), tax_inclusive=Decimal(119))
    assert receiving.total_warnings(same, subtotal=Decimal("100.00"), tax_total=Decimal("19.00"),
                                    total=Decimal("119.00")) == []
