"""The Lambda adapters, invoked with the sample events from events/ against DynamoDB Local."""

from __future__ import annotations

import importlib
import json

import pytest

from ledgerline.domain import api_versions
from ledgerline.domain.api_keys import digest
from ledgerline.store.api_keys import find_by_digest
from tests.conftest import load_event
from tests.lambda_context import LambdaContext


def handler(function: str):
    return importlib.import_module(f"functions.{function}.app").handler


def key_id(tenant) -> str:
    return find_by_digest(digest(tenant.secret)).id


def test_authorizer_allows_a_valid_key_and_passes_tenant_and_scopes(tenant):
    # Given the authorizer's sample event carrying a real key
    event = load_event("authorizer/request.json", api_key=tenant.secret)
    # When the authorizer runs
    policy = handler("authorizer")(event, LambdaContext())
    # Then it allows the call and hands the tenant, scopes and plan (for rate limits) to the function
    assert policy["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    # ...and the API version the key is pinned to (issue 20: a new key answers in the newest)
    assert policy["context"] == {"tenant_id": tenant.tenant_id, "key_id": key_id(tenant), "scopes": "admin",
                                 "plan": "enterprise", "api_version": api_versions.LATEST}


@pytest.mark.parametrize("secret", ["ll_live_" + "x" * 43, "not-a-key", ""])
def test_authorizer_refuses_unknown_or_malformed_keys(tenant, secret):
    event = load_event("authorizer/request.json", api_key=secret)
    with pytest.raises(PermissionError, match="^Unauthorized$"):
        handler("authorizer")(event, LambdaContext())


def test_parties_function_creates_then_reads_a_party(tenant):
    ids = {"tenant_id": tenant.tenant_id, "key_id": key_id(tenant)}
    created = handler("parties")(load_event("api/create_party.json", **ids), LambdaContext())
    assert created["statusCode"] == 201, created["body"]
    party = json.loads(created["body"])
    assert party["name"] == "Globex Corporation" and party["payment_terms_days"] == 14
    assert created["multiValueHeaders"].get("etag", created["headers"].get("etag")) in (['"1"'], '"1"')

    read = handler("parties")(load_event("api/get_party.json", party_id=party["id"], **ids), LambdaContext())
    assert read["statusCode"] == 200
    assert json.loads(read["body"])["id"] == party["id"]

    listed = handler("parties")(load_event("api/list_parties.json", **ids), LambdaContext())
    assert [p["id"] for p in json.loads(listed["body"])["data"]] == [party["id"]]


def test_function_checks_the_scope_the_authorizer_passed(tenant):
    # The list event's authorizer context grants only parties:read; the tenant event needs tenant:read.
    ids = {"tenant_id": tenant.tenant_id, "key_id": key_id(tenant)}
    event = load_event("api/list_parties.json", **ids)
    event["requestContext"]["authorizer"]["scopes"] = "items:read"
    response = handler("parties")(event, LambdaContext())
    assert response["statusCode"] == 403
    assert json.loads(response["body"])["error"]["code"] == "missing_scope"


def test_function_refuses_an_unknown_query_parameter(tenant):
    # Issue 11.22: through Mangum too, `?customer=` (a typo of customer_id) is a 400, not every invoice
    ids = {"tenant_id": tenant.tenant_id, "key_id": key_id(tenant)}
    event = load_event("api/list_invoices.json", **ids)
    event["queryStringParameters"] = {"limit": "10", "customer": "pty_x"}
    event["multiValueQueryStringParameters"] = {"limit": ["10"], "customer": ["pty_x"]}
    response = handler("invoices")(event, LambdaContext())
    assert response["statusCode"] == 400, response["body"]
    error = json.loads(response["body"])["error"]
    assert (error["code"], error["param"]) == ("unknown_parameter", "customer")


def test_tenant_function_reads_settings(tenant):
    ids = {"tenant_id": tenant.tenant_id, "key_id": key_id(tenant)}
    response = handler("tenant")(load_event("api/get_tenant.json", **ids), LambdaContext())
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["id"] == tenant.tenant_id and body["base_currency"] == "AUD"
    assert response["headers"]["x-request-id"] == "7f1d4c1e-0000-4000-8000-000000000001"


def test_refunds_function_pays_credit_back_once_per_idempotency_key(api, tenant):
    headers = tenant.headers
    customer = api.post("/v1/parties", json={"name": "Refund Co"}, headers=headers).json()["id"]
    bank = api.get("/v1/accounts", params={"subtype": "bank"}, headers=headers).json()["data"][0]["id"]
    receipt = api.post("/v1/receipts", json={"customer_id": customer, "amount": "40.00", "account_id": bank},
                       headers=headers).json()["id"]
    event = load_event("api/create_refund.json", tenant_id=tenant.tenant_id, key_id=key_id(tenant),
                       customer_id=customer, amount="25.00", bank_account_id=bank, receipt_id=receipt,
                       idempotency_key="lambda-refund-1")
    first = handler("refunds")(event, LambdaContext())
    assert first["statusCode"] == 201, first["body"]
    again = handler("refunds")(event, LambdaContext())
    assert json.loads(again["body"]) == json.loads(first["body"])
    assert json.loads(first["body"])["sources"][0]["source_id"] == receipt
    assert api.get(f"/v1/receipts/{receipt}", headers=headers).json()["unallocated_amount"] == "15.00"
