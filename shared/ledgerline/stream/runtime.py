"""Which transport the bus consumer posts through: the Management API in AWS (`stream_callback_url` set),
else the local server's own sockets (`ledgerline dev`, which runs the consumer in process)."""

from __future__ import annotations

from typing import Any

from ledgerline.settings import get_settings
from ledgerline.stream.management import ManagementApiPoster, callback_url, management_client

_chosen: list[Any] = []


def poster(request_context: dict[str, Any] | None = None) -> Any:
    """The poster for a WebSocket route's event (its domain and stage name the Management API) or for the
    bus consumer (`stream_callback_url`)."""
    if _chosen:
        return _chosen[-1]
    if (request_context and request_context.get("domainName")) or get_settings().stream_callback_url:
        return ManagementApiPoster(management_client(callback_url(request_context)))
    from ledgerline.local.stream import HUB  # the local runtime only

    return HUB


def use(chosen: Any | None) -> None:
    """Make `chosen` the process's poster (None: back to the default); for tests."""
    _chosen.clear()
    if chosen is not None:
        _chosen.append(chosen)
