"""Lambda entry points of the real-time stream in AWS (functions/stream, functions/stream_dispatcher).

`on_websocket` serves the WebSocket API's routes: `$connect` authenticates the key (services/api_keys, the
API's own path) and refuses a bad one with its status, `$disconnect` forgets the connection, `subscribe` and
`$default` take the client's subscribe message (anything else is answered with an error message).
`on_bus_event` is the bus consumer: every event to the connections subscribed to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ledgerline.api.errors import describe_outside_request
from ledgerline.domain import stream as rules
from ledgerline.domain.errors import LedgerlineError
from ledgerline.domain.events import EventType
from ledgerline.services import stream


def error_message(exc: LedgerlineError) -> str:
    status, body = describe_outside_request(exc)
    return stream.control("error", status=status, error=body)


def on_websocket(event: dict[str, Any], context: Any, poster: stream.Poster | None = None) -> dict[str, Any]:
    request = event["requestContext"]
    route, connection_id = request["routeKey"], request["connectionId"]
    if route == "$connect":
        try:
            stream.connect(connection_id, rules.connect_secret(event.get("headers"),
                                                               event.get("queryStringParameters")))
        except LedgerlineError as exc:
            status, body = describe_outside_request(exc)
            return {"statusCode": status, "body": json.dumps({"error": body})}
        return {"statusCode": 200}
    if route == "$disconnect":
        stream.disconnect(connection_id)
        return {"statusCode": 200}
    out = poster or _poster(request)
    try:
        message = json.loads(event.get("body") or "")
    except ValueError:
        message = None
    try:
        reply = stream.subscribe(connection_id, message, lambda data: out.post(connection_id, data))
    except LedgerlineError as exc:
        reply = error_message(exc)
    out.post(connection_id, reply)
    return {"statusCode": 200}


def _fan_out(detail: dict[str, Any], poster: stream.Poster) -> int:
    return stream.fan_out(detail, poster)


# What the consumer handles: every catalogued type, as the webhook dispatcher (a type not in the catalogue yet,
# from a newer deployment's outbox, is streamed all the same).
HANDLERS: dict[EventType, Callable[[dict[str, Any], stream.Poster], int]] = dict.fromkeys(EventType, _fan_out)


def on_bus_event(event: dict[str, Any], context: Any, poster: stream.Poster | None = None) -> dict[str, Any]:
    """An EventBridge event whose detail is an outbox event (at least `tenant_id` and `id`)."""
    detail = event["detail"]
    handler = HANDLERS.get(event.get("detail-type") or detail.get("type"), _fan_out)
    return {"posted": handler(detail, poster or _poster())}


def _poster(request_context: dict[str, Any] | None = None) -> stream.Poster:
    from ledgerline.stream import runtime

    return runtime.poster(request_context)
