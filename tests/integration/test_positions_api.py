"""Rich positions on invoices and credit notes, and copying an invoice (issue 14, part P), through the API
against DynamoDB Local: every position type priced, posted and credited with exact amounts and ledger."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from ledgerline.clock import today
from tests.unit.services.test_position_use_cases import every_type


def body(books, customer_id: str) -> dict:
    return every_type(SimpleNamespace(customer_id=customer_id, accounts=books.accounts, tax_codes=books.tax_codes))


def test_every_position_type_is_priced_posted_and_credited_exactly(books):
    customer = books.customer()
    draft = books.post("/v1/invoices", body(books, customer))
    assert (draft["subtotal"], draft["tax_total"], draft["total"]) == ("1342.50", "117.58", "1460.08")
    assert [p["type"] for p in draft["positions"]] == ["item", "text", "group", "subtotal", "discount",
                                                        "page_break", "item"]
    assert len(draft["lines"]) == 4 and draft["lines"][1]["description"] == "Router"
    assert books.invoice(draft["id"])["positions"] == draft["positions"]  # as stored

    posted = books.post(f"/v1/invoices/{draft['id']}/post", expect=200)
    entry = books.get(f"/v1/journal-entries/{posted['journal_entry_id']}")
    assert sum(Decimal(line["debit"]) for line in entry["lines"]) == \
        sum(Decimal(line["credit"]) for line in entry["lines"]) == Decimal("1460.08")
    assert (books.balance("1100"), books.balance("4000"), books.balance("4100"), books.balance("2200")) == (
        Decimal("1460.08"), Decimal("-944.38"), Decimal("-398.12"), Decimal("-117.58"))

    note = books.post("/v1/credit-notes", {"invoice_id": posted["id"], "positions": [
        {"type": "text", "text": "Returned"},
        {"type": "group", "title": "Hardware", "positions": [
            {"type": "item", "description": "Router", "unit_price": "150.00", "account_id": books.accounts["4100"],
             "tax_code_id": books.tax_codes["GST10"]},
            {"type": "discount", "percent": "10"}]}]})
    assert (note["subtotal"], note["tax_total"], note["total"]) == ("135.00", "13.50", "148.50")
    assert [p["type"] for p in note["positions"]] == ["text", "group"]
    assert (books.balance("1100"), books.balance("4100"), books.balance("2200")) == (
        Decimal("1311.58"), Decimal("-263.12"), Decimal("-104.08"))
    assert books.invoice(posted["id"])["amount_due"] == "1311.58"


def test_lines_work_as_before_and_a_patch_can_switch_to_positions(books):
    customer = books.customer()
    draft = books.draft(customer)
    assert draft["total"] == "1375.00" and [p["type"] for p in draft["positions"]] == ["item", "item"]
    changed = books.call("PATCH", f"/v1/invoices/{draft['id']}", {"positions": [
        {"type": "item", "description": "One", "unit_price": "100.00", "tax_code_id": books.tax_codes["GST10"]},
        {"type": "discount", "amount": "10.00"}]}, expect=200).json()
    assert (changed["subtotal"], changed["total"]) == ("90.00", "99.00")
    assert [line["description"] for line in changed["lines"]] == ["One"]


@pytest.mark.parametrize(("positions", "field"), [
    ([{"type": "item", "unit_price": "10"}, {"type": "discount", "percent": "150"}], "positions.1.discount.percent"),
    ([{"type": "item", "unit_price": "10"}, {"type": "discount", "amount": "10.01"}], "positions.1.amount"),
    ([{"type": "discount", "amount": "1"}, {"type": "item", "unit_price": "10"}], "positions.0.applies_to"),
    ([{"type": "item", "unit_price": "10"}, {"type": "group", "title": "Empty", "positions": []}],
     "positions.1.group.positions"),
    ([{"type": "text", "text": "only text"}], "positions"),
])
def test_a_bad_discount_or_an_empty_group_is_a_422_naming_the_field_and_writes_nothing(books, positions, field):
    customer = books.customer()
    before = books.events()
    error = books.call("POST", "/v1/invoices", {"customer_id": customer, "positions": positions},
                       expect=422).json()["error"]
    assert field in [detail["field"] for detail in error.get("details", [])] or error.get("param") == field, error
    assert books.events() == before


def test_copy_makes_a_new_draft_once_per_idempotency_key(books):
    customer = books.customer()
    source = books.post("/v1/invoices", body(books, customer) | {"issue_date": "2026-01-05",
                                                                  "payment_terms_days": 10})
    books.post(f"/v1/invoices/{source['id']}/post", expect=200)
    first = books.post(f"/v1/invoices/{source['id']}/copy", **{"Idempotency-Key": "copy-1"})
    again = books.post(f"/v1/invoices/{source['id']}/copy", **{"Idempotency-Key": "copy-1"})
    assert first["id"] == again["id"] != source["id"]
    assert (first["status"], first["number"], first["issue_date"]) == ("draft", None, str(today()))
    assert (first["positions"], first["allowances"], first["charges"], first["total"]) == (
        source["positions"], source["allowances"], source["charges"], source["total"])
    assert books.events().count("invoice.created") == 2  # the source and one copy
    books.call("POST", "/v1/invoices/inv_unknown/copy", expect=404)


def test_a_patch_with_null_positions_or_lines_is_a_422_and_changes_nothing(books):
    customer = books.customer()
    draft = books.post("/v1/invoices", body(books, customer))
    for field in ("positions", "lines", "allowances", "charges"):
        error = books.call("PATCH", f"/v1/invoices/{draft['id']}", {field: None}, expect=422).json()["error"]
        assert error["param"] == field
    assert books.invoice(draft["id"]) == draft
