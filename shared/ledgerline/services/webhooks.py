"""Webhook endpoints: subscribe, change, rotate the signing secret, delete; and the operations on
deliveries (test ping, manual retry, replay of past events to one endpoint)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from ledgerline.domain import api_versions, webhook_signing
from ledgerline.domain.errors import Conflict, FieldIssue, ValidationFailed
from ledgerline.domain.query import Query
from ledgerline.domain.webhooks import (
    PING,
    destination_refusal,
    normalised_url,
    parse_destination,
    subscribes_to,
    unknown_event_types,
)
from ledgerline.ids import new_id
from ledgerline.schemas.events import EventOut, event_body
from ledgerline.schemas.webhooks import WebhookOut
from ledgerline.secret_box import seal, unseal
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import invalid
from ledgerline.services.idempotency import once
from ledgerline.settings import get_settings
from ledgerline.store import lists
from ledgerline.store import webhooks as store
from ledgerline.store.events import events_since
from ledgerline.store.query import Result
from ledgerline.store.records import Page, check_version
from ledgerline.store.webhooks import Delivery, SealedSecret, WebhookEndpoint
from ledgerline.webhooks.ports import Outbound, Resolver

MAX_ENDPOINTS = 20
SECRET_OVERLAP = timedelta(hours=24)  # a rotated-out secret still signs for this long
REPLAY_LIMIT = 250  # events one replay call resends; the response says where to continue


def payload_for(endpoint: WebhookEndpoint, body: str) -> str:
    """The event body (`event_body`, newest version) as the endpoint's API version writes it: the registry's
    transformations applied for an endpoint pinned to an older version (domain/api_versions)."""
    version = endpoint.api_version or api_versions.ORIGINAL
    if not api_versions.affected_types(version):
        return body
    return json.dumps(api_versions.downgrade(json.loads(body), version), ensure_ascii=False, separators=(",", ":"))


def represent(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return WebhookOut.model_validate(endpoint).model_dump(mode="json")


# ------------------------------------------------------------------------------ destinations


def check_url(url: str, resolve: Resolver) -> str:
    """Refuse destinations the sender would refuse: not a strictly valid URL (domain/webhooks.parse_destination),
    not https, or resolving to a non-public address (loopback only when the local runtime says so).
    Returns the URL normalised, as it is stored."""
    try:
        destination = parse_destination(url)
    except ValueError as exc:
        raise invalid("url", str(exc)) from exc
    reason = destination_refusal(destination, resolve(destination.host, destination.port),
                                 allow_loopback=bool(get_settings().webhooks_allow_loopback))
    if reason:
        raise invalid("url", reason)
    return normalised_url(url)


def _check_events(events: list[str]) -> list[str]:
    unknown = unknown_event_types(events)
    if unknown:
        issues = [FieldIssue(f"events.{events.index(name)}", f"unknown event type {name!r}") for name in unknown]
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues)
    return sorted(set(events))


# -------------------------------------------------------------------------------- endpoints


def create(tenant_id: str, fields: dict[str, Any], resolve: Resolver, now: datetime) -> tuple[WebhookEndpoint, str]:
    events = _check_events(fields["events"])
    url = check_url(fields["url"], resolve)
    if len(store.all_endpoints(tenant_id)) >= MAX_ENDPOINTS:
        raise Conflict(f"A tenant may have at most {MAX_ENDPOINTS} webhook endpoints", code="too_many_webhooks")
    secret = webhook_signing.new_secret()
    endpoint = WebhookEndpoint(
        id=new_id("whe"), tenant_id=tenant_id, url=url, events=events, description=fields.get("description"),
        enabled=fields.get("enabled", True), secrets=[SealedSecret(sealed=seal(secret), created_at=now)],
        created_at=now, updated_at=now, api_version=fields.get("api_version") or api_versions.LATEST,
    )
    record_metadata.on_create(endpoint, fields)
    store.save_endpoint(endpoint)
    return endpoint, secret


def create_once(tenant_id: str, fields: dict[str, Any], resolve: Resolver, now: datetime,
                idempotency_key: str | None) -> dict[str, Any]:
    """Subscribe under an Idempotency-Key: a retry answers the first response, signing secret included.
    The idempotency record holds the secret sealed (as the endpoint does), never in plain text."""

    def run() -> dict[str, Any]:
        endpoint, secret = create(tenant_id, fields, resolve, now)
        return {**represent(endpoint), "secret": secret}

    return once(tenant_id, idempotency_key, "create_webhook", fields, run, keep=_sealed, replay=_unsealed)


def rotate_secret_once(tenant_id: str, endpoint_id: str, expected_version: int | None, now: datetime,
                       idempotency_key: str | None) -> dict[str, Any]:
    """Rotate under an Idempotency-Key: a retry answers the secret the first request made (kept sealed)."""

    def run() -> dict[str, Any]:
        endpoint, secret = rotate_secret(tenant_id, endpoint_id, expected_version, now)
        return {**represent(endpoint), "secret": secret}

    return once(tenant_id, idempotency_key, "rotate_webhook_secret", {"id": endpoint_id, "version": expected_version},
                run, keep=_sealed, replay=_unsealed)


def _sealed(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "secret": None, "sealed_secret": seal(body["secret"])}


def _unsealed(stored: dict[str, Any]) -> dict[str, Any]:
    body = {name: value for name, value in stored.items() if name != "sealed_secret"}
    return {**body, "secret": unseal(stored["sealed_secret"])}


def get(tenant_id: str, endpoint_id: str) -> WebhookEndpoint:
    return store.load_endpoint(tenant_id, endpoint_id)


def query_endpoints(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of endpoints as a planned query asks (issue 18, part QB: the store's named read
    `lists.query_webhook_endpoints`)."""
    return lists.query_webhook_endpoints(tenant_id, query, limit=limit, start_key=start_key)


