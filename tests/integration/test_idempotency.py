"""Idempotency-Key (issue 11, items 12, 13 and 25): honoured on every creating POST, replays marked
`Idempotent-Replayed: true`, secrets never kept in plain text, committed writes always answered,
and a request killed in flight does not block its key for 24 hours."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from ledgerline.observability import instrument
from ledgerline.services import idempotency
from ledgerline.settings import get_settings
from ledgerline.store.idempotency import IdempotencyRecord
from ledgerline.store.table import connection
from tests.breakit.faults import dynamodb_error
from tests.integration.factories import RESOURCES, assert_error, list_all, valid_body
from tests.lambda_context import LambdaContext

REPLAYED = "Idempotent-Replayed"


def records(tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's idempotency records as stored (DynamoDB JSON)."""
    client = connection().connection.client
    return client.query(TableName=get_settings().table_name, KeyConditionExpression="PK = :pk",
                        ExpressionAttributeValues={":pk": {"S": f"T#{tenant_id}#IDEMPOTENCY"}},
                        ConsistentRead=True)["Items"]


def twice(books, path: str, body: Any, key: str, expect: int = 201) -> tuple[Any, Any]:
    first = books.call("POST", path, body, expect=expect, **{"Idempotency-Key": key})
    again = books.call("POST", path, body, **{"Idempotency-Key": key})
    return first, again


# ------------------------------------------------------------------------------ item 25


@pytest.mark.parametrize("resource", RESOURCES)
def test_master_data_creates_honour_the_idempotency_key_and_mark_the_replay(api, books, resource):
    body = valid_body(api, books.headers, resource)
    before = len(list_all(api, f"/v1/{resource}", books.headers))
    first, again = twice(books, f"/v1/{resource}", body, f"create-{resource}")
    assert again.status_code == 201 and again.json() == first.json()
    assert REPLAYED not in first.headers and again.headers[REPLAYED] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(list_all(api, f"/v1/{resource}", books.headers)) == before + 1
    other = books.call("POST", f"/v1/{resource}", {**body, "name": "Another"},
                       **{"Idempotency-Key": f"create-{resource}"})
    assert_error(other, 422, "idempotency_error")


def test_a_party_made_by_bulk_is_replayed_by_the_single_post_with_its_key(books):
    body = {"name": "Bulk Party"}
    books.post("/v1/bulk/parties", {"items": [{"idempotency_key": "party-7", "data": body}]}, expect=200)
    again = books.call("POST", "/v1/parties", body, expect=201, **{"Idempotency-Key": "party-7"})
    assert again.headers[REPLAYED] == "true"
    assert [p["name"] for p in books.get("/v1/parties")["data"]] == ["Bulk Party"]


def test_replays_of_document_and_money_moving_posts_are_marked(books):
    customer = books.customer()
    body = {"customer_id": customer, "lines": [{"description": "Work", "unit_price": "100.00"}]}
    first, again = twice(books, "/v1/invoices", body, "inv-1")
    assert REPLAYED not in first.headers and again.headers[REPLAYED] == "true" and again.json() == first.json()
    invoice = first.json()
    posted, reposted = twice(books, f"/v1/invoices/{invoice['id']}/post", None, "post-1", expect=200)
    assert reposted.status_code == 200 and reposted.headers[REPLAYED] == "true"
    receipt = {"customer_id": customer, "amount": "100.00", "account_id": books.accounts["1010"],
               "allocations": [{"invoice_id": invoice["id"], "amount": "100.00"}]}
    paid, repaid = twice(books, "/v1/receipts", receipt, "pay-1")
    assert repaid.headers[REPLAYED] == "true" and repaid.json() == paid.json()
    # without a key, or with a new one, nothing says replay
    assert REPLAYED not in books.call("GET", f"/v1/invoices/{invoice['id']}").headers


