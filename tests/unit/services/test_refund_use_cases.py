"""Refunds' use cases on the in-memory unit of work (the integration tier's test_refunds.py is the spec).

The customer's open items are a named read of an index (GSI3) that the in-memory table does not keep: it is
answered here from the table's items, as the index would answer it once caught up.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import ValidationFailed
from ledgerline.services import receipts, refunds
from ledgerline.store.documents import CREDIT_ITEM, CustomerItem, Receipt, customer_items_partition
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import open_unit

TODAY = date.today()


@pytest.fixture(autouse=True)
def open_items(books, monkeypatch):
    def customer_items(tenant_id, customer_id, *, credit_only=False):  # noqa: ANN001, ANN202
        partition = customer_items_partition(tenant_id, customer_id)
        found = []
        for data in books.table.items.values():
            if data.get("GSI3PK", {}).get("S") == partition:
                item = CustomerItem.from_raw_data(data)
                if not credit_only or item.gsi3sk.startswith(f"{CREDIT_ITEM}#"):
                    found.append(item)
        return sorted(found, key=lambda item: item.gsi3sk)

    monkeypatch.setattr(refunds, "customer_items", customer_items)


def receive(books, amount, day=TODAY):
    return receipts.create(books.tenant_id, {"customer_id": books.customer_id, "amount": D(amount),
                                             "account_id": books.accounts["1010"], "date": day})


def pay_back(books, amount, **fields):
    body = {"customer_id": books.customer_id, "amount": D(amount), "account_id": books.accounts["1010"],
            "date": TODAY}
    return refunds.create(books.tenant_id, body | fields)


def held(books, receipt_id):
    stored = books.table.load(Receipt, books.tenant_id, receipt_id)
    return stored.unallocated_amount, stored.refunded_amount


def test_a_refund_pays_a_receipts_credit_out_of_the_bank_in_one_transaction(books):
    receipt = receive(books, "300.00")
    before = books.table.transactions
    made = pay_back(books, "120.00", receipt_id=receipt["id"])
    assert books.table.transactions == before + 1
    assert (made["status"], made["amount"]) == ("posted", "120.00")
    assert made["sources"] == [{"source_type": "receipt", "source_id": receipt["id"], "amount": "120.00"}]
    assert held(books, receipt["id"]) == (D("180"), D("120"))
    assert books.balances() == {"1010": D("180"), "2100": D("-180")}
    assert books.table.event_types(books.tenant_id)[-1] == "refund.posted"


def test_a_refund_reads_everything_the_request_names_in_one_round(books, read_rounds):
    receipt = receive(books, "300.00")
    rounds = read_rounds
    rounds.clear()  # count the reads of what follows only
    pay_back(books, "10.00", receipt_id=receipt["id"])
    assert rounds == [4]  # tenant, customer, bank account and the receipt, together


def test_without_a_source_it_draws_on_the_oldest_credit_first(books):
    older = receive(books, "100.00", TODAY - timedelta(days=3))
    newer = receive(books, "500.00")
    made = pay_back(books, "250.00")
    assert [(s["source_id"], s["amount"]) for s in made["sources"]] == [(older["id"], "100.00"),
                                                                        (newer["id"], "150.00")]
    assert held(books, older["id"]) == (D("0"), D("100"))
    assert held(books, newer["id"]) == (D("350"), D("150"))
    assert books.balances() == {"1010": D("350"), "2100": D("-350")}


def test_reversing_gives_the_credit_back(books):
    receipt = receive(books, "300.00")
    made = pay_back(books, "120.00", receipt_id=receipt["id"])
    reversed_ = refunds.reverse(books.tenant_id, made["id"], TODAY)
    assert reversed_["status"] == "reversed"
    assert held(books, receipt["id"]) == (D("300"), D("0"))
    assert books.balances() == {"1010": D("300"), "2100": D("-300")}
    assert books.table.event_types(books.tenant_id)[-1] == "refund.reversed"
    with pytest.raises(InvalidState):
        refunds.reverse(books.tenant_id, made["id"], TODAY)


@pytest.mark.parametrize("change, param", [
    ({"amount": "300.01"}, "amount"),  # more than the credit held
    ({"receipt_id": "rct_nobody"}, "receipt_id"),
    ({"customer_id": "pty_nobody"}, "customer_id"),
    ({"account_id": "4000"}, "account_id"),
    ({"receipt_id": "named", "credit_note_id": "cn_1"}, "credit_note_id"),
])
def test_a_refused_refund_changes_nothing(books, change, param):
    receipt = receive(books, "300.00")
    body = {"amount": "300.01", "receipt_id": receipt["id"]} if "amount" in change else {"amount": "10.00"}
    body |= {k: v for k, v in change.items() if k != "amount"}
    if body.get("receipt_id") == "named":
        body["receipt_id"] = receipt["id"]
    if body.get("account_id"):
        body["account_id"] = books.accounts[body["account_id"]]
    state = (dict(books.table.items), books.table.transactions)
    with pytest.raises(ValidationFailed) as error:
        pay_back(books, body.pop("amount"), **body)
    assert error.value.param == param
    assert (books.table.items, books.table.transactions) == state


def test_credit_used_meanwhile_fails_the_whole_refund(books, monkeypatch):
    receipt = receive(books, "300.00")
    unit = open_unit(books.tenant_id)
    unit.prefetch([(Receipt, receipt["id"])])  # this refund read the receipt's credit…
    pay_back(books, "300.00", receipt_id=receipt["id"])  # …and another refund took all of it
    monkeypatch.setattr(refunds, "retrying", lambda attempt: attempt())  # see the one attempt fail
    monkeypatch.setattr(refunds, "open_unit", lambda tenant_id: unit)
    state = dict(books.table.items)
    with pytest.raises(Contention):
        pay_back(books, "300.00", receipt_id=receipt["id"])
    assert books.table.items == state
