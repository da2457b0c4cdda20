"""`Custom::LedgerlineTenant`: the provisioner's Lambda handler driven with the CloudFormation events in
events/cloudformation/, Secrets Manager and API Gateway through moto, the table on DynamoDB Local, and
CloudFormation's ResponseURL played by a real HTTP server on loopback. Every request gets one answer."""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from ledgerline import settings as settings_module
from ledgerline.domain.errors import Unauthenticated
from ledgerline.provisioning import aws, custom_resource
from ledgerline.provisioning.responder import Outcome, Responder
from ledgerline.services import api_keys
from ledgerline.settings import configure, get_settings
from ledgerline.store.accounts import all_accounts
from ledgerline.store.api_keys import insert
from ledgerline.store.tenants import load_tenant
from tests.conftest import load_event
from tests.integration.cfn_receiver import ResponseReceiver
from tests.lambda_context import LambdaContext

STACK = "ledgerline-test"
PLANS = ("starter", "professional", "enterprise")


@dataclass
class Aws:
    usage_plans: dict[str, str]

    @property
    def secrets(self) -> Any:
        return boto3.client("secretsmanager", region_name=get_settings().region)

    @property
    def apigateway(self) -> Any:
        return boto3.client("apigateway", region_name=get_settings().region)

    def secret_name(self, tenant_id: str) -> str:
        return f"{STACK}/tenants/{tenant_id}/admin-api-key"

    def admin_key(self, tenant_id: str) -> dict[str, str]:
        return json.loads(self.secrets.get_secret_value(SecretId=self.secret_name(tenant_id))["SecretString"])

    def plans_of(self, tenant_id: str) -> list[str]:
        keys = [k for k in self.apigateway.get_api_keys(nameQuery=f"{STACK}-{tenant_id}")["items"]
                if k["name"] == f"{STACK}-{tenant_id}"]
        if not keys:
            return []
        names = {plan_id: plan for plan, plan_id in self.usage_plans.items()}
        return [names[p["id"]] for p in self.apigateway.get_usage_plans(keyId=keys[0]["id"])["items"]]


@pytest.fixture(scope="module")
def cloud() -> Iterator[Aws]:
    """Secrets Manager and API Gateway (with one usage plan per tenant plan) in moto, for this module."""
    saved = dict(settings_module._overrides)
    with mock_aws():
        aws.secrets_manager.cache_clear()
        aws.api_gateway.cache_clear()
        client = boto3.client("apigateway", region_name=get_settings().region)
        plans = {plan: client.create_usage_plan(name=f"{STACK}-{plan}")["id"] for plan in PLANS}
        configure(stack_name=STACK, usage_plans=plans)
        yield Aws(plans)
    settings_module._overrides.clear()
    settings_module._overrides.update(saved)
    get_settings.cache_clear()
    aws.secrets_manager.cache_clear()
    aws.api_gateway.cache_clear()


@pytest.fixture
def receiver() -> Iterator[ResponseReceiver]:
    server = ResponseReceiver()
    yield server
    server.close()


def handler():
    return importlib.import_module("functions.tenant_provisioner.app").handler


def event(name: str, receiver: ResponseReceiver, **changes: Any) -> dict[str, Any]:
    sample = load_event(f"cloudformation/{name}.json")
    sample["ResponseURL"] = receiver.url(sample["RequestId"])
    for key, value in changes.items():
        if key == "properties":
            sample["ResourceProperties"] = {**sample["ResourceProperties"], **value}
        else:
            sample[key] = value
    return sample


def answer_to(request: dict[str, Any], receiver: ResponseReceiver, context: Any = None) -> dict[str, Any]:
    """Run the handler; CloudFormation must have received exactly one answer, which is returned."""
    before = len(receiver.answers)
    assert handler()(request, context or LambdaContext()) is None
    answers = receiver.wait_for(before + 1)
    assert len(answers) == before + 1, "the handler did not answer CloudFormation"
    answer = answers[-1]
    assert answer.method == "PUT" and answer.path == f"/cloudformation/{request['RequestId']}?X-Amz-Signature=test"
    assert answer.headers.get("content-type", "") == ""  # the pre-signed URL was signed without one
    return answer.json


def expected(request: dict[str, Any], status: str, physical_id: str, reason: str,
             data: dict[str, str] | None = None) -> dict[str, Any]:
    return {"Status": status, "Reason": reason, "PhysicalResourceId": physical_id, "StackId": request["StackId"],
            "RequestId": request["RequestId"], "LogicalResourceId": request["LogicalResourceId"], "NoEcho": False,
            "Data": data or {}}


