"""Who is calling, and may they? One code path for the local server and for Lambda.

In AWS the API Gateway REQUEST authorizer has already run `authenticate` and passed the
result in the request context; locally the same `authenticate` runs here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ledgerline.api import rate_limit
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.errors import Forbidden
from ledgerline.domain.scopes import grants
from ledgerline.observability import logger
from ledgerline.services.api_keys import authenticate

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer ll_live_…`")


def principal_from_authorizer(request: Request) -> Principal | None:
    event = request.scope.get("aws.event") or {}
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    if "tenant_id" not in context:
        return None
    return Principal(tenant_id=context["tenant_id"], key_id=context["key_id"],
                     scopes=tuple(context.get("scopes", "").split()), plan=context.get("plan") or None)


def current_principal(request: Request,
                      credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
                      now: datetime = Depends(rate_limit.request_time)) -> Principal:
    """The caller, authenticated, and counted against their tenant's rate limit (429 when over it)."""
    principal = principal_from_authorizer(request)
    if principal is None:
        principal = authenticate(credentials.credentials if credentials else None)
    logger.append_keys(tenant_id=principal.tenant_id, key_id=principal.key_id)
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
