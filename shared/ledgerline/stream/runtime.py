"""Which transport the bus consumer posts through: the Management API in AWS (`stream_callback_url` set),
else the local server's own sockets (`ledgerline dev`, which runs the consumer in process)."""

from __future__ import annotations

from typing import Any

from ledgerline.settings import get_settings
from ledgerline.stream.management import ManagementApiPoster, management_client

_chosen: list[Any] = []


def poster() -> Any:
    if _chosen:
        return _chosen[-1]
    url = get_settings().stream_callback_url
    if url:
        return ManagementApiPoster(management_client(url))
    from ledgerline.local.stream import HUB  # the local runtime only

    return HUB


def use(chosen: Any | None) -> None:
    """Make `chosen` the process's poster (None: back to the default); for tests."""
    _chosen.clear()
    if chosen is not None:
        _chosen.append(chosen)