def create(cloud: Aws, receiver: ResponseReceiver, **changes: Any) -> str:
    body = answer_to(event("create", receiver, **changes), receiver)
    assert body["Status"] == "SUCCESS", body
    return body["PhysicalResourceId"]


# ----------------------------------------------------------------------------------------- Create


def test_create_makes_the_tenant_and_keeps_its_admin_key_in_secrets_manager(cloud, receiver, api):
    # Given the sample Create event of the per-tenant template
    request = event("create", receiver)
    # When CloudFormation sends it
    body = answer_to(request, receiver)
    # Then it hears SUCCESS with the tenant id as physical id and the secret's ARN, never the key
    tenant_id = body["PhysicalResourceId"]
    arn = cloud.secrets.describe_secret(SecretId=cloud.secret_name(tenant_id))["ARN"]
    assert body == expected(request, "SUCCESS", tenant_id, f"Created tenant {tenant_id} (Acme Pty Ltd, plan starter)",
                            {"TenantId": tenant_id, "AdminKeySecretArn": arn})
    secret = cloud.admin_key(tenant_id)
    assert secret["tenant_id"] == tenant_id and secret["api_key"] not in json.dumps(body)
    # And the key in the secret is the tenant's admin key, for books made for its country
    headers = {"Authorization": f"Bearer {secret['api_key']}"}
    tenant = api.get("/v1/tenant", headers=headers)
    assert tenant.status_code == 200, tenant.text
    assert {k: tenant.json()[k] for k in ("id", "name", "base_currency", "country", "plan", "timezone", "status")} == {
        "id": tenant_id, "name": "Acme Pty Ltd", "base_currency": "AUD", "country": "AU", "plan": "starter",
        "timezone": "Australia/Sydney", "status": "active"}
    assert "GST10" in {t["code"] for t in api.get("/v1/tax-codes", headers=headers).json()["data"]}
    # And the tenant's usage plan key is in the starter usage plan (the backstop)
    assert cloud.plans_of(tenant_id) == ["starter"]


@pytest.mark.parametrize(("properties", "reason"), [
    ({"BaseCurrency": "XYZ"}, "base_currency: unsupported currency 'XYZ'; use an ISO 4217 code"),
    ({"Country": "Narnia"}, "country: use an ISO 3166-1 alpha-2 country code such as AU, CH, ID"),
    ({"Plan": "platinum"}, "plan: Input should be 'starter', 'professional' or 'enterprise'"),
    ({"Name": ""}, "name: String should have at least 1 character"),
    ({"Colour": "blue"}, "Invalid properties: Colour: unknown property"),
    ({"Settings": {"payment_terms_days": "forever"}},
     "settings.payment_terms_days: Input should be a valid integer, unable to parse string as an integer"),
    ({"Settings": {"invoice_number_format": "INV-{YYYY}"}},
     "invoice_number_format must contain exactly one {SEQ} or {SEQ:n} placeholder"),
])
def test_a_create_that_cannot_work_fails_with_a_reason_and_makes_nothing(cloud, receiver, properties, reason):
    secrets = len(cloud.secrets.list_secrets()["SecretList"])
    request = event("create", receiver, properties=properties)
    body = answer_to(request, receiver)
    assert body == expected(request, "FAILED", "Tenant-not-created", reason)
    assert len(cloud.secrets.list_secrets()["SecretList"]) == secrets
    # CloudFormation rolls the failed Create back with a Delete of that id: nothing to do, and it succeeds
    rollback = event("delete", receiver, PhysicalResourceId=body["PhysicalResourceId"])
    assert answer_to(rollback, receiver) == expected(rollback, "SUCCESS", "Tenant-not-created",
                                                      "No tenant Tenant-not-created; nothing to delete")


def test_a_create_without_properties_names_each_missing_one(cloud, receiver):
    request = event("create", receiver, ResourceProperties={"ServiceToken": "arn:aws:lambda:…"})
    body = answer_to(request, receiver)
    assert body["Status"] == "FAILED"
    assert body["Reason"] == ("Invalid properties: Name: Field required; BaseCurrency: Field required; "
                              "Country: Field required")


