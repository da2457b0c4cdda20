"""Rate limits on every authenticated route, in Lambda and locally.

`api/auth.current_principal`, which every route depends on through `require(scope)`, calls
`enforce` right after authentication (FastAPI resolves it once per request), so a request is
counted before its scope check and its body. The decision is kept on the request, and the app
factory's middleware copies the `X-RateLimit-*` headers onto whatever response leaves, errors included.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import Request

from ledgerline.clock import utc_now
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.errors import RateLimited
from ledgerline.services import rate_limits


def request_time() -> datetime:
    """The clock the limiter reads: a dependency, so tests can move it (app.dependency_overrides)."""
    return utc_now()


def enforce(request: Request, principal: Principal, now: datetime) -> None:
    decision = rate_limits.check(principal, now)
    request.state.rate_limit = decision
    if not decision.allowed:
        raise RateLimited(
            f"Rate limit of {decision.limit} requests per minute exceeded; "
            f"retry after {decision.window.retry_after} s",
            retry_after=decision.window.retry_after,
        )


def rate_limit_headers(request: Request) -> dict[str, str]:
    decision = getattr(request.state, "rate_limit", None)
    return decision.headers() if decision is not None else {}
