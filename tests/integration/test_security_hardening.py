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
