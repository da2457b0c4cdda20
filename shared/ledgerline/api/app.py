"""The one app factory: every function and the local server serve routers through it."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, FastAPI, Request

from ledgerline.api import errors
from ledgerline.api.auth import authenticate_first
from ledgerline.api.rate_limit import rate_limit_headers
from ledgerline.observability import logger
from ledgerline.schemas.errors import ERROR_RESPONSES

DESCRIPTION = """
Invoicing and double-entry accounting over HTTPS.

Authenticate with `Authorization: Bearer <api key>`. Money is exchanged as decimal strings,
lists are paginated with `limit` and `cursor`, and errors share one envelope:
`{"error": {"type", "code", "message", "param", "details", "request_id"}}`.
"""


def create_app(*routers: APIRouter, title: str = "Ledgerline API") -> FastAPI:
    app = FastAPI(title=title, version="1.0.0", description=DESCRIPTION)
    for router in routers:
        app.include_router(router, responses=ERROR_RESPONSES)
    errors.install(app)

    @app.middleware("http")
    async def request_id(request: Request, call_next):  # type: ignore[no-untyped-def]
        event = request.scope.get("aws.event") or {}
        rid = (request.headers.get("x-request-id")
               or (event.get("requestContext") or {}).get("requestId")
               or str(uuid.uuid4()))
        request.state.request_id = rid
        # Context-local log keys: this request's task and the threads it runs in see them, no other request.
        logger.thread_safe_append_keys(request_id=rid)
        try:
            # Authentication first, before the body or any other parameter is read (api/auth.py).
            principal = await authenticate_first(request)
            if principal is not None:
                logger.thread_safe_append_keys(tenant_id=principal.tenant_id, key_id=principal.key_id)
            response = await call_next(request)
        except Exception as exc:  # noqa: BLE001 - the one place errors outside the routes become an envelope
            response = await errors.respond(request, exc)
        response.headers["X-Request-ID"] = rid
        # Set when the request was authenticated and counted against its tenant's rate limit (api/rate_limit.py).
        response.headers.update(rate_limit_headers(request))
        return response

    return app
