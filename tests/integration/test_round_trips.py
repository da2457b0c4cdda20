"""Round trips of every money-moving request with an Idempotency-Key (issue 13, target 1), against DynamoDB
Local: each use case makes exactly one BatchGetItem of what it reads (the key's record included) and one
TransactWriteItems of what it writes (the key's record included); a replay is one round trip.

The calls are counted on the process's one botocore client (`before-call` events) while the use case runs
(the request's authentication and rate limit are not the use case's, and are left out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from ledgerline.clock import today
from ledgerline.services import credit_notes, invoices, journal_entries, receipts, refunds, reminders
from ledgerline.store.table import connection

ONE_READ_ONE_WRITE = ["BatchGetItem", "TransactWriteItems"]
# Where a use case reads a record whose key it learns only from another record (a second round trip), the
# test's name says so and `expected` pins that count: the limit is the data dependency, not the key.
READ_AFTER_READ = ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]


class Calls:
    def __init__(self) -> None:
        self.active = False
        self.seen: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        if self.active:
            self.seen.append(model.name)


@pytest.fixture
def calls() -> Iterator[Calls]:
    counter = Calls()
    events = connection().connection.client.meta.events
    events.register("before-call.dynamodb", counter, unique_id="round-trip-counter")
    try:
        yield counter
    finally:
        events.unregister("before-call.dynamodb", unique_id="round-trip-counter")


@contextmanager
def counting(calls: Calls, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> Iterator[list[str]]:
    """Count the DynamoDB calls made inside `module.name` (the use case) from here on."""
    use_case: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.active = True
        try:
            return use_case(*args, **kwargs)
        finally:
            calls.active = False

    monkeypatch.setattr(module, name, counted)
    calls.seen = []
    yield calls.seen


def keyed(books: Any, method: str, path: str, body: Any, key: str, expect: int) -> Any:
    return books.call(method, path, body, expect=expect, **{"Idempotency-Key": key})


def assert_round_trips(books: Any, calls: Calls, monkeypatch: pytest.MonkeyPatch, module: Any, name: str,
                       path: str, body: Any, expect: int, expected: list[str] = ONE_READ_ONE_WRITE) -> Any:
    """The request with a key: `expected` calls; its replay with the same key: one read."""
    key = f"{name}-{path}"
    with counting(calls, monkeypatch, module, name) as seen:
        first = keyed(books, "POST", path, body, key, expect)
        assert seen == expected, seen
        seen.clear()
        again = keyed(books, "POST", path, body, key, expect)
        assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
        assert len(seen) == 1 and seen[0] in ("BatchGetItem", "GetItem"), seen
    monkeypatch.undo()
    return first.json()


def test_create_draft_invoice(books, calls, monkeypatch):
    body = {"customer_id": books.customer(), "lines": [{"description": "Work", "unit_price": "100.00",
                                                        "account_id": books.accounts["4000"],
                                                        "tax_code_id": books.tax_codes["GST10"]}]}
    assert_round_trips(books, calls, monkeypatch, invoices, "create_draft", "/v1/invoices", body, 201)


def test_create_draft_invoice_whose_lines_name_no_account_reads_the_tenants_default_account_after_the_tenant(
        books, calls, monkeypatch):
    body = {"customer_id": books.customer(), "lines": [{"description": "Work", "unit_price": "100.00",
                                                        "tax_code_id": books.tax_codes["GST10"]}]}
    assert_round_trips(books, calls, monkeypatch, invoices, "create_draft", "/v1/invoices", body, 201,
                       expected=["BatchGetItem", "GetItem", "TransactWriteItems"])


def test_post_invoice(books, calls, monkeypatch):
    draft = books.draft(books.customer())
    assert_round_trips(books, calls, monkeypatch, invoices, "post", f"/v1/invoices/{draft['id']}/post", None, 200)


def test_void_invoice_reads_the_entry_it_mirrors_after_the_invoice_that_names_it(books, calls, monkeypatch):
    invoice = books.posted(books.customer())
    assert_round_trips(books, calls, monkeypatch, invoices, "void", f"/v1/invoices/{invoice['id']}/void", {}, 200,
                       expected=["BatchGetItem", "GetItem", "TransactWriteItems"])


def test_receipt(books, calls, monkeypatch):
    customer = books.customer()
    invoice = books.posted(customer)
    body = {"customer_id": customer, "amount": invoice["total"], "account_id": books.accounts["1010"],
            "allocations": [{"invoice_id": invoice["id"], "amount": invoice["total"]}]}
    assert_round_trips(books, calls, monkeypatch, receipts, "create", "/v1/receipts", body, 201)


def test_allocate_receipt(books, calls, monkeypatch):
    customer = books.customer()
    invoice = books.posted(customer)
    receipt = books.receipt(customer, invoice["total"])
    body = {"allocations": [{"invoice_id": invoice["id"], "amount": invoice["total"]}]}
    assert_round_trips(books, calls, monkeypatch, receipts, "allocate", f"/v1/receipts/{receipt['id']}/allocations",
                       body, 200)


def test_reverse_receipt_reads_its_entries_and_invoices_after_the_receipt_that_names_them(books, calls, monkeypatch):
    customer = books.customer()
    invoice = books.posted(customer)
    receipt = books.receipt(customer, invoice["total"], [(invoice["id"], invoice["total"])])
    assert_round_trips(books, calls, monkeypatch, receipts, "reverse", f"/v1/receipts/{receipt['id']}/reverse", {},
                       200, expected=READ_AFTER_READ)


def test_credit_note_reads_the_accounts_and_tax_codes_after_the_invoice_that_names_them(books, calls, monkeypatch):
    invoice = books.posted(books.customer())
    body = {"invoice_id": invoice["id"], "amount": "100.00", "reason": "Discount"}
    assert_round_trips(books, calls, monkeypatch, credit_notes, "create", "/v1/credit-notes", body, 201,
                       expected=READ_AFTER_READ)


def test_refund_of_named_credit(books, calls, monkeypatch):
    customer = books.customer()
    receipt = books.receipt(customer, "90.00")
    body = {"customer_id": customer, "amount": "90.00", "account_id": books.accounts["1010"],
            "receipt_id": receipt["id"]}
    assert_round_trips(books, calls, monkeypatch, refunds, "create", "/v1/refunds", body, 201)


def test_refund_without_a_named_source_queries_the_customers_credit_then_reads_it_consistently(
        books, calls, monkeypatch):
    customer = books.customer()
    books.receipt(customer, "90.00")
    body = {"customer_id": customer, "amount": "90.00", "account_id": books.accounts["1010"]}
    assert_round_trips(books, calls, monkeypatch, refunds, "create", "/v1/refunds", body, 201,
                       expected=["BatchGetItem", "Query", "GetItem", "TransactWriteItems"])


def test_reverse_refund_reads_its_entry_and_sources_after_the_refund_that_names_them(books, calls, monkeypatch):
    customer = books.customer()
    books.receipt(customer, "90.00")
    refund = books.post("/v1/refunds", {"customer_id": customer, "amount": "90.00",
                                        "account_id": books.accounts["1010"]})
    assert_round_trips(books, calls, monkeypatch, refunds, "reverse", f"/v1/refunds/{refund['id']}/reverse", {}, 200,
                       expected=READ_AFTER_READ)


def test_journal_entry(books, calls, monkeypatch):
    body = {"lines": [{"account_id": books.accounts["1010"], "debit": "100.00"},
                      {"account_id": books.accounts["3000"], "credit": "100.00"}]}
    assert_round_trips(books, calls, monkeypatch, journal_entries, "create", "/v1/journal-entries", body, 201)


def test_reverse_journal_entry(books, calls, monkeypatch):
    entry = books.post("/v1/journal-entries", {"lines": [{"account_id": books.accounts["1010"], "debit": "100.00"},
                                                         {"account_id": books.accounts["3000"], "credit": "100.00"}]})
    assert_round_trips(books, calls, monkeypatch, journal_entries, "reverse",
                       f"/v1/journal-entries/{entry['id']}/reverse", {}, 201)


def test_reminder_queries_the_invoices_reminder_levels(books, calls, monkeypatch):
    issued = today() - timedelta(days=60)
    invoice = books.posted(books.customer(), issue_date=str(issued), due_date=str(issued + timedelta(days=14)))
    assert_round_trips(books, calls, monkeypatch, reminders, "create_next",
                       f"/v1/invoices/{invoice['id']}/reminders", {}, 201,
                       expected=["BatchGetItem", "Query", "TransactWriteItems"])


def lose_a_race(books: Any, calls: Calls, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Post a draft with a key while a duplicate with the same key commits between its read and its commit;
    the calls the loser made."""
    draft = books.draft(books.customer())
    stage, post = invoices.stage_posting, invoices.post
    raced: list[dict[str, Any]] = []

    def racing(uow: Any, tenant: Any, invoice: Any) -> None:
        if not raced:
            raced.append({})
            calls.active = False
            raced[0] = post(books.tenant_id, draft["id"], "post-race")  # the winner, in between
            calls.active = True
        stage(uow, tenant, invoice)

    monkeypatch.setattr(invoices, "stage_posting", racing)
    with counting(calls, monkeypatch, invoices, "post") as seen:
        loser = keyed(books, "POST", f"/v1/invoices/{draft['id']}/post", None, "post-race", 200)
    assert loser.json() == raced[0] and loser.headers["Idempotent-Replayed"] == "true"
    assert books.get(f"/v1/invoices/{draft['id']}")["number"] == raced[0]["number"]
    return seen


