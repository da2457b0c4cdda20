"""Rate limits by plan: count the request in the tenant's current window, say whether it may run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ledgerline.domain.api_keys import Principal
from ledgerline.domain.rate_limits import Decision, limit_for, window_at
from ledgerline.store.rate_limits import count_request
from ledgerline.store.tenants import load_tenant

# Counters outlive their minute a little (TTL deletes them later anyway); nothing reads old windows.
KEEP_AFTER_RESET = timedelta(minutes=5)


def check(principal: Principal, now: datetime) -> Decision:
    """Count this request against the caller's plan. Limited plans cost one UpdateItem; unlimited ones nothing."""
    plan = principal.plan if principal.plan is not None else load_tenant(principal.tenant_id).plan
    limit = limit_for(plan)
    window = window_at(now)
    if limit is None:
        return Decision(limit=None, used=0, window=window)
    expires_at = datetime.fromtimestamp(window.reset, UTC) + KEEP_AFTER_RESET
    used = count_request(principal.tenant_id, window.start, limit, expires_at)
    return Decision(limit=limit, used=limit + 1 if used is None else used, window=window)
