"""Bulk creation: each item on its own (its own result, its own error), capped batches refused before
anything is written, retried batches made safe by per-item idempotency keys, tenants kept apart."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.books import Books
from tests.integration.factories import list_all


def bulk(books: Books, resource: str, body: dict[str, Any], expect: int = 200) -> dict[str, Any]:
    response = books.call("POST", f"/v1/bulk/{resource}", body)
    assert response.status_code == expect, response.text
    return response.json()


def items(*data: dict[str, Any], keys: list[str] | None = None) -> list[dict[str, Any]]:
    return [{"data": d, **({"idempotency_key": keys[i]} if keys else {})} for i, d in enumerate(data)]


def line(books: Books, price: str = "100.00") -> dict[str, Any]:
    return {"description": "Consulting", "unit_price": price, "tax_code_id": books.tax_codes["GST10"]}


def test_bulk_parties_reports_each_item_and_creates_only_the_valid_ones(books):
    result = bulk(books, "parties", {"items": items(
        {"name": "Globex", "email": "ap@globex.example"},
        {"email": "nameless@example.com"},
        {"name": "Initech", "kind": "both"},
        {"name": "Umbrella", "colour": "red"},
    )})
    assert (result["object"], result["processed"], result["succeeded"], result["failed"]) == ("bulk_result", 4, 2, 2)
    assert [(r["index"], r["success"], r["status"]) for r in result["results"]] == [
        (0, True, 201), (1, False, 422), (2, True, 201), (3, False, 422)]
    created = result["results"][0]["data"]
    assert created["object"] == "party" and created["name"] == "Globex" and created["id"].startswith("pty_")
    # A failed item carries the error envelope's inner error, as POST /v1/parties would answer
    missing = result["results"][1]["error"]
    assert (missing["type"], missing["code"], missing["param"]) == ("invalid_request_error", "validation_error", "name")
    assert missing["details"] == [{"field": "name", "message": "Field required"}]
    assert missing["request_id"]
    assert result["results"][3]["error"]["details"] == [{"field": "colour", "message": "unknown field"}]
    single = books.call("POST", "/v1/parties", {"email": "nameless@example.com"}).json()["error"]
    assert {k: v for k, v in single.items() if k != "request_id"} == {
        k: v for k, v in missing.items() if k != "request_id"}
    assert sorted(p["name"] for p in list_all(books.api, "/v1/parties", books.headers)) == ["Globex", "Initech"]


@pytest.mark.parametrize(("resource", "cap"), [("parties", 100), ("invoices", 50), ("receipts", 100),
                                               ("journal-entries", 100)])
def test_a_batch_over_its_cap_is_refused_whole_before_anything_is_written(books, resource, cap):
    customer = books.customer()
    data = {"parties": {"name": "Too many"},
            "invoices": {"customer_id": customer, "lines": [line(books)]},
            "receipts": {"customer_id": customer, "amount": "10.00", "account_id": books.accounts["1010"]},
            "journal-entries": {"lines": [{"account_id": books.accounts["6000"], "debit": "1"},
                                          {"account_id": books.accounts["1010"], "credit": "1"}]}}[resource]
    before = books.events()
    response = books.call("POST", f"/v1/bulk/{resource}", {"items": items(*[data] * (cap + 1))})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("validation_error", "items")
    assert f"at most {cap} items" in error["message"]
    listed = {"parties": "/v1/parties", "invoices": "/v1/invoices", "receipts": "/v1/receipts",
              "journal-entries": "/v1/journal-entries"}[resource]
    expected = 1 if resource == "parties" else 0  # the customer made above
    assert len(list_all(books.api, listed, books.headers)) == expected
    assert books.events() == before


def test_empty_batches_and_repeated_keys_are_refused(books):
    assert bulk(books, "parties", {"items": []}, expect=422)["error"]["param"] == "items"
    repeated = items({"name": "A"}, {"name": "B"}, keys=["same", "same"])
    error = bulk(books, "parties", {"items": repeated}, expect=422)["error"]
    assert "each idempotency_key may appear once" in error["message"]
    assert list_all(books.api, "/v1/parties", books.headers) == []


def test_bulk_invoices_created_and_posted_and_a_retry_creates_no_duplicates(books):
    customer = books.customer()
    keys = ["inv-a", "inv-b", "inv-c"]
    body = {"post": True, "items": items({"customer_id": customer, "lines": [line(books, "100.00")]},
                                         {"customer_id": "pty_nobody", "lines": [line(books)]},
                                         {"customer_id": customer, "lines": [line(books, "250.00")]}, keys=keys)}
    first = bulk(books, "invoices", body)
    assert [(r["success"], r["status"]) for r in first["results"]] == [(True, 201), (False, 422), (True, 201)]
    posted = [first["results"][i]["data"] for i in (0, 2)]
    assert [p["status"] for p in posted] == ["awaiting_payment"] * 2
    year = posted[0]["issue_date"][:4]
    assert [p["number"] for p in posted] == [f"INV-{year}-0001", f"INV-{year}-0002"]
    assert [p["total"] for p in posted] == ["110.00", "275.00"]
    assert first["results"][1]["error"]["param"] == "customer_id"
    # When the client retries the whole batch (say its connection dropped)
    again = bulk(books, "invoices", body)
    # Then the created invoices are replayed, not made again, and the failed item is tried again
    assert [r["data"] for r in again["results"] if r["success"]] == posted
    assert again["results"][1]["success"] is False
    assert len(list_all(books.api, "/v1/invoices", books.headers)) == 2
    assert books.balance("1100") == 385  # receivable posted once per invoice


def test_a_draft_that_cannot_be_posted_is_reported_with_the_draft(books):
    customer = books.customer()
    books.call("PATCH", "/v1/tenant", {"lock_date": "2025-12-31"}, expect=200)
    result = bulk(books, "invoices", {"post": True, "items": items(
        {"customer_id": customer, "issue_date": "2025-06-30", "lines": [line(books)]}, keys=["locked"])})
    item = result["results"][0]
    assert (item["success"], item["status"], item["error"]["code"]) == (False, 409, "period_locked")
    assert item["data"]["status"] == "draft" and item["data"]["number"] is None
    # The draft stays (a retry with the same key finds it again instead of making another)
    again = bulk(books, "invoices", {"post": True, "items": items(
        {"customer_id": customer, "issue_date": "2025-06-30", "lines": [line(books)]}, keys=["locked"])})
    assert again["results"][0]["data"]["id"] == item["data"]["id"]
    assert [i["id"] for i in list_all(books.api, "/v1/invoices", books.headers)] == [item["data"]["id"]]


def test_bulk_drafts_without_post_stay_drafts(books):
    customer = books.customer()
    result = bulk(books, "invoices", {"items": items({"customer_id": customer, "lines": [line(books)]})})
    assert result["results"][0]["data"]["status"] == "draft"
    assert books.balance("1100") == 0


def test_another_tenants_ids_inside_an_item_fail_that_item_only(books, make_tenant, api):
    # Given another tenant's invoice
    other = Books(api, *(lambda t: (t.tenant_id, t.headers))(make_tenant()))
    foreign = other.posted(other.customer())
    customer = books.customer()
    own = books.posted(customer)
    # When a receipt in a batch allocates to it, beside a receipt for our own invoice
    result = bulk(books, "receipts", {"items": items(
        {"customer_id": customer, "amount": "100.00", "account_id": books.accounts["1010"],
         "allocations": [{"invoice_id": foreign["id"], "amount": "100.00"}]},
        {"customer_id": customer, "amount": own["total"], "account_id": books.accounts["1010"],
         "allocations": [{"invoice_id": own["id"], "amount": own["total"]}]},
    )})
    # Then that item is a 404, as POST /v1/receipts answers, and the other item is recorded
    failed, recorded = result["results"]
    assert (failed["success"], failed["status"], failed["error"]["code"]) == (False, 404, "resource_missing")
    assert recorded["success"] and recorded["data"]["allocated_amount"] == own["total"]
    assert books.invoice(own["id"])["status"] == "paid"
    assert other.invoice(foreign["id"])["amount_paid"] == "0.00"
    # And an invoice for the other tenant's customer fails as POST /v1/invoices does
    invoice = bulk(books, "invoices", {"items": items({"customer_id": foreign["customer_id"],
                                                       "lines": [line(books)]})})["results"][0]
    single = books.call("POST", "/v1/invoices", {"customer_id": foreign["customer_id"], "lines": [line(books)]})
    assert invoice["status"] == single.status_code == 422
    assert invoice["error"]["message"] == single.json()["error"]["message"]


def test_bulk_journal_entries_post_the_balanced_ones(books):
    expense, bank = books.accounts["6000"], books.accounts["1010"]
    keys = ["je-1", "je-2"]
    body = {"items": items(
        {"description": "Rent", "lines": [{"account_id": expense, "debit": "500.00"},
                                          {"account_id": bank, "credit": "500.00"}]},
        {"description": "Typo", "lines": [{"account_id": expense, "debit": "500.00"},
                                          {"account_id": bank, "credit": "50.00"}]}, keys=keys)}
    result = bulk(books, "journal-entries", body)
    assert [(r["success"], r["status"]) for r in result["results"]] == [(True, 201), (False, 422)]
    assert result["results"][1]["error"]["code"] == "unbalanced_entry"
    assert bulk(books, "journal-entries", body)["results"][0]["data"] == result["results"][0]["data"]
    assert len(list_all(books.api, "/v1/journal-entries", books.headers)) == 1
    assert books.balance("6000") == 500


def test_bulk_routes_need_the_scopes_of_their_single_item_posts(books):
    key = books.post("/v1/api-keys", {"name": "parties only", "scopes": ["parties:write"]})["secret"]
    headers = {"Authorization": f"Bearer {key}"}
    assert books.api.post("/v1/bulk/parties", json={"items": items({"name": "Ok"})},
                          headers=headers).status_code == 200
    for resource in ("invoices", "receipts", "journal-entries"):
        response = books.api.post(f"/v1/bulk/{resource}", json={"items": items({})}, headers=headers)
        assert response.status_code == 403 and response.json()["error"]["code"] == "missing_scope"
    assert books.api.post("/v1/bulk/parties", json={"items": items({"name": "x"})}).status_code == 401


# ---------------------------------------------------------------------- operations (issue 11.26)


def test_bulk_parties_takes_operations_that_create_and_update(books):
    existing = books.customer("Globex")
    result = bulk(books, "parties", {"operations": [
        {"operation": "create", "data": {"name": "Initech"}},
        {"operation": "update", "id": existing, "data": {"email": "ap@globex.example"}},
        {"data": {"name": "Hooli"}},  # create is the default
        {"operation": "update", "id": "pty_01AAAAAAAAAAAAAAAAAAAAAAAA", "data": {"name": "Nobody"}},
        {"operation": "update", "id": existing, "version": 1, "data": {"name": "Stale"}},
        {"operation": "update", "id": existing, "data": {"colour": "red"}},
    ]})
    assert [(r["index"], r["operation"], r["success"], r["status"]) for r in result["results"]] == [
        (0, "create", True, 201), (1, "update", True, 200), (2, "create", True, 201), (3, "update", False, 404),
        (4, "update", False, 412), (5, "update", False, 422)]
    updated = result["results"][1]["data"]
    assert (updated["id"], updated["name"], updated["email"], updated["version"]) == (
        existing, "Globex", "ap@globex.example", 2)
    assert result["results"][4]["error"]["code"] == "version_mismatch"
    assert books.get(f"/v1/parties/{existing}")["name"] == "Globex"
    assert "party.updated" in books.events()


def test_bulk_invoices_update_drafts_and_post_them(books):
    customer = books.customer()
    draft = books.draft(customer)
    result = bulk(books, "invoices", {"post": True, "operations": [
        {"operation": "update", "id": draft["id"], "idempotency_key": "fix-1",
         "data": {"reference": "PO-9", "lines": [line(books, "50.00")]}},
        {"operation": "create", "data": {"customer_id": customer, "lines": [line(books)]}},
    ]})
    assert [(r["operation"], r["success"], r["status"]) for r in result["results"]] == [
        ("update", True, 200), ("create", True, 201)]
    posted = result["results"][0]["data"]
    assert (posted["id"], posted["reference"], posted["status"], posted["total"]) == (
        draft["id"], "PO-9", "awaiting_payment", "55.00")
    assert posted["lines"][0]["quantity"] == "1"  # an unset field of a line takes its default, as in PATCH
    # Retrying the batch's update with its key replays; updating the posted invoice is refused
    again = bulk(books, "invoices", {"post": True, "operations": [
        {"operation": "update", "id": draft["id"], "idempotency_key": "fix-1",
         "data": {"reference": "PO-9", "lines": [line(books, "50.00")]}}]})
    assert again["results"][0]["success"] and again["results"][0]["data"]["number"] == posted["number"]
    late = bulk(books, "invoices", {"operations": [{"operation": "update", "id": draft["id"], "data": {"notes": "x"}}]})
    assert (late["results"][0]["status"], late["results"][0]["error"]["code"]) == (409, "invalid_state")


def test_operations_are_checked_as_a_batch(books):
    # update without an id, create with one, both lists, neither, an update of receipts: refused whole (422)
    for body in ({"operations": [{"operation": "update", "data": {"name": "A"}}]},
                 {"operations": [{"operation": "create", "id": "pty_x", "data": {"name": "A"}}]},
                 {"operations": [{"data": {"name": "A"}}], "items": [{"data": {"name": "B"}}]},
                 {},
                 {"operations": [{"operation": "delete", "id": "pty_x", "data": {}}]}):
        assert bulk(books, "parties", body, expect=422)["error"]["code"] == "validation_error"
    assert bulk(books, "parties", {"operations": [{"data": {"name": "A"}}] * 101}, expect=422)["error"][
        "param"] == "operations"
    receipt_update = {"operations": [{"operation": "update", "id": "rct_x", "data": {}}]}
    assert bulk(books, "receipts", receipt_update, expect=422)["error"]["param"].startswith("operations.0")
    assert list_all(books.api, "/v1/parties", books.headers) == []


def test_an_update_of_another_tenants_record_is_a_404_and_changes_nothing(books, make_tenant, api):
    other = Books(api, *(lambda t: (t.tenant_id, t.headers))(make_tenant()))
    foreign_party = other.customer("Theirs")
    foreign_draft = other.draft(foreign_party)
    parties = bulk(books, "parties", {"operations": [
        {"operation": "update", "id": foreign_party, "data": {"name": "Mine now"}}]})
    invoices = bulk(books, "invoices", {"post": True, "operations": [
        {"operation": "update", "id": foreign_draft["id"], "data": {"reference": "x"}}]})
    for result in (parties, invoices):
        assert (result["results"][0]["status"], result["results"][0]["error"]["code"]) == (404, "resource_missing")
    assert other.get(f"/v1/parties/{foreign_party}")["name"] == "Theirs"
    assert other.invoice(foreign_draft["id"])["status"] == "draft"