def update(tenant_id: str, endpoint_id: str, changes: dict[str, Any], expected_version: int | None,
           resolve: Resolver, now: datetime) -> WebhookEndpoint:
    endpoint = store.load_endpoint(tenant_id, endpoint_id)
    check_version(endpoint, expected_version)
    for field in ("url", "events", "enabled", "api_version"):
        if field in changes and changes[field] is None:
            raise invalid(field, "may not be null")
    if "events" in changes:
        endpoint.events = _check_events(changes["events"])
    if "url" in changes:
        endpoint.url = check_url(changes["url"], resolve)
    if "description" in changes:
        endpoint.description = changes["description"]
    if "api_version" in changes:
        endpoint.api_version = changes["api_version"]
    record_metadata.take(endpoint, changes)  # issue 20
    enabling = changes.get("enabled") is True and not endpoint.enabled
    if "enabled" in changes:
        endpoint.enabled = changes["enabled"]
        if endpoint.enabled:
            endpoint.disabled_reason = endpoint.disabled_at = None
    endpoint.updated_at = now
    store.save_endpoint(endpoint)
    if enabling:
        store.forget_failures(tenant_id, endpoint_id)
    return endpoint


def delete(tenant_id: str, endpoint_id: str, expected_version: int | None) -> WebhookEndpoint:
    endpoint = store.load_endpoint(tenant_id, endpoint_id)
    check_version(endpoint, expected_version)
    store.delete_endpoint(endpoint)
    return endpoint


