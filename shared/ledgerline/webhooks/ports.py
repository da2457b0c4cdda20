"""The boundaries webhook delivery crosses: a queue of delivery messages, DNS, an HTTP client, a clock.

Each has a real adapter (SQS or the local in-process queue, the system resolver, httpx) and the tests
pass fakes. `Outbound` bundles them for the use cases in services/webhook_delivery.py.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ledgerline.clock import utc_now
from ledgerline.domain.webhooks import IPAddress


class DeliveryQueue(Protocol):
    def send(self, message: dict[str, Any], delay_seconds: int = 0) -> None:
        """Queue a delivery message, to be handled no sooner than `delay_seconds` from now."""


class Resolver(Protocol):
    def __call__(self, host: str, port: int) -> list[IPAddress]:
        """Every address the host resolves to (empty when it does not resolve)."""


@dataclass(frozen=True)
class Response:
    status_code: int | None  # None: no HTTP response (timeout, refused connection, TLS error)
    latency_ms: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class HttpPoster(Protocol):
    def post(self, *, url: str, address: IPAddress, headers: dict[str, str], body: str) -> Response:
        """POST `body` to `url`, connecting to `address` (resolved and vetted by the caller)."""


@dataclass
class Outbound:
    queue: DeliveryQueue
    http: HttpPoster
    resolve: Resolver
    now: Callable[[], datetime] = utc_now
    random: Callable[[], float] = field(default=random.random)
