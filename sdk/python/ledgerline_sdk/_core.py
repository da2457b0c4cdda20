"""The hand-written core under the generated resources: one request path for sync and async clients.

- Every request carries `Authorization: Bearer <key>` and, when set, `Ledgerline-Version`.
- Every operation that takes an `Idempotency-Key` (each creating or money-moving POST) sends one: the
  caller's, else a new UUID made once per call, so every retry of the call sends the SAME key.
- 429 and 503 answers, and connections that failed before a request was sent, are retried up to `max_retries`
  times, waiting `Retry-After` when the API says it (bounded by `max_retry_wait`), else an exponential backoff.
- Error answers raise the typed errors of `errors.py`.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from ledgerline_sdk.errors import APIConnectionError, error_from_response, parse_retry_after

DEFAULT_BASE_URL = "http://127.0.0.1:3000"
VERSION_HEADER = "Ledgerline-Version"
RETRY_STATUSES = frozenset({429, 503})
USER_AGENT = "ledgerline-sdk-python/0.1.0"


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of one call: at most `max_retries` more attempts; waits `initial * 2**n` (jittered, at most
    `max_backoff`) or the server's `Retry-After`, never more than `max_retry_wait` seconds."""

    max_retries: int = 3
    initial: float = 0.5
    max_backoff: float = 8.0
    max_retry_wait: float = 60.0

    def wait(self, attempt: int, retry_after: float | None, jitter: float) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_wait)
        return min(self.initial * 2.0**attempt, self.max_backoff, self.max_retry_wait) * jitter


@dataclass
class Request:
    """One call as the resources describe it (before the retry loop)."""

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    files: Any = None
    data: Any = None
    idempotent: bool = False  # the operation takes an Idempotency-Key: one is generated unless given
    headers: dict[str, str] = field(default_factory=dict)
    expect: str = "json"  # json | bytes | text


def expand_path(template: str, values: Mapping[str, Any]) -> str:
    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    return path


def clean_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters without the ones left out; booleans as the API spells them."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = [("true" if v else "false") if isinstance(v, bool) else str(v) for v in value]
        elif isinstance(value, Mapping):  # metadata={"order_id": "42"} → metadata[order_id]=42
            for key, item in value.items():
                out[f"{name}[{key}]"] = str(item)
            continue
        else:
            value = str(value)
        out[name] = value
    return out


def merge_body(body: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any] | None:
    if body is None and not fields:
        return None
    return {**(body or {}), **fields}


def _parse(response: httpx.Response, expect: str) -> Any:
    if expect == "bytes":
        return response.content
    if expect == "text":
        return response.text
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


class _Base:
    def __init__(self, api_key: str | None, base_url: str | None, api_version: str | None,
                 retry: RetryPolicy | None, max_retries: int | None, timeout: float,
                 headers: Mapping[str, str] | None) -> None:
        key = api_key or os.environ.get("LEDGERLINE_API_KEY")
        if not key:
            raise ValueError("an API key is needed: Client(api_key=...) or LEDGERLINE_API_KEY")
        self.api_key = key
        self.base_url = (base_url or os.environ.get("LEDGERLINE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.api_version = api_version
        policy = retry or RetryPolicy()
        if max_retries is not None:
            policy = RetryPolicy(max_retries, policy.initial, policy.max_backoff, policy.max_retry_wait)
        self.retry = policy
        self.timeout = timeout
        self.default_headers = {"Authorization": f"Bearer {key}", "User-Agent": USER_AGENT,
                                "Accept": "application/json", **(headers or {})}
        if api_version:
            self.default_headers[VERSION_HEADER] = api_version
        self._random = random.Random()

    def _prepare(self, request: Request) -> tuple[dict[str, str], dict[str, Any]]:
        headers = {**self.default_headers, **request.headers}
        if request.idempotent and not any(k.lower() == "idempotency-key" for k in headers):
            # Generated once per call, before the first attempt: every retry sends the same key
            headers["Idempotency-Key"] = str(uuid.uuid4())
        return headers, clean_params(request.params)

    def _retry_wait(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None when the answer is final."""
        if attempt >= self.retry.max_retries:
            return None
        if response is not None and response.status_code not in RETRY_STATUSES:
            return None
        retry_after = None if response is None else parse_retry_after(response.headers.get("retry-after"))
        return self.retry.wait(attempt, retry_after, 0.75 + 0.25 * self._random.random())


class SyncCore(_Base):
    def __init__(self, api_key: str | None = None, *, base_url: str | None = None, api_version: str | None = None,
                 retry: RetryPolicy | None = None, max_retries: int | None = None, timeout: float = 30.0,
                 headers: Mapping[str, str] | None = None, http_client: httpx.Client | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(api_key, base_url, api_version, retry, max_retries, timeout, headers)
        self._http = http_client or httpx.Client(timeout=timeout)
        self._sleep = sleep

    def request(self, request: Request) -> Any:
        headers, params = self._prepare(request)
        url = self.base_url + request.path
        attempt = 0
        while True:
            try:
                response = self._http.request(request.method, url, params=params, json=request.json,
                                              files=request.files, data=request.data, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                wait = self._retry_wait(attempt, None)
                if wait is None:
                    raise APIConnectionError(f"could not reach {self.base_url}: {exc}") from exc
            else:
                if response.is_success:
                    return _parse(response, request.expect)
                wait = self._retry_wait(attempt, response)
                if wait is None:
                    raise error_from_response(response)
            self._sleep(wait)
            attempt += 1

    def paginate(self, fetch: Callable[[str | None], Any]) -> Iterator[Any]:
        cursor: str | None = None
        while True:
            page = fetch(cursor)
            yield from page["data"]
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return

    def close(self) -> None:
        self._http.close()


class AsyncCore(_Base):
    def __init__(self, api_key: str | None = None, *, base_url: str | None = None, api_version: str | None = None,
                 retry: RetryPolicy | None = None, max_retries: int | None = None, timeout: float = 30.0,
                 headers: Mapping[str, str] | None = None, http_client: httpx.AsyncClient | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        super().__init__(api_key, base_url, api_version, retry, max_retries, timeout, headers)
        self._http = http_client or httpx.AsyncClient(timeout=timeout)
        self._sleep = sleep

    async def request(self, request: Request) -> Any:
        headers, params = self._prepare(request)
        url = self.base_url + request.path
        attempt = 0
        while True:
            try:
                response = await self._http.request(request.method, url, params=params, json=request.json,
                                                    files=request.files, data=request.data, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                wait = self._retry_wait(attempt, None)
                if wait is None:
                    raise APIConnectionError(f"could not reach {self.base_url}: {exc}") from exc
            else:
                if response.is_success:
                    return _parse(response, request.expect)
                wait = self._retry_wait(attempt, response)
                if wait is None:
                    raise error_from_response(response)
            await self._sleep(wait)
            attempt += 1

    async def paginate(self, fetch: Callable[[str | None], Awaitable[Any]]) -> AsyncIterator[Any]:
        cursor: str | None = None
        while True:
            page = await fetch(cursor)
            for item in page["data"]:
                yield item
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return

    async def aclose(self) -> None:
        await self._http.aclose()
