"""The Python SDK's core (issue 20, item 1) against httpx.MockTransport: retries with backoff honouring
Retry-After, one Idempotency-Key per call kept over its retries, auto-pagination, typed errors, the version
header, and webhook signatures checked against what the server's own signing code produces."""

from __future__ import annotations

import asyncio
import json

import httpx
import ledgerline_sdk as sdk
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledgerline_sdk import webhooks
from ledgerline_sdk._core import RetryPolicy

from ledgerline.domain import webhook_signing

INVOICE = {"object": "invoice", "id": "inv_1", "status": "draft"}
ERROR = {"type": "invalid_request_error", "code": "validation_error", "message": "bad", "param": None,
         "details": [{"field": "lines.0.quantity", "message": "must be positive"}], "request_id": "req_1"}


def client(handler, **options) -> tuple[sdk.Client, list[float]]:
    waits: list[float] = []
    made = sdk.Client("ll_live_key", base_url="http://api.test", http_client=httpx.Client(
        transport=httpx.MockTransport(handler)), sleep=waits.append, **options)
    return made, waits


def error(status: int, code: str = "x", headers: dict[str, str] | None = None, **fields) -> httpx.Response:
    return httpx.Response(status, json={"error": {**ERROR, "code": code, **fields}}, headers=headers)


# ----------------------------------------------------------------------------------------------- retries

def test_a_429_is_retried_after_the_servers_retry_after_with_the_same_idempotency_key():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) < 3:
            return error(429, "rate_limited", {"Retry-After": "7"}) if len(seen) == 1 else error(503, "busy")
        return httpx.Response(201, json=INVOICE)

    api, waits = client(handler)
    assert api.invoices.create(customer_id="pty_1", lines=[]) == INVOICE
    assert len(seen) == 3
    keys = {request.headers["idempotency-key"] for request in seen}
    assert len(keys) == 1 and len(keys.pop()) == 36  # one generated key, the same on every retry
    assert waits[0] == 7  # Retry-After honoured
    assert 0.5 * 2 * 0.75 <= waits[1] <= 0.5 * 2  # then exponential backoff (attempt 1), jittered
    assert json.loads(seen[0].content) == {"customer_id": "pty_1", "lines": []}
    assert seen[0].headers["authorization"] == "Bearer ll_live_key"


def test_retry_after_is_bounded_and_retries_stop_after_max_retries():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return error(429, "rate_limited", {"Retry-After": "3600"})

    api, waits = client(handler, retry=RetryPolicy(max_retries=2, max_retry_wait=20))
    with pytest.raises(sdk.RateLimitError) as raised:
        api.invoices.list()
    assert len(calls) == 3 and waits == [20, 20]
    assert raised.value.retry_after == 3600 and raised.value.status == 429


@given(st.integers(min_value=0, max_value=30), st.floats(min_value=0.75, max_value=1.0))
def test_backoff_doubles_up_to_its_cap(attempt, jitter):
    policy = RetryPolicy(initial=0.5, max_backoff=8.0)
    wait = policy.wait(attempt, None, jitter)
    assert 0 < wait <= 8.0
    assert wait == pytest.approx(min(0.5 * 2**attempt, 8.0) * jitter)


def test_other_errors_are_not_retried_and_a_given_idempotency_key_is_sent_as_is():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return error(409, "invoice_not_draft", message="already posted")

    api, waits = client(handler)
    with pytest.raises(sdk.ConflictError) as raised:
        api.invoices.post("inv_1", idempotency_key="post-inv_1")
    assert len(seen) == 1 and waits == []
    assert seen[0].headers["idempotency-key"] == "post-inv_1"
    assert seen[0].url.path == "/v1/invoices/inv_1/post"
    assert raised.value.code == "invoice_not_draft" and raised.value.request_id == "req_1"


def test_two_calls_get_two_keys_and_reads_get_none():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=INVOICE)

    api, _ = client(handler)
    api.receipts.create(amount="1.00")
    api.receipts.create(amount="1.00")
    api.invoices.get("inv_1")
    assert seen[0].headers["idempotency-key"] != seen[1].headers["idempotency-key"]
    assert "idempotency-key" not in seen[2].headers


def test_a_connection_that_fails_is_retried_then_raised():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    api, waits = client(handler, max_retries=1)
    with pytest.raises(sdk.APIConnectionError):
        api.tenant.get()
    assert len(calls) == 2 and len(waits) == 1


# ------------------------------------------------------------------------------------------------ errors

@pytest.mark.parametrize(("status", "code", "cls"), [
    (400, "unknown_parameter", sdk.InvalidRequestError), (401, "invalid_api_key", sdk.AuthenticationError),
    (403, "missing_scope", sdk.PermissionDeniedError), (404, "not_found", sdk.NotFoundError),
    (409, "conflict", sdk.ConflictError), (412, "version_mismatch", sdk.PreconditionFailedError),
    (422, "validation_error", sdk.ValidationError), (422, "idempotency_error", sdk.IdempotencyError),
    (500, "internal_error", sdk.APIError)])
def test_each_error_kind_is_its_own_class(status, code, cls):
    api, _ = client(lambda request: error(status, code))
    with pytest.raises(cls) as raised:
        api.invoices.get("inv_1")
    assert type(raised.value) is cls and isinstance(raised.value, sdk.LedgerlineError)
    assert raised.value.status == status and raised.value.code == code


