from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path

from ledgerline.api.auth import require
from ledgerline.api.clock import request_clock
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.clock import Clock
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.api_keys import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from ledgerline.schemas.common import read_at
from ledgerline.services import api_keys

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
KEY_ID = Path(description="The API key's id (not its secret)")


@router.post("", status_code=201, response_model=ApiKeyCreated, operation_id="create_api_key",
             summary="Create an API key; its secret is in this response only")
def create(body: ApiKeyCreate, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(require("api-keys:write"))) -> Any:
    """A new key for this tenant with the scopes given (`<resource>:read`, `<resource>:write`, `admin`) and an
    optional expiry. Only the key's SHA-256 digest is stored: keep the `secret` from this response."""
    return api_keys.create(principal, body.model_dump(), idempotency_key)


@router.get("", response_model=ListResponse[ApiKeyOut], operation_id="list_api_keys", summary="List API keys")
def list_(page: PageRequest = Depends(), clock: Clock = Depends(request_clock),
          principal: Principal = Depends(require("api-keys:read"))) -> Any:
    """The tenant's API keys, revoked ones included, without their secrets."""
    result = api_keys.list_keys(principal.tenant_id, limit=page.limit, start_key=page.start_key(principal.tenant_id))
    now = clock.now()
    shown = [ApiKeyOut.model_validate(key, context=read_at(now)) for key in result.items]
    return page.respond(shown, result.next_key, principal.tenant_id)


@router.get("/{id}", response_model=ApiKeyOut, operation_id="get_api_key", summary="Retrieve an API key")
def get(id: str = KEY_ID, clock: Clock = Depends(request_clock),
        principal: Principal = Depends(require("api-keys:read"))) -> Any:
    """One API key: name, scopes, last four characters, expiry and status; never the secret."""
    return ApiKeyOut.model_validate(api_keys.get(principal.tenant_id, id), context=read_at(clock.now()))


@router.delete("/{id}", response_model=ApiKeyOut, operation_id="revoke_api_key",
               summary="Revoke an API key; it stops working at once and cannot be restored")
def revoke(id: str = KEY_ID, clock: Clock = Depends(request_clock),
           principal: Principal = Depends(require("api-keys:write"))) -> Any:
    """The key is refused from the next request on. A key cannot revoke a key with scopes it lacks (403)."""
    return ApiKeyOut.model_validate(api_keys.revoke(principal, id), context=read_at(clock.now()))
