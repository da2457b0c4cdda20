"""The EN 16931 model (issue 17): what each format requires, line prices, identifiers, and the reads a render
makes (the service on the in-memory unit of work)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from ledgerline.domain import einvoice
from ledgerline.domain.einvoice.document import (
    AllowanceCharge,
    Line,
    Payment,
    TaxCategory,
    line_price,
    missing,
    single_line_discounts,
)
from ledgerline.domain.einvoice.identifiers import electronic_address, vat_id
from ledgerline.einvoice.validation import blocking, validate
from tests.unit.einvoice.samples import BUYER, S19, SELLER, sample, with_allowance


def test_a_complete_document_misses_nothing_in_any_format():
    for name in einvoice.FORMATS:
        assert missing(sample(), name) == []


FRENCH_BUYER = replace(BUYER, address=replace(BUYER.address, country="FR"), vat_id="FR40303265045")


def test_peppol_lists_each_missing_business_term():
    document = sample(buyer=replace(FRENCH_BUYER, electronic_address=None),
                      seller=replace(SELLER, electronic_address=None), buyer_reference=None, order_reference=None)
    assert missing(document, "peppol") == ["BT-34 seller electronic address", "BT-49 buyer electronic address",
                                           "BT-10 buyer reference (or BT-13 purchase order reference)"]
    assert missing(document, "ubl") == missing(document, "cii") == []  # EN 16931 alone needs none of them


def test_peppol_between_german_parties_follows_the_german_national_rules():
    document = sample(buyer_reference=None, seller=replace(SELLER, contact_phone=None))
    assert missing(document, "peppol") == ["BT-10 buyer reference (Leitweg-ID)",
                                           "BT-42 seller contact telephone number"]
    assert missing(replace(document, buyer=FRENCH_BUYER), "peppol") == []


def test_xrechnung_needs_the_leitweg_id_the_seller_contact_and_payment_means():
    document = sample(buyer_reference=None, payment=None, seller=replace(SELLER, contact_phone=None))
    assert missing(document, "xrechnung-cii") == ["BT-10 buyer reference (Leitweg-ID)",
                                                  "BT-42 seller contact telephone number",
                                                  "BT-81 payment means type code"]


def test_exempt_and_reverse_charge_need_a_reason_and_reverse_charge_the_buyers_vat_id():
    exempt = TaxCategory("E", Decimal(0))
    reverse = TaxCategory("AE", Decimal(0), exemption_reason_code="VATEX-EU-AE")
    lines = (Line("1", "A", Decimal(1), Decimal(10), Decimal("10.00"), exempt),
             Line("2", "B", Decimal(1), Decimal(10), Decimal("10.00"), reverse))
    document = sample(lines=lines, tax_amounts={}, tax_total=Decimal(0), buyer=replace(BUYER, vat_id=None))
    assert missing(document, "ubl") == ["BT-120 VAT exemption reason text (category E)",
                                        "BT-48 buyer VAT identifier"]


def test_a_line_without_a_tax_code_is_named():
    lines = (Line("1", "A", Decimal(1), Decimal(10), Decimal("10.00"), None),)
    assert missing(sample(lines=lines), "ubl")[0].startswith("BT-151 invoiced item VAT category code (line 1")


def test_a_credit_transfer_needs_the_iban():
    assert missing(sample(payment=Payment(iban=None)), "ubl") == ["BT-84 payment account identifier"]


@pytest.mark.parametrize(("net", "quantity", "expected"), [
    (Decimal("1000.00"), Decimal("10"), (Decimal("10"), Decimal("100"), Decimal("1"))),
    (Decimal("-50.00"), Decimal("2"), (Decimal("-2"), Decimal("25"), Decimal("1"))),  # BR-27: no negative price
    (Decimal("10.00"), Decimal("3"), (Decimal("3"), Decimal("10.00"), Decimal("3"))),  # 3.333…: per 3 units
    (Decimal("0.00"), Decimal("1"), (Decimal("1"), Decimal("0"), Decimal("1"))),
])
def test_line_prices_multiply_back_to_the_net_amount(net, quantity, expected):
    assert line_price(net, quantity) == expected
    quantity_out, price, base = line_price(net, quantity)
    assert quantity_out * price / base == net and price >= 0


def test_vat_ids_are_checked_with_stdnum_and_compacted():
    assert vat_id("de 811 569 869") == "DE811569869"
    with pytest.raises(ValueError, match="not a valid DE VAT id"):
        vat_id("DE811569868")
    with pytest.raises(ValueError, match="country code"):
        vat_id("811569869")
    assert electronic_address("0088:4000001000005") == "0088:4000001000005"
    with pytest.raises(ValueError):
        electronic_address("4000001000005")


def test_ubl_and_cii_carry_the_business_terms():
    ubl = etree.fromstring(einvoice.render(with_allowance(), "peppol"))
    ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
          "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
    assert ubl.findtext("cbc:BuyerReference", namespaces=ns) == "04011000-12345-34"  # BT-10
    assert ubl.findtext("cac:OrderReference/cbc:ID", namespaces=ns) == "PO-77"  # BT-13
    assert ubl.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=ns) == "1428.00"  # BT-115
    assert ubl.findtext("cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount", namespaces=ns) == "50.00"  # BT-107
    cii = einvoice.render(sample(credit_note=True, preceding_invoice="INV-1", issue_date=date(2026, 2, 2)), "cii")
    assert b"<ram:TypeCode>381</ram:TypeCode>" in cii and b"<ram:IssuerAssignedID>INV-1<" in cii  # BT-3, BT-25


def test_text_xml_cannot_carry_is_dropped_not_a_crash():
    lines = (Line("1", "Bell\x07 and tab\t", Decimal(1), Decimal(10), Decimal("10.00"), TaxCategory("S", Decimal(19))),)
    document = sample(lines=lines, tax_amounts={("S", Decimal(19)): Decimal("1.90")}, tax_total=Decimal("1.90"),
                      note="Thanks\x00")
    for name in einvoice.FORMATS:
        xml = einvoice.render(document, name)
        assert b"Bell and tab\t" in xml and b"\x07" not in xml and b"\x00" not in xml


def test_only_a_discount_on_exactly_one_item_is_a_line_allowance():
    """BG-27 (issue 17): the discount positions as stored; `above` scopes the items above it in its level,
    `all` every item of its level, nested groups included; the others stay document-level."""
    def item(line: int) -> dict:
        return {"type": "item", "line": line}

    def discount(amount: str, applies_to: str = "above", reason: str | None = "Bulk") -> dict:
        return {"type": "discount", "amount": amount, "applies_to": applies_to, "reason": reason}

    positions = [item(0), discount("3.00"),  # on line 0 alone
                 {"type": "group", "title": "G", "positions": [item(1), discount("1.00", "all", None)]},  # line 1
                 {"type": "group", "title": "H", "positions": [item(2), item(3), discount("2.00")]},  # two lines
                 item(4), discount("0.00", "above"), discount("5.00", "all")]  # zero; every top-level item
    assert single_line_discounts(positions) == {0: [(Decimal("3.00"), "Bulk")], 1: [(Decimal("1.00"), "Discount")]}
    assert single_line_discounts(None) == {}


def test_a_line_allowance_is_written_and_read_back_and_passes_the_rules():
    first = Line("1", "Consulting", Decimal("10"), Decimal("100"), Decimal("900.00"), S19,
                 allowances=(AllowanceCharge(False, Decimal("100.00"), "Bulk", None),))
    document = sample(lines=(first, Line("2", "Setup", Decimal("1"), Decimal("250"), Decimal("250.00"), S19)),
                      tax_amounts={S19.key: Decimal("218.50")}, tax_total=Decimal("218.50"))
    for name, fmt in einvoice.FORMATS.items():
        xml = einvoice.render(document, name)
        assert blocking(validate(xml, fmt.rules)) == [], name
        read = einvoice.parse(xml, fmt.syntax).document
        assert read.lines[0].allowances == first.allowances and read.lines[1].allowances == ()
        assert read.lines[0].net_amount == Decimal("900.00") and read.payable == document.payable
