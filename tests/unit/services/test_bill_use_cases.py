"""Supplier bills' use cases on the in-memory unit of work (issue 15)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import AlreadyExists, ValidationFailed
from ledgerline.services import bills, invoices, journal_entries, master_data
from ledgerline.store.bills import Bill
from ledgerline.store.parties import Party

DAY = date.today()


@pytest.fixture
def supplier(books) -> str:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    books.table.put(Party(id="pty_s", tenant_id=books.tenant_id, name="Supplier", kind="supplier", archived=False,
                          created_at=now, updated_at=now))
    return "pty_s"


def tax_code(books, code: str, **fields) -> str:
    return master_data.create("tax_code", books.tenant_id, {"code": code, "name": code, "rate": D(10)} | fields).id


def draft(books, supplier, reference="R-1", **fields):
    body = {"supplier_id": supplier, "supplier_reference": reference, "bill_date": DAY,
            "lines": [{"description": "Rent", "quantity": D(1), "unit_price": D(100),
                       "account_id": books.accounts["6000"], "tax_code_id": books.tax_codes["GST10"]}]}
    return bills.create_draft(books.tenant_id, body | fields)


def test_a_draft_bill_is_priced_and_writes_nothing_in_the_ledger(books, supplier):
    created = draft(books, supplier)
    assert (created["status"], created["total"], created["tax_total"], created["number"]) == \
        ("draft", "110.00", "10.00", None)
    assert books.table.event_types(books.tenant_id)[-1:] == ["bill.created"]
    assert books.balances() == {}


def test_posting_numbers_the_bill_and_books_expense_input_tax_and_payable(books, supplier):
    posted = bills.post(books.tenant_id, draft(books, supplier)["id"])
    assert (posted["status"], posted["number"], posted["amount_due"]) == \
        ("awaiting_payment", f"BILL-{DAY.year}-0001", "110.00")
    assert books.balances() == {"6000": D("100"), "1300": D("10"), "2000": D("-110")}
    assert books.table.event_types(books.tenant_id)[-1:] == ["bill.posted"]
    with pytest.raises(InvalidState):
        bills.post(books.tenant_id, posted["id"])


def test_a_duplicate_supplier_reference_is_refused_for_the_same_supplier_only(books, supplier):
    draft(books, supplier, "R-7")
    with pytest.raises(AlreadyExists) as error:
        draft(books, supplier, "R-7")
    assert (error.value.param, error.value.code) == ("supplier_reference", "duplicate_supplier_reference")
    now = datetime(2026, 1, 5, tzinfo=UTC)
    books.table.put(Party(id="pty_t", tenant_id=books.tenant_id, name="Other", kind="both", archived=False,
                          created_at=now, updated_at=now))
    assert draft(books, "pty_t", "R-7")["supplier_reference"] == "R-7"


def test_deleting_a_draft_frees_its_reference_and_editing_moves_it(books, supplier):
    first = draft(books, supplier, "R-1")
    bills.update_draft(books.tenant_id, first["id"], {"supplier_reference": "R-2"}, None)
    assert draft(books, supplier, "R-1")["supplier_reference"] == "R-1"
    with pytest.raises(AlreadyExists):
        draft(books, supplier, "R-2")
    bills.delete_draft(books.tenant_id, first["id"], None)
    assert draft(books, supplier, "R-2")["supplier_reference"] == "R-2"


def test_a_customer_is_not_a_supplier(books, supplier):
    with pytest.raises(ValidationFailed) as error:
        draft(books, books.customer_id)
    assert error.value.param == "supplier_id"


def test_void_reverses_the_entry_and_the_payable_is_zero(books, supplier):
    posted = bills.post(books.tenant_id, draft(books, supplier)["id"])
    voided = bills.void(books.tenant_id, posted["id"], None)
    assert (voided["status"], voided["amount_due"]) == ("voided", "0.00")
    assert books.balances() == {}
    stored = books.table.load(Bill, books.tenant_id, posted["id"])
    assert stored.closed_on == DAY


def test_partly_recoverable_tax_goes_to_the_expense(books, supplier):
    meals = tax_code(books, "MEALS", recoverable_percent=D(50), direction="purchases")
    created = draft(books, supplier, lines=[{"description": "Dinner", "quantity": D(1), "unit_price": D("80.00"),
                                             "account_id": books.accounts["6000"], "tax_code_id": meals}])
    bills.post(books.tenant_id, created["id"])
    assert books.balances() == {"6000": D("84"), "1300": D("4"), "2000": D("-88")}


def test_reverse_charge_books_input_and_output_tax_and_owes_the_net(books, supplier):
    reverse = tax_code(books, "RC10", category="AE", direction="purchases")
    created = draft(books, supplier, lines=[{"description": "Licence", "quantity": D(1), "unit_price": D("1000.00"),
                                             "account_id": books.accounts["6000"], "tax_code_id": reverse}])
    assert (created["total"], created["tax_breakdown"][0]["tax_amount"]) == ("1000.00", "100.00")
    bills.post(books.tenant_id, created["id"])
    assert books.balances() == {"6000": D("1000"), "1300": D("100"), "2200": D("-100"), "2000": D("-1000")}


def test_tax_codes_keep_to_their_direction(books, supplier):
    purchases_only = tax_code(books, "INPUT", direction="purchases")
    sales_only = tax_code(books, "OUTPUT", direction="sales")
    with pytest.raises(ValidationFailed) as error:
        invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [
            {"description": "Work", "quantity": D(1), "unit_price": D(10), "tax_code_id": purchases_only}]})
    assert error.value.param == "lines.0.tax_code_id"
    with pytest.raises(ValidationFailed) as error:
        draft(books, supplier, lines=[{"description": "Rent", "quantity": D(1), "unit_price": D(10),
                                       "account_id": books.accounts["6000"], "tax_code_id": sales_only}])
    assert error.value.param == "lines.0.tax_code_id"
    assert [t for t in books.table.event_types(books.tenant_id) if t.startswith(("bill", "invoice"))] == []


def test_a_bill_line_needs_an_expense_or_asset_account(books, supplier):
    for account in (None, books.accounts["4000"]):
        with pytest.raises(ValidationFailed) as error:
            draft(books, supplier, lines=[{"description": "Rent", "quantity": D(1), "unit_price": D(10),
                                           "account_id": account}])
        assert error.value.param == "lines.0.account_id"


def test_items_give_bills_their_purchase_price_and_expense_account(books, supplier):
    item = master_data.create("item", books.tenant_id, {"code": "PAPER", "name": "Paper", "unit_price": D(20),
                                                        "purchase_price": D(12),
                                                        "expense_account_id": books.accounts["5000"]})
    created = draft(books, supplier, lines=[{"item_id": item.id, "quantity": D(2)}])
    assert (created["lines"][0]["unit_price"], created["lines"][0]["account_id"]) == ("12.00", books.accounts["5000"])


def test_a_manual_journal_entry_to_payable_is_refused(books):
    with pytest.raises(ValidationFailed) as error:
        journal_entries.create(books.tenant_id, {"date": DAY, "description": "Sneaky", "lines": [
            {"account_id": books.accounts["2000"], "debit": D(10)},
            {"account_id": books.accounts["1010"], "credit": D(10)}]})
    assert "control account" in str(error.value)


def test_an_expense_posts_at_once_from_the_account_it_was_paid_from_and_reverses(books, supplier):
    from ledgerline.services import expenses

    made = expenses.create(books.tenant_id, {
        "payee_name": "Corner Café", "paid_from_account_id": books.accounts["1010"],
        "lines": [{"description": "Lunch", "quantity": D(1), "unit_price": D("60.00"),
                   "account_id": books.accounts["6000"], "tax_code_id": books.tax_codes["GST10"]}]})
    assert (made["status"], made["total"], made["payee_name"]) == ("posted", "66.00", "Corner Café")
    assert books.balances() == {"6000": D("60"), "1300": D("6"), "1010": D("-66")}
    reversed_ = expenses.reverse(books.tenant_id, made["id"], None)
    assert reversed_["status"] == "reversed" and books.balances() == {}
    assert [t for t in books.table.event_types(books.tenant_id) if t.startswith("expense")] == \
        ["expense.posted", "expense.reversed"]
    with pytest.raises(InvalidState):
        expenses.reverse(books.tenant_id, made["id"], None)


def test_an_expense_is_paid_from_a_bank_cash_or_card_account_only(books, supplier):
    from ledgerline.services import expenses

    with pytest.raises(ValidationFailed) as error:
        expenses.create(books.tenant_id, {
            "supplier_id": supplier, "paid_from_account_id": books.accounts["2000"],
            "lines": [{"description": "Lunch", "quantity": D(1), "unit_price": D("60.00"),
                       "account_id": books.accounts["6000"]}]})
    assert error.value.param == "paid_from_account_id"
    assert books.balances() == {}


# ------------------------------------------------------------- positions on bills (issue 15 leftovers)


def positions_body(books, supplier) -> dict:
    """Every position type on a bill (the invoice's `every_type`, on expense accounts), through the schema."""
    from ledgerline.schemas.bills import BillCreate
    from tests.unit.services.test_position_use_cases import every_type

    body = every_type(SimpleNamespace(customer_id=None, accounts=books.accounts, tax_codes=books.tax_codes))
    for position in [*body["positions"], *body["positions"][2]["positions"]]:
        if position.get("account_id"):
            position["account_id"] = books.accounts["6000"]
    request = {"supplier_id": supplier, "supplier_reference": "P-1", "bill_date": str(DAY),
               **{name: body[name] for name in ("positions", "allowances", "charges")}}
    return BillCreate.model_validate(request).model_dump()


def test_a_bill_takes_nested_positions_priced_by_the_invoices_rule_and_posts_them(books, supplier):
    body = positions_body(books, supplier)
    created = bills.create_draft(books.tenant_id, body)
    assert (created["subtotal"], created["tax_total"], created["total"]) == ("1342.50", "117.58", "1460.08")
    assert [p["type"] for p in created["positions"]] == ["item", "text", "group", "subtotal", "discount",
                                                          "page_break", "item"]
    assert len(created["lines"]) == 4 and created["lines"][1]["description"] == "Router"
    assert [a["reason"] for a in created["allowances"]] == ["Early order"]
    assert [c["reason"] for c in created["charges"]] == ["Shipping"]
    posted = bills.post(books.tenant_id, created["id"])
    assert posted["positions"] == created["positions"] and posted["amount_due"] == "1460.08"
    assert books.balances() == {"6000": D("1342.50"), "1300": D("117.58"), "2000": D("-1460.08")}


def test_a_bill_patch_keeps_its_positions_and_lines_replace_them(books, supplier):
    from ledgerline.schemas.bills import BillUpdate

    created = bills.create_draft(books.tenant_id, positions_body(books, supplier))
    noted = bills.update_draft(books.tenant_id, created["id"], BillUpdate(notes="Checked").changes(), None)
    assert [position["type"] for position in bills.represent(noted)["positions"]] == \
        [p["type"] for p in created["positions"]]
    assert bills.represent(noted)["total"] == "1460.08"
    lines = BillUpdate.model_validate({"lines": [{"description": "Rent", "unit_price": "100.00",
                                                  "account_id": books.accounts["6000"],
                                                  "tax_code_id": books.tax_codes["GST10"]}]})
    shown = bills.represent(bills.update_draft(books.tenant_id, created["id"], lines.changes(), None))
    # lines replace the positions; the document-level allowance (5 %) and charge (20.00) stay, as on invoices
    assert (shown["total"], [p["type"] for p in shown["positions"]]) == ("126.50", ["item"])
    dropped = BillUpdate.model_validate({"allowances": [], "charges": []}).changes()
    shown = bills.represent(bills.update_draft(books.tenant_id, created["id"], dropped, None))
    assert (shown["total"], shown["allowances"], shown["charges"]) == ("110.00", [], [])


def test_a_bill_with_neither_lines_nor_positions_or_both_is_refused():
    from pydantic import ValidationError

    from ledgerline.schemas.bills import BillCreate

    base = {"supplier_id": "pty_s", "supplier_reference": "R"}
    for extra in ({}, {"lines": [{"unit_price": "1", "account_id": "a"}],
                       "positions": [{"type": "item", "unit_price": "1"}]}):
        with pytest.raises(ValidationError):
            BillCreate.model_validate(base | extra)
    assert BillCreate.model_validate(base | {"lines": [{"unit_price": "1", "account_id": "a"}]}).positions is None
