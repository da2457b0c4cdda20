"""Lists: the `{data, has_more, next_cursor}` envelope and signed, opaque cursors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any, Generic, TypeVar

from fastapi import Query, Request
from pydantic import BaseModel

from ledgerline.domain.errors import InvalidRequest
from ledgerline.settings import get_settings

T = TypeVar("T")


class ListResponse(BaseModel, Generic[T]):
    data: list[T]
    has_more: bool
    next_cursor: str | None


class PageRequest:
    """`limit` and `cursor` query parameters of every list endpoint."""

    def __init__(self, request: Request,
                 limit: int = Query(50, ge=1, le=100, description="Page size, 1 to 100"),
                 cursor: str | None = Query(None, description="`next_cursor` of the previous page")) -> None:
        self.limit = limit
        self.cursor = cursor
        self.path = request.url.path

    def start_key(self, tenant_id: str) -> dict[str, Any] | None:
        return None if self.cursor is None else decode_cursor(self.cursor, tenant_id, self.path)

    def respond(self, items: list[T], next_key: dict[str, Any] | None, tenant_id: str) -> dict[str, Any]:
        return {
            "data": items,
            "has_more": next_key is not None,
            "next_cursor": None if next_key is None else encode_cursor(next_key, tenant_id, self.path),
        }


def _signature(payload: bytes) -> str:
    secret = get_settings().cursor_secret.get_secret_value().encode()
    return base64.urlsafe_b64encode(hmac.new(secret, payload, hashlib.sha256).digest()[:18]).decode()


def encode_cursor(key: dict[str, Any], tenant_id: str, path: str) -> str:
    # The tenant and the list's path are signed with the key, so a cursor only ever resumes
    # the list it came from, for the tenant it came from.
    payload = json.dumps({"k": key, "t": tenant_id, "p": path}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _signature(payload)


def decode_cursor(cursor: str, tenant_id: str, path: str) -> dict[str, Any]:
    """The key a cursor resumes from; anything else (forged, tampered, another list's, or a well-signed
    payload of the wrong shape) is a 400 `invalid_cursor`, never a 500."""
    invalid = InvalidRequest("The cursor is malformed or was not issued for this list", param="cursor",
                             code="invalid_cursor")
    body, _, signature = cursor.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError) as exc:
        raise invalid from exc
    if not hmac.compare_digest(signature.encode(), _signature(payload).encode()):
        raise invalid
    try:
        decoded = json.loads(payload)
    except ValueError as exc:  # not UTF-8, or not JSON
        raise invalid from exc
    if not (isinstance(decoded, dict) and isinstance(decoded.get("k"), dict) and decoded["k"]):
        raise invalid
    if decoded.get("t") != tenant_id or decoded.get("p") != path:
        raise invalid
    return decoded["k"]
