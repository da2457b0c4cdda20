"""Who is calling, and may they? One code path for the local server and for Lambda.

In AWS the API Gateway REQUEST authorizer has already run `authenticate` and passed the
result in the request context; locally the same `authenticate` runs here.

Authentication comes first, always: the app factory's middleware calls `authenticate_first` for every
`/v1/` path before FastAPI reads the body or resolves any other dependency, so a request without a
valid key is a 401 whatever its body, headers or query say. `current_principal` then only picks up
the result (and counts the request against the rate limit).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from ledgerline.api import rate_limit
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.errors import Forbidden, InvalidRequest
from ledgerline.domain.scopes import grants


def authenticate(secret: str | None) -> Principal:
    """`services.api_keys.authenticate`, imported when first called: in AWS the authorizer function has
    authenticated every request, so an API function's cold start does not load the key lookup (local server only)."""
    from ledgerline.services.api_keys import authenticate as authenticate_key

    return authenticate_key(secret)


bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer ll_live_…`")


def principal_from_authorizer(request: Request) -> Principal | None:
    event = request.scope.get("aws.event") or {}
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    if "tenant_id" not in context:
        return None
    return Principal(tenant_id=context["tenant_id"], key_id=context["key_id"],
                     scopes=tuple(context.get("scopes", "").split()), plan=context.get("plan") or None,
                     api_version=context.get("api_version") or None)


AUTHENTICATED_PREFIX = "/v1/"


def authorization_headers(request: Request) -> list[str]:
    """Every `Authorization` header the caller sent: the ASGI headers (local server) and API Gateway's
    `multiValueHeaders` (Mangum joins repeated headers into one, so the event is the only place to count)."""
    values = [value for name, value in request.scope.get("headers", []) if name.lower() == b"authorization"]
    event = request.scope.get("aws.event") or {}
    multi = next((v for k, v in (event.get("multiValueHeaders") or {}).items() if k.lower() == "authorization"), None)
    if isinstance(multi, list) and len(multi) > len(values):
        return [str(value) for value in multi]
    return [value.decode("latin-1") for value in values]


def bearer_secret(header: str | None) -> str | None:
    """The key of `Authorization: Bearer <key>`; None for no header or another scheme."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


async def authenticate_first(request: Request) -> Principal | None:
    """Authenticate a request to the API before anything else reads it; None for paths outside the API.

    Two `Authorization` headers are a 400 (which one is meant is ambiguous, and proxies disagree on
    which wins). Raises Unauthenticated (401) for a missing or refused key."""
    if not request.url.path.startswith(AUTHENTICATED_PREFIX):
        return None
    headers = authorization_headers(request)
    if len(headers) > 1:
        raise InvalidRequest("Send exactly one Authorization header", param="Authorization",
                             code="duplicate_authorization")
    principal = principal_from_authorizer(request)
    if principal is None:
        principal = await run_in_threadpool(authenticate, bearer_secret(headers[0] if headers else None))
    request.state.principal = principal
    return principal


def current_principal(request: Request,
                      credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
                      now: datetime = Depends(rate_limit.request_time)) -> Principal:
    """The caller (authenticated by `authenticate_first`), counted against their tenant's rate limit (429
    when over it). `credentials` only declares the bearer scheme in the OpenAPI document."""
    principal = getattr(request.state, "principal", None)
    if principal is None:  # a route outside AUTHENTICATED_PREFIX that still asks for a caller
        principal = principal_from_authorizer(request) or authenticate(credentials.credentials if credentials
                                                                       else None)
    rate_limit.enforce(request, principal, now)
    return principal


def require(scope: str) -> Callable[..., Principal]:
    """A dependency that yields the caller when their key grants `scope`, else 403."""

    def check(principal: Principal = Depends(current_principal)) -> Principal:
        if not grants(principal.scopes, scope):
            raise Forbidden(f"This API key lacks the '{scope}' scope", param=scope)
        return principal

    check.scope = scope  # type: ignore[attr-defined]  # read by the scope matrix test and the docs
    return check