def rotate_secret(tenant_id: str, endpoint_id: str, expected_version: int | None,
                  now: datetime) -> tuple[WebhookEndpoint, str]:
    """A new signing secret; the previous one keeps signing (alongside) for SECRET_OVERLAP."""
    endpoint = store.load_endpoint(tenant_id, endpoint_id)
    check_version(endpoint, expected_version)
    secret = webhook_signing.new_secret()
    kept = []
    for old in endpoint.secrets or []:
        if old.valid_until is None:
            old.valid_until = now + SECRET_OVERLAP
        if old.valid_until > now:
            kept.append(old)
    endpoint.secrets = [SealedSecret(sealed=seal(secret), created_at=now), *kept]
    endpoint.updated_at = now
    store.save_endpoint(endpoint)
    return endpoint, secret


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign a message now: the current one first, then rotated-out ones still valid."""
    return [unseal(s.sealed) for s in endpoint.secrets or [] if s.valid_until is None or s.valid_until > now]


# ------------------------------------------------------------------------------- operations


def _enabled(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    if not endpoint.enabled:
        raise Conflict("The webhook endpoint is disabled; enable it first (PATCH enabled=true)",
                       param="enabled", code="webhook_disabled")
    return endpoint


def _queue(delivery: Delivery, out: Outbound, trigger: str) -> None:
    out.queue.send({"tenant_id": delivery.tenant_id, "delivery_id": delivery.id,
                    "attempt": int(delivery.attempt_count), "trigger": trigger})


def send_test(tenant_id: str, endpoint_id: str, out: Outbound) -> Delivery:
    """Queue a `ping` event to this endpoint only; it is not written to the event log."""
    endpoint = _enabled(store.load_endpoint(tenant_id, endpoint_id))
    now = out.now()
    ping = EventOut(id=new_id("evt"), type=PING, created_at=now, tenant_id=tenant_id,
                    object_type="webhook_endpoint", object_id=endpoint.id, sequence=endpoint.version,
                    data=represent(endpoint))
    delivery = store.new_delivery(delivery_id=new_id("whd"), tenant_id=tenant_id, endpoint_id=endpoint.id,
                                  event_id=ping.id, event_type=PING, payload=ping.model_dump_json(), trigger="test",
                                  at=now)
    store.insert_delivery(delivery)
    _queue(delivery, out, "test")
    return delivery


def retry_delivery(tenant_id: str, delivery_id: str, out: Outbound) -> Delivery:
    """Attempt a delivery again now, whatever its status (a succeeded one is sent again)."""
    delivery = store.find_delivery(tenant_id, delivery_id)
    _enabled(store.load_endpoint(tenant_id, delivery.endpoint_id))
    if not store.reopen(delivery, out.now()):
        raise Conflict("The delivery is being attempted right now; retry shortly", code="delivery_in_progress")
    delivery.refresh(consistent_read=True)
    _queue(delivery, out, "manual_retry")
    return delivery


def replay(tenant_id: str, endpoint_id: str, since: datetime, until: datetime | None, out: Outbound) -> dict[str, Any]:
    """Queue a new delivery to this endpoint of every event it subscribes to, created in [since, until]."""
    endpoint = _enabled(store.load_endpoint(tenant_id, endpoint_id))
    now = out.now()
    if until is not None and since > until:
        raise invalid("since", "must not be after until")
    found = events_since(tenant_id, since, until=until, limit=REPLAY_LIMIT + 1)
    sent = 0
    for event in found[:REPLAY_LIMIT]:
        if not subscribes_to(endpoint.events, event.type):
            continue
        delivery = store.new_delivery(delivery_id=new_id("whd"), tenant_id=tenant_id, endpoint_id=endpoint.id,
                                      event_id=event.id, event_type=event.type,
                                      payload=payload_for(endpoint, event_body(event)), trigger="replay", at=now)
        store.insert_delivery(delivery)
        _queue(delivery, out, "replay")
        sent += 1
    more = len(found) > REPLAY_LIMIT
    return {"webhook_id": endpoint.id, "since": since, "until": until or now, "deliveries": sent, "has_more": more,
            "next_since": found[REPLAY_LIMIT].created_at if more else None}


def deliveries(tenant_id: str, endpoint_id: str, *, status: str | None, limit: int,
               start_key: dict[str, Any] | None) -> Page[Delivery]:
    store.load_endpoint(tenant_id, endpoint_id)  # 404 for an unknown (or another tenant's) endpoint
    return store.list_deliveries(tenant_id, endpoint_id, status=status, limit=limit, start_key=start_key)
