"""POSTs webhooks with httpx: a short timeout, no redirects, and the connection pinned to the vetted address.

The caller resolved the host and refused private addresses; connecting to that very address (with the
real host name in `Host` and in TLS SNI and certificate checks) means a DNS answer that changes between
the check and the connection (rebinding) cannot redirect the request.
"""

from __future__ import annotations

import time

import httpx

from ledgerline.domain.webhooks import IPAddress, literal_address, parse_destination
from ledgerline.webhooks.ports import Response

USER_AGENT = "Ledgerline-Webhooks/1.0"


class HttpxPoster:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                                   headers={"user-agent": USER_AGENT})

    def post(self, *, url: str, address: IPAddress, headers: dict[str, str], body: str) -> Response:
        destination = parse_destination(url)
        host = f"[{address}]" if address.version == 6 else str(address)
        pinned = f"{destination.scheme}://{host}:{destination.port}{destination.target}"
        extensions = {}
        if destination.scheme == "https" and literal_address(destination.host) is None:
            extensions["sni_hostname"] = destination.host
        request_headers = {**headers, "host": destination.host_header, "content-type": "application/json"}
        started = time.perf_counter()
        try:
            with self.client.stream("POST", pinned, content=body.encode(), headers=request_headers,
                                    extensions=extensions) as response:
                status = response.status_code
        except httpx.TimeoutException:
            return Response(None, _since(started), f"timed out after {self.timeout:g} s")
        except httpx.HTTPError as exc:
            return Response(None, _since(started), f"{type(exc).__name__}: {exc}"[:500])
        error = None if 200 <= status < 300 else f"HTTP {status}"
        return Response(status, _since(started), error)


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
