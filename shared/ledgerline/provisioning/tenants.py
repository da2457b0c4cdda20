"""Provisioning a tenant: its books and admin key, plus what lives outside the table.

One code path for the CloudFormation custom resource (custom_resource.py) and for the CLI's
`ledgerline tenant create|update|deactivate`. What differs is the ports: in AWS the admin key goes
to Secrets Manager and the tenant gets an API Gateway usage plan key; locally the key is printed
and there is no API Gateway. Nothing here logs on success: the CLI's stdout is JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ledgerline.domain.errors import Conflict, FieldIssue, ValidationFailed
from ledgerline.domain.tenants import Plan, TenantStatus
from ledgerline.domain.test_mode import is_live
from ledgerline.observability import logger
from ledgerline.schemas.common import Name
from ledgerline.schemas.tenant import TenantUpdate
from ledgerline.services import api_keys
from ledgerline.services.tenants import create_tenant, create_test_twin, deactivate_tenant, update_tenant
from ledgerline.store.tenant_directory import all_tenant_ids
from ledgerline.store.tenants import Tenant, find_tenant, load_tenant


class AdminKeyVault(Protocol):
    """Where a provisioned tenant's admin API key is kept (Secrets Manager in AWS)."""

    def store(self, tenant_id: str, api_key: str) -> str:
        """Keep the key; returns where it is (the secret's ARN)."""

    def locate(self, tenant_id: str) -> str | None: ...

    def discard(self, tenant_id: str) -> None: ...


class UsagePlanKeys(Protocol):
    """The tenant's membership in its plan's API Gateway usage plan (the rate limits' backstop)."""

    def assign(self, tenant_id: str, plan: str) -> None: ...

    def discard(self, tenant_id: str) -> None: ...


