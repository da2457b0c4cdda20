"""The dev server's stand-in for API Gateway's Management API (local/stream.HUB): posts reach the socket's
queue on its loop; while a subscribe replays, the consumer's posts wait and follow the replay and its
acknowledgement; a connection not open here is reported gone."""

from __future__ import annotations

import asyncio
import threading

from ledgerline.local.stream import LocalHub


def drain(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str]) -> list[str]:
    loop.run_until_complete(asyncio.sleep(0))  # run the callbacks the posts scheduled
    out = []
    while not queue.empty():
        out.append(queue.get_nowait())
    return out


def test_posts_held_during_a_replay_follow_it_in_order():
    loop = asyncio.new_event_loop()
    try:
        hub = LocalHub()
        queue = hub.open("c1", loop)
        assert hub.post("c1", "live-0")
        hub.hold("c1")
        consumer = threading.Thread(target=lambda: [hub.post("c1", f"live-{n}") for n in (1, 2)])
        consumer.start()
        consumer.join()
        hub.direct("c1", "replay-1")
        hub.direct("c1", "ack")
        hub.release("c1")
        assert hub.post("c1", "live-3")
        assert drain(loop, queue) == ["live-0", "replay-1", "ack", "live-1", "live-2", "live-3"]
    finally:
        loop.close()


def test_a_connection_not_open_here_is_gone():
    loop = asyncio.new_event_loop()
    try:
        hub = LocalHub()
        assert hub.post("nope", "x") is False and hub.direct("nope", "x") is False
        hub.open("c1", loop)
        hub.close("c1")
        assert hub.post("c1", "x") is False
        hub.hold("c1")
        hub.release("c1")  # nothing to do for a closed connection
    finally:
        loop.close()
