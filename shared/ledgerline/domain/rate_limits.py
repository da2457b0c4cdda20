"""Rate limits by plan: a fixed window of one minute per tenant.

Pure rules: which limit a plan has, which window a moment falls in, and what the caller is told
(the `X-RateLimit-*` headers, `Retry-After`). Counting happens in the store, shared by every process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from ledgerline.domain.tenants import Plan

WINDOW_SECONDS = 60
UNLIMITED = "unlimited"

# Requests per minute; None is unlimited.
PLAN_LIMITS: dict[str, int | None] = {
    Plan.STARTER: 120,
    Plan.PROFESSIONAL: 600,
    Plan.ENTERPRISE: None,
}


def limit_for(plan: str | None) -> int | None:
    """The plan's requests per minute (None: unlimited). An unknown plan gets the smallest limit."""
    if plan in PLAN_LIMITS:
        return PLAN_LIMITS[plan]
    return PLAN_LIMITS[Plan.STARTER]


@dataclass(frozen=True)
class Window:
    start: int  # epoch seconds, a multiple of WINDOW_SECONDS
    now: float

    @property
    def reset(self) -> int:
        """When the next window starts (epoch seconds): the budget is full again then."""
        return self.start + WINDOW_SECONDS

    @property
    def retry_after(self) -> int:
        """Whole seconds until the reset, at least 1 (what `Retry-After` says)."""
        return max(1, math.ceil(self.reset - self.now))


def window_at(moment: datetime) -> Window:
    now = moment.timestamp()
    return Window(start=int(now // WINDOW_SECONDS) * WINDOW_SECONDS, now=now)


@dataclass(frozen=True)
class Decision:
    """The outcome of one request's check: allowed or not, and what is left of the window."""

    limit: int | None
    used: int
    window: Window

    @property
    def allowed(self) -> bool:
        return self.limit is None or self.used <= self.limit

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": UNLIMITED if self.limit is None else str(self.limit),
            "X-RateLimit-Remaining": UNLIMITED if self.remaining is None else str(self.remaining),
            "X-RateLimit-Reset": str(self.window.reset),
        }


def usage_key(stack_name: str, tenant_id: str) -> str:
    """The value of a tenant's API Gateway API key, which puts its requests in its plan's usage plan.

    Not a credential: the API takes it from the authorizer's answer (`ApiKeySourceType: AUTHORIZER`),
    never from a client, so it only has to be unique per stack (and at least 20 characters).
    """
    return f"{stack_name}.{tenant_id}"