def test_a_failure_after_the_tenant_exists_is_answered_and_the_tenant_deactivated(cloud, receiver, monkeypatch):
    # Given Secrets Manager refuses the secret (say, a missing permission)
    def refuse(self, tenant_id, api_key):
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "CreateSecret")

    monkeypatch.setattr(aws.SecretsManagerVault, "store", refuse)
    # When the Create arrives
    request = event("create", receiver)
    body = answer_to(request, receiver)
    # Then CloudFormation hears FAILED with the reason, and the tenant's id so its rollback (a Delete) finds it
    tenant_id = body["PhysicalResourceId"]
    assert tenant_id.startswith("ten_")
    assert body["Status"] == "FAILED" and "AccessDeniedException" in body["Reason"] and body["Data"] == {}
    # And the half-made tenant was deactivated at once, its keys refused, its usage plan key removed
    assert load_tenant(tenant_id).status == "deactivated"
    assert all(key.revoked_at for key in api_keys.list_keys(tenant_id, limit=10, start_key=None).items)
    assert cloud.plans_of(tenant_id) == []
    # And the rollback's Delete succeeds
    rollback = event("delete", receiver, PhysicalResourceId=tenant_id)
    assert answer_to(rollback, receiver)["Status"] == "SUCCESS"


# ----------------------------------------------------------------------------------------- Update


def test_update_changes_name_plan_and_settings(cloud, receiver, api):
    tenant_id = create(cloud, receiver)
    key = cloud.admin_key(tenant_id)["api_key"]
    # When the stack is updated with the sample Update event (new name, professional plan, 14 days' terms)
    request = event("update", receiver, PhysicalResourceId=tenant_id)
    body = answer_to(request, receiver)
    # Then it succeeds, keeping the physical id and the attributes
    arn = cloud.secrets.describe_secret(SecretId=cloud.secret_name(tenant_id))["ARN"]
    assert body == expected(request, "SUCCESS", tenant_id,
                            f"Updated tenant {tenant_id} (Acme Holdings Pty Ltd, plan professional)",
                            {"TenantId": tenant_id, "AdminKeySecretArn": arn})
    tenant = api.get("/v1/tenant", headers={"Authorization": f"Bearer {key}"})
    assert (tenant.json()["name"], tenant.json()["plan"], tenant.json()["payment_terms_days"]) == (
        "Acme Holdings Pty Ltd", "professional", 14)
    # And the new plan's rate limit applies, and its usage plan key moved
    assert tenant.headers["X-RateLimit-Limit"] == "600"
    assert cloud.plans_of(tenant_id) == ["professional"]


@pytest.mark.parametrize(("properties", "reason"), [
    ({"BaseCurrency": "NZD"}, "base_currency is fixed at creation (AUD); create another tenant for another base "
                              "currency"),
    ({"Country": "NZ"}, "country is fixed at creation (AU)"),
])
def test_update_refuses_to_change_base_currency_or_country(cloud, receiver, properties, reason):
    tenant_id = create(cloud, receiver)
    request = event("update", receiver, PhysicalResourceId=tenant_id, properties=properties)
    body = answer_to(request, receiver)
    assert body == expected(request, "FAILED", tenant_id, reason)
    tenant = load_tenant(tenant_id)
    assert (tenant.name, tenant.plan, tenant.base_currency, tenant.country) == ("Acme Pty Ltd", "starter", "AUD", "AU")
    # CloudFormation's rollback is an Update back to the stored values: it succeeds
    rollback = event("update", receiver, PhysicalResourceId=tenant_id,
                     ResourceProperties=load_event("cloudformation/create.json")["ResourceProperties"])
    assert answer_to(rollback, receiver)["Status"] == "SUCCESS"


def test_update_of_a_tenant_that_does_not_exist_fails_with_a_reason(cloud, receiver):
    request = event("update", receiver)  # the sample's physical id names no tenant here
    body = answer_to(request, receiver)
    assert body == expected(request, "FAILED", request["PhysicalResourceId"],
                            f"tenant_id: No such tenant: '{request['PhysicalResourceId']}'")


# ----------------------------------------------------------------------------------------- Delete


