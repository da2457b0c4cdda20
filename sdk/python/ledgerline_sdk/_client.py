"""`Client` and `AsyncClient`: the core (auth, version, retries, idempotency keys, errors) and every resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from ledgerline_sdk._core import AsyncCore, RetryPolicy, SyncCore
from ledgerline_sdk._generated.resources import AsyncResources, SyncResources


class Client(SyncCore, SyncResources):
    """The synchronous client: `Client(api_key, base_url=..., api_version="2026-12-05")`.

    Every resource is an attribute (`client.invoices.create(...)`, `client.invoices.list_all(status="paid")`).
    Use it as a context manager, or call `close()`, to release its connections.
    """

    def __init__(self, api_key: str | None = None, *, base_url: str | None = None, api_version: str | None = None,
                 retry: RetryPolicy | None = None, max_retries: int | None = None, timeout: float = 30.0,
                 headers: Mapping[str, str] | None = None, http_client: httpx.Client | None = None,
                 sleep: Callable[[float], Any] | None = None) -> None:
        extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        super().__init__(api_key, base_url=base_url, api_version=api_version, retry=retry, max_retries=max_retries,
                         timeout=timeout, headers=headers, http_client=http_client, **extra)
        self._attach(self)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient(AsyncCore, AsyncResources):
    """The asynchronous client: the same resources, each method a coroutine, `list_all` an async iterator."""

    def __init__(self, api_key: str | None = None, *, base_url: str | None = None, api_version: str | None = None,
                 retry: RetryPolicy | None = None, max_retries: int | None = None, timeout: float = 30.0,
                 headers: Mapping[str, str] | None = None, http_client: httpx.AsyncClient | None = None,
                 sleep: Callable[[float], Awaitable[Any]] | None = None) -> None:
        extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        super().__init__(api_key, base_url=base_url, api_version=api_version, retry=retry, max_retries=max_retries,
                         timeout=timeout, headers=headers, http_client=http_client, **extra)
        self._attach(self)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
