"""Property test (issue 17): random posted invoices and a credit note of each (several tax rates, 0 % with an
exemption reason, reverse charge, intra-community supply, document allowances and charges, discounts in
positions, prices with or without tax, foreign currency with BT-111, partial prepayment BT-113, invoicing
periods BG-14, line allowances BG-27) rendered in every format pass the official rules with no fatal (or
error) rule failed. The invoices are made and posted by the real use cases on the in-memory unit of work; the
compiled rule sets are cached per process, so each example costs milliseconds after the first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledgerline.domain import einvoice
from ledgerline.einvoice.validation import blocking, validate
from ledgerline.schemas.documents import CreditNoteCreate, InvoiceCreate
from ledgerline.services import credit_notes, einvoices, invoices, master_data, receipts, tenants
from ledgerline.store.documents import Invoice
from ledgerline.store.parties import Party
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.unit_of_work import open_unit
from tests.unit.services.conftest import fresh_books

# tax code → (rate, VAT category, exemption reason, VATEX code)
TAXES = {
    "S19": ("19", "S", None, None),
    "S7": ("7", "S", None, None),
    "Z0": ("0", "Z", None, None),
    "EX0": ("0", "E", "Exempt under Article 132", "VATEX-EU-132-1A"),
    "RC0": ("0", "AE", "Reverse charge", "VATEX-EU-AE"),
    "IC0": ("0", "K", "Intra-community supply", "VATEX-EU-IC"),
}
MONEY = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
QUANTITY = st.sampled_from([Decimal("1"), Decimal("2"), Decimal("2.5"), Decimal("3"), Decimal("0.333"),
                            Decimal("12")])
LINE = st.fixed_dictionaries({"description": st.sampled_from(["Consulting", "Widget", "Travel", "Licence"]),
                              "quantity": QUANTITY, "unit_price": MONEY, "tax": st.sampled_from(sorted(TAXES))})


def set_up(books) -> dict[str, str]:
    tenants.update_tenant(books.tenant_id, {
        "email": "billing@demo.example", "tax_id": "DE123456788",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "bank_details": {"iban": "DE75512108001245126199", "bic": "SOGEDEFFXXX"},
        "einvoicing": {"electronic_address": "9930:DE123456788", "contact_phone": "+49 30 123456"}}, None)
    party = open_unit(books.tenant_id).load(Party, books.customer_id)
    party.address = {"line1": "Rue 2", "city": "Paris", "postal_code": "75001", "country": "FR"}  # type: ignore
    party.vat_id, party.electronic_address, party.leitweg_id = "FR40303265045", "0009:30326504500012", "LW-1"
    books.table.put(party)
    return {code: master_data.create("tax_code", books.tenant_id, {
        "code": code, "name": code, "rate": Decimal(rate), "category": category, "exemption_reason": reason,
        "exemption_reason_code": vatex}).id for code, (rate, category, reason, vatex) in TAXES.items()}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(LINE, min_size=1, max_size=4),
       discount=st.one_of(st.none(), st.sampled_from(["5", "12.5"])),
       allowance=st.one_of(st.none(), st.sampled_from([Decimal("0.05"), Decimal("0.1")])),
       charge=st.one_of(st.none(), st.just("20.00")),
       foreign=st.booleans(), prices_include_tax=st.booleans(),
       prepaid=st.one_of(st.none(), st.sampled_from([Decimal("0.01"), Decimal("0.3"), Decimal("0.5")])),
       period=st.one_of(st.none(), st.sampled_from([(date(2026, 1, 1), date(2026, 1, 31)),
                                                     (date(2026, 1, 15), None), (None, date(2026, 1, 31))])),
       line_discount=st.one_of(st.none(), st.sampled_from(["10", "33.3"])))
# An intra-community supply first: its credit note must name the delivery too (BR-IC-11/12; found on a merge)
@example(lines=[{"description": "Widget", "quantity": Decimal(1), "unit_price": Decimal("10.00"), "tax": "IC0"}],
         discount=None, allowance=None, charge=None, foreign=False, prices_include_tax=False, prepaid=None,
         period=None, line_discount=None)
# A partial prepayment (BT-113, issue 17 item 1's list of shapes): a receipt pays part before the e-invoice is made
@example(lines=[{"description": "Widget", "quantity": Decimal(3), "unit_price": Decimal("10.00"), "tax": "S19"}],
         discount=None, allowance=None, charge="20.00", foreign=True, prices_include_tax=False,
         prepaid=Decimal("0.3"), period=(date(2026, 1, 1), date(2026, 1, 31)), line_discount=None)
# Line allowances (BG-27): a discount on the first item alone, beside a document-wide one
@example(lines=[{"description": "Widget", "quantity": Decimal(3), "unit_price": Decimal("10.05"), "tax": "S19"},
                {"description": "Travel", "quantity": Decimal(1), "unit_price": Decimal("99.99"), "tax": "S7"}],
         discount="5", allowance=None, charge=None, foreign=False, prices_include_tax=False, prepaid=None,
         period=None, line_discount="33.3")
def test_posted_invoices_pass_the_official_rules_in_every_format(lines, discount, allowance, charge, foreign,
                                                                  prices_include_tax, prepaid, period, line_discount):
    with fresh_books() as books:
        codes = set_up(books)
        positions = [{"type": "item", "description": line["description"], "quantity": str(line["quantity"]),
                      "unit_price": str(line["unit_price"]), "account_id": books.accounts["4000"],
                      "tax_code_id": codes[line["tax"]]} for line in lines]
        if line_discount is not None:  # a discount on the first item alone: its line allowance (BG-27)
            positions.insert(1, {"type": "discount", "percent": line_discount, "reason": "Bulk"})
        if discount is not None:
            positions.append({"type": "discount", "percent": discount, "reason": "Loyalty"})
        first_tax = codes[lines[0]["tax"]]
        body = {"customer_id": books.customer_id, "issue_date": date(2026, 2, 1), "supply_date": date(2026, 1, 30),
                "positions": positions, "prices_include_tax": prices_include_tax, "order_reference": "PO-1"}
        gross = sum(line["quantity"] * line["unit_price"] for line in lines)
        if allowance is not None and (allowance * gross).quantize(Decimal("0.01")) > 0:
            body["allowances"] = [{"amount": str((allowance * gross).quantize(Decimal("0.01"))),
                                   "reason": "Early order", "tax_code_id": first_tax}]
        if charge is not None:
            body["charges"] = [{"amount": charge, "reason": "Shipping", "tax_code_id": first_tax}]
        if foreign:
            body |= {"currency": "EUR", "exchange_rate": Decimal("1.6543")}
        if period is not None:  # an invoicing period (BG-14), or only its start or its end
            body |= {"period_start": period[0], "period_end": period[1]}
        created = invoices.create_draft(books.tenant_id, InvoiceCreate.model_validate(body).model_dump())
        invoices.post(books.tenant_id, created["id"])
        if prepaid is not None:  # a partial prepayment: a receipt pays a share of it before it is rendered
            total = open_unit(books.tenant_id).load(Invoice, created["id"]).total
            paid = max(Decimal("0.01"), (total * prepaid).quantize(Decimal("0.01")))
            receipts.create(books.tenant_id, {
                "customer_id": books.customer_id, "amount": paid, "account_id": books.accounts["1010"],
                "date": date(2026, 2, 2), "allocations": [{"invoice_id": created["id"], "amount": paid}],
                **({"currency": "EUR", "exchange_rate": Decimal("1.6543")} if foreign else {})})
        unit = open_unit(books.tenant_id)
        invoice = unit.load(Invoice, created["id"])
        party = unit.load(Party, books.customer_id)
        codes = {code_id: unit.find(TaxCode, code_id) for code_id in codes.values()}
        model = einvoices.build(invoice, unit.tenant(), party, codes, None)
        totals = (model.line_total, model.allowance_total, model.charge_total, model.tax_total, model.rounding,
                  invoice.subtotal, invoice.total)
        if line_discount is not None and not prices_include_tax and Decimal(invoice.positions[1]["amount"]) > 0:
            # the first item's own discount is its line allowance (BG-27); so is a document-wide one when the
            # invoice has that one item only (a discount on exactly one item is that line's, whatever its scope)
            loyalty = [p for p in invoice.positions if p.get("reason") == "Loyalty" and Decimal(p["amount"]) > 0]
            expected = ["Bulk", *(["Loyalty"] if loyalty and len(lines) == 1 else [])]
            assert [entry.reason for entry in model.lines[0].allowances] == expected
        assert model.prepaid == invoice.amount_paid  # BT-113: what was paid before it was made
        assert model.payable == invoice.total - invoice.amount_paid, totals  # BT-115: what is left to pay
        if foreign:
            assert model.tax_currency == "AUD" and model.tax_total_accounting is not None  # BT-6, BT-111
        for name, fmt in einvoice.FORMATS.items():
            assert einvoice.missing(model, name) == [], name
            _number, xml = einvoices.invoice_xml(books.tenant_id, created["id"], name)  # the route's use case
            failures = blocking(validate(xml, fmt.rules))
            assert failures == [], (name, failures, xml.decode())
        # and a credit note of part of it (on its first line's tax code), in every format too
        credit = max(Decimal("0.01"), (invoice.subtotal / 4).quantize(Decimal("0.01")))
        note = credit_notes.create(books.tenant_id, CreditNoteCreate.model_validate(
            {"invoice_id": created["id"], "date": date(2026, 2, 10), "amount": str(credit)}).model_dump())
        for name, fmt in einvoice.FORMATS.items():
            _number, xml = einvoices.credit_note_xml(books.tenant_id, note["id"], name)
            failures = blocking(validate(xml, fmt.rules))
            assert failures == [], (name, failures, xml.decode())
