"""Webhook endpoints (`/v1/webhooks`) and their deliveries (`/v1/webhook-deliveries`)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import expected_version, set_etag, with_etag
from ledgerline.domain.api_keys import Principal
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
READ, WRITE = require("webhooks:read"), require("webhooks:write")
WEBHOOK_ID = Path(description="The webhook endpoint's id (whe_…)")


def _with_etag(response: Response, endpoint: Any) -> dict[str, Any]:
    set_etag(response, endpoint.version)
    return webhooks.represent(endpoint)


@router.post("/v1/webhooks", status_code=201, response_model=WebhookWithSecret, operation_id="create_webhook",
             summary="Subscribe an endpoint to events; the signing secret is in this response only")
def create(body: WebhookCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    ports = outbound()
    return with_etag(response, webhooks.create_once(principal.tenant_id, body.model_dump(), ports.resolve, ports.now(),
                                                    idempotency_key))


@router.get("/v1/webhooks", response_model=ListResponse[WebhookOut], operation_id="list_webhooks",
            summary="List webhook endpoints")
def list_(page: PageRequest = Depends(), principal: Principal = Depends(READ)) -> Any:
    result = webhooks.list_endpoints(principal.tenant_id, limit=page.limit,
                                     start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/v1/webhooks/{id}", response_model=WebhookOut, operation_id="get_webhook",
            summary="Retrieve a webhook endpoint (never its secret)")
def get(response: Response, id: str = WEBHOOK_ID, principal: Principal = Depends(READ)) -> Any:
    return _with_etag(response, webhooks.get(principal.tenant_id, id))


@router.patch("/v1/webhooks/{id}", response_model=WebhookOut, operation_id="update_webhook",
              summary="Change the URL, events, description or enabled; enabling clears a disabled endpoint")
def update(body: WebhookUpdate, response: Response, id: str = WEBHOOK_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    ports = outbound()
    endpoint = webhooks.update(principal.tenant_id, id, body.model_dump(exclude_unset=True), version,
                               ports.resolve, ports.now())
    return _with_etag(response, endpoint)


@router.delete("/v1/webhooks/{id}", operation_id="delete_webhook",
               summary="Delete a webhook endpoint; nothing more is sent to it")
def delete(id: str = WEBHOOK_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    endpoint = webhooks.delete(principal.tenant_id, id, version)
    return {"id": endpoint.id, "object": "webhook_endpoint", "deleted": True}


@router.post("/v1/webhooks/{id}/rotate-secret", response_model=WebhookWithSecret, operation_id="rotate_webhook_secret",
             summary="Issue a new signing secret; the old one keeps signing too for 24 hours")
def rotate_secret(response: Response, id: str = WEBHOOK_ID, version: int | None = Depends(expected_version),
                  idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    return with_etag(response, webhooks.rotate_secret_once(principal.tenant_id, id, version, outbound().now(),
                                                           idempotency_key))


@router.get("/v1/webhooks/{id}/deliveries", response_model=ListResponse[DeliveryOut],
            operation_id="list_webhook_deliveries", summary="An endpoint's deliveries and their attempts, newest first")
def deliveries(page: PageRequest = Depends(), id: str = WEBHOOK_ID,
               status: Literal["pending", "succeeded", "dead"] | None = Query(None),
               principal: Principal = Depends(READ)) -> Any:
    result = webhooks.deliveries(principal.tenant_id, id, status=status, limit=page.limit,
                                 start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.post("/v1/webhooks/{id}/test", status_code=202, response_model=DeliveryOut, operation_id="test_webhook",
             summary="Send a signed `ping` event to this endpoint")
def test(id: str = WEBHOOK_ID, principal: Principal = Depends(WRITE)) -> Any:
    return webhooks.send_test(principal.tenant_id, id, outbound())


@router.post("/v1/webhooks/{id}/replay", status_code=202, response_model=ReplayOut, operation_id="replay_webhook",
             summary="Send this endpoint again every event it subscribes to, created since a moment")
def replay(body: ReplayRequest, id: str = WEBHOOK_ID, principal: Principal = Depends(WRITE)) -> Any:
    return webhooks.replay(principal.tenant_id, id, body.since, body.until, outbound())


@router.post("/v1/webhook-deliveries/{id}/retry", status_code=202, response_model=DeliveryOut,
             operation_id="retry_webhook_delivery", summary="Attempt a delivery again now")
def retry(id: str = Path(description="The delivery's id (whd_…)"), principal: Principal = Depends(WRITE)) -> Any:
    return webhooks.retry_delivery(principal.tenant_id, id, outbound())
