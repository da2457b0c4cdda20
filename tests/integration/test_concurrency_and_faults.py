"""Concurrent writers and failures in the middle of a write, against DynamoDB Local."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from pynamodb.exceptions import TransactWriteError

from ledgerline.domain.errors import ValidationFailed
from ledgerline.services import invoices, receipts
from ledgerline.store.ledger import NumberSeries, last_number
from ledgerline.store.table import connection
from ledgerline.store.unit_of_work import DynamoUnitOfWork


def test_fifty_concurrent_posts_take_fifty_consecutive_numbers(books):
    # Given 50 drafts of one tenant
    customer = books.customer()
    drafts = [books.draft(customer, [{"description": f"Job {n}", "unit_price": "10.00"}])["id"] for n in range(50)]
    connection().connection.client  # noqa: B018 - build the shared client before the threads use it
    # When they are all posted at once from 8 threads (each retries on conflicts with jitter)
    with ThreadPoolExecutor(max_workers=8) as pool:
        posted = list(pool.map(lambda invoice_id: invoices.post(books.tenant_id, invoice_id), drafts))
    # Then the numbers are exactly 1..50, each used once
    sequence = sorted(int(p["number"].rsplit("-", 1)[1]) for p in posted)
    assert sequence == list(range(1, 51))
    year = int(posted[0]["issue_date"][:4])
    assert last_number(books.tenant_id, "INV", year) == 50
    assert books.balance("1100") == Decimal("500.00")


def test_twenty_concurrent_receipts_never_over_allocate(books):
    customer = books.customer()
    invoice = books.posted(customer)  # 1375.00 due
    connection().connection.client  # noqa: B018 - built before the threads use it
    body = {"customer_id": customer, "amount": Decimal("100.00"), "account_id": books.accounts["1010"],
            "allocations": [{"invoice_id": invoice["id"], "amount": Decimal("100.00")}]}

    def pay(_: int) -> bool:
        try:
            receipts.create(books.tenant_id, body)
            return True
        except ValidationFailed:
            return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(pay, range(20)))
    after = books.invoice(invoice["id"])
    assert outcomes.count(True) == 13  # 13 x 100.00 fit in 1375.00; the 14th would exceed what is due
    assert (after["amount_paid"], after["amount_due"]) == ("1300.00", "75.00")
    assert books.balance("1010") == Decimal("1300.00") and books.balance("1100") == Decimal("75.00")


OVERSIZED = "x" * 410_000  # DynamoDB refuses items over 400 KB: the whole transaction is cancelled


def _poison(tx) -> None:
    tx.save(NumberSeries("POISON", "POISON", last=0))
    tx._put_items[-1]["Item"]["payload"] = {"S": OVERSIZED}


@pytest.mark.parametrize("step", ["TakeNumber", "PostEntry", "RecordEvent"])
def test_a_failure_at_any_step_of_posting_leaves_no_trace(books, monkeypatch, step):
    # Given a draft, and a fault injected right after one step of the posting transaction (the unit of
    # work's staged writes: take the number, post the entry with its projections, record the event)
    customer = books.customer()
    draft = books.draft(customer)
    events_before = books.events()
    original = DynamoUnitOfWork._apply_one

    def failing(tx, write):
        original(tx, write)
        if type(write).__name__ == step:
            _poison(tx)

    monkeypatch.setattr(DynamoUnitOfWork, "_apply_one", staticmethod(failing))
    # When posting runs into it
    with pytest.raises(TransactWriteError):
        invoices.post(books.tenant_id, draft["id"])
    monkeypatch.undo()
    # Then nothing happened: no number used, no entry, no balance, no event, still a draft
    assert books.invoice(draft["id"])["status"] == "draft" and books.invoice(draft["id"])["number"] is None
    assert last_number(books.tenant_id, "INV", int(draft["issue_date"][:4])) == 0
    assert books.trial_balance()["accounts"] == []
    assert books.get("/v1/journal-entries")["data"] == []
    assert books.events() == events_before
    # And the same draft posts cleanly afterwards, taking number 0001
    assert books.post(f"/v1/invoices/{draft['id']}/post", expect=200)["number"].endswith("-0001")


def test_a_failed_receipt_leaves_invoice_and_bank_untouched(books, monkeypatch):
    customer = books.customer()
    invoice = books.posted(customer)
    # a fault right after the journal entry is added to the receipt's transaction (its unit of work's
    # PostEntry; before the move, a wrapped `receipts.add_journal_entry`)
    original = DynamoUnitOfWork._apply_one

    def failing(tx, write):
        original(tx, write)
        if type(write).__name__ == "PostEntry":
            _poison(tx)

    monkeypatch.setattr(DynamoUnitOfWork, "_apply_one", staticmethod(failing))
    with pytest.raises(TransactWriteError):
        receipts.create(books.tenant_id, {"customer_id": customer, "amount": Decimal("1375.00"),
                                          "account_id": books.accounts["1010"],
                                          "allocations": [{"invoice_id": invoice["id"], "amount": Decimal("1375.00")}]})
    monkeypatch.undo()
    assert books.invoice(invoice["id"])["amount_due"] == "1375.00"
    assert books.balance("1010") == 0 and books.get("/v1/receipts")["data"] == []
