"""The AWS side of provisioning: the admin key in Secrets Manager, the usage plan key in API Gateway.

One boto3 client per service and process, built on first use (never at import time).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

from ledgerline.domain.rate_limits import usage_key
from ledgerline.settings import get_settings


@cache
def secrets_manager() -> Any:
    return boto3.client("secretsmanager", region_name=get_settings().region)


@cache
def api_gateway() -> Any:
    return boto3.client("apigateway", region_name=get_settings().region)


def _code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


class SecretsManagerVault:
    """`<stack>/tenants/<tenant id>/admin-api-key`, a JSON secret: {"tenant_id": …, "api_key": …}."""

    # A deleted tenant's secret can be restored for a week (its key is revoked, so it opens nothing).
    RECOVERY_WINDOW_DAYS = 7

    def __init__(self, stack_name: str) -> None:
        self.stack_name = stack_name

    def name(self, tenant_id: str) -> str:
        return f"{self.stack_name}/tenants/{tenant_id}/admin-api-key"

    def store(self, tenant_id: str, api_key: str) -> str:
        created = secrets_manager().create_secret(
            Name=self.name(tenant_id),
            Description=f"Ledgerline admin API key of tenant {tenant_id}",
            SecretString=json.dumps({"tenant_id": tenant_id, "api_key": api_key}),
            Tags=[{"Key": "ledgerline:tenant-id", "Value": tenant_id},
                  {"Key": "ledgerline:stack", "Value": self.stack_name}],
        )
        return created["ARN"]

    def locate(self, tenant_id: str) -> str | None:
        try:
            return secrets_manager().describe_secret(SecretId=self.name(tenant_id))["ARN"]
        except ClientError as exc:
            if _code(exc) == "ResourceNotFoundException":
                return None
            raise

    def discard(self, tenant_id: str) -> None:
        try:
            secrets_manager().delete_secret(SecretId=self.name(tenant_id),
                                            RecoveryWindowInDays=self.RECOVERY_WINDOW_DAYS)
        except ClientError as exc:
            # Gone already, or already scheduled for deletion: either way there is nothing left to do.
            if _code(exc) not in ("ResourceNotFoundException", "InvalidRequestException"):
                raise


class ApiGatewayUsagePlans:
    """One API Gateway API key per tenant (`<stack>-<tenant id>`), in the usage plan of its plan."""

    def __init__(self, stack_name: str, plans: dict[str, str]) -> None:
        self.stack_name = stack_name
        self.plans = plans

    def key_name(self, tenant_id: str) -> str:
        return f"{self.stack_name}-{tenant_id}"

    def find(self, tenant_id: str) -> str | None:
        name = self.key_name(tenant_id)
        items = api_gateway().get_api_keys(nameQuery=name, limit=500)["items"]
        return next((item["id"] for item in items if item["name"] == name), None)

    def assign(self, tenant_id: str, plan: str) -> None:
        """Put the tenant's key (created when missing) in its plan's usage plan, and in no other."""
        client = api_gateway()
        wanted = self.plans[plan]
        key_id = self.find(tenant_id) or client.create_api_key(
            name=self.key_name(tenant_id), value=usage_key(self.stack_name, tenant_id), enabled=True,
            description=f"Usage plan key of Ledgerline tenant {tenant_id} (supplied by the authorizer)",
        )["id"]
        current = {item["id"] for item in client.get_usage_plans(keyId=key_id, limit=500)["items"]}
        for plan_id in current - {wanted}:
            client.delete_usage_plan_key(usagePlanId=plan_id, keyId=key_id)
        if wanted not in current:
            client.create_usage_plan_key(usagePlanId=wanted, keyId=key_id, keyType="API_KEY")

    def discard(self, tenant_id: str) -> None:
        key_id = self.find(tenant_id)
        if key_id is None:
            return
        client = api_gateway()
        for item in client.get_usage_plans(keyId=key_id, limit=500)["items"]:
            client.delete_usage_plan_key(usagePlanId=item["id"], keyId=key_id)
        client.delete_api_key(apiKey=key_id)


def admin_key_vault() -> SecretsManagerVault:
    return SecretsManagerVault(get_settings().stack_name)


def usage_plan_keys() -> ApiGatewayUsagePlans | None:
    """The usage plans of the deployed API, or None where there are none (locally)."""
    settings = get_settings()
    return ApiGatewayUsagePlans(settings.stack_name, settings.usage_plans) if settings.usage_plans else None
