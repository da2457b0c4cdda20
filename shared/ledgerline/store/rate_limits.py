"""Request counters for rate limits: `T#<tid>#RATE` / `<window start, epoch seconds>`.

One item per tenant and minute, shared by every Lambda instance and the local server. Counting
is a single conditional UpdateItem (ADD), so concurrent requests cannot overshoot the limit;
the item expires through the table's TTL soon after its window ends.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute
from pynamodb.exceptions import UpdateError

from ledgerline.store.records import tenant_partition
from ledgerline.store.table import TableModel, connection, is_condition_failure, raise_if_retryable


class RateWindow(TableModel):
    requests = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)

    @staticmethod
    def key(tenant_id: str, window_start: int) -> tuple[str, str]:
        return f"{tenant_partition(tenant_id)}#RATE", str(window_start)


def count_request(tenant_id: str, window_start: int, limit: int, expires_at: datetime) -> int | None:
    """Count one request in the tenant's window unless `limit` were counted already.

    Returns how many requests the window holds with this one, or None when it was full (the
    request is not counted then). One UpdateItem, whatever the outcome.
    """
    connection()
    window = RateWindow(*RateWindow.key(tenant_id, window_start))
    try:
        window.update(
            actions=[RateWindow.requests.add(1), RateWindow.expires_at.set(expires_at)],
            condition=RateWindow.requests.does_not_exist() | (RateWindow.requests < limit),
        )
    except UpdateError as exc:
        raise_if_retryable(exc)
        if is_condition_failure(exc):
            return None
        raise
    return int(window.requests)
