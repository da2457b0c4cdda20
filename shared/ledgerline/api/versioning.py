"""Optimistic concurrency over HTTP: `version` is sent as `ETag`, `If-Match` makes writes conditional."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Header, Response

from ledgerline.domain.errors import InvalidRequest

_ETAG = re.compile(r'^(?:W/)?"?(\d{1,18})"?$')


def expected_version(
    if_match: str | None = Header(None, alias="If-Match",
                                  description='Only apply the change if the resource is at this version (its ETag)'),
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.strip())
    if match is None:
        raise InvalidRequest('If-Match must be an ETag such as "3"', param="If-Match", code="invalid_if_match")
    return int(match.group(1))


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


def with_etag(response: Response, body: dict[str, Any]) -> dict[str, Any]:
    """Send a representation's `version` as its ETag and return the representation."""
    set_etag(response, body["version"])
    return body
