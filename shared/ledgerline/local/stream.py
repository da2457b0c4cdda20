"""The real-time stream on `ledgerline dev` (issue 20, item 6): `ws://127.0.0.1:<port>/v1/stream`, the same
protocol as API Gateway's WebSocket API in AWS, on the same use cases (services/stream.py).

The transport is the only local part: the WebSocket route below plays API Gateway ($connect, subscribe
messages, $disconnect), and `HUB` is the Management API: the bus consumer (functions/stream_dispatcher, which
the local relay invokes in process as the template's bus rule says) posts to it, and it hands the message to
the socket's writer on the server's event loop. While a subscribe replays, the consumer's posts to that
connection are held and follow the replay and its acknowledgement, so a client reads events in order.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from ledgerline.api.errors import describe_outside_request
from ledgerline.domain import stream as rules
from ledgerline.domain.errors import LedgerlineError
from ledgerline.ids import new_id
from ledgerline.observability import logger
from ledgerline.services import stream

PATH = "/v1/stream"


@dataclass
class _Channel:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str]
    held: list[str] | None = field(default=None)


class LocalHub:
    """The local Management API: connection id → the socket's outgoing queue (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._channels: dict[str, _Channel] = {}

    def open(self, connection_id: str, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        with self._lock:
            self._channels[connection_id] = _Channel(loop, queue)
        return queue

    def close(self, connection_id: str) -> None:
        with self._lock:
            self._channels.pop(connection_id, None)

    def post(self, connection_id: str, data: str) -> bool:
        """The consumer's post (services/stream.Poster): False when no such socket is open here."""
        with self._lock:
            channel = self._channels.get(connection_id)
            if channel is None:
                return False
            if channel.held is not None:
                channel.held.append(data)
            else:
                channel.loop.call_soon_threadsafe(channel.queue.put_nowait, data)
            return True

    def direct(self, connection_id: str, data: str) -> bool:
        """A message of the connection's own exchange (replay, acknowledgement, error), never held."""
        with self._lock:
            channel = self._channels.get(connection_id)
            if channel is None:
                return False
            channel.loop.call_soon_threadsafe(channel.queue.put_nowait, data)
            return True

    def hold(self, connection_id: str) -> None:
        with self._lock:
            channel = self._channels.get(connection_id)
            if channel is not None and channel.held is None:
                channel.held = []

    def release(self, connection_id: str) -> None:
        with self._lock:
            channel = self._channels.get(connection_id)
            if channel is None or channel.held is None:
                return
            for data in channel.held:
                channel.loop.call_soon_threadsafe(channel.queue.put_nowait, data)
            channel.held = None


HUB = LocalHub()


def _subscribe(connection_id: str, text: str) -> None:
    """One client message, as API Gateway's subscribe/$default route gives it to functions/stream."""
    try:
        message = json.loads(text)
    except ValueError:
        message = None
    HUB.hold(connection_id)
    try:
        try:
            reply = stream.subscribe(connection_id, message, lambda data: HUB.direct(connection_id, data))
        except LedgerlineError as exc:
            status, body = describe_outside_request(exc)
            reply = stream.control("error", status=status, error=body)
        HUB.direct(connection_id, reply)
    finally:
        HUB.release(connection_id)


async def endpoint(websocket: WebSocket) -> None:
    connection_id = new_id("wsc")
    secret = rules.connect_secret(dict(websocket.headers), dict(websocket.query_params))
    try:
        await run_in_threadpool(stream.connect, connection_id, secret)
    except LedgerlineError as exc:  # as API Gateway answers a $connect refused by functions/stream
        status, body = describe_outside_request(exc)
        await websocket.send_denial_response(JSONResponse({"error": body}, status_code=status))
        return
    await websocket.accept()
    queue = HUB.open(connection_id, asyncio.get_running_loop())
    writer = asyncio.create_task(_write(websocket, queue))
    try:
        while True:
            text = await websocket.receive_text()
            await run_in_threadpool(_subscribe, connection_id, text)
    except WebSocketDisconnect:
        pass
    except Exception:  # noqa: BLE001 - one broken socket must not take the server down
        logger.exception("stream connection failed", extra={"connection_id": connection_id})
    finally:
        writer.cancel()
        HUB.close(connection_id)
        await run_in_threadpool(stream.disconnect, connection_id)


async def _write(websocket: WebSocket, queue: asyncio.Queue[str]) -> None:
    while True:
        data = await queue.get()
        await websocket.send_text(data)
