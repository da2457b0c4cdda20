"""Dated API versions over HTTP (issue 20): which version answers a request, and the response in it.

Applied in one place, the app factory's middleware (api/app.py), never per router: the routes answer in the
newest version (domain/api_versions.LATEST); a caller on an older one gets the JSON body with the registry's
transformations applied. Every response says which version answered in `Ledgerline-Version`.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from ledgerline.domain import api_versions
from ledgerline.domain.api_keys import Principal

HEADER = api_versions.HEADER


def requested_version(request: Request, principal: Principal | None) -> str:
    """The `Ledgerline-Version` header, else the key's pinned version, else the original; 400 for a bad header."""
    return api_versions.resolve(request.headers.get(HEADER), principal.api_version if principal else None)


def request_version(request: Request) -> str:
    """The version the request is answered in (set by the app factory's middleware)."""
    return getattr(request.state, "api_version", None) or api_versions.LATEST


async def in_version(response: Response, version: str) -> Response:
    """`response` as `version` shows it, with its whole body in one message: a JSON body holding an object type
    some newer version changed is rewritten; any other body (CSV, PDF, XML, errors) is kept byte for byte.

    The body is read whole (no route streams; Mangum buffers anyway) so that the gzip middleware around the
    app sees its real size: the streamed response of `call_next` would be compressed however small it is."""
    body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    types = api_versions.affected_types(version)
    is_json = response.headers.get("content-type", "").startswith("application/json")
    if is_json and any(f'"object":"{kind}"'.encode() in body or f'"object": "{kind}"'.encode() in body
                       for kind in types):
        body = json.dumps(api_versions.downgrade(json.loads(body), version), ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode()
    headers = {name: value for name, value in response.headers.items() if name.lower() != "content-length"}
    return Response(body, status_code=response.status_code, headers=headers, background=response.background)
