"""Rate limits by plan, counted in DynamoDB (so they hold across Lambda instances), with a clock the tests move.

Starter allows 120 requests a minute, professional 600, enterprise any number; every authenticated
response says where the caller stands (X-RateLimit-Limit/-Remaining/-Reset), and the request over
the limit is a 429 with Retry-After and the error envelope.
"""

from __future__ import annotations

import importlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from bench.meter import metered
from ledgerline.api.rate_limit import request_time
from ledgerline.domain.api_keys import Principal, digest
from ledgerline.local.server import create_local_app
from ledgerline.services import rate_limits
from ledgerline.store.api_keys import find_by_digest
from tests.conftest import load_event
from tests.lambda_context import LambdaContext

# A window starts on a whole minute; the tests' clock sits 10 s into one, far in the future so that
# no other test's requests share these windows.
WINDOW = datetime(2031, 1, 1, 12, 0, tzinfo=UTC)
NOW = WINDOW + timedelta(seconds=10)
RESET = str(int((WINDOW + timedelta(minutes=1)).timestamp()))


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def client(clock: Clock) -> TestClient:
    """The local app with the limiter's clock under the test's control."""
    app = create_local_app()
    app.dependency_overrides[request_time] = clock
    return TestClient(app, raise_server_exceptions=False)


def limits(response) -> tuple[str, str, str]:
    return (response.headers.get("X-RateLimit-Limit"), response.headers.get("X-RateLimit-Remaining"),
            response.headers.get("X-RateLimit-Reset"))


def test_a_starter_tenant_gets_120_requests_a_minute_then_429_until_the_window_resets(make_tenant, client, clock):
    tenant = make_tenant(plan="starter")
    # Given a starter tenant's first request of a minute
    first = client.get("/v1/tenant", headers=tenant.headers)
    assert first.status_code == 200
    assert limits(first) == ("120", "119", RESET)
    # When it spends its budget: 99 requests counted straight in the store (as other instances would),
    # then 20 over HTTP (errors count as requests too: here a 404)
    principal = Principal(tenant.tenant_id, "key_test", ("admin",), plan="starter")
    for _ in range(99):
        assert rate_limits.check(principal, NOW).allowed
    for n in range(101, 121):
        response = client.get("/v1/parties/pty_missing" if n == 110 else "/v1/tenant", headers=tenant.headers)
        assert response.status_code == (404 if n == 110 else 200), response.text
        assert limits(response) == ("120", str(120 - n), RESET)
    # Then the 121st request is refused with 429, Retry-After and the error envelope
    refused = client.get("/v1/tenant", headers=tenant.headers)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "50"
    assert limits(refused) == ("120", "0", RESET)
    error = refused.json()["error"]
    assert (error["type"], error["code"]) == ("rate_limit_error", "rate_limited")
    assert error["message"] == "Rate limit of 120 requests per minute exceeded; retry after 50 s"
    assert error["request_id"] == refused.headers["X-Request-ID"]
    # And refused requests do not run: a write is refused too, before its body is looked at
    assert client.post("/v1/parties", json={"name": "Not created"}, headers=tenant.headers).status_code == 429
    # When the clock reaches the next minute, the budget is whole again
    clock.moment = WINDOW + timedelta(minutes=1, seconds=1)
    again = client.get("/v1/parties", headers=tenant.headers)
    assert again.status_code == 200 and again.json()["data"] == []
    assert limits(again) == ("120", "119", str(int(WINDOW.timestamp()) + 120))


def test_two_tenants_do_not_share_a_budget(make_tenant, client):
    spent, fresh = make_tenant(plan="starter"), make_tenant(plan="starter")
    principal = Principal(spent.tenant_id, "key_test", ("admin",), plan="starter")
    for _ in range(120):
        assert rate_limits.check(principal, NOW).allowed
    assert client.get("/v1/tenant", headers=spent.headers).status_code == 429
    # The other tenant, in the same minute, has its whole budget
    response = client.get("/v1/tenant", headers=fresh.headers)
    assert response.status_code == 200 and limits(response) == ("120", "119", RESET)