def test_a_duplicate_that_loses_the_race_replays_the_winners_record_from_its_cancelled_transaction(
        books, calls, monkeypatch):
    """The loser's transaction fails on the key's condition, and the cancellation reason carries the winner's
    record (ALL_OLD): no read more."""
    assert lose_a_race(books, calls, monkeypatch) == ONE_READ_ONE_WRITE


def test_a_lost_race_whose_cancellation_carries_no_old_image_reads_the_winners_record(books, calls, monkeypatch):
    from pynamodb.transactions import TransactWrite

    save = TransactWrite.save

    def without_old_image(self: Any, model: Any, condition: Any = None, return_values: Any = None) -> None:
        save(self, model, condition=condition)

    monkeypatch.setattr(TransactWrite, "save", without_old_image)
    assert lose_a_race(books, calls, monkeypatch) == [*ONE_READ_ONE_WRITE, "GetItem"]


def test_issuing_a_delivery_note_of_a_stock_managed_item_reads_its_items_and_levels_after_the_note(
        books, calls, monkeypatch):
    """Issue 19: the note, the series and the default location's pointer in one read; the items the note names
    and their levels at that location in a second (their keys are only known from the note); one transaction.
    Was 4 (the pointer and the levels were read apart)."""
    from ledgerline.services import deliveries

    item = books.post("/v1/items", {"code": "RT-STOCK", "name": "Stocked", "track_stock": True})["id"]
    books.post("/v1/stock-locations", {"name": "Main"})
    books.post("/v1/stock-adjustments", {"item_id": item, "reason": "opening", "quantity": "10", "unit_cost": "2"})
    note = books.post("/v1/deliveries", {"customer_id": books.customer(), "lines": [
        {"item_id": item, "quantity": "2"}, {"description": "Packing", "quantity": "1"}]})
    issued = assert_round_trips(books, calls, monkeypatch, deliveries, "issue", f"/v1/deliveries/{note['id']}/issue",
                                None, 200, expected=READ_AFTER_READ)
    assert issued["status"] == "issued"
    assert books.get(f"/v1/stock?item_id={item}")["data"][0]["on_hand"] == "8"
