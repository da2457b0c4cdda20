"""Receipts' use cases on the in-memory unit of work (the integration tier's test_receipts.py is the spec)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import NotFound, ValidationFailed
from ledgerline.services import invoices, receipts
from ledgerline.store.documents import Invoice, Receipt
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import open_unit

TODAY = date.today()
# an invoice of 10 × 125 plus GST 10 %: 1375
SALE = {"description": "Work", "quantity": D(10), "unit_price": D(125)}


def posted_invoice(books, **fields):
    line = SALE | {"account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}
    body = {"customer_id": books.customer_id, "issue_date": TODAY, "lines": [line]}
    draft = invoices.create_draft(books.tenant_id, body | fields)
    return invoices.post(books.tenant_id, draft["id"])


def receive(books, amount, allocations=(), **fields):
    body = {"customer_id": books.customer_id, "amount": D(amount), "account_id": books.accounts["1010"],
            "date": TODAY, "allocations": [{"invoice_id": i, "amount": D(a)} for i, a in allocations]}
    return receipts.create(books.tenant_id, body | fields)


def invoice(books, invoice_id):
    return books.table.load(Invoice, books.tenant_id, invoice_id)


def test_a_receipt_pays_invoices_and_keeps_the_rest_as_credit_in_one_transaction(books):
    first, second = posted_invoice(books), posted_invoice(books)
    before = books.table.transactions
    receipt = receive(books, "2000.00", [(first["id"], "1375.00"), (second["id"], "500.00")])
    assert books.table.transactions == before + 1
    assert (receipt["status"], receipt["allocated_amount"], receipt["unallocated_amount"]) == (
        "posted", "1875.00", "125.00")
    assert invoice(books, first["id"]).status == "paid"
    partly = invoice(books, second["id"])
    assert (partly.status, partly.amount_paid, partly.amount_due) == ("awaiting_payment", D("500"), D("875"))
    assert books.balances() == {"1010": D("2000"), "1100": D("875"), "2100": D("-125"), "4000": D("-2500"),
                                "2200": D("-250")}
    assert books.table.event_types(books.tenant_id)[-3:] == ["invoice.paid", "invoice.updated", "receipt.posted"]
    stored = books.table.load(Receipt, books.tenant_id, receipt["id"])
    assert (stored.version, stored.unallocated_base, len(stored.allocations)) == (1, D("125"), 2)


def test_creating_a_receipt_reads_everything_the_request_names_in_one_round(books, read_rounds):
    paid = posted_invoice(books)
    rounds = read_rounds
    rounds.clear()  # count the reads of what follows only
    receive(books, "1375.00", [(paid["id"], "1375.00")])
    # tenant, customer, bank account and the invoice, together
    assert rounds == [4]


def test_an_overpayment_without_allocations_is_all_customer_credit(books):
    receipt = receive(books, "500.00")
    assert (receipt["allocated_amount"], receipt["unallocated_amount"]) == ("0.00", "500.00")
    assert books.balances() == {"1010": D("500"), "2100": D("-500")}


def test_credit_is_allocated_later_and_not_beyond_what_is_left(books):
    receipt = receive(books, "500.00")
    owed = posted_invoice(books)
    allocated = receipts.allocate(books.tenant_id, receipt["id"],
                                  {"date": TODAY, "allocations": [{"invoice_id": owed["id"], "amount": D("500")}]})
    assert (allocated["allocated_amount"], allocated["unallocated_amount"]) == ("500.00", "0.00")
    assert invoice(books, owed["id"]).amount_due == D("875")
    assert books.balances() == {"1010": D("500"), "1100": D("875"), "4000": D("-1250"), "2200": D("-125")}
    assert books.table.event_types(books.tenant_id)[-2:] == ["invoice.updated", "receipt.allocated"]
    events = len(books.table.events(books.tenant_id))
    with pytest.raises(ValidationFailed) as error:
        receipts.allocate(books.tenant_id, receipt["id"],
                          {"date": TODAY, "allocations": [{"invoice_id": owed["id"], "amount": D("1")}]})
    assert error.value.param == "allocations"
    assert len(books.table.events(books.tenant_id)) == events


def test_reversing_reopens_the_invoices_and_mirrors_the_entries(books, read_rounds):
    paid = posted_invoice(books)
    receipt = receive(books, "1500.00", [(paid["id"], "1375.00")])
    rounds = read_rounds
    rounds.clear()  # count the reads of what follows only
    reversed_ = receipts.reverse(books.tenant_id, receipt["id"], TODAY)
    assert rounds == [2, 2]  # tenant and receipt; then its entry and the invoice it paid
    assert reversed_["status"] == "reversed"
    reopened = invoice(books, paid["id"])
    assert (reopened.status, reopened.amount_due, reopened.amount_paid) == ("awaiting_payment", D("1375"), D("0"))
    assert books.balances() == {"1100": D("1375"), "4000": D("-1250"), "2200": D("-125")}
    assert books.table.event_types(books.tenant_id)[-2:] == ["invoice.updated", "receipt.reversed"]
    with pytest.raises(InvalidState):
        receipts.reverse(books.tenant_id, receipt["id"], TODAY)


def test_a_foreign_currency_receipt_books_the_exchange_difference(books):
    owed = posted_invoice(books, currency="USD", exchange_rate=D("1.5"))  # 1375 USD = 2062.50 AUD
    receipt = receive(books, "1375.00", [(owed["id"], "1375.00")], currency="USD", exchange_rate=D("1.6"))
    assert receipt["unallocated_amount"] == "0.00"
    assert invoice(books, owed["id"]).status == "paid"
    balances = books.balances()
    assert (balances["1010"], balances["7950"]) == (D("2200.00"), D("-137.50"))  # paid at 1.6: a gain
    assert "1100" not in balances  # the receivable is settled at the invoice's own rate
    assert sum(balances.values()) == 0


@pytest.mark.parametrize("change, param", [
    ({"allocations": [("inv_nobody", "1.00")]}, "id"),
    ({"amount": "1000.00"}, "allocations"),  # more allocated than received
    ({"account_id": "4000"}, "account_id"),  # not a bank account
    ({"customer_id": "pty_nobody"}, "customer_id"),
    ({"date": TODAY - timedelta(days=1)}, "allocations.0.invoice_id"),  # paid before it was issued
    ({"exchange_rate": D("2")}, "exchange_rate"),  # the base currency is at 1
])
def test_a_refused_receipt_changes_nothing(books, change, param):
    owed = posted_invoice(books)
    body = {"amount": "1375.00", "allocations": [(owed["id"], "1375.00")]} | change
    if "account_id" in body:
        body["account_id"] = books.accounts[body["account_id"]]
    state = (dict(books.table.items), books.table.transactions)
    amount, allocations = body.pop("amount"), body.pop("allocations")
    with pytest.raises((ValidationFailed, NotFound)) as error:
        receive(books, amount, allocations, **body)
    assert error.value.param == param
    assert (books.table.items, books.table.transactions) == state


def test_an_invoice_changed_meanwhile_fails_the_whole_receipt(books, monkeypatch):
    owed = posted_invoice(books)
    stale = books.table.load(Invoice, books.tenant_id, owed["id"])
    invoices.send(books.tenant_id, owed["id"])  # a concurrent change to the invoice
    monkeypatch.setattr(receipts, "retrying", lambda attempt: attempt())  # see the one attempt fail
    unit = open_unit(books.tenant_id)
    unit.cache[Invoice.key(books.tenant_id, owed["id"])] = stale.serialize()  # it read the invoice before
    monkeypatch.setattr(receipts, "open_unit", lambda tenant_id: unit)
    state = dict(books.table.items)
    with pytest.raises(Contention):
        receive(books, "1375.00", [(owed["id"], "1375.00")])
    assert books.table.items == state