def test_concurrent_requests_never_exceed_the_limit(make_tenant):
    # As from many Lambda instances at once: 150 requests, 8 at a time, in one minute
    tenant = make_tenant(plan="starter")
    principal = Principal(tenant.tenant_id, "key_test", ("admin",), plan="starter")
    with ThreadPoolExecutor(8) as pool:
        decisions = list(pool.map(lambda _: rate_limits.check(principal, NOW), range(150)))
    assert sum(d.allowed for d in decisions) == 120
    assert sorted(d.remaining for d in decisions if d.allowed) == list(range(120))


@pytest.mark.parametrize(("plan", "limit"), [("starter", "120"), ("professional", "600")])
def test_each_plan_has_its_limit(make_tenant, client, plan, limit):
    tenant = make_tenant(plan=plan)
    response = client.get("/v1/accounts", headers=tenant.headers)
    assert limits(response) == (limit, str(int(limit) - 1), RESET)


def test_enterprise_is_unlimited_and_says_so(make_tenant, client):
    tenant = make_tenant(plan="enterprise")
    for _ in range(3):
        response = client.get("/v1/tenant", headers=tenant.headers)
        assert response.status_code == 200
        assert limits(response) == ("unlimited", "unlimited", RESET)


def test_the_limit_costs_one_write_per_request_and_nothing_when_unlimited(make_tenant):
    # Measured against DynamoDB Local, which reports real consumed capacity (docs/decisions.md quotes this)
    starter = Principal(make_tenant(plan="starter").tenant_id, "key_test", ("admin",), plan="starter")
    unlimited = Principal(make_tenant().tenant_id, "key_test", ("admin",), plan="enterprise")
    with metered() as limited:
        rate_limits.check(starter, NOW)
    assert limited.calls == {"UpdateItem": 1} and limited.write_units == 1.0 and limited.read_units == 0
    with metered() as refused:
        for _ in range(121):
            decision = rate_limits.check(starter, NOW)
    assert not decision.allowed and refused.calls == {"UpdateItem": 121}
    with metered() as free:
        rate_limits.check(unlimited, NOW)
    assert free.round_trips == 0


def test_errors_after_authentication_carry_the_headers_and_401s_do_not(make_tenant, api):
    tenant = make_tenant(plan="starter")
    # 401: nobody to count against
    anonymous = api.get("/v1/tenant")
    assert anonymous.status_code == 401 and limits(anonymous) == (None, None, None)
    # 422 and 404 after authentication are counted and say so
    invalid = api.post("/v1/parties", json={}, headers=tenant.headers)
    assert invalid.status_code == 422 and invalid.headers["X-RateLimit-Limit"] == "120"
    missing = api.get("/v1/invoices/inv_missing", headers=tenant.headers)
    assert missing.status_code == 404 and missing.headers["X-RateLimit-Limit"] == "120"


def test_in_lambda_the_plan_comes_from_the_authorizer_and_the_headers_are_sent(make_tenant):
    # Given the parties function's sample event, with the context the authorizer gives a starter tenant
    tenant = make_tenant(plan="starter")
    key_id = find_by_digest(digest(tenant.secret)).id
    event = load_event("api/list_parties.json", tenant_id=tenant.tenant_id, key_id=key_id)
    event["requestContext"]["authorizer"]["plan"] = "starter"
    # When the function handles it
    response = importlib.import_module("functions.parties.app").handler(event, LambdaContext())
    # Then it answers with the tenant's limit in the headers
    assert response["statusCode"] == 200, response["body"]
    headers = {k.lower(): v for k, v in response["headers"].items()}
    assert headers["x-ratelimit-limit"] == "120" and int(headers["x-ratelimit-remaining"]) == 119
    assert json.loads(response["body"])["data"] == []