def test_delete_deactivates_the_tenant_revokes_its_keys_and_keeps_its_books(cloud, receiver, api):
    tenant_id = create(cloud, receiver)
    key = cloud.admin_key(tenant_id)["api_key"]
    headers = {"Authorization": f"Bearer {key}"}
    customer = api.post("/v1/parties", json={"name": "Globex"}, headers=headers).json()["id"]
    accounts = len(all_accounts(tenant_id))
    # When the tenant's stack is deleted
    request = event("delete", receiver, PhysicalResourceId=tenant_id)
    body = answer_to(request, receiver)
    # Then CloudFormation hears SUCCESS
    assert body == expected(request, "SUCCESS", tenant_id,
                            f"Deactivated tenant {tenant_id} and revoked its keys; its books are kept")
    # And the admin key is refused (401), the tenant is deactivated, and its books are still there
    refused = api.get("/v1/tenant", headers=headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "tenant_deactivated"  # issue 11.18
    assert load_tenant(tenant_id).status == "deactivated"
    assert len(all_accounts(tenant_id)) == accounts
    from ledgerline.store.parties import Party
    from ledgerline.store.records import load
    assert load(Party, tenant_id, customer).name == "Globex"
    # And the key's secret is scheduled for deletion, the usage plan key is gone
    assert "DeletedDate" in cloud.secrets.describe_secret(SecretId=cloud.secret_name(tenant_id))
    assert cloud.plans_of(tenant_id) == []
    # And a repeated Delete (CloudFormation may retry) succeeds too
    assert answer_to(event("delete", receiver, PhysicalResourceId=tenant_id), receiver)["Status"] == "SUCCESS"


def test_a_deactivated_tenants_keys_are_refused_even_if_one_escaped_revocation(tenant, api):
    # Given a deactivated tenant and a key issued after the revocation (a request racing the Delete)
    from ledgerline.services.tenants import deactivate_tenant

    deactivate_tenant(tenant.tenant_id)
    key, secret = api_keys.new_key(tenant.tenant_id, "late key", ["admin"], None)
    insert(key)
    # Then authentication refuses it, in the API and in the authorizer's code path
    response = api.get("/v1/tenant", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "tenant_deactivated"
    assert "X-RateLimit-Limit" not in response.headers
    with pytest.raises(Unauthenticated):
        api_keys.authenticate(secret)


# ---------------------------------------------------------------------------- answering, always


def test_when_time_runs_out_cloudformation_hears_failed_once(cloud, receiver, monkeypatch):
    # Given work that takes longer than the function has left (minus the safety margin)
    def slow(event, **ports):
        time.sleep(0.8)
        return Outcome("SUCCESS", "ten_late", "too late")

    monkeypatch.setattr(custom_resource, "handle", slow)

    class ShortContext(LambdaContext):
        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return int((custom_resource.DEADLINE_MARGIN_SECONDS + 0.2) * 1000)

    request = event("create", receiver)
    # When the handler runs, the deadline answers first, and the late SUCCESS is not sent
    body = answer_to(request, receiver, ShortContext())
    assert body == expected(request, "FAILED", "Tenant-not-created",
                            "The tenant provisioner ran out of time; see its CloudWatch logs")
    time.sleep(0.1)
    assert len(receiver.answers) == 1


def test_an_unexpected_error_is_answered_as_failed(cloud, receiver, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(custom_resource.tenants, "provision", broken)
    request = event("create", receiver)
    assert answer_to(request, receiver) == expected(request, "FAILED", "Tenant-not-created",
                                                    "Unexpected error (RuntimeError): disk on fire")


def test_a_failure_before_the_request_is_handled_is_answered_too(cloud, receiver, monkeypatch):
    def no_vault():
        raise RuntimeError("no region configured")

    monkeypatch.setattr(custom_resource, "admin_key_vault", no_vault)
    request = event("delete", receiver)
    assert answer_to(request, receiver) == expected(request, "FAILED", request["PhysicalResourceId"],
                                                    "Unexpected error (RuntimeError): no region configured")


def test_the_responder_retries_a_refused_answer_and_gives_up_without_raising(receiver):
    request = event("delete", receiver)
    outcome = Outcome("SUCCESS", "ten_x", "done")
    # A 500 from the URL is retried
    receiver.refuse = 2
    assert Responder(request, attempts=3, backoff=0.01).send(outcome) is True
    assert [a.json["Status"] for a in receiver.wait_for(1)] == ["SUCCESS"]
    # Only one answer per request, however often send is called
    responder = Responder(request, backoff=0.01)
    assert responder.send(outcome) is True and responder.send(outcome) is False
    # An unreachable URL is given up on after the attempts, logged, never raised
    unreachable = {**request, "ResponseURL": "http://127.0.0.1:9/cloudformation"}
    assert Responder(unreachable, attempts=2, timeout=1, backoff=0.01).send(outcome) is False


def test_a_long_reason_is_cut_to_fit_cloudformations_limit(receiver):
    request = event("delete", receiver)
    Responder(request).send(Outcome("FAILED", "ten_x", "x" * 10_000))
    answer = receiver.wait_for(1)[0]
    assert len(answer.body) < 4096 and answer.json["Reason"].endswith("…")