def test_a_webhook_replay_answers_the_same_secret_which_is_kept_only_sealed(books):
    body = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}
    first, again = twice(books, "/v1/webhooks", body, "hook-1")
    assert again.status_code == 201 and again.headers[REPLAYED] == "true"
    assert again.json() == first.json() and first.json()["secret"].startswith("whsec_")
    assert len(books.get("/v1/webhooks")["data"]) == 1
    stored = str(records(books.tenant_id))
    assert first.json()["secret"] not in stored and first.json()["secret"].removeprefix("whsec_") not in stored


def test_an_api_key_replay_is_a_409_naming_the_key_and_its_secret_is_never_stored(books):
    body = {"name": "CI", "scopes": ["invoices:read"]}
    first, again = twice(books, "/v1/api-keys", body, "key-1")
    created = first.json()
    error = assert_error(again, 409, "secret_shown_once")
    assert again.headers[REPLAYED] == "true"
    assert error["param"] == "Idempotency-Key" and created["id"] in error["message"]
    assert [k["id"] for k in books.get("/v1/api-keys")["data"] if k["name"] == "CI"] == [created["id"]]
    assert created["secret"] not in str(records(books.tenant_id))


# ------------------------------------------------------------------------------ item 12


def test_a_committed_write_answers_its_result_when_its_record_cannot_be_completed(books):
    # Issue 13: a use case on the unit of work puts its record in its own transaction (nothing to fail
    # apart); a use case off it (webhooks) puts it after the write. DynamoDB refuses that put (as it would
    # an item over 400 KB): the client still gets what was created.
    body = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}

    def idempotency_put(request: dict[str, Any]) -> bool:
        return request.get("Item", {}).get("PK", {}).get("S", "").endswith("#IDEMPOTENCY")

    with dynamodb_error("PutItem", "ValidationException", times=1, when=idempotency_put) as injected:
        response = books.call("POST", "/v1/webhooks", body, **{"Idempotency-Key": "hook-big"})
    assert injected.hits == 1
    assert response.status_code == 201, response.text
    assert [hook["id"] for hook in books.get("/v1/webhooks")["data"]] == [response.json()["id"]]


def test_a_result_too_large_for_its_record_is_kept_as_a_reference_and_replayed(books):
    # 100 lines of 700 CJK characters: fits the invoice item and its event (UTF-8), but the response as
    # Powertools stores it (\\u-escaped JSON) would take more than 400 KB
    lines = [{"description": "東" * 700, "unit_price": "10.00"} for _ in range(100)]
    body = {"customer_id": books.customer(), "lines": lines}
    first, again = twice(books, "/v1/invoices", body, "inv-huge")
    assert again.status_code == 201 and again.headers[REPLAYED] == "true"
    assert again.json() == first.json()
    (record,) = records(books.tenant_id)
    # the response is stored compressed (issue 13, write capacity): read it through the record's model
    assert "status" not in record and idempotency.REFERENCE in IdempotencyRecord.from_raw_data(record).response
    assert len(books.get("/v1/invoices")["data"]) == 1
    # a reference replays the object as it is now
    posted = books.post(f"/v1/invoices/{first.json()['id']}/post", expect=200)
    assert books.call("POST", "/v1/invoices", body, **{"Idempotency-Key": "inv-huge"}).json() == posted


# ------------------------------------------------------------------------------ item 13
# Issue 13 changed these: there is no "in progress" record any more (the record is written with the write it
# answers), so a request killed in flight leaves nothing behind and its retry runs at once, instead of
# being refused 409 `idempotency_in_progress` until the in-progress record expired.


class Crash(BaseException):
    """A process killed in flight: nothing after it runs."""


def _crash() -> dict[str, Any]:
    raise Crash


def _made() -> dict[str, Any]:
    return {"object": "thing", "id": "thing_1"}


def _killed_then_retried(tenant_id: str, key: str, call: Any) -> None:
    with pytest.raises(Crash):
        call(lambda: idempotency.once(tenant_id, key, "op", {}, _crash))
    assert records(tenant_id) == []  # nothing is left to block the key...
    # ...so a retry runs at once, and a later repeat is its replay
    assert idempotency.once(tenant_id, key, "op", {}, _made) == _made()
    assert idempotency.once(tenant_id, key, "op", {}, _crash) == _made()


