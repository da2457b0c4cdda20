"""Delivering events: the dispatcher's fan-out (one delivery per subscribed endpoint) and the sender's
attempt (sign, POST, record, schedule the retry or give up, switch off endpoints that keep failing).

A delivery message is `{"tenant_id", "delivery_id", "attempt", "trigger", "not_before"?}`: "make attempt
number `attempt + 1`, not before `not_before`". Queues deliver messages at least once and sometimes
early (SQS delays at most 15 minutes), so an early message is put back for the rest of its delay and a
message whose attempt was taken already is dropped.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime
from typing import Any

from ulid import ULID

from ledgerline.clock import SYSTEM_CLOCK, isoformat
from ledgerline.domain import webhook_signing
from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.domain.webhooks import (
    DISABLE_AFTER,
    destination_refusal,
    next_attempt_at,
    parse_destination,
    should_disable,
    subscribes_to,
)
from ledgerline.observability import logger
from ledgerline.schemas.events import event_body
from ledgerline.schemas.webhooks import WebhookOut
from ledgerline.services.document_rules import record_event
from ledgerline.services.retry import retrying
from ledgerline.services.webhooks import payload_for, signing_secrets
from ledgerline.settings import get_settings
from ledgerline.store import webhooks as store
from ledgerline.store.events import find_event
from ledgerline.store.table import commit
from ledgerline.store.webhooks import Attempt, Delivery, WebhookEndpoint
from ledgerline.webhooks.ports import Outbound, Response

EARLY_TOLERANCE_SECONDS = 1


def dispatch_delivery_id(event_id: str, endpoint_id: str) -> str:
    """The same event and endpoint always give the same delivery id, so a repeated bus event (at least
    once) finds its delivery instead of making a second one. It sorts by the event's time."""
    moment = ULID.from_str(event_id.removeprefix("evt_")).bytes[:6]
    digest = hashlib.sha256(f"{event_id}|{endpoint_id}".encode()).digest()[:10]
    return f"whd_{ULID(moment + digest)}"


def message(delivery: Delivery, trigger: str, not_before: datetime | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"tenant_id": delivery.tenant_id, "delivery_id": delivery.id,
                            "attempt": int(delivery.attempt_count), "trigger": trigger}
    if not_before is not None:
        body["not_before"] = isoformat(not_before)
    return body


def _delay(moment: datetime, now: datetime) -> int:
    return max(0, math.ceil((moment - now).total_seconds()))


# ------------------------------------------------------------------------------------- dispatch


def dispatch(detail: dict[str, Any], out: Outbound) -> int:
    """Consume one event from the bus: queue one delivery per enabled endpoint subscribed to its type.

    The event is read back from the outbox by id, so the body sent is exactly what was committed.
    Returns the number of deliveries queued.
    """
    tenant_id, event_id = detail["tenant_id"], detail["id"]
    try:
        event = find_event(tenant_id, event_id)
    except NotFound:
        logger.warning("event not in the outbox; nothing to deliver", extra={"event_id": event_id})
        return 0
    endpoints = [e for e in store.all_endpoints(tenant_id) if e.enabled and subscribes_to(e.events, event.type)]
    if not endpoints:
        return 0
    body, now, queued = event_body(event), out.now(), 0
    for endpoint in endpoints:
        delivery = store.new_delivery(
            delivery_id=dispatch_delivery_id(event.id, endpoint.id), tenant_id=tenant_id, endpoint_id=endpoint.id,
            event_id=event.id, event_type=event.type, payload=payload_for(endpoint, body), trigger="dispatch", at=now,
        )
        if not store.insert_delivery(delivery):
            # Dispatched before: queue again only if it never got going (the earlier run may have
            # stopped between writing the delivery and queueing it); a duplicate message is dropped.
            delivery = store.find_delivery(tenant_id, delivery.id)
            if delivery.status != "pending" or delivery.attempt_count:
                continue
        out.queue.send(message(delivery, "dispatch"))
        queued += 1
    logger.info("event dispatched", extra={"event_id": event.id, "event_type": event.type, "deliveries": queued})
    return queued


# -------------------------------------------------------------------------------------- attempt


