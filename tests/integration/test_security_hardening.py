"""Issue 11 (security), items 18 to 21, against the local app and DynamoDB Local."""

from __future__ import annotations

import base64
import json

import pytest

from ledgerline.api.pagination import _signature


def forged_cursor(key: object, tenant_id: str, path: str) -> str:
    """What anyone holding the signing secret could send: a correctly signed cursor around any key."""
    payload = json.dumps({"k": key, "t": tenant_id, "p": path}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _signature(payload)


# ------------------------------------------------------------------------- 20: cursors


@pytest.mark.parametrize("key", [
    {"PK": {"S": "T#{tid}"}},                                   # no sort key
    {"PK": {"S": "T#{tid}"}, "SK": {"S": "ZZZ#outside"}},       # outside the list's key range
    {"PK": {"S": "T#{tid}"}, "SK": {"N": "1"}},                 # wrong attribute type
    {"PK": "T#{tid}", "SK": "PARTY#x"},                         # not attribute values
    {"PK": {"S": "T#{tid}"}, "SK": {"S": "PARTY#x"}, "GSI1PK": {"S": "x"}},  # another index's key
])
def test_a_well_signed_cursor_of_the_wrong_shape_is_a_400_not_a_500(api, tenant, key):
    key = json.loads(json.dumps(key).replace("{tid}", tenant.tenant_id))
    response = api.get(f"/v1/parties?cursor={forged_cursor(key, tenant.tenant_id, '/v1/parties')}",
                       headers=tenant.headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("state", [
    {"key": {"PK": {"S": "x"}, "SK": {"S": "y"}}},                                     # no running balance
    {"key": "nope", "running": "0", "account_id": "{account}"},
    {"key": {"PK": {"S": "T#{tid}#LEDGER#{account}"}, "SK": {"S": "2026"}}, "running": "lots",
     "account_id": "{account}"},
    {"key": {"PK": {"S": "T#{tid}#LEDGER#{account}"}, "SK": {"S": "2026"}}, "running": ["1"],
     "account_id": "{account}"},
])
def test_a_well_signed_general_ledger_cursor_of_the_wrong_shape_is_a_400(api, tenant, state):
    accounts = api.get("/v1/accounts?limit=100", headers=tenant.headers).json()["data"]
    account = next(a["id"] for a in accounts if a["code"] == "1010")
    state = json.loads(json.dumps(state).replace("{tid}", tenant.tenant_id).replace("{account}", account))
    cursor = forged_cursor(state, tenant.tenant_id, "/v1/reports/general-ledger")
    response = api.get(f"/v1/reports/general-ledger?account_id={account}&cursor={cursor}", headers=tenant.headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_cursor"


# ------------------------------------------------------------------------- 18: authentication


def test_two_authorization_headers_are_refused_with_400_even_when_the_first_is_valid(api, tenant):
    other = "Bearer ll_live_" + "x" * 43
    for pair in ((tenant.headers["Authorization"], other), (other, tenant.headers["Authorization"]),
                 (tenant.headers["Authorization"],) * 2):
        response = api.get("/v1/tenant", headers=[("Authorization", value) for value in pair])
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert (error["code"], error["param"]) == ("duplicate_authorization", "Authorization")


def test_a_deactivated_tenants_revoked_key_answers_tenant_deactivated(api, tenant):
    from ledgerline.services.tenants import deactivate_tenant

    deactivate_tenant(tenant.tenant_id)  # also revokes every key of the tenant
    response = api.get("/v1/tenant", headers=tenant.headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "tenant_deactivated"


@pytest.mark.parametrize("method, path", [("PATCH", "/v1/tenant"), ("PUT", "/v1/dunning-policy")])
@pytest.mark.parametrize("body, headers", [
    ("{not json", {"Content-Type": "application/json"}),
    ('{"levels": "nope", "name": 5}', {"Content-Type": "application/json"}),
    ("name=x", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("{}", {"Content-Type": "application/json", "If-Match": "not an etag"}),
])
def test_without_a_key_the_answer_is_401_whatever_the_body(api, method, path, body, headers):
    response = api.request(method, path, content=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["type"] == "authentication_error"


def test_a_key_created_by_a_short_lived_key_never_outlives_it(api, tenant):
    from datetime import UTC, datetime, timedelta

    soon = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    parent = api.post("/v1/api-keys", json={"name": "short", "scopes": ["admin"], "expires_at": soon.isoformat()},
                      headers=tenant.headers).json()
    parent_headers = {"Authorization": f"Bearer {parent['secret']}"}
    # Without an expiry of its own, the child takes the parent's
    child = api.post("/v1/api-keys", json={"name": "child", "scopes": ["parties:read"]}, headers=parent_headers)
    assert child.status_code == 201, child.text
    assert datetime.fromisoformat(child.json()["expires_at"]) == soon
    # A later expiry is refused, naming the field
    later = api.post("/v1/api-keys", json={"name": "child", "scopes": ["parties:read"],
                                           "expires_at": (soon + timedelta(days=30)).isoformat()},
                     headers=parent_headers)
    assert later.status_code == 422 and later.json()["error"]["param"] == "expires_at"
    # An earlier one is kept; and a key without expiry may still create keys without expiry
    earlier = api.post("/v1/api-keys", json={"name": "child", "scopes": ["parties:read"],
                                             "expires_at": (soon - timedelta(minutes=30)).isoformat()},
                       headers=parent_headers)
    assert datetime.fromisoformat(earlier.json()["expires_at"]) == soon - timedelta(minutes=30)
    forever = api.post("/v1/api-keys", json={"name": "forever", "scopes": ["parties:read"]}, headers=tenant.headers)
    assert forever.json()["expires_at"] is None


def test_in_lambda_two_authorization_headers_are_refused_by_the_function_and_the_authorizer(tenant):
    # API Gateway hands repeated headers in multiValueHeaders (Mangum joins them into one header).
    import importlib

    from ledgerline.domain.api_keys import digest
    from ledgerline.store.api_keys import find_by_digest
    from tests.conftest import load_event
    from tests.lambda_context import LambdaContext

    ids = {"tenant_id": tenant.tenant_id, "key_id": find_by_digest(digest(tenant.secret)).id}
    event = load_event("api/list_parties.json", **ids)
    twice = [tenant.headers["Authorization"], "Bearer ll_live_" + "y" * 43]
    event["multiValueHeaders"] = {"Authorization": twice}
    response = importlib.import_module("functions.parties.app").handler(event, LambdaContext())
    assert response["statusCode"] == 400, response
    assert json.loads(response["body"])["error"]["code"] == "duplicate_authorization"

    authorizer_event = load_event("authorizer/request.json", api_key=tenant.secret)
    assert importlib.import_module("functions.authorizer.app").handler(authorizer_event, LambdaContext())
    authorizer_event["multiValueHeaders"] = {"Authorization": twice}
    with pytest.raises(PermissionError, match="^Unauthorized$"):
        importlib.import_module("functions.authorizer.app").handler(authorizer_event, LambdaContext())


# ------------------------------------------------------------------------- 19: URLs and text


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook\r\nX-Injected: 1", "http://127.0.0.1:9/ho ok",
                                 "http://127.0.0.1:9/hook\x00", "http://127.0.0.1:0/hook", "http://127.0.0.1:/hook",
                                 "http://127.1:9/hook", "http://127.0.0.1:9/hook#frag"])
def test_webhook_urls_are_validated_strictly(api, tenant, url):
    response = api.post("/v1/webhooks", json={"url": url, "events": ["*"]}, headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["param"] == "url"


def test_a_webhook_url_is_stored_normalised(api, tenant):
    response = api.post("/v1/webhooks", json={"url": "HTTP://LocalHost:9", "events": ["*"]}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    assert response.json()["url"] == "http://localhost:9/"


@pytest.mark.parametrize("path, body, field", [
    ("/v1/parties", {"name": "Acme\x00"}, "name"),
    ("/v1/items", {"code": "X1", "name": "Widget", "description": "ok\u0007"}, "description"),
    ("/v1/api-keys", {"name": "k\x1b[2J", "scopes": ["admin"]}, "name"),
])
def test_control_characters_in_any_text_field_are_a_422_naming_it(api, tenant, path, body, field):
    response = api.post(path, json=body, headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["param"] == field


def test_line_breaks_are_kept_in_multi_line_text(api, tenant):
    response = api.post("/v1/items", json={"code": "X2", "name": "Widget", "description": "Line 1\nLine 2\tend"},
                        headers=tenant.headers)
    assert response.status_code == 201, response.text
    assert response.json()["description"] == "Line 1\nLine 2\tend"


# ------------------------------------------------------------------------- 21: log lines


def test_each_log_line_carries_its_own_request_and_tenant_ids_under_concurrency(make_tenant):
    """Concurrent requests of different tenants, and a relay thread invoking a function meanwhile (as
    `ledgerline dev` does): every line names its own request id and tenant, or its own invocation."""
    import logging
    import threading
    import time

    from fastapi import APIRouter, Depends
    from fastapi.testclient import TestClient

    from ledgerline.api.app import create_app
    from ledgerline.api.auth import require
    from ledgerline.observability import instrument, logger
    from tests.lambda_context import LambdaContext

    router = APIRouter()

    @router.get("/v1/log-probe")
    def probe(principal=Depends(require("tenant:read"))):  # noqa: ANN001, ANN202
        logger.info("probe: before")
        time.sleep(0.005)  # let the other requests and the relay interleave
        logger.info("probe: after")
        return {"tenant_id": principal.tenant_id}

    def relay_target(event, context):  # noqa: ANN001, ANN202
        logger.info("relay: before")
        time.sleep(0.003)
        logger.info("relay: after")

    class Capture(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[dict] = []
            self.setFormatter(logger.registered_formatter)

        def emit(self, record: logging.LogRecord) -> None:
            self.lines.append(json.loads(self.format(record)))

    client = TestClient(create_app(router), raise_server_exceptions=False)
    tenants = [make_tenant(name=f"Log Tenant {n}") for n in range(3)]
    target = instrument(relay_target, correlation_id_path="id")
    capture = Capture()
    logger.addHandler(capture)
    failures: list[str] = []

    def requests(tenant) -> None:  # noqa: ANN001
        for n in range(8):
            response = client.get("/v1/log-probe", headers={**tenant.headers,
                                                            "X-Request-ID": f"req-{tenant.tenant_id}-{n}"})
            if response.status_code != 200:
                failures.append(response.text)

    def relay() -> None:
        for n in range(20):
            target({"id": f"evt-{n}"}, LambdaContext(aws_request_id=f"lambda-{n}"))

    try:
        threads = [threading.Thread(target=requests, args=(t,)) for t in tenants]
        threads.append(threading.Thread(target=relay))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        logger._logger.removeHandler(capture)
    assert not failures

    probes = [line for line in capture.lines if line["message"].startswith("probe")]
    relays = [line for line in capture.lines if line["message"].startswith("relay")]
    assert len(probes) == 2 * 3 * 8 and len(relays) == 2 * 20
    for line in probes:
        assert line["request_id"].startswith(f"req-{line['tenant_id']}-"), line
        assert "correlation_id" not in line and "function_request_id" not in line, line
    for line in relays:
        assert line["correlation_id"] == "evt-" + line["function_request_id"].removeprefix("lambda-"), line
        assert "request_id" not in line and "tenant_id" not in line, line
