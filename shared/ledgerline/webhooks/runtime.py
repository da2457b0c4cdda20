"""The process's webhook ports: SQS in AWS, the local in-process queue otherwise; httpx; system DNS.

Built on first use. The local runtime and the tests may `use()` other ports (a controllable clock,
a fake resolver) for the whole process.
"""

from __future__ import annotations

from functools import cache

from ledgerline.settings import get_settings
from ledgerline.webhooks.ports import DeliveryQueue, Outbound

_chosen: list[Outbound] = []


@cache
def _default() -> Outbound:
    from ledgerline.webhooks.http import HttpxPoster
    from ledgerline.webhooks.resolver import system_resolver

    settings = get_settings()
    queue: DeliveryQueue
    if settings.webhook_queue_url:
        from ledgerline.webhooks.sqs import SqsQueue

        queue = SqsQueue(settings.webhook_queue_url)
    elif settings.is_local:
        from ledgerline.local.queue import process_queue

        queue = process_queue()
    else:
        raise RuntimeError("LEDGERLINE_WEBHOOK_QUEUE_URL must be set outside the local runtime")
    return Outbound(queue=queue, http=HttpxPoster(settings.webhook_timeout_seconds), resolve=system_resolver)


def outbound() -> Outbound:
    return _chosen[-1] if _chosen else _default()


def use(ports: Outbound | None) -> None:
    """Make `ports` the process's webhook ports (None: back to the defaults)."""
    _chosen.clear()
    if ports is not None:
        _chosen.append(ports)
    _default.cache_clear()
