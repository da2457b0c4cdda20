"""Answering CloudFormation: one JSON document PUT to the request's pre-signed `ResponseURL`.

A custom resource that never answers leaves its stack waiting for an hour, so the handler answers
exactly once, whatever happened: the outcome, or a failure when time runs out first.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Literal

from ledgerline.observability import logger

# CloudFormation refuses responses over 4096 bytes; a long reason is cut well before that.
MAX_REASON = 1000


@dataclass(frozen=True)
class Outcome:
    status: Literal["SUCCESS", "FAILED"]
    physical_id: str
    reason: str
    data: dict[str, str] = field(default_factory=dict)


def response_body(event: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
    reason = outcome.reason if len(outcome.reason) <= MAX_REASON else outcome.reason[: MAX_REASON - 1] + "…"
    return {
        "Status": outcome.status,
        "Reason": reason,
        "PhysicalResourceId": outcome.physical_id,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "NoEcho": False,
        "Data": outcome.data,
    }


class Responder:
    """Sends the answer to one request, once: later calls (a deadline that fired first) do nothing."""

    def __init__(self, event: dict[str, Any], *, attempts: int = 4, timeout: float = 10.0,
                 backoff: float = 1.0) -> None:
        self.event = event
        self.attempts = attempts
        self.timeout = timeout
        self.backoff = backoff
        self._lock = threading.Lock()
        self._sent = False

    def send(self, outcome: Outcome) -> bool:
        """PUT the answer; False when one was sent already, or when every attempt failed (logged)."""
        with self._lock:
            if self._sent:
                return False
            self._sent = True
        body = json.dumps(response_body(self.event, outcome)).encode()
        # The URL is pre-signed without a content type: send an empty one, as AWS's cfn-response does.
        request = urllib.request.Request(self.event["ResponseURL"], data=body, method="PUT",
                                         headers={"Content-Type": "", "Content-Length": str(len(body))})
        for attempt in range(1, self.attempts + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - CloudFormation's URL
                    logger.info("answered CloudFormation", extra={"status": outcome.status, "reason": outcome.reason,
                                                                 "physical_id": outcome.physical_id,
                                                                 "http_status": response.status})
                    return True
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                logger.warning("could not answer CloudFormation", extra={"attempt": attempt, "error": str(exc)})
                if attempt < self.attempts:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
        logger.error("gave up answering CloudFormation; the stack waits until its own timeout")
        return False


def guard_deadline(responder: Responder, outcome: Outcome, seconds: float) -> threading.Timer:
    """Answer `outcome` (a failure) after `seconds` unless the real answer was sent first; cancel when done."""
    timer = threading.Timer(max(0.0, seconds), responder.send, args=(outcome,))
    timer.daemon = True
    timer.start()
    return timer
