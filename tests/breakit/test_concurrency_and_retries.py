"""Duplicate requests in parallel, and DynamoDB refusing work (throttling, transaction conflicts).

Whatever happens: never two objects for one Idempotency-Key, no lost update, a clear 409 or 503 to
the client, and nothing written when the request failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from ledgerline.clock import today
from ledgerline.services import reports, retry
from ledgerline.store.ledger import last_number
from tests.breakit.conftest import new_tenant
from tests.breakit.faults import dynamodb_error, transaction_conflict
from tests.breakit.objects import TenantObjects

WRITERS = 8
THROTTLED = ("ProvisionedThroughputExceededException", "ThrottlingException")


@pytest.fixture
def books(api) -> TenantObjects:  # type: ignore[no-untyped-def]
    return TenantObjects(api, new_tenant("Races Pty Ltd"), "R")


def at_once(call: Callable[[], Any], n: int = WRITERS) -> list[Any]:
    """Run `call` from n threads released together."""
    barrier = threading.Barrier(n)

    def run(_: int) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def outcome(response: Any) -> tuple[int, str | None]:
    body = response.json()
    return response.status_code, body["error"]["code"] if "error" in body else None


def assert_committed_once(responses: list[Any], success: int) -> dict[str, Any]:
    """One commit; every other answer is its replay. Returns the object.

    Issue 13 changed this: there is no "in progress" record any more (409 idempotency_in_progress was
    allowed before); a duplicate that loses the race replays the winner's record, so every answer succeeds."""
    outcomes = [outcome(r) for r in responses]
    assert set(outcomes) == {(success, None)}, outcomes
    bodies = [r.json() for r in responses if r.status_code == success]
    assert bodies, outcomes
    assert all(body == bodies[0] for body in bodies), "a replay differs from the first response"
    return bodies[0]


def trial_balance(books: TenantObjects) -> dict[str, Any]:
    report = reports.trial_balance.report(books.tenant.tenant_id, today().replace(year=today().year + 1))
    return report.model_dump(by_alias=True)


def balance(books: TenantObjects, code: str) -> Decimal:
    rows = {row["code"]: row["balance"] for row in trial_balance(books)["accounts"]}
    return rows.get(code, Decimal(0))


# ------------------------------------------------------------------ the same Idempotency-Key in parallel


def test_parallel_creates_with_one_idempotency_key_make_one_invoice(api, books):
    body = {"customer_id": books.customer(), "lines": [{"description": "Work", "unit_price": "80.00"}]}
    headers = {**books.tenant.headers, "Idempotency-Key": "create-once"}
    responses = at_once(lambda: api.post("/v1/invoices", json=body, headers=headers))
    invoice = assert_committed_once(responses, 201)
    assert [i["id"] for i in books.get("/v1/invoices?limit=100")["data"]] == [invoice["id"]]
    # And a later retry replays the same invoice
    assert api.post("/v1/invoices", json=body, headers=headers).json() == invoice


def test_parallel_posts_with_one_idempotency_key_take_one_number(api, books):
    draft = books.draft()
    headers = {**books.tenant.headers, "Idempotency-Key": "post-once"}
    responses = at_once(lambda: api.post(f"/v1/invoices/{draft['id']}/post", headers=headers))
    posted = assert_committed_once(responses, 200)
    assert posted["number"].endswith("-0001")
    assert last_number(books.tenant.tenant_id, "INV", int(posted["issue_date"][:4])) == 1
    entries = books.get("/v1/journal-entries?source_type=invoice")["data"]
    assert [e["source_id"] for e in entries] == [draft["id"]]


def test_parallel_posts_of_one_draft_without_a_key_post_it_once(api, books):
    draft = books.draft()
    responses = at_once(lambda: api.post(f"/v1/invoices/{draft['id']}/post", headers=books.tenant.headers))
    outcomes = [outcome(r) for r in responses]
    assert outcomes.count((200, None)) == 1, outcomes
    assert set(outcomes) == {(200, None), (409, "invalid_state")}, outcomes
    assert balance(books, "1100") == Decimal("1100.00")


def test_parallel_receipts_with_one_idempotency_key_pay_once(api, books):
    invoice = books.posted()
    body = {"customer_id": books.customer(), "amount": invoice["total"], "account_id": books.accounts["1010"],
            "allocations": [{"invoice_id": invoice["id"], "amount": invoice["total"]}]}
    headers = {**books.tenant.headers, "Idempotency-Key": "pay-once"}
    responses = at_once(lambda: api.post("/v1/receipts", json=body, headers=headers))
    receipt = assert_committed_once(responses, 201)
    assert [r["id"] for r in books.get("/v1/receipts")["data"]] == [receipt["id"]]
    assert books.get(f"/v1/invoices/{invoice['id']}")["status"] == "paid"
    assert balance(books, "1010") == Decimal(invoice["total"]) and balance(books, "1100") == 0