class TenantSpec(BaseModel):
    """What a platform team asks for. Base currency and country are checked by `create_tenant`."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Name
    base_currency: str
    country: str
    plan: Plan = Plan.STARTER
    settings: dict[str, Any] = Field(default_factory=dict, description="As PATCH /v1/tenant takes them")


@dataclass(frozen=True)
class Provisioned:
    tenant: Tenant
    api_key: str  # the admin key's secret: printed by the CLI, never put in a CloudFormation output
    secret_arn: str | None  # where the vault keeps it, when there is a vault
    test_api_key: str | None = None  # the test twin's admin key (`ll_test_…`, issue 20): printed by the CLI


class PartiallyProvisioned(Exception):
    """The tenant was created, but what lives outside the table failed; it was deprovisioned again."""

    def __init__(self, tenant_id: str, cause: Exception) -> None:
        super().__init__(f"tenant {tenant_id} was created, then: {cause}")
        self.tenant_id = tenant_id
        self.cause = cause


def spec(**fields: Any) -> TenantSpec:
    """A validated spec, or ValidationFailed naming each field (as the API would)."""
    try:
        return TenantSpec(**fields)
    except ValidationError as exc:
        raise _invalid(exc, prefix="") from exc


def provision(tenant: TenantSpec, *, vault: AdminKeyVault | None = None,
              usage_plans: UsagePlanKeys | None = None) -> Provisioned:
    """Create the tenant (books, tax codes, admin key: one transaction), then keep its key and give it
    its usage plan. If those fail, the tenant is deprovisioned again and PartiallyProvisioned raised."""
    settings = _settings(tenant.settings)
    created, api_key = create_tenant(name=tenant.name, base_currency=tenant.base_currency.upper(),
                                     country=tenant.country, plan=tenant.plan, **settings)
    try:
        # Test mode (issue 20): the tenant's test twin, with the live tenant's settings and a test admin key
        _, test_api_key = create_test_twin(created.id)
        secret_arn = vault.store(created.id, api_key) if vault is not None else None
        if usage_plans is not None:
            usage_plans.assign(created.id, created.plan)
    except Exception as exc:
        logger.exception("provisioning failed after the tenant was created", extra={"tenant_id": created.id})
        _undo(created.id, vault, usage_plans)
        raise PartiallyProvisioned(created.id, exc) from exc
    return Provisioned(created, api_key, secret_arn, test_api_key)


def update(tenant_id: str, *, name: str | None = None, plan: str | None = None,
           settings: dict[str, Any] | None = None, base_currency: str | None = None, country: str | None = None,
           usage_plans: UsagePlanKeys | None = None) -> Tenant:
    """Change name, plan and settings. Base currency and country are fixed at creation: asking for
    others is refused (every amount the tenant booked is in that currency)."""
    tenant = load_tenant(tenant_id)
    if tenant.status != TenantStatus.ACTIVE:
        raise Conflict(f"Tenant {tenant_id} is deactivated", param="tenant_id", code="tenant_deactivated")
    issues = []
    if base_currency is not None and base_currency.upper() != tenant.base_currency:
        issues.append(FieldIssue("base_currency", f"is fixed at creation ({tenant.base_currency}); "
                                                  "create another tenant for another base currency"))
    if country is not None and country.upper() != tenant.country:
        issues.append(FieldIssue("country", f"is fixed at creation ({tenant.country})"))
    if issues:
        raise ValidationFailed(f"{issues[0].field} {issues[0].message}", param=issues[0].field, details=issues,
                               code="immutable_setting")
    checked = spec(name=name or tenant.name, base_currency=tenant.base_currency, country=tenant.country,
                   plan=plan or tenant.plan, settings=settings or {})
    changes = {"name": checked.name, "plan": checked.plan.value, **_settings(checked.settings)}
    tenant = update_tenant(tenant_id, changes, None)
    if usage_plans is not None:
        usage_plans.assign(tenant_id, tenant.plan)
    return tenant


def deprovision(tenant_id: str, *, vault: AdminKeyVault | None = None,
                usage_plans: UsagePlanKeys | None = None) -> bool:
    """Deactivate the tenant and revoke its keys, keeping its books; then remove its key's secret and its
    usage plan key. False (and nothing done) when there is no such tenant. Safe to repeat."""
    if find_tenant(tenant_id) is None:
        return False
    deactivate_tenant(tenant_id)
    if vault is not None:
        vault.discard(tenant_id)
    if usage_plans is not None:
        usage_plans.discard(tenant_id)
    return True


def list_tenants() -> Iterator[Tenant]:
    """Every tenant in the tenant directory, oldest first."""
    for tenant_id in all_tenant_ids():
        if not is_live(tenant_id):  # a test twin (issue 20) goes with its tenant
            continue
        tenant = find_tenant(tenant_id)
        if tenant is not None:
            yield tenant


@dataclass(frozen=True)
class RotatedKey:
    key_id: str
    api_key: str  # the new admin key's secret: printed by the CLI
    revoked_key_ids: list[str]


def rotate_admin_key(tenant_id: str) -> RotatedKey:
    """A new admin key for the tenant; the admin keys that provisioning (and earlier rotations) made are
    revoked, keys the tenant made through the API are not. The key is returned (the CLI prints it, as
    `tenant create` does); no vault is updated, so a tenant stack's Secrets Manager secret keeps the old key."""
    key, secret, revoked = api_keys.rotate_admin_key(tenant_id)
    return RotatedKey(key.id, secret, revoked)


def _settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings as PATCH /v1/tenant validates them, except that strings such as "14" or "true" are converted:
    CloudFormation passes every property of a custom resource as a string (the API is strict, issue 11.15)."""
    if "name" in settings:
        raise ValidationFailed("settings.name: give the name as the tenant's name, not as a setting",
                               param="settings.name", details=[FieldIssue("settings.name", "not a setting")])
    try:
        return TenantUpdate.model_validate(settings, strict=False).model_dump(exclude_unset=True)
    except ValidationError as exc:
        raise _invalid(exc, prefix="settings.") from exc


def _invalid(exc: ValidationError, *, prefix: str) -> ValidationFailed:
    issues = [FieldIssue(prefix + ".".join(str(part) for part in problem["loc"]),
                         "unknown field" if problem["type"] == "extra_forbidden" else problem["msg"])
              for problem in exc.errors()]
    return ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues)


def _undo(tenant_id: str, vault: AdminKeyVault | None, usage_plans: UsagePlanKeys | None) -> None:
    try:
        deprovision(tenant_id, vault=vault, usage_plans=usage_plans)
    except Exception:  # noqa: BLE001 - the first error is the one to report; this one is logged
        logger.exception("could not deprovision a partly provisioned tenant", extra={"tenant_id": tenant_id})
