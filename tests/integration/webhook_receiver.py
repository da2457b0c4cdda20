"""A webhook subscriber for the tests: a real HTTP server on loopback that verifies every request with
the PyPI library `standardwebhooks` (not with our own signing code), and a clock the tests move."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    status: int  # what the receiver answered
    verified_with: list[int]  # indexes of the secrets whose signature verified
    at: float = field(default_factory=time.perf_counter)

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    """POSTs to http://127.0.0.1:<port>/hook. Fails `failure_rate` of requests (500) at random."""

    def __init__(self, failure_rate: float = 0.0, seed: int = 7) -> None:
        self.secrets: list[str] = []
        self.received: list[Received] = []
        self.failure_rate = failure_rate
        self.always_fail = False
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver._take(headers, body, self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def _take(self, headers: dict[str, str], body: str, handler: BaseHTTPRequestHandler) -> None:
        verified = []
        for index, secret in enumerate(self.secrets):
            try:
                Webhook(secret).verify(body, headers)
                verified.append(index)
            except WebhookVerificationError:
                pass
        with self._lock:
            fail = self.always_fail or not verified or self._random.random() < self.failure_rate
            status = 500 if fail else 204
            self.received.append(Received(headers, body, status, verified))
        handler.send_response(status)
        handler.send_header("content-length", "0")
        handler.end_headers()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what arrived
    def accepted(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.status < 300]

    def all(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def accepted_ids(self) -> Counter[str]:
        return Counter(r.webhook_id for r in self.accepted())

    def wait_for(self, event_ids: set[str], timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if event_ids <= set(self.accepted_ids()):
                return
            time.sleep(0.02)
        missing = event_ids - set(self.accepted_ids())
        raise AssertionError(f"not delivered within {timeout}s: {sorted(missing)}")


class Clock:
    """The delivery pipeline's clock: starts at the real time, moves only when told."""

    def __init__(self) -> None:
        from ledgerline.clock import utc_now

        self._now = utc_now()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta

    def move_to(self, moment: datetime) -> None:
        with self._lock:
            self._now = max(self._now, moment)
