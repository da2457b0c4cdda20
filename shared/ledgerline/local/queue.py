"""The local stand-in for the SQS delivery queue: in process, with due times read from a clock.

Like SQS, a message is handed out once it is due, stays "in flight" until its consumer is done with
it, and a message whose handling failed comes back after a visibility timeout, counting receives.
Unlike SQS, a delay may be longer than 15 minutes. The clock is injectable, so tests can move time.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from ledgerline.clock import utc_now


@dataclass(order=True)
class Envelope:
    due: datetime
    serial: int
    body: dict[str, Any] = field(compare=False)
    message_id: str = field(compare=False, default_factory=lambda: str(uuid.uuid4()))
    receive_count: int = field(compare=False, default=0)


class LocalQueue:
    def __init__(self, now: Callable[[], datetime] = utc_now) -> None:
        self.now = now
        self._heap: list[Envelope] = []
        self._serial = itertools.count()
        self._lock = threading.Condition()
        self._in_flight = 0
        self.dead_letters: list[Envelope] = []

    def send(self, message: dict[str, Any], delay_seconds: int = 0) -> None:
        with self._lock:
            due = self.now() + timedelta(seconds=max(0, delay_seconds))
            heapq.heappush(self._heap, Envelope(due, next(self._serial), message))
            self._lock.notify_all()

    def take_due(self, max_messages: int = 10) -> list[Envelope]:
        """Up to `max_messages` messages that are due now; they are in flight until `done`."""
        with self._lock:
            now, taken = self.now(), []
            while self._heap and self._heap[0].due <= now and len(taken) < max_messages:
                envelope = heapq.heappop(self._heap)
                envelope.receive_count += 1
                taken.append(envelope)
            self._in_flight += len(taken)
            return taken

    def done(self, envelope: Envelope) -> None:
        with self._lock:
            self._in_flight -= 1
            self._lock.notify_all()

    def give_back(self, envelope: Envelope, visibility_timeout: int, max_receive_count: int | None) -> None:
        """A failed message: visible again after the timeout, or to the dead letters after too many receives."""
        with self._lock:
            self._in_flight -= 1
            if max_receive_count is not None and envelope.receive_count >= max_receive_count:
                self.dead_letters.append(envelope)
            else:
                envelope.due = self.now() + timedelta(seconds=visibility_timeout)
                heapq.heappush(self._heap, envelope)
            self._lock.notify_all()

    def next_due(self) -> datetime | None:
        with self._lock:
            return self._heap[0].due if self._heap else None

    def idle(self) -> bool:
        """Nothing due now and nothing in flight (later messages may wait)."""
        with self._lock:
            return self._in_flight == 0 and not (self._heap and self._heap[0].due <= self.now())

    def wait(self, timeout: float) -> None:
        with self._lock:
            self._lock.wait(timeout)

    def __len__(self) -> int:
        with self._lock:
            return len(self._heap) + self._in_flight


@cache
def process_queue() -> LocalQueue:
    """The local runtime's one delivery queue (the dispatcher and the API queue here, the worker reads)."""
    return LocalQueue()
