"""The real-time stream (issue 20, item 6): connect with an API key, subscribe to event types, get each event
as a webhook delivery carries it, resume from a last event id.

One use case per WebSocket step, the same in AWS (API Gateway WebSocket API: `ledgerline/stream/handlers.py`,
posting through the Management API) and on `ledgerline dev` (`local/stream.py`, posting to the socket in
process). The transport is the `Poster` port; the rules are domain/stream.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Protocol

from ledgerline.clock import utc_now
from ledgerline.domain import api_versions
from ledgerline.domain import stream as rules
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.errors import Forbidden, NotFound
from ledgerline.domain.scopes import grants
from ledgerline.observability import logger
from ledgerline.schemas.events import event_body
from ledgerline.services.api_keys import authenticate
from ledgerline.settings import get_settings
from ledgerline.store import events as event_store
from ledgerline.store import stream as store
from ledgerline.store.stream import StreamConnection

REPLAY_PAGE = 100
REPLAY_LIMIT = 1000  # events one subscribe replays; past it the ack says `replay_complete: false`


class Poster(Protocol):
    def post(self, connection_id: str, data: str) -> bool:
        """Send one text message to a connection; False when the connection is gone."""


def payload(api_version: str | None, body: str) -> str:
    """The event body (newest version) as the connection's key version writes it (as webhooks do)."""
    version = api_version or api_versions.ORIGINAL
    if not api_versions.affected_types(version):
        return body
    return json.dumps(api_versions.downgrade(json.loads(body), version), ensure_ascii=False, separators=(",", ":"))


def control(kind: str, **fields: Any) -> str:
    """A message of the stream itself (not an event): `{"object": "stream.<kind>", …}`."""
    return json.dumps({"object": f"stream.{kind}", **fields}, separators=(",", ":"), default=str)


# ------------------------------------------------------------------------------------ connect


def connect(connection_id: str, secret: str | None) -> Principal:
    """Authenticate the key (the API's own path) and record the connection; nothing is sent until subscribe."""
    principal = authenticate(secret)
    if not grants(principal.scopes, rules.SCOPE):
        raise Forbidden(f"This API key lacks the '{rules.SCOPE}' scope the stream needs", code="insufficient_scope")
    store.save_connection(store.new_connection(connection_id, principal.tenant_id, principal.key_id,
                                               principal.api_version, utc_now()))
    logger.info("stream connected", extra={"tenant_id": principal.tenant_id, "connection_id": connection_id})
    return principal


def disconnect(connection_id: str) -> None:
    record = store.find_connection(connection_id)
    if record is not None:
        store.delete_connection(record.tenant_id, connection_id)


# ---------------------------------------------------------------------------------- subscribe


def subscribe(connection_id: str, message: Any, send: Callable[[str], bool], *,
              settle_seconds: float | None = None) -> str:
    """Set the connection's subscription, replay what it missed after `last_event_id` through `send` (the
    connection's own channel), and return the acknowledgement to send last.

    From the subscription's write on, the bus consumer sends events above the boundary; the replay sends
    those up to it (domain/stream.py). Subscribing again replaces the subscription."""
    record = store.find_connection(connection_id)
    if record is None:
        raise NotFound("This connection is not open; connect again", param="connection_id")
    subscription = rules.parse_subscribe(message)
    live_after = event_store.boundary_id(utc_now())
    store.subscribe(record, subscription.events, subscription.last_event_id, live_after)
    replayed, complete = 0, True
    if subscription.last_event_id is not None:
        sent: set[str] = set()
        replayed, complete = _replay(record, subscription, live_after, send, sent)
        wait = get_settings().stream_settle_seconds if settle_seconds is None else settle_seconds
        if complete and wait:
            time.sleep(wait)  # then the replay range is read once more (domain/stream.py, "the switch")
            more, complete = _replay(record, subscription, live_after, send, sent)
            replayed += more
    return control("subscribed", events=list(subscription.events), last_event_id=subscription.last_event_id,
                   replayed=replayed, replay_complete=complete)


def _replay(record: StreamConnection, subscription: rules.Subscription, live_after: str,
            send: Callable[[str], bool], sent: set[str]) -> tuple[int, bool]:
    """Send the subscribed events of the replay range not sent yet, oldest first; (how many, all of them)."""
    count, start_key, read = 0, None, 0
    while True:
        page = event_store.events_between(record.tenant_id, subscription.last_event_id, live_after,
                                          limit=REPLAY_PAGE, start_key=start_key)
        by_id = {event.id: event for event in page.items}
        for event_id in rules.settle(sent, ((e.id, e.type) for e in page.items), subscription.events,
                                     subscription.last_event_id, live_after):
            if not send(payload(record.api_version, event_body(by_id[event_id]))):
                return count, False
            count += 1
        read += len(page.items)
        start_key = page.next_key
        if start_key is None:
            return count, True
        if read >= REPLAY_LIMIT:
            return count, False


# --------------------------------------------------------------------------------------- live


def fan_out(detail: dict[str, Any], poster: Poster) -> int:
    """Consume one bus event: post it to every connection of its tenant subscribed to it and live for it.
    A connection the transport reports gone is forgotten. Returns the number of posts made."""
    tenant_id, event_id = detail["tenant_id"], detail["id"]
    connections = store.tenant_connections(tenant_id)
    if not connections:
        return 0
    try:
        event = event_store.find_event(tenant_id, event_id)  # the body exactly as committed, as webhooks read it
    except NotFound:
        logger.warning("event not in the outbox; nothing to stream", extra={"event_id": event_id})
        return 0
    body, posted = event_body(event), 0
    for connection in rules.live_targets(connections, event.type, event.id):
        if poster.post(connection.connection_id, payload(connection.api_version, body)):
            posted += 1
        else:
            store.delete_connection(tenant_id, connection.connection_id)
            logger.info("stream connection gone", extra={"connection_id": connection.connection_id})
    return posted
