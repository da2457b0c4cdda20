from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from ledgerline.api.auth import require
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.versioning import expected_version, set_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.tenant import TenantOut, TenantUpdate
from ledgerline.services import tenants

router = APIRouter(prefix="/v1/tenant", tags=["tenant"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)


@router.get("", response_model=TenantOut, operation_id="get_tenant", summary="Retrieve the tenant's settings")
def get(response: Response, principal: Principal = Depends(require("tenant:read"))) -> Any:
    """The tenant's name, base currency, country, time zone, plan, numbering formats, default payment terms,
    lock date, bank details and the system accounts posting uses. The `ETag` is its version."""
    tenant = tenants.get_tenant(principal.tenant_id)
    set_etag(response, tenant.version)
    return tenant


@router.patch("", response_model=TenantOut, operation_id="update_tenant",
              summary="Update the tenant's settings; base currency and country are fixed at creation")
def update(body: TenantUpdate, response: Response, version: int | None = Depends(expected_version),
           principal: Principal = Depends(require("tenant:write"))) -> Any:
    """Change only the fields sent. The lock date stops any posting dated on or before it; number formats take
    effect for the next number of each series. Send `If-Match` to make the change conditional."""
    tenant = tenants.update_tenant(principal.tenant_id, body.model_dump(exclude_unset=True), version)
    set_etag(response, tenant.version)
    return tenant
