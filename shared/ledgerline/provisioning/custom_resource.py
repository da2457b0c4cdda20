"""`Custom::LedgerlineTenant`: a tenant as a CloudFormation resource.

Properties (strings, as CloudFormation sends them): `Name`, `BaseCurrency`, `Country`, `Plan`
(starter, professional, enterprise; default starter) and `Settings`, a map of the settings
PATCH /v1/tenant takes (`timezone`, `payment_terms_days`, `invoice_number_format`, …).

- Create: the tenant, its chart, tax codes and admin key; the key goes to Secrets Manager. The
  physical id is the tenant id; attributes `TenantId` and `AdminKeySecretArn` (never the key).
- Update: name, plan and settings. Changing `BaseCurrency` or `Country` fails with a reason.
- Delete: the tenant is deactivated and its keys revoked; its books are kept.

Every request is answered, SUCCESS or FAILED with a reason, before the function's time runs out.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ledgerline.domain.errors import LedgerlineError
from ledgerline.observability import logger
from ledgerline.provisioning import tenants
from ledgerline.provisioning.aws import admin_key_vault, usage_plan_keys
from ledgerline.provisioning.responder import Outcome, Responder, guard_deadline
from ledgerline.provisioning.tenants import AdminKeyVault, PartiallyProvisioned, UsagePlanKeys

# Answer with a failure this long before the function would be stopped mid-work.
DEADLINE_MARGIN_SECONDS = 5.0


class TenantProperties(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    service_token: str | None = Field(None, alias="ServiceToken")
    name: str = Field(alias="Name")
    base_currency: str = Field(alias="BaseCurrency")
    country: str = Field(alias="Country")
    plan: str = Field("starter", alias="Plan")
    settings: dict[str, Any] = Field(default_factory=dict, alias="Settings")


def respond(event: dict[str, Any], context: Any) -> None:
    """The Lambda handler's work: handle the request and answer CloudFormation exactly once."""
    responder = Responder(event)
    timeout = Outcome("FAILED", _physical_id(event),
                      "The tenant provisioner ran out of time; see its CloudWatch logs")
    deadline = guard_deadline(responder, timeout,
                              context.get_remaining_time_in_millis() / 1000 - DEADLINE_MARGIN_SECONDS)
    try:
        outcome = handle(event, vault=admin_key_vault(), usage_plans=usage_plan_keys())
    except Exception as exc:  # noqa: BLE001 - building the ports (settings, clients) failed: still answer
        logger.exception("custom resource request failed before it was handled")
        outcome = Outcome("FAILED", _physical_id(event), f"Unexpected error ({type(exc).__name__}): {exc}")
    finally:
        deadline.cancel()
    responder.send(outcome)


def handle(event: dict[str, Any], *, vault: AdminKeyVault | None,
           usage_plans: UsagePlanKeys | None) -> Outcome:
    """Create, Update or Delete; any error becomes a FAILED outcome with a reason a person can act on."""
    physical_id = _physical_id(event)
    request = event.get("RequestType")
    logger.info("custom resource request", extra={"request_type": request, "physical_id": physical_id,
                                                  "logical_id": event.get("LogicalResourceId")})
    try:
        if request == "Create":
            return _create(event, vault, usage_plans)
        if request == "Update":
            return _update(event, physical_id, vault, usage_plans)
        if request == "Delete":
            return _delete(physical_id, vault, usage_plans)
        return Outcome("FAILED", physical_id, f"Unknown RequestType {request!r}")
    except PartiallyProvisioned as exc:
        # Already deprovisioned; the id lets CloudFormation's rollback (a Delete) finish any leftovers.
        return Outcome("FAILED", exc.tenant_id, f"Provisioning failed: {exc}")
    except ValidationError as exc:
        return Outcome("FAILED", physical_id, f"Invalid properties: {_problems(exc)}")
    except LedgerlineError as exc:
        named = not exc.param or exc.message.startswith(exc.param)
        return Outcome("FAILED", physical_id, exc.message if named else f"{exc.param}: {exc.message}")
    except Exception as exc:  # noqa: BLE001 - CloudFormation must hear of every failure, or the stack hangs
        logger.exception("custom resource request failed")
        return Outcome("FAILED", physical_id, f"Unexpected error ({type(exc).__name__}): {exc}")


def _create(event: dict[str, Any], vault: AdminKeyVault | None, usage_plans: UsagePlanKeys | None) -> Outcome:
    properties = TenantProperties.model_validate(event.get("ResourceProperties") or {})
    spec = tenants.spec(name=properties.name, base_currency=properties.base_currency, country=properties.country,
                        plan=properties.plan, settings=properties.settings)
    provisioned = tenants.provision(spec, vault=vault, usage_plans=usage_plans)
    tenant = provisioned.tenant
    return Outcome("SUCCESS", tenant.id, f"Created tenant {tenant.id} ({tenant.name}, plan {tenant.plan})",
                   {"TenantId": tenant.id, "AdminKeySecretArn": provisioned.secret_arn or ""})


def _update(event: dict[str, Any], tenant_id: str, vault: AdminKeyVault | None,
            usage_plans: UsagePlanKeys | None) -> Outcome:
    properties = TenantProperties.model_validate(event.get("ResourceProperties") or {})
    # Fixed settings are compared with the tenant itself, not with OldResourceProperties, so the
    # rollback of a refused change (an Update back to the stored values) succeeds.
    tenant = tenants.update(tenant_id, name=properties.name, plan=properties.plan, settings=properties.settings,
                            base_currency=properties.base_currency, country=properties.country,
                            usage_plans=usage_plans)
    secret_arn = vault.locate(tenant_id) if vault is not None else None
    return Outcome("SUCCESS", tenant_id, f"Updated tenant {tenant_id} ({tenant.name}, plan {tenant.plan})",
                   {"TenantId": tenant_id, "AdminKeySecretArn": secret_arn or ""})


def _delete(tenant_id: str, vault: AdminKeyVault | None, usage_plans: UsagePlanKeys | None) -> Outcome:
    if tenants.deprovision(tenant_id, vault=vault, usage_plans=usage_plans):
        return Outcome("SUCCESS", tenant_id, f"Deactivated tenant {tenant_id} and revoked its keys; its books are kept")
    # A Create that failed before a tenant existed is rolled back with a Delete of its placeholder id.
    return Outcome("SUCCESS", tenant_id, f"No tenant {tenant_id}; nothing to delete")


def _physical_id(event: dict[str, Any]) -> str:
    """The resource's id; a Create that fails before making a tenant answers with a placeholder."""
    return event.get("PhysicalResourceId") or f"{event.get('LogicalResourceId', 'Tenant')}-not-created"


def _problems(exc: ValidationError) -> str:
    """`Name: Field required; Colour: unknown property` (locations use the property names)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'ResourceProperties'}: "
        f"{'unknown property' if problem['type'] == 'extra_forbidden' else problem['msg']}"
        for problem in exc.errors()
    )
