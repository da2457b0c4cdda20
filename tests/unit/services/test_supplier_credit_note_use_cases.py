"""Supplier credit notes' use cases on the in-memory unit of work (issue 15)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import NotFound, ValidationFailed
from ledgerline.services import bills, supplier_credit_notes

from .test_supplier_payment_use_cases import pay, posted_bill, supplier  # noqa: F401, F811 - `supplier` is a fixture

DAY = date.today()


def credit(books, bill_id, **fields):
    return supplier_credit_notes.create(books.tenant_id, {"bill_id": bill_id, "date": DAY} | fields)


def test_a_credit_note_by_amount_reverses_expense_and_input_tax_and_reduces_what_the_bill_owes(books, supplier):  # noqa: F811
    bill = posted_bill(books, supplier)  # 100 + 10 tax
    note = credit(books, bill["id"], amount=D("40"), supplier_reference="CN-1")
    assert (note["status"], note["total"], note["tax_total"], note["applied_amount"], note["unallocated_amount"]) \
        == ("posted", "44.00", "4.00", "44.00", "0.00")
    after = bills.get_bill(books.tenant_id, bill["id"])
    assert (after["amount_credited"], after["amount_due"], after["status"]) == ("44.00", "66.00", "awaiting_payment")
    assert books.balances() == {"6000": D("60"), "1300": D("6"), "2000": D("-66")}
    assert books.table.event_types(books.tenant_id)[-2:] == ["bill.updated", "supplier_credit_note.posted"]


def test_a_credit_note_by_lines_beyond_what_is_due_becomes_a_supplier_prepayment(books, supplier):  # noqa: F811
    bill = posted_bill(books, supplier)
    pay(books, supplier, "100", (bill["id"], "100"))
    note = credit(books, bill["id"], lines=[{"description": "Returned", "quantity": D(1), "unit_price": D("50"),
                                             "account_id": books.accounts["6000"],
                                             "tax_code_id": books.tax_codes["GST10"]}])
    assert (note["total"], note["applied_amount"], note["unallocated_amount"]) == ("55.00", "10.00", "45.00")
    assert bills.get_bill(books.tenant_id, bill["id"])["status"] == "paid"
    assert books.balances() == {"6000": D("50"), "1300": D("5"), "1400": D("45"), "1010": D("-100")}
    assert books.table.event_types(books.tenant_id)[-2:] == ["bill.paid", "supplier_credit_note.posted"]


def test_only_a_posted_bill_is_credited_not_before_its_date_and_a_refusal_writes_nothing(books, supplier):  # noqa: F811
    draft = bills.create_draft(books.tenant_id, {
        "supplier_id": supplier, "supplier_reference": "D-1", "bill_date": DAY,
        "lines": [{"description": "Rent", "quantity": D(1), "unit_price": D(5), "account_id": books.accounts["6000"]}]})
    with pytest.raises(InvalidState):
        credit(books, draft["id"], amount=D(1))
    bill = posted_bill(books, supplier)
    with pytest.raises(ValidationFailed) as error:
        credit(books, bill["id"], amount=D(1), date=DAY - timedelta(days=1))
    assert error.value.param == "date"
    with pytest.raises(NotFound):
        credit(books, "bill_nope", amount=D(1))
    bills.void(books.tenant_id, bills.get_bill(books.tenant_id, bill["id"])["id"], None)
    with pytest.raises(InvalidState):
        credit(books, bill["id"], amount=D(1))
    assert books.balances() == {}


def test_a_credited_bill_cannot_be_voided(books, supplier):  # noqa: F811
    bill = posted_bill(books, supplier)
    credit(books, bill["id"], amount=D(10))
    with pytest.raises(InvalidState):
        bills.void(books.tenant_id, bill["id"], None)


def _excess(books, supplier, reference="R-1"):  # noqa: F811
    """A bill paid in full, then credited 50 + 5 tax: 55 held on 1400 by the credit note."""
    bill = posted_bill(books, supplier, reference)
    pay(books, supplier, "110", (bill["id"], "110"))
    return credit(books, bill["id"], amount=D("50"))


def test_a_credit_notes_excess_pays_a_later_bill_the_way_a_prepayment_does(books, supplier):  # noqa: F811
    note = _excess(books, supplier)
    assert note["unallocated_amount"] == "55.00" and books.balances()["1400"] == D("55")
    later = posted_bill(books, supplier, "R-2")  # owes 110
    with pytest.raises(ValidationFailed) as error:
        supplier_credit_notes.allocate(books.tenant_id, note["id"], {"allocations": [
            {"bill_id": later["id"], "amount": D("56")}]})
    assert error.value.param == "allocations"
    before = books.balances()
    used = supplier_credit_notes.allocate(books.tenant_id, note["id"], {"allocations": [
        {"bill_id": later["id"], "amount": D("55")}]})
    assert (used["unallocated_amount"], used["allocated_amount"]) == ("0.00", "55.00")
    assert [(a["bill_id"], a["amount"]) for a in used["allocations"]] == [(later["id"], "55.00")]
    assert len(used["journal_entry_ids"]) == 2 and used["journal_entry_ids"][0] == used["journal_entry_id"]
    assert bills.get_bill(books.tenant_id, later["id"])["amount_due"] == "55.00"
    after = books.balances()
    assert after.get("1400", D(0)) == 0 and after["2000"] == before["2000"] + D("55")
    assert books.table.event_types(books.tenant_id)[-2:] == ["bill.updated", "supplier_credit_note.allocated"]
    with pytest.raises(ValidationFailed):  # nothing held any more
        supplier_credit_notes.allocate(books.tenant_id, note["id"], {"allocations": [
            {"bill_id": later["id"], "amount": D("1")}]})


def test_a_credit_notes_excess_is_refunded_by_the_supplier_into_the_bank(books, supplier):  # noqa: F811
    note = _excess(books, supplier)
    with pytest.raises(ValidationFailed) as error:
        supplier_credit_notes.refund(books.tenant_id, note["id"], {"amount": D("55.01"),
                                                                   "account_id": books.accounts["1010"]})
    assert error.value.param == "amount"
    back = supplier_credit_notes.refund(books.tenant_id, note["id"], {"amount": D("20"),
                                                                      "account_id": books.accounts["1010"]})
    assert (back["unallocated_amount"], back["refunded_amount"]) == ("35.00", "20.00")
    assert books.balances()["1400"] == D("35") and books.balances()["1010"] == D("-90")
    assert books.table.event_types(books.tenant_id)[-1] == "supplier_credit_note.refunded"
    later = posted_bill(books, supplier, "R-2")
    rest = supplier_credit_notes.allocate(books.tenant_id, note["id"], {"allocations": [
        {"bill_id": later["id"], "amount": D("35")}]})
    assert rest["unallocated_amount"] == "0.00" and books.balances().get("1400", D(0)) == 0


def test_another_tenants_or_another_suppliers_bill_cannot_take_a_credit_notes_excess(books, supplier):  # noqa: F811
    from datetime import UTC, datetime

    from ledgerline.store.parties import Party

    note = _excess(books, supplier)
    now = datetime(2026, 1, 5, tzinfo=UTC)
    books.table.put(Party(id="pty_o", tenant_id=books.tenant_id, name="Other", kind="supplier", archived=False,
                          created_at=now, updated_at=now))
    other = posted_bill(books, "pty_o", "O-1")
    with pytest.raises(ValidationFailed) as error:
        supplier_credit_notes.allocate(books.tenant_id, note["id"], {"allocations": [
            {"bill_id": other["id"], "amount": D("5")}]})
    assert error.value.param == "allocations.0.bill_id"
    with pytest.raises(NotFound):
        supplier_credit_notes.allocate(books.tenant_id, "scn_missing", {"allocations": [
            {"bill_id": other["id"], "amount": D("5")}]})
    assert supplier_credit_notes.get_supplier_credit_note(books.tenant_id, note["id"])["unallocated_amount"] \
        == "55.00"