def test_a_validation_error_names_its_field():
    api, _ = client(lambda request: error(422, "validation_error"))
    with pytest.raises(sdk.ValidationError) as raised:
        api.invoices.create(customer_id="pty_1")
    assert raised.value.field == "lines.0.quantity"
    api, _ = client(lambda request: error(422, "invalid_metadata", param="metadata.order_id"))
    with pytest.raises(sdk.ValidationError) as raised:
        api.invoices.update("inv_1", metadata={"order_id": "x" * 501})
    assert raised.value.field == "metadata.order_id"


# ---------------------------------------------------------------------------------------------- pagination

def test_list_all_follows_the_cursor_with_the_same_filters():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        cursor = request.url.params.get("cursor")
        pages = {None: (["inv_1", "inv_2"], "c1"), "c1": (["inv_3"], "c2"), "c2": ([], None)}
        ids, nxt = pages[cursor]
        return httpx.Response(200, json={"data": [{"id": i} for i in ids], "has_more": nxt is not None,
                                         "next_cursor": nxt})

    api, _ = client(handler)
    assert [inv["id"] for inv in api.invoices.list_all(status=["paid"], metadata={"order_id": "42"})] == [
        "inv_1", "inv_2", "inv_3"]
    assert len(seen) == 3
    assert all(r.url.params.get_list("status") == ["paid"] and r.url.params["metadata[order_id]"] == "42"
               for r in seen)
    assert "cursor" not in seen[0].url.params and seen[1].url.params["cursor"] == "c1"


def test_the_async_client_retries_paginates_and_raises_the_same_way():
    keys = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            keys.append(request.headers["idempotency-key"])
            return error(503, "busy") if len(keys) == 1 else httpx.Response(201, json=INVOICE)
        if request.url.path == "/v1/invoices/inv_9":
            return error(404, "not_found")
        cursor = request.url.params.get("cursor")
        return httpx.Response(200, json={"data": [{"id": cursor or "first"}], "has_more": cursor is None,
                                         "next_cursor": None if cursor else "second"})

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def run() -> None:
        async with sdk.AsyncClient("k", base_url="http://api.test", sleep=sleep, http_client=httpx.AsyncClient(
                transport=httpx.MockTransport(handler))) as api:
            assert await api.invoices.create(customer_id="pty_1") == INVOICE
            assert [inv["id"] async for inv in api.invoices.list_all()] == ["first", "second"]
            with pytest.raises(sdk.NotFoundError):
                await api.invoices.get("inv_9")

    asyncio.run(run())
    assert len(keys) == 2 and keys[0] == keys[1] and len(waits) == 1


# ------------------------------------------------------------------------------------------------ version

def test_the_version_header_is_sent_from_the_client_or_the_call():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [], "has_more": False, "next_cursor": None})

    api, _ = client(handler, api_version="2026-01-01")
    api.api_keys.list()
    api.api_keys.list(ledgerline_version="2026-12-05")
    assert [r.headers["ledgerline-version"] for r in seen] == ["2026-01-01", "2026-12-05"]


def test_api_version_as_a_keyword_is_the_body_field_of_keys_and_webhooks_not_the_header():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"object": "api_key"})

    api, _ = client(handler)
    api.api_keys.create(name="legacy sync", scopes=["invoices:read"], api_version="2026-01-01")
    api.webhooks.create(url="https://example.com/hooks", events=["*"], api_version="2026-01-01")
    assert [json.loads(r.content)["api_version"] for r in seen] == ["2026-01-01", "2026-01-01"]
    assert all("ledgerline-version" not in r.headers for r in seen)


def test_non_json_answers_come_back_as_bytes_or_text():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/pdf"):
            return httpx.Response(200, content=b"%PDF-1.7", headers={"content-type": "application/pdf"})
        return httpx.Response(200, text="code,name\n", headers={"content-type": "text/csv"})

    api, _ = client(handler)
    assert api.invoices.get_pdf("inv_1") == b"%PDF-1.7"
    assert api.reports.trial_balance_csv() == "code,name\n"


# ------------------------------------------------------------------------------------------------ webhooks

def test_a_delivery_signed_by_the_server_verifies_and_a_tampered_one_does_not():
    secret, rotated = webhook_signing.new_secret(), webhook_signing.new_secret()
    body = json.dumps({"id": "evt_1", "type": "invoice.posted", "data": {"object": INVOICE}})
    headers = webhook_signing.headers("msg_1", 1_800_000_000, body, [rotated, secret])
    headers = {name.title(): value for name, value in headers.items()}  # any capitalisation

    event = webhooks.verify(body, headers, secret, now=1_800_000_010)
    assert event["type"] == "invoice.posted"
    assert webhooks.verify(body.encode(), headers, rotated, now=1_800_000_010)["id"] == "evt_1"
    assert webhooks.sign(secret, "msg_1", 1_800_000_000, body) == webhook_signing.signature(
        secret, "msg_1", 1_800_000_000, body)

    for payload, hdrs, key, now in [
        (body.replace("posted", "voided"), headers, secret, 1_800_000_010),  # body changed
        (body, headers, webhook_signing.new_secret(), 1_800_000_010),  # another secret
        (body, headers, secret, 1_800_000_000 + 301),  # too old (replay)
        (body, {k: v for k, v in headers.items() if k != "Webhook-Signature"}, secret, 1_800_000_010),
        (body, {**headers, "Webhook-Id": "msg_2"}, secret, 1_800_000_010),  # id changed
    ]:
        with pytest.raises(sdk.WebhookVerificationError):
            webhooks.verify(payload, hdrs, key, now=now)
