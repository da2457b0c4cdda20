from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.currencies import CurrencyCreate, CurrencyOut, CurrencyUpdate
from ledgerline.services import currencies

router = APIRouter(prefix="/v1/currencies", tags=["banking"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
CODE = Path(description="The currency's ISO 4217 code", examples=["CHF"])
READ, WRITE = require("banking:read"), require("banking:write")
EXAMPLE = {"object": "currency", "id": "CHF", "code": "CHF", "name": "Swiss franc", "is_base": False,
           "enabled": True, "minor_units": 2, "rounding_step": "0.01", "cash_rounding_step": "0.05",
           "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:00:00Z", "version": 1}


def _example(http_status: int, body: Any = EXAMPLE) -> dict[int | str, dict[str, Any]]:
    return {http_status: {"content": {"application/json": {"example": body}}}}


@router.post("", status_code=201, response_model=CurrencyOut, operation_id="create_currency",
             summary="Enable a currency (with its rounding steps)", responses=_example(201))
def create(body: CurrencyCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """`rounding_step` defaults to the ISO 4217 minor unit, `cash_rounding_step` to none (CHF: 0.05); a step must
    be a multiple of the minor unit (422 naming it). A currency enabled already, or the base currency, is a 409
    (PATCH it). Writes `currency.created`."""
    return with_etag(response, currencies.create(principal.tenant_id, body.model_dump(), idempotency_key))


@router.get("", response_model=ListResponse[CurrencyOut], operation_id="list_currencies",
            summary="List the tenant's currencies (the base currency first)",
            responses=_example(200, {"object": "list", "data": [EXAMPLE], "has_more": False, "next_cursor": None}))
def list_(page: PageRequest = Depends(),
          enabled: bool | None = Query(None, description="Only enabled (true) or disabled (false) currencies"),
          principal: Principal = Depends(READ)) -> Any:
    """The base currency (always enabled), then the others by code."""
    items, next_key = currencies.list_currencies(principal.tenant_id, enabled=enabled, limit=page.limit,
                                                 start_key=page.start_key(principal.tenant_id))
    return page.respond(items, next_key, principal.tenant_id)


@router.get("/{id}", response_model=CurrencyOut, operation_id="get_currency", summary="Retrieve a currency",
            responses=_example(200))
def get(response: Response, id: str = CODE, principal: Principal = Depends(READ)) -> Any:
    """One currency; a code never enabled is a 404 (the base currency always answers)."""
    return with_etag(response, currencies.get_currency(principal.tenant_id, id))


@router.patch("/{id}", response_model=CurrencyOut, operation_id="update_currency",
              summary="Change a currency's name or rounding steps, or enable it again", responses=_example(200))
def update(body: CurrencyUpdate, response: Response, id: str = CODE,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """Only the fields sent change (`cash_rounding_step: null` removes it). With `If-Match`, a stale version is a
    412. Writes `currency.updated`."""
    return with_etag(response, currencies.update(principal.tenant_id, id, body.model_dump(exclude_unset=True),
                                                 version))


@router.post("/{id}/disable", response_model=CurrencyOut, operation_id="disable_currency",
             summary="Disable a currency", responses=_example(200, {**EXAMPLE, "enabled": False, "version": 2}))
def disable(response: Response, id: str = CODE, version: int | None = Depends(expected_version),
            principal: Principal = Depends(WRITE)) -> Any:
    """The currency stays listed with `enabled: false` (PATCH `enabled: true` enables it again); the base currency
    cannot be disabled (409). Writes `currency.disabled`."""
    return with_etag(response, currencies.disable(principal.tenant_id, id, version))
