"""Webhook endpoints (`/v1/webhooks`) and their deliveries (`/v1/webhook-deliveries`)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import expected_version, set_etag, with_etag
from ledgerline.api.versions import request_version
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import WEBHOOK_ENDPOINTS
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.webhooks import (
    DeliveryOut,
    ReplayOut,
    ReplayRequest,
    WebhookCreate,
    WebhookOut,
    WebhookUpdate,
    WebhookWithSecret,
)
from ledgerline.services import webhooks
from ledgerline.webhooks.runtime import outbound

router = APIRouter(tags=["webhooks"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
READ, WRITE = require("webhooks:read"), require("webhooks:write")
WEBHOOK_ID = Path(description="The webhook endpoint's id (whe_…)")


def _with_etag(response: Response, endpoint: Any) -> dict[str, Any]:
    set_etag(response, endpoint.version)
    return webhooks.represent(endpoint)


@router.post("/v1/webhooks", status_code=201, response_model=WebhookWithSecret, operation_id="create_webhook",
             summary="Subscribe an endpoint to events; the signing secret is in this response only")
def create(body: WebhookCreate, request: Request, response: Response,
           idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """An https endpoint that receives the events it subscribes to, signed with Standard Webhooks headers.
    Keep the `secret` from this response: it is not shown again. Its payloads are written in `api_version`,
    by default the version this request is answered in."""
    ports = outbound()
    fields = {**body.model_dump(), "api_version": body.api_version or request_version(request)}
    return with_etag(response, webhooks.create_once(principal.tenant_id, fields, ports.resolve, ports.now(),
                                                    idempotency_key))


WEBHOOK_QUERY = ListQuery(WEBHOOK_ENDPOINTS)
LIST_DESCRIPTION = """The tenant's webhook endpoints, without their secrets, oldest first. Any field below takes an
operator (issue 18): `enabled=false` (endpoints switched off, with `disabled_reason`), `url[contains]=example.com`,
`api_version=2026-01-01`, `sort=url:asc`, `search=billing`, `updated_since=2026-03-01T00:00:00Z`.
""" + WEBHOOK_QUERY.description()


@router.get("/v1/webhooks", response_model=QueryListResponse[WebhookOut], operation_id="list_webhooks",
            summary="List webhook endpoints", description=LIST_DESCRIPTION, openapi_extra=WEBHOOK_QUERY.openapi_extra())
def list_(page: PageRequest = Depends(), query: PlannedQuery = Depends(WEBHOOK_QUERY),
          principal: Principal = Depends(READ)) -> Any:
    result = webhooks.query_endpoints(principal.tenant_id, query, limit=page.limit,
                                      start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)


@router.get("/v1/webhooks/{id}", response_model=WebhookOut, operation_id="get_webhook",
            summary="Retrieve a webhook endpoint (never its secret)")
def get(response: Response, id: str = WEBHOOK_ID, principal: Principal = Depends(READ)) -> Any:
    """One endpoint: URL, events, whether it is enabled and why it was disabled, if it was."""
    return _with_etag(response, webhooks.get(principal.tenant_id, id))


@router.patch("/v1/webhooks/{id}", response_model=WebhookOut, operation_id="update_webhook",
              summary="Change the URL, events, description or enabled; enabling clears a disabled endpoint")
def update(body: WebhookUpdate, response: Response, id: str = WEBHOOK_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """Change only the fields sent. Enabling an endpoint that was disabled after failures clears its failure
    count."""
    ports = outbound()
    endpoint = webhooks.update(principal.tenant_id, id, body.model_dump(exclude_unset=True), version,
                               ports.resolve, ports.now())
    return _with_etag(response, endpoint)


@router.delete("/v1/webhooks/{id}", operation_id="delete_webhook",
               summary="Delete a webhook endpoint; nothing more is sent to it")
def delete(id: str = WEBHOOK_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Removes the endpoint: no more events are sent to it."""
    endpoint = webhooks.delete(principal.tenant_id, id, version)
    return {"id": endpoint.id, "object": "webhook_endpoint", "deleted": True}


@router.post("/v1/webhooks/{id}/rotate-secret", response_model=WebhookWithSecret, operation_id="rotate_webhook_secret",
             summary="Issue a new signing secret; the old one keeps signing too for 24 hours")
def rotate_secret(response: Response, id: str = WEBHOOK_ID, version: int | None = Depends(expected_version),
                  idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """The new secret is in this response only. Deliveries carry a signature with each secret for 24 hours, so
    receivers can switch without losing events."""
    return with_etag(response, webhooks.rotate_secret_once(principal.tenant_id, id, version, outbound().now(),
                                                           idempotency_key))


@router.get("/v1/webhooks/{id}/deliveries", response_model=ListResponse[DeliveryOut],
            operation_id="list_webhook_deliveries", summary="An endpoint's deliveries and their attempts, newest first")
def deliveries(page: PageRequest = Depends(), id: str = WEBHOOK_ID,
               status: Literal["pending", "succeeded", "dead"] | None = Query(None),
               principal: Principal = Depends(READ)) -> Any:
    """Deliveries to this endpoint, newest first, with each attempt's status code, latency and error. Filter
    by `status`."""
    result = webhooks.deliveries(principal.tenant_id, id, status=status, limit=page.limit,
                                 start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.post("/v1/webhooks/{id}/test", status_code=202, response_model=DeliveryOut, operation_id="test_webhook",
             summary="Send a signed `ping` event to this endpoint")
def test(id: str = WEBHOOK_ID, principal: Principal = Depends(WRITE)) -> Any:
    """Queues a delivery of a `ping` event to the endpoint, signed like any other, to check the receiver."""
    return webhooks.send_test(principal.tenant_id, id, outbound())


@router.post("/v1/webhooks/{id}/replay", status_code=202, response_model=ReplayOut, operation_id="replay_webhook",
             summary="Send this endpoint again every event it subscribes to, created since a moment")
def replay(body: ReplayRequest, id: str = WEBHOOK_ID, principal: Principal = Depends(WRITE)) -> Any:
    """Queues a new delivery of every stored event the endpoint subscribes to between `since` and `until`;
    replay again from `next_since` when `has_more` is true."""
    return webhooks.replay(principal.tenant_id, id, body.since, body.until, outbound())


@router.post("/v1/webhook-deliveries/{id}/retry", status_code=202, response_model=DeliveryOut,
             operation_id="retry_webhook_delivery", summary="Attempt a delivery again now")
def retry(id: str = Path(description="The delivery's id (whd_…)"), principal: Principal = Depends(WRITE)) -> Any:
    """Queues the delivery for an attempt now, whatever its status (a succeeded one is sent again). The
    endpoint must be enabled."""
    return webhooks.retry_delivery(principal.tenant_id, id, outbound())
