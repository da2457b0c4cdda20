"""Credit notes' use case on the in-memory unit of work (the integration tier's test_receipts.py and
test_documents.py are the spec)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import NotFound, ValidationFailed
from ledgerline.services import credit_notes, invoices
from ledgerline.store.documents import CreditNote, Invoice

TODAY = date.today()
YEAR = TODAY.year


def posted_invoice(books):
    line = {"description": "Work", "quantity": D(10), "unit_price": D(125), "account_id": books.accounts["4000"],
            "tax_code_id": books.tax_codes["GST10"]}
    draft = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "issue_date": TODAY,
                                                    "lines": [line]})
    return invoices.post(books.tenant_id, draft["id"])


def credit(books, invoice_id, **fields):
    return credit_notes.create(books.tenant_id, {"invoice_id": invoice_id, "date": TODAY} | fields)


def test_a_credit_note_reduces_what_is_due_and_reverses_sales_and_tax_in_one_transaction(books):
    owed = posted_invoice(books)
    before = books.table.transactions
    note = credit(books, owed["id"], amount=D("100.00"), reason="Discount")
    assert books.table.transactions == before + 1
    assert (note["number"], note["total"], note["amount_applied"], note["unallocated_amount"]) == (
        f"CN-{YEAR}-0001", "110.00", "110.00", "0.00")
    invoice = books.table.load(Invoice, books.tenant_id, owed["id"])
    assert (invoice.amount_credited, invoice.amount_due) == (D("110"), D("1265"))
    assert books.balances() == {"1100": D("1265"), "4000": D("-1150"), "2200": D("-115")}
    assert books.table.tax_totals(books.tenant_id) == {books.tax_codes["GST10"]: (D("1150"), D("115"))}
    assert books.table.number(books.tenant_id, "CN", YEAR) == 1
    assert books.table.event_types(books.tenant_id)[-2:] == ["credit_note.posted", "invoice.updated"]


def test_crediting_more_than_is_due_keeps_the_rest_as_customer_credit(books):
    owed = posted_invoice(books)
    lines = [{"description": "Refund all and more", "quantity": D(1), "unit_price": D(1500),
              "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}]
    note = credit(books, owed["id"], lines=lines)
    assert (note["total"], note["amount_applied"], note["unallocated_amount"]) == ("1650.00", "1375.00", "275.00")
    assert books.table.load(Invoice, books.tenant_id, owed["id"]).status == "paid"  # nothing left due
    assert books.balances()["2100"] == D("-275")
    stored = books.table.load(CreditNote, books.tenant_id, note["id"])
    assert stored.version == 1


def test_a_credit_note_reads_everything_the_request_names_in_one_round(books, read_rounds):
    owed = posted_invoice(books)
    rounds = read_rounds
    rounds.clear()  # count the reads of what follows only
    lines = [{"description": "Less", "quantity": D(1), "unit_price": D(10), "account_id": books.accounts["4000"],
              "tax_code_id": books.tax_codes["GST10"]}]
    credit(books, owed["id"], lines=lines)
    # tenant, invoice, account, tax code and the credit-note series, together
    assert rounds == [5]
    rounds.clear()
    credit(books, owed["id"], amount=D("10.00"))
    # an amount takes the invoice's account and tax code: read together, once the invoice is known
    assert rounds == [3, 2]


@pytest.mark.parametrize("change, param", [
    ({"invoice_id": "inv_nobody"}, "id"),
    ({"date": TODAY - timedelta(days=1)}, "date"),  # before the invoice was issued
    ({"lines": [{"description": "x", "quantity": D(1), "unit_price": D(1), "account_id": "acc_nobody"}]},
     "lines.0.account_id"),
])
def test_a_refused_credit_note_changes_nothing(books, change, param):
    owed = posted_invoice(books)
    state = (dict(books.table.items), books.table.transactions)
    with pytest.raises((ValidationFailed, NotFound)) as error:
        credit_notes.create(books.tenant_id, {"invoice_id": owed["id"], "date": TODAY, "amount": D("10.00")} | change)
    assert error.value.param == param
    assert (books.table.items, books.table.transactions) == state


def test_a_voided_invoice_cannot_be_credited(books):
    owed = posted_invoice(books)
    invoices.void(books.tenant_id, owed["id"], TODAY)
    with pytest.raises(InvalidState):
        credit(books, owed["id"], amount=D("10.00"))
    assert books.table.number(books.tenant_id, "CN", YEAR) == 0
