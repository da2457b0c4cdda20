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