def attempt(msg: dict[str, Any], out: Outbound) -> str:
    """Handle one delivery message; returns what happened (for logs and tests)."""
    now = out.now()
    not_before = datetime.fromisoformat(msg["not_before"]) if msg.get("not_before") else None
    if not_before is not None and (not_before - now).total_seconds() > EARLY_TOLERANCE_SECONDS:
        out.queue.send(msg, delay_seconds=_delay(not_before, now))
        return "deferred"
    try:
        delivery = store.find_delivery(msg["tenant_id"], msg["delivery_id"])
    except NotFound:
        return "gone"
    made = int(msg["attempt"])
    if delivery.status != "pending" or delivery.attempt_count != made:
        return "stale"
    try:
        endpoint = store.load_endpoint(delivery.tenant_id, delivery.endpoint_id)
    except NotFound:
        store.give_up(delivery, "the webhook endpoint was deleted", now)
        return "dead"
    if not endpoint.enabled:
        store.give_up(delivery, "the webhook endpoint is disabled", now)
        return "dead"
    if not store.claim_attempt(delivery, made, now):
        return "stale"
    response = _send(endpoint, delivery, now, out)
    return _record(endpoint, delivery, made + 1, response, msg.get("trigger", "dispatch"), now, out)


def _send(endpoint: WebhookEndpoint, delivery: Delivery, now: datetime, out: Outbound) -> Response:
    """Resolve and vet the destination again (DNS may have changed since subscription), sign, POST."""
    try:
        destination = parse_destination(endpoint.url)
    except ValueError as exc:  # stored before URLs were checked strictly: a failed attempt, not a crash
        return Response(None, 0, f"destination refused: url {exc}")
    addresses = out.resolve(destination.host, destination.port)
    refusal = destination_refusal(destination, addresses, allow_loopback=bool(get_settings().webhooks_allow_loopback))
    if refusal:
        return Response(None, 0, f"destination refused: {refusal}")
    # The timestamp is the real time of sending: receivers compare it with their own clocks (decisions.md), so
    # it is the system clock's, whatever clock the pipeline runs on.
    headers = webhook_signing.headers(delivery.event_id, int(SYSTEM_CLOCK.now().timestamp()), delivery.payload,
                                      signing_secrets(endpoint, now))
    return out.http.post(url=endpoint.url, address=addresses[0], headers=headers, body=delivery.payload)


def _record(endpoint: WebhookEndpoint, delivery: Delivery, number: int, response: Response, trigger: str,
            now: datetime, out: Outbound) -> str:
    row = Attempt(at=now, status_code=response.status_code, latency_ms=response.latency_ms, error=response.error,
                  trigger=trigger)
    testing = delivery.trigger == "test"  # a ping is tried once and says nothing about the endpoint's health
    if response.ok:
        store.record_attempt(delivery, number, row, status="succeeded", next_attempt_at=None)
        if not testing:
            store.note_success(delivery.tenant_id, endpoint.id, now)
        return "succeeded"
    due = None if testing else next_attempt_at(delivery.created_at, now, number, out.random())
    recorded = store.record_attempt(delivery, number, row, status="pending" if due else "dead", next_attempt_at=due)
    if recorded and due is not None:
        delivery.attempt_count = number
        out.queue.send(message(delivery, "retry", not_before=due), delay_seconds=_delay(due, now))
    logger.info("webhook attempt failed", extra={"delivery_id": delivery.id, "attempt": number,
                                                 "status_code": response.status_code, "error": response.error,
                                                 "next_attempt_at": isoformat(due) if due else None})
    if not testing:
        since = store.note_failure(delivery.tenant_id, endpoint.id, now)
        if should_disable(since, now):
            disable(delivery.tenant_id, endpoint.id, now)
    return "failed" if due else "dead"


def disable(tenant_id: str, endpoint_id: str, now: datetime) -> bool:
    """Switch off an endpoint that has failed for days, with a `webhook_endpoint.disabled` event in the
    same transaction; False when it was off already."""
    reason = f"every delivery attempt failed for {DISABLE_AFTER.days} days"

    def once() -> bool:
        endpoint = store.load_endpoint(tenant_id, endpoint_id)
        if not endpoint.enabled:
            return False

        def write(tx: Any) -> None:
            store.disable_endpoint(tx, endpoint, reason, now)
            record_event(tx, endpoint, EventType.WEBHOOK_ENDPOINT_DISABLED, WebhookOut)

        commit(write)
        logger.warning("webhook endpoint disabled", extra={"endpoint_id": endpoint_id, "reason": reason})
        return True

    try:
        return retrying(once)
    except NotFound:
        return False
