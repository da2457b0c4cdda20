"""The API over real HTTP: a tenant from the CLI, an invoice drafted and posted, retries, docs, errors."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest


@pytest.fixture(scope="module")
def auth(server) -> dict[str, str]:
    tenant = server.create_tenant(name="Initech Pty Ltd")
    assert tenant["tenant_id"].startswith("ten_")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"type", "code", "message", "param", "details", "request_id"} <= set(body["error"]), body
    return body["error"]


def test_a_draft_invoice_is_posted_once_however_often_the_client_retries(http, auth):
    # Given a customer
    party = http.post("/v1/parties", headers=auth, json={"name": "Globex Corporation", "kind": "customer"})
    assert party.status_code == 201, party.text
    assert party.headers["ETag"] == '"1"'
    draft = {"customer_id": party.json()["id"],
             "lines": [{"description": "Consulting", "quantity": "10", "unit_price": "100.00"},
                       {"description": "Setup fee", "unit_price": 250}]}

    # When a draft is created, then created again with the same Idempotency-Key
    first = http.post("/v1/invoices", headers=auth | {"Idempotency-Key": "e2e-draft-1"}, json=draft)
    replay = http.post("/v1/invoices", headers=auth | {"Idempotency-Key": "e2e-draft-1"}, json=draft)

    # Then the second answer is the first one: one invoice, not two
    assert first.status_code == 201, first.text
    invoice = first.json()
    assert (invoice["status"], invoice["number"], invoice["total"]) == ("draft", None, "1250.00")
    assert replay.status_code == 201 and replay.json() == invoice
    listed = http.get("/v1/invoices", headers=auth, params={"customer_id": invoice["customer_id"]}).json()
    assert [i["id"] for i in listed["data"]] == [invoice["id"]]

    # And the same key with another body is refused
    other = http.post("/v1/invoices", headers=auth | {"Idempotency-Key": "e2e-draft-1"},
                      json=draft | {"reference": "PO-42"})
    assert other.status_code == 422, other.text
    assert error_of(other)["code"] == "idempotency_error"

    # When the draft is posted, and the post is retried with the same key
    post = f"/v1/invoices/{invoice['id']}/post"
    posted = http.post(post, headers=auth | {"Idempotency-Key": "e2e-post-1"})
    retried = http.post(post, headers=auth | {"Idempotency-Key": "e2e-post-1"})

    # Then it is numbered once, and the retry replays the same body
    assert posted.status_code == 200, posted.text
    body = posted.json()
    assert re.fullmatch(r"INV-\d{4}-0001", body["number"])
    assert (body["status"], body["amount_due"]) == ("awaiting_payment", "1250.00")
    assert posted.headers["ETag"] == f'"{body["version"]}"'
    assert retried.status_code == 200 and retried.json() == body

    # And posting again without the key is a state conflict, not a second number
    again = http.post(post, headers=auth)
    assert again.status_code == 409, again.text
    assert error_of(again)["code"] == "invalid_state"
    assert http.get(f"/v1/invoices/{invoice['id']}", headers=auth).json()["number"] == body["number"]


def test_docs_are_served_as_html_and_the_openapi_document_lists_the_resources(http):
    docs = http.get("/docs")
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")

    schema = http.get("/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/v1/invoices", "/v1/parties", "/v1/invoices/{id}/post", "/v1/receipts"} <= set(paths)


def test_an_unknown_route_is_a_404_in_the_error_envelope_with_the_callers_request_id(http, auth):
    response = http.get("/v1/no-such-thing", headers=auth | {"X-Request-ID": "e2e-request-404"})

    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "e2e-request-404"
    error = error_of(response)
    assert (error["type"], error["code"], error["request_id"]) == (
        "invalid_request_error", "route_not_found", "e2e-request-404")


def test_every_response_carries_a_request_id(http, auth):
    given = http.get("/v1/tenant", headers=auth | {"X-Request-ID": "e2e-request-200"})
    generated = http.get("/v1/tenant", headers=auth)

    assert given.status_code == generated.status_code == 200
    assert given.headers["X-Request-ID"] == "e2e-request-200"
    assert generated.headers["X-Request-ID"]


def test_a_request_without_an_api_key_is_a_401(http):
    response = http.get("/v1/invoices")

    assert response.status_code == 401
    assert error_of(response)["type"] == "authentication_error"
