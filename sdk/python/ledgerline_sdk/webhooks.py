"""Verifying webhook deliveries: exactly what the API signs (Standard Webhooks, https://www.standardwebhooks.com).

The API sends `webhook-id`, `webhook-timestamp` and `webhook-signature`; the signature is
`v1,` + base64(HMAC-SHA256(base64-decoded secret after `whsec_`, "<webhook-id>.<webhook-timestamp>.<body>")).
While a rotated secret is still valid the header carries one signature per secret, space-separated: any match
is enough. Verify the raw body as received, before parsing it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

PREFIX = "whsec_"
DEFAULT_TOLERANCE = 300  # seconds between the delivery's timestamp and now (replayed deliveries are refused)


class WebhookVerificationError(Exception):
    """The delivery is not signed by this secret, is too old or too new, or lacks a header."""


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebhookVerificationError("the secret is not a whsec_ secret") from exc


def sign(secret: str, msg_id: str, timestamp: int, body: str | bytes) -> str:
    """The `v1,…` signature of one message (what the API puts in `webhook-signature`)."""
    payload = body.encode() if isinstance(body, str) else body
    digest = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + payload, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(payload: str | bytes, headers: Mapping[str, str], secret: str, *,
           tolerance: int = DEFAULT_TOLERANCE, now: float | None = None) -> dict[str, Any]:
    """The event of a delivery once its signature checks out; `WebhookVerificationError` otherwise.

    `payload` is the raw request body, `headers` the request's headers (any capitalisation), `secret` the
    endpoint's `whsec_…` signing secret.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id = lowered["webhook-id"]
        timestamp_text = lowered["webhook-timestamp"]
        offered = lowered["webhook-signature"]
    except KeyError as exc:
        raise WebhookVerificationError(f"missing header {exc.args[0]}") from None
    try:
        timestamp = int(timestamp_text)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not a number") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerance")
    expected = sign(secret, msg_id, timestamp, payload)
    if not any(hmac.compare_digest(candidate.encode(), expected.encode()) for candidate in offered.split(" ")):
        raise WebhookVerificationError("no signature matches")
    text = payload.decode() if isinstance(payload, bytes) else payload
    event: dict[str, Any] = json.loads(text)
    return event
