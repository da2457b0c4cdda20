"""Invoices and credit notes with rich positions (issue 14) on the in-memory unit of work; the integration
tier's test_positions.py is the spec against DynamoDB Local."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain.errors import ValidationFailed
from ledgerline.schemas.documents import CreditNoteCreate, InvoiceCreate, InvoiceUpdate
from ledgerline.services import credit_notes, invoices
from ledgerline.store.documents import Invoice
from ledgerline.store.ledger import JournalEntry

TODAY = date.today()


def every_type(books) -> dict:
    """Every position type, a group discount, a discount on the positions above it, an allowance and a charge."""
    gst, free = books.tax_codes["GST10"], books.tax_codes["GSTFREE"]
    return {
        "customer_id": books.customer_id, "issue_date": str(TODAY),
        "positions": [
            {"type": "item", "description": "Consulting", "quantity": "10", "unit_price": "100.00",
             "account_id": books.accounts["4000"], "tax_code_id": gst},
            {"type": "text", "text": "Hardware delivered on site"},
            {"type": "group", "title": "Hardware", "positions": [
                {"type": "item", "description": "Router", "quantity": "2", "unit_price": "150.00",
                 "account_id": books.accounts["4100"], "tax_code_id": gst},
                {"type": "item", "description": "Manual", "unit_price": "200.00",
                 "account_id": books.accounts["4100"], "tax_code_id": free},
                {"type": "discount", "percent": "10", "applies_to": "all", "reason": "Bundle"}]},
            {"type": "subtotal", "label": "Subtotal"},
            {"type": "discount", "amount": "100.00", "reason": "Loyalty"},
            {"type": "page_break"},
            {"type": "item", "description": "Travel", "unit_price": "50.00", "account_id": books.accounts["4000"],
             "tax_code_id": gst}],
        "allowances": [{"percent": "5", "reason": "Early order", "tax_code_id": gst}],
        "charges": [{"amount": "20.00", "reason": "Shipping", "tax_code_id": gst}],
    }


def create(books, body: dict) -> dict:
    return invoices.create_draft(books.tenant_id, InvoiceCreate.model_validate(body).model_dump())


def test_every_position_type_prices_the_invoice_exactly(books):
    invoice = create(books, every_type(books))
    # items 1550.00; discounts 50.00 (group) and 100.00; allowance 5 % of 1550 = 77.50; charge 20.00
    assert (invoice["subtotal"], invoice["tax_total"], invoice["total"]) == ("1342.50", "117.58", "1460.08")
    assert [p["type"] for p in invoice["positions"]] == ["item", "text", "group", "subtotal", "discount",
                                                          "page_break", "item"]
    group = invoice["positions"][2]
    assert (group["amount"], [p.get("line") or p["amount"] for p in group["positions"]]) == ("450.00", [1, 2, "50.00"])
    assert [line["net_amount"] for line in invoice["lines"]] == ["1000.00", "300.00", "200.00", "50.00"]
    assert invoice["positions"][3]["amount"] == "1500.00"
    assert invoice["positions"][4]["amount"] == "100.00"
    assert [line["description"] for line in invoice["lines"]] == ["Consulting", "Router", "Manual", "Travel"]
    assert [(a["net_amount"], a["tax_amount"]) for a in invoice["allowances"]] == [("77.50", "7.74")]
    assert [(c["net_amount"], c["tax_amount"]) for c in invoice["charges"]] == [("20.00", "2.00")]
    assert [(t["taxable_amount"], t["tax_amount"]) for t in invoice["tax_breakdown"]] == [
        ("1175.83", "117.58"), ("166.67", "0.00")]


def test_posting_credits_each_account_its_revenue_net_of_the_discounts_that_apply_to_it(books):
    invoice = create(books, every_type(books))
    posted = invoices.post(books.tenant_id, invoice["id"])
    # 4000: 1000 − 66.67 − 50.00 + 12.90 and 50 − 2.50 + 0.65; 4100: 300 − 30 − 20.00 − 15 + 3.87 and
    # 200 − 20 − 13.33 − 10 + 2.58 (see docs/decisions.md: a discount's share by the nets it applies to)
    assert books.balances() == {"1100": D("1460.08"), "4000": D("-944.38"), "4100": D("-398.12"),
                                "2200": D("-117.58")}
    entry = books.table.load(JournalEntry, books.tenant_id, posted["journal_entry_id"])
    lines = entry.journal_lines()
    assert sum((line.debit for line in lines), D(0)) == sum((line.credit for line in lines), D(0)) == D("1460.08")


def test_lines_keep_working_and_show_as_item_positions(books):
    invoice = create(books, {"customer_id": books.customer_id, "lines": [
        {"description": "Work", "quantity": "10", "unit_price": "125", "account_id": books.accounts["4000"],
         "tax_code_id": books.tax_codes["GST10"]}]})
    assert invoice["total"] == "1375.00"
    assert invoice["positions"] == [{"type": "item", "line": 0, "text": None, "label": None, "percent": None,
                                     "reason": None, "applies_to": None, "title": None, "amount": None,
                                     "positions": None}]
    assert (invoice["allowances"], invoice["charges"]) == ([], [])


@pytest.mark.parametrize(("change", "field"), [
    ({"positions": [{"type": "item", "unit_price": "10"}, {"type": "discount", "amount": "11"}]},
     "positions.1.amount"),
    ({"positions": [{"type": "discount", "percent": "10"}, {"type": "item", "unit_price": "10"}]},
     "positions.0.applies_to"),
    ({"positions": [{"type": "item", "unit_price": "10"},
                    {"type": "group", "title": "g", "positions": [{"type": "text", "text": "x"},
                                                                  {"type": "discount", "amount": "1"}]}]},
     "positions.1.positions.1.applies_to"),
    ({"positions": [{"type": "item", "unit_price": "10", "tax_code_id": "GST"}],
      "allowances": [{"amount": "1", "tax_code_id": "FREE"}]}, "allowances.0.tax_code_id"),
])
def test_a_bad_discount_or_allowance_is_refused_naming_the_field_and_writes_nothing(books, change, field):
    body = {"customer_id": books.customer_id} | change
    for position in body["positions"]:
        if position.get("tax_code_id") == "GST":
            position["tax_code_id"] = books.tax_codes["GST10"]
    for allowance in body.get("allowances", []):
        allowance["tax_code_id"] = books.tax_codes["GSTFREE"]
    with pytest.raises(ValidationFailed) as error:
        create(books, body)
    assert error.value.param == field
    assert books.table.event_types(books.tenant_id) == []


def test_patch_replaces_lines_with_positions_and_keeps_them_on_other_changes(books):
    invoice = create(books, {"customer_id": books.customer_id, "lines": [{"unit_price": "100"}]})
    body = InvoiceUpdate.model_validate({"positions": every_type(books)["positions"]})
    invoices.update_draft(books.tenant_id, invoice["id"], body.changes(), None)
    changed = invoices.update_draft(books.tenant_id, invoice["id"],
                                    InvoiceUpdate.model_validate({"reference": "PO-7"}).changes(), None)
    shown = invoices.represent(changed)
    assert (shown["reference"], len(shown["positions"]), len(shown["lines"])) == ("PO-7", 7, 4)
    assert shown["subtotal"] == "1400.00"  # 1550 − 50 − 100: no allowances or charges were sent
    back = invoices.update_draft(books.tenant_id, invoice["id"],
                                 InvoiceUpdate.model_validate({"lines": [{"unit_price": "10"}]}).changes(), None)
    assert (invoices.represent(back)["positions"][0]["type"], back.positions) == ("item", None)


def test_copy_makes_a_new_draft_with_the_same_positions_dated_today(books):
    original = create(books, every_type(books) | {"issue_date": "2025-01-10", "payment_terms_days": 14})
    invoices.post(books.tenant_id, original["id"])
    copied = invoices.copy(books.tenant_id, original["id"])
    assert copied["id"] != original["id"]
    assert (copied["status"], copied["number"], copied["issue_date"]) == ("draft", None, str(TODAY))
    assert copied["due_date"] == str(date.fromordinal(TODAY.toordinal() + 14))
    for name in ("positions", "allowances", "charges", "lines", "total", "customer_id", "currency"):
        assert copied[name] == original[name]
    assert books.table.event_types(books.tenant_id)[-1] == "invoice.created"
    assert books.table.load(Invoice, books.tenant_id, copied["id"]).status == "draft"


def test_a_credit_note_with_positions_reverses_revenue_net_of_its_discount(books):
    invoice = create(books, every_type(books))
    invoices.post(books.tenant_id, invoice["id"])
    body = CreditNoteCreate.model_validate({"invoice_id": invoice["id"], "date": str(TODAY), "positions": [
        {"type": "item", "description": "Consulting", "quantity": "1", "unit_price": "100.00",
         "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]},
        {"type": "discount", "percent": "10"}]}).model_dump()
    note = credit_notes.create(books.tenant_id, body)
    assert (note["subtotal"], note["tax_total"], note["total"]) == ("90.00", "9.00", "99.00")
    assert [p["type"] for p in note["positions"]] == ["item", "discount"]
    assert books.balances() == {"1100": D("1361.08"), "4000": D("-854.38"), "4100": D("-398.12"),
                                "2200": D("-108.58")}


# ------------------------------------------------------------------------------- any tree posts balanced

def _tree(draw, depth: int) -> list[dict]:
    level = [draw(st.sampled_from(["item", "item", "text", "subtotal", "discount", "group", "page_break"]))
             for _ in range(draw(st.integers(0, 4)))]
    positions: list[dict] = [{"type": "item"}]
    for kind in level:
        if kind == "group" and depth >= 2:
            kind = "item"
        if kind == "item":
            positions.append({"type": "item"})
        elif kind == "text":
            positions.append({"type": "text", "text": "t"})
        elif kind == "subtotal":
            positions.append({"type": "subtotal"})
        elif kind == "discount":
            positions.append({"type": "discount", "applies_to": draw(st.sampled_from(["above", "all"])),
                              **({"percent": str(draw(st.decimals(0, 100, places=1)))} if draw(st.booleans())
                                 else {"amount": str(draw(st.decimals(D("0.01"), D("9"), places=2)))})})
        elif kind == "group":
            positions.append({"type": "group", "title": "g", "positions": _tree(draw, depth + 1)})
        else:
            positions.append({"type": "page_break"})
    return positions


@st.composite
def trees(draw) -> list[dict]:
    return _tree(draw, 0)


def _priced(positions: list[dict], books, draw) -> list[dict]:
    for position in positions:
        if position["type"] == "item":
            position.update(quantity=str(draw(st.integers(1, 9))),
                            unit_price=str(draw(st.decimals(D("10"), D("999"), places=2))),
                            account_id=books.accounts[draw(st.sampled_from(["4000", "4100"]))],
                            tax_code_id=books.tax_codes[draw(st.sampled_from(["GST10", "GSTFREE"]))])
        elif position["type"] == "group":
            _priced(position["positions"], books, draw)
    return positions


@settings(max_examples=30, deadline=None)
@given(tree=trees(), data=st.data(), charge=st.decimals(D("0"), D("20"), places=2))
def test_any_position_tree_posts_a_balanced_entry_crediting_revenue_and_tax_exactly(tree, data, charge):
    from hypothesis import assume

    from tests.unit.services.conftest import fresh_books

    with fresh_books() as books:
        positions = _priced(tree, books, data.draw)
        body = {"customer_id": books.customer_id, "positions": positions}
        if charge:
            body["charges"] = [{"amount": str(charge), "tax_code_id": positions[0]["tax_code_id"]}]
        try:
            invoice = create(books, body)
        except ValidationFailed:
            assume(False)  # a total below zero
        posted = invoices.post(books.tenant_id, invoice["id"])
        entry = books.table.load(JournalEntry, books.tenant_id, posted["journal_entry_id"])
        lines = entry.journal_lines()
        assert sum((line.debit for line in lines), D(0)) == sum((line.credit for line in lines), D(0))
        balances = books.balances()
        revenue = -(balances.get("4000", D(0)) + balances.get("4100", D(0)))
        assert revenue == D(posted["subtotal"])
        assert -balances.get("2200", D(0)) == D(posted["tax_total"])
        assert balances.get("1100", D(0)) == D(posted["total"])  # a 100 % discount posts no receivable