def test_a_request_killed_in_flight_on_the_local_server_leaves_its_key_free(tenant):
    _killed_then_retried(tenant.tenant_id, "crash-local", lambda call: call())


@dataclass
class EndingSoon(LambdaContext):
    remaining: int = 800

    def get_remaining_time_in_millis(self) -> int:  # type: ignore[override]
        return self.remaining


def test_a_lambda_invocation_killed_in_flight_leaves_its_key_free(tenant):
    def in_lambda(call: Any) -> None:
        handler = instrument(lambda event, context: call(), correlation_id_path=None)
        handler({}, EndingSoon(remaining=800))

    _killed_then_retried(tenant.tenant_id, "crash-lambda", in_lambda)


def test_a_money_moving_request_killed_before_its_commit_leaves_its_key_free(books, monkeypatch):
    from ledgerline.store import unit_of_work

    body = {"customer_id": books.customer(), "lines": [{"description": "Work", "unit_price": "100.00"}]}
    def killed(self: Any) -> None:
        raise RuntimeError("the process dies here")  # (a BaseException would take the test client with it)

    monkeypatch.setattr(unit_of_work.DynamoUnitOfWork, "commit", killed)
    assert books.call("POST", "/v1/invoices", body, **{"Idempotency-Key": "inv-crash"}).status_code == 500
    monkeypatch.undo()
    assert records(books.tenant_id) == []
    first = books.call("POST", "/v1/invoices", body, expect=201, **{"Idempotency-Key": "inv-crash"})
    assert REPLAYED not in first.headers and len(books.get("/v1/invoices")["data"]) == 1


def test_the_lambda_function_registers_its_invocation_and_marks_replays(tenant):
    import importlib

    from ledgerline.domain.api_keys import digest
    from ledgerline.store.api_keys import find_by_digest
    from tests.conftest import load_event

    handler = importlib.import_module("functions.parties.app").handler
    event = load_event("api/create_party.json", tenant_id=tenant.tenant_id,
                       key_id=find_by_digest(digest(tenant.secret)).id)
    event["headers"]["Idempotency-Key"] = "lambda-party"
    before = int(time.time())
    first = handler(event, EndingSoon(remaining=20_000))
    assert first["statusCode"] == 201, first["body"]
    (record,) = records(tenant.tenant_id)
    # issue 13: the record is written completed (no in-progress expiry) and kept 24 hours
    assert "in_progress_expiration" not in record and "status" not in record
    assert before + 24 * 3600 - 1 <= int(record["expires_at"]["N"]) <= int(time.time()) + 24 * 3600
    again = handler(event, EndingSoon(remaining=20_000))
    headers = {k.lower(): v for k, v in {**again["headers"], **again.get("multiValueHeaders", {})}.items()}
    assert again["body"] == first["body"] and headers["idempotent-replayed"] in ("true", ["true"])


def test_a_rotated_webhook_secret_is_replayed_from_its_sealed_record(books):
    hook = books.post("/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["*"]})
    first, again = twice(books, f"/v1/webhooks/{hook['id']}/rotate-secret", None, "rotate-1", expect=200)
    assert again.status_code == 200 and again.headers[REPLAYED] == "true"
    assert again.json()["secret"] == first.json()["secret"] != hook["secret"]
    assert books.get(f"/v1/webhooks/{hook['id']}")["version"] == first.json()["version"]  # rotated once
    assert first.json()["secret"] not in str(records(books.tenant_id))


def test_a_bulk_request_whose_items_replay_is_not_marked_as_a_replay(books):
    batch = {"items": [{"idempotency_key": "bulk-1", "data": {"name": "Bulk Co"}}]}
    books.post("/v1/bulk/parties", batch, expect=200)
    again = books.call("POST", "/v1/bulk/parties", batch, expect=200, **{"Idempotency-Key": "whole-batch"})
    assert REPLAYED not in again.headers and again.json()["succeeded"] == 1
    assert len(books.get("/v1/parties")["data"]) == 1
