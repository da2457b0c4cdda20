"""`POST /v1/bulk/invoices` with `"post": true` posts several invoices per transaction (issue 13), against
DynamoDB Local: consecutive numbers, exact balances, a bad item fails alone. Call counts, no timing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from ledgerline.store.table import connection
from tests.integration.books import Books
from tests.integration.factories import list_all


@contextmanager
def calls() -> Iterator[Counter[str]]:
    counted: Counter[str] = Counter()
    events = connection().connection.client.meta.events

    def count(model, **_):  # noqa: ANN001, ANN202
        counted[model.name] += 1

    events.register("before-call.dynamodb", count, unique_id="bulk-posting-calls")
    try:
        yield counted
    finally:
        events.unregister("before-call.dynamodb", unique_id="bulk-posting-calls")


def invoice(books: Books, customer: str, price: str, **more) -> dict:
    return {"customer_id": customer, "lines": [{"description": "Consulting", "unit_price": price,
                                                "tax_code_id": books.tax_codes["GST10"]}], **more}


def test_fifty_invoices_post_in_a_few_transactions_with_consecutive_numbers_and_exact_balances(books):
    customer = books.customer()
    prices = [f"{n + 1}.10" for n in range(50)]
    with calls() as made:
        result = books.call("POST", "/v1/bulk/invoices", {"post": True, "operations": [
            {"data": invoice(books, customer, price)} for price in prices]}, expect=200).json()
    assert result["succeeded"] == 50
    posted = [r["data"] for r in result["results"]]
    year = posted[0]["issue_date"][:4]
    assert [p["number"] for p in posted] == [f"INV-{year}-{n:04d}" for n in range(1, 51)]
    assert {p["status"] for p in posted} == {"awaiting_payment"}
    # one transaction for the drafts and a handful for the postings, where one by one took 100
    assert made["TransactWriteItems"] <= 6
    net = sum(Decimal(price) for price in prices)
    tax = sum(Decimal(p["tax_total"]) for p in posted)
    assert books.balance("1100") == net + tax and books.balance("4000") == -net and books.balance("2200") == -tax
    assert sum(Decimal(p["total"]) for p in posted) == net + tax
    assert books.events().count("invoice.posted") == 50 and books.events().count("invoice.created") == 50


def test_a_bad_item_fails_alone_and_the_others_post_with_consecutive_numbers(books):
    customer = books.customer()
    books.call("PATCH", "/v1/tenant", {"lock_date": "2025-12-31"}, expect=200)
    result = books.call("POST", "/v1/bulk/invoices", {"post": True, "operations": [
        {"data": invoice(books, customer, "100.00")},
        {"data": invoice(books, "pty_nobody", "100.00")},  # no such customer: 422, nothing written
        {"data": invoice(books, customer, "100.00", issue_date="2025-06-30")},  # locked: the draft stays
        {"data": {"customer_id": customer, "lines": []}},  # invalid body: 422
        {"data": invoice(books, customer, "250.00")},
    ]}, expect=200).json()
    outcome = [(r["success"], r["status"]) for r in result["results"]]
    assert outcome == [(True, 201), (False, 422), (False, 409), (False, 422), (True, 201)]
    assert result["results"][1]["error"]["param"] == "customer_id"
    locked = result["results"][2]
    assert locked["error"]["code"] == "period_locked" and locked["data"]["status"] == "draft"
    year = result["results"][0]["data"]["issue_date"][:4]
    assert [result["results"][i]["data"]["number"] for i in (0, 4)] == [f"INV-{year}-0001", f"INV-{year}-0002"]
    assert len(list_all(books.api, "/v1/invoices", books.headers)) == 3  # two posted, the locked draft
    assert books.balance("1100") == Decimal("385.00")


def test_items_with_an_idempotency_key_still_post_one_by_one_and_replay(books):
    customer = books.customer()
    body = {"post": True, "operations": [{"data": invoice(books, customer, "10.00"), "idempotency_key": "k-1"},
                                         {"data": invoice(books, customer, "20.00")}]}
    first = books.call("POST", "/v1/bulk/invoices", body, expect=200).json()
    assert [r["success"] for r in first["results"]] == [True, True]
    again = books.call("POST", "/v1/bulk/invoices", body, expect=200).json()
    assert again["results"][0]["data"] == first["results"][0]["data"]  # replayed
    assert len(list_all(books.api, "/v1/invoices", books.headers)) == 3  # the keyless one is a new invoice
