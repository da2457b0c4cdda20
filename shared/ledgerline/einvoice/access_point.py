"""The Peppol access point adapter (issue 17, item 6): the `domain/einvoice/delivery.AccessPoint` port over an
access point's HTTP API (standard library `urllib`, JSON, a bearer token).

The API (the shape commercial access points offer; `local/access_point.py` is a stand-in that speaks it):

- `POST {base}/v1/documents` with `{"document_id", "receiver", "sender", "document_type", "format",
  "content"}` (the XML, base64) → 202 `{"id": "<transmission id>", "status": "received"}`. The access point
  dedupes on `document_id` (the submission's id): a resubmission answers the same transmission.
- `GET {base}/v1/documents/{id}` → `{"id", "status": "pending" | "delivered" | "rejected", "response",
  "findings": [{"id", "severity", "location", "text"}]}`.

Connection errors, timeouts, 408, 429 and 5xx are `Unreachable` (try again); any other 4xx is `Refused`.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

from ledgerline.domain.einvoice.delivery import Outgoing, Refused, Unreachable, Verdict
from ledgerline.settings import get_settings

RETRYABLE = frozenset({408, 425, 429})


class HttpAccessPoint:
    def __init__(self, base_url: str, token: str | None, timeout: float = 20.0) -> None:
        self.base_url, self.token, self.timeout = base_url.rstrip("/"), token, timeout

    def submit(self, outgoing: Outgoing) -> str:
        body = {"document_id": outgoing.document_id, "receiver": outgoing.receiver, "sender": outgoing.sender,
                "document_type": outgoing.document_type, "format": outgoing.format,
                "content": base64.b64encode(outgoing.xml).decode()}
        answer = self._call("POST", "/v1/documents", body)
        transmission = answer.get("id")
        if not isinstance(transmission, str) or not transmission:
            raise Unreachable(f"the access point answered without a transmission id: {answer!r}"[:500])
        return transmission

    def status(self, transmission_id: str) -> Verdict:
        answer = self._call("GET", f"/v1/documents/{transmission_id}", None)
        status = answer.get("status")
        findings = tuple({"id": str(f.get("id", "")), "severity": str(f.get("severity", "")),
                          "location": str(f.get("location") or ""), "text": str(f.get("text", ""))}
                         for f in answer.get("findings") or [] if isinstance(f, dict))
        if status not in ("pending", "received", "delivered", "rejected"):
            raise Unreachable(f"the access point answered an unknown status: {status!r}")
        return Verdict("pending" if status == "received" else status, answer.get("response"), findings)

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        if not self.base_url:
            raise Unreachable("no Peppol access point is configured (LEDGERLINE_PEPPOL_ACCESS_POINT_URL)")
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            text = exc.read().decode(errors="replace")[:2000]
            if exc.code >= 500 or exc.code in RETRYABLE:
                raise Unreachable(f"{exc.code} {text}") from exc
            raise Refused(f"{exc.code} {text}") from exc
        except (OSError, ValueError) as exc:  # refused, reset, timed out, not JSON
            raise Unreachable(str(exc) or type(exc).__name__) from exc


class TestModeAccessPoint:
    """Test mode (issue 20): an e-invoice of test data is never transmitted. It is accepted and delivered at once
    (so the submission's states and events are as in live mode), with `test_mode:` and its id as transmission."""

    def submit(self, outgoing: Outgoing) -> str:
        return f"test_mode:{outgoing.document_id}"

    def status(self, transmission_id: str) -> Verdict:
        return Verdict("delivered", "test mode: not transmitted")


def access_point() -> HttpAccessPoint:
    settings = get_settings()
    token = settings.peppol_access_point_token
    return HttpAccessPoint(settings.peppol_access_point_url or "", token.get_secret_value() if token else None)