def test_parallel_refunds_with_one_idempotency_key_pay_out_once(api, books):
    receipt = books.post("/v1/receipts", {"customer_id": books.customer(), "amount": "90.00",
                                          "account_id": books.accounts["1010"]})
    body = {"customer_id": books.customer(), "amount": "90.00", "account_id": books.accounts["1010"]}
    headers = {**books.tenant.headers, "Idempotency-Key": "refund-once"}
    responses = at_once(lambda: api.post("/v1/refunds", json=body, headers=headers))
    made = assert_committed_once(responses, 201)
    assert [r["id"] for r in books.get("/v1/refunds")["data"]] == [made["id"]]
    assert books.get(f"/v1/receipts/{receipt['id']}")["unallocated_amount"] == "0.00"
    assert balance(books, "1010") == 0 and balance(books, "2100") == 0


def test_parallel_refunds_and_allocations_never_take_more_credit_than_there_is(api, books):
    # 8 writers race for one receipt's 100.00 of credit: 30.00 refunds and 30.00 allocations
    receipt = books.post("/v1/receipts", {"customer_id": books.customer(), "amount": "100.00",
                                          "account_id": books.accounts["1010"]})
    invoice = books.posted()  # 1100.00 due
    refund = {"customer_id": books.customer(), "amount": "30.00", "account_id": books.accounts["1010"],
              "receipt_id": receipt["id"]}
    allocation = {"allocations": [{"invoice_id": invoice["id"], "amount": "30.00"}]}
    calls = [lambda: api.post("/v1/refunds", json=refund, headers=books.tenant.headers),
             lambda: api.post(f"/v1/receipts/{receipt['id']}/allocations", json=allocation,
                              headers=books.tenant.headers)] * (WRITERS // 2)
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        responses = list(pool.map(run, calls))
    assert all(r.status_code in (200, 201, 422, 503) for r in responses), [outcome(r) for r in responses]
    won = sum(1 for r in responses if r.status_code in (200, 201))
    assert won == 3, [outcome(r) for r in responses]  # 3 x 30.00 fit in 100.00, a 4th would not
    after = books.get(f"/v1/receipts/{receipt['id']}")
    assert after["unallocated_amount"] == "10.00"
    assert Decimal(after["allocated_amount"]) + Decimal(after["refunded_amount"]) == Decimal("90.00")
    assert balance(books, "2100") == Decimal("-10.00")
    assert trial_balance(books)["total_debit"] == trial_balance(books)["total_credit"]


def test_parallel_receipts_and_a_void_never_both_win(api, books):
    # A void needs nothing paid; a receipt needs the invoice open: exactly one kind may commit
    invoice = books.posted()
    body = {"customer_id": books.customer(), "amount": "100.00", "account_id": books.accounts["1010"],
            "allocations": [{"invoice_id": invoice["id"], "amount": "100.00"}]}
    calls = [lambda: api.post("/v1/receipts", json=body, headers=books.tenant.headers),
             lambda: api.post(f"/v1/invoices/{invoice['id']}/void", headers=books.tenant.headers)] * (WRITERS // 2)
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        responses = list(pool.map(run, calls))
    receipts_ok = sum(1 for r in responses[0::2] if r.status_code == 201)
    voids_ok = sum(1 for r in responses[1::2] if r.status_code == 200)
    assert all(r.status_code in (200, 201, 409, 422) for r in responses), [outcome(r) for r in responses]
    after = books.get(f"/v1/invoices/{invoice['id']}")
    if voids_ok:
        assert (receipts_ok, voids_ok, after["status"]) == (0, 1, "voided")
        assert balance(books, "1100") == 0
    else:
        assert Decimal(after["amount_paid"]) == Decimal("100.00") * receipts_ok
        assert balance(books, "1100") == Decimal(invoice["total"]) - Decimal(after["amount_paid"])
    assert trial_balance(books)["total_debit"] == trial_balance(books)["total_credit"]


# ------------------------------------------------------------------ DynamoDB throttling and conflicts


@pytest.fixture
def no_backoff(monkeypatch):
    # Retries still happen, without sleeping between them
    monkeypatch.setattr(retry, "MAX_DELAY", 0)


def assert_unavailable(response: Any) -> None:
    assert outcome(response) == (503, "service_unavailable"), response.text
    assert response.json()["error"]["type"] == "api_error"


@pytest.mark.parametrize("code", THROTTLED)
def test_a_throttled_create_is_503_and_creates_nothing(api, books, code):
    body = {"customer_id": books.customer(), "lines": [{"description": "Work", "unit_price": "80.00"}]}
    with dynamodb_error("TransactWriteItems", code) as injected:
        response = api.post("/v1/invoices", json=body, headers=books.tenant.headers)
    assert injected.hits >= 1
    assert_unavailable(response)
    assert books.get("/v1/invoices")["data"] == []


@pytest.mark.parametrize(("operation", "path"), [("GetItem", "/v1/invoices/{id}"), ("Query", "/v1/invoices"),
                                                 ("Query", "/v1/reports/trial-balance")])
@pytest.mark.parametrize("code", THROTTLED)
def test_a_throttled_read_is_503(api, books, operation, path, code):
    invoice = books.draft()
    with dynamodb_error(operation, code, when=lambda request: not request.get("Key", {}).get("PK", {}).get(
            "S", "").startswith("KEY#")) as injected:
        response = api.get(path.replace("{id}", invoice["id"]), headers=books.tenant.headers)
    assert injected.hits >= 1
    assert_unavailable(response)


def test_a_throttled_api_key_lookup_is_503_not_401(api, books):
    with dynamodb_error("GetItem", "ThrottlingException",
                        when=lambda request: request["Key"]["PK"]["S"].startswith("KEY#")) as injected:
        response = api.get("/v1/tenant", headers=books.tenant.headers)
    assert injected.hits == 1
    assert_unavailable(response)


def test_a_transaction_conflict_is_retried_and_posts_once(api, books, no_backoff):
    draft = books.draft()
    with dynamodb_error("TransactWriteItems", "TransactionCanceledException", times=2,
                        reasons=transaction_conflict(12)) as injected:
        response = api.post(f"/v1/invoices/{draft['id']}/post", headers=books.tenant.headers)
    assert injected.hits == 2
    assert response.status_code == 200, response.text
    assert response.json()["number"].endswith("-0001")
    assert [e["source_id"] for e in books.get("/v1/journal-entries")["data"]] == [draft["id"]]


def test_endless_transaction_conflicts_give_up_with_503_and_change_nothing(api, books, no_backoff):
    draft = books.draft()
    with dynamodb_error("TransactWriteItems", "TransactionCanceledException",
                        reasons=transaction_conflict(12)) as injected:
        response = api.post(f"/v1/invoices/{draft['id']}/post", headers=books.tenant.headers)
    assert injected.hits == retry.ATTEMPTS
    assert_unavailable(response)
    assert books.get(f"/v1/invoices/{draft['id']}") == {**draft}
    assert last_number(books.tenant.tenant_id, "INV", today().year) == 0
    assert books.get("/v1/journal-entries")["data"] == [] and trial_balance(books)["accounts"] == []


@pytest.mark.parametrize("operation", ["BatchGetItem", "TransactWriteItems"])
def test_a_throttled_idempotent_post_is_503_and_can_be_retried_with_its_key(api, books, operation):
    # BatchGetItem: the read of the key's record with the invoice (issue 13; was PutItem, Powertools'
    # in-progress record); TransactWriteItems: the posting itself, with the key's record
    draft = books.draft()
    headers = {**books.tenant.headers, "Idempotency-Key": f"throttled-{operation}"}
    with dynamodb_error(operation, "ProvisionedThroughputExceededException") as injected:
        response = api.post(f"/v1/invoices/{draft['id']}/post", headers=headers)
    assert injected.hits >= 1
    assert_unavailable(response)
    assert books.get(f"/v1/invoices/{draft['id']}")["status"] == "draft"
    # The failure was not remembered: the same key now posts it, once
    retried = api.post(f"/v1/invoices/{draft['id']}/post", headers=headers)
    assert retried.status_code == 200, retried.text
    assert api.post(f"/v1/invoices/{draft['id']}/post", headers=headers).json() == retried.json()


@pytest.mark.parametrize("code", THROTTLED)
def test_a_throttled_batched_read_is_503_and_posts_nothing(api, books, code):
    # Creating and posting read what the request names in one BatchGetItem (the unit of work's prefetch)
    draft = books.draft()
    with dynamodb_error("BatchGetItem", code):
        created = api.post("/v1/invoices", json={"customer_id": draft["customer_id"], "lines": [
            {"description": "x", "unit_price": "1.00"}]}, headers=books.tenant.headers)
        posted = api.post(f"/v1/invoices/{draft['id']}/post", headers=books.tenant.headers)
    assert_unavailable(created)
    assert_unavailable(posted)
    assert [invoice["id"] for invoice in books.get("/v1/invoices")["data"]] == [draft["id"]]
    assert books.get(f"/v1/invoices/{draft['id']}")["status"] == "draft"


def test_a_throttled_receipt_is_503_and_leaves_the_invoice_open(api, books):
    invoice = books.posted()
    body = {"customer_id": books.customer(), "amount": invoice["total"], "account_id": books.accounts["1010"],
            "allocations": [{"invoice_id": invoice["id"], "amount": invoice["total"]}]}
    with dynamodb_error("TransactWriteItems", "ThrottlingException"):
        response = api.post("/v1/receipts", json=body, headers=books.tenant.headers)
    assert_unavailable(response)
    after = books.get(f"/v1/invoices/{invoice['id']}")
    assert (after["status"], after["amount_due"]) == ("awaiting_payment", invoice["amount_due"])
    assert books.get("/v1/receipts")["data"] == [] and balance(books, "1010") == 0
