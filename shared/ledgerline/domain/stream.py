"""The real-time stream (issue 20, item 6): what a WebSocket client may ask, which events it gets, and how a
resume from a last event id switches from replayed to live events without a gap or a duplicate.

Pure. The same rules serve API Gateway's WebSocket API in AWS and `ledgerline dev`'s `/v1/stream`: only the
transport differs (services/stream.py).

The switch. Event ids are `evt_` + a ULID, so they sort by the moment they were made. At `subscribe` the
service takes a boundary `live_after` (the largest id of that millisecond) and stores it on the connection
*before* it reads the table. Then:

- replay sends the subscribed events with `last_event_id < id <= live_after`, read from the table;
- live (the bus consumer) sends only the subscribed events with `id > live_after`.

The two ranges are disjoint, so no event is sent twice, and together they are every id after
`last_event_id`. An event with an id above the boundary was made after the connection was stored, so the
consumer finds the connection when it gets that event (no gap on the live side). An event with an id at or
below the boundary whose transaction commits only after the replay read is picked up by a second read of
the same range (`settle`), which sends only ids not sent yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.webhooks import subscribes_to, unknown_event_types

SCOPE = "events:read"  # what a key needs to open the stream (the same as GET /v1/events)
SUBSCRIBE = "subscribe"  # the one action a client sends (API Gateway's route selection: $request.body.action)
MAX_PATTERNS = 50
MAX_MESSAGE_BYTES = 8 * 1024
EVENT_ID = re.compile(r"^evt_[0-9A-HJKMNP-TV-Z]{26}$")


@dataclass(frozen=True)
class Subscription:
    events: tuple[str, ...]
    last_event_id: str | None = None


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


def parse_subscribe(message: Any) -> Subscription:
    """A client's `{"action": "subscribe", "events": [...], "last_event_id": "evt_…"?}`, checked: the event
    patterns are those webhook endpoints take (a type, a family `invoice.*`, or `*`)."""
    if not isinstance(message, Mapping):
        raise _refuse("action", "send a JSON object with action 'subscribe'")
    if message.get("action") != SUBSCRIBE:
        raise _refuse("action", f"unknown action {message.get('action')!r}; the stream takes 'subscribe'")
    unknown_fields = sorted(set(message) - {"action", "events", "last_event_id"})
    if unknown_fields:
        raise _refuse(unknown_fields[0], "unknown field")
    events = message.get("events")
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise _refuse("events", "a non-empty list of event types, e.g. ['invoice.*']")
    if len(events) > MAX_PATTERNS:
        raise _refuse("events", f"at most {MAX_PATTERNS} patterns")
    unknown = unknown_event_types(events)
    if unknown:
        raise _refuse(f"events.{events.index(unknown[0])}", f"unknown event type {unknown[0]!r}")
    last = message.get("last_event_id")
    if last is not None and (not isinstance(last, str) or not EVENT_ID.match(last)):
        raise _refuse("last_event_id", "an event id (evt_ followed by 26 characters)")
    return Subscription(tuple(sorted(set(events))), last)


def is_live(event_id: str, live_after: str | None) -> bool:
    """Whether the live side sends this event: above the boundary (none yet: not subscribed, nothing)."""
    return live_after is not None and event_id > live_after


def in_replay(event_id: str, last_event_id: str | None, live_after: str) -> bool:
    """Whether the replay sends this event: after the client's last one, up to the boundary."""
    return (last_event_id is None or event_id > last_event_id) and event_id <= live_after


def wants(patterns: Iterable[str], event_type: str) -> bool:
    """The webhook endpoints' matching, unchanged (domain/webhooks.subscribes_to)."""
    return subscribes_to(patterns, event_type)


def live_targets(connections: Iterable[Any], event_type: str, event_id: str) -> list[Any]:
    """The connections (with `events` and `live_after`) the consumer posts an event to."""
    return [c for c in connections
            if is_live(event_id, c.live_after) and wants(c.events or (), event_type)]


def settle(already_sent: set[str], found: Iterable[tuple[str, str]], patterns: Iterable[str],
           last_event_id: str | None, live_after: str) -> list[str]:
    """Of `(id, type)` pairs read from the replay range, oldest first, the ids to send now: subscribed, in
    the range, not sent before. The first replay read and the settle read both go through here."""
    chosen, patterns = [], tuple(patterns)
    for event_id, event_type in found:
        if event_id in already_sent or not in_replay(event_id, last_event_id, live_after):
            continue
        if wants(patterns, event_type):
            chosen.append(event_id)
            already_sent.add(event_id)
    return chosen


QUERY_KEY = "api_key"  # browsers cannot set headers on a WebSocket: `wss://…/v1/stream?api_key=ll_live_…`


def connect_secret(headers: Mapping[str, str] | None, query: Mapping[str, str] | None) -> str | None:
    """The API key a connection request carries: `Authorization: Bearer <key>`, else the `api_key` query
    parameter. None when neither is there, or the header has another scheme (refused as a missing key)."""
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    header = lowered.get("authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        return token.strip() or None if scheme.lower() == "bearer" else None
    value = (query or {}).get(QUERY_KEY)
    return value or None
