"""A Peppol access point stand-in for the local runtime (issue 17, item 6): `ledgerline dev` runs it, tests start
it on a free port, so e-invoice delivery runs end to end on a laptop.

It speaks the HTTP API `einvoice/access_point.py` calls (a bearer token, JSON):

- `POST /v1/documents` `{"document_id", "receiver", "sender", "document_type", "format", "content"}` (base64
  XML) → 202 `{"id", "status": "received"}`. The document is validated at once with the Peppol rules
  (`einvoice/validation.py`, the vendored official rule sets): no fatal or error finding → `delivered`, else
  `rejected` with the findings. A receiver that is no `<scheme>:<id>` is a 400. The same `document_id` again
  answers the first transmission (an access point dedupes resubmissions).
- `GET /v1/documents/{id}` → `{"id", "status", "response", "findings"}`; unknown id 404.

Every request without the token (when one is set) is a 401. Documents are kept in memory only.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PARTICIPANT = re.compile(r"^\d{4}:\S+$")
MAX_BODY = 20 * 1024 * 1024


@dataclass
class Transmission:
    id: str
    document_id: str
    receiver: str
    status: str
    response: str
    findings: list[dict[str, str]]
    xml: bytes


@dataclass
class AccessPointState:
    token: str | None
    transmissions: dict[str, Transmission] = field(default_factory=dict)
    by_document: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def judge(xml: bytes) -> tuple[str, str, list[dict[str, str]]]:
    """(status, response, findings) of a document: delivered when the Peppol rules find no fatal error."""
    from ledgerline.einvoice.validation import NotAnEInvoice, blocking, validate  # saxonche: local extras

    try:
        failures = blocking(validate(xml, "peppol"))
    except NotAnEInvoice as exc:
        return "rejected", f"not an e-invoice: {exc}", [{"id": "XML", "severity": "fatal", "location": "/",
                                                         "text": str(exc)}]
    if failures:
        findings = [{"id": f["id"], "severity": f["flag"], "location": f.get("location", ""), "text": f["text"]}
                    for f in failures]
        return "rejected", f"rejected by the receiver's access point: {len(findings)} Peppol rule(s) failed", findings
    return "delivered", "accepted by the receiver's access point", []


def _handler(state: AccessPointState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet, as the SMTP sink is
            return

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if state.token and self.headers.get("Authorization") != f"Bearer {state.token}":
                self._answer(401, {"error": "missing or wrong bearer token"})
                return False
            return True

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if not self._authorised():
                return
            match = re.fullmatch(r"/v1/documents/([\w-]+)", self.path)
            transmission = state.transmissions.get(match.group(1)) if match else None
            if transmission is None:
                self._answer(404, {"error": "no such transmission"})
                return
            self._answer(200, {"id": transmission.id, "status": transmission.status,
                               "response": transmission.response, "findings": transmission.findings})

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            if not self._authorised():
                return
            if self.path != "/v1/documents":
                self._answer(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(413, {"error": "too large"})
                return
            try:
                body = json.loads(self.rfile.read(length))
                xml = base64.b64decode(body["content"], validate=True)
                document_id, receiver = str(body["document_id"]), str(body["receiver"])
            except (ValueError, KeyError, TypeError, binascii.Error) as exc:
                self._answer(400, {"error": f"bad request: {exc}"})
                return
            if not PARTICIPANT.match(receiver):
                self._answer(400, {"error": f"receiver {receiver!r} is no Peppol participant id (<scheme>:<id>)"})
                return
            with state.lock:
                known = state.by_document.get(document_id)
            if known is not None:
                self._answer(202, {"id": known, "status": "received"})
                return
            status, response, findings = judge(xml)
            transmission = Transmission(f"tx_{uuid.uuid4().hex}", document_id, receiver, status, response, findings,
                                        xml)
            with state.lock:
                known = state.by_document.setdefault(document_id, transmission.id)
                if known == transmission.id:
                    state.transmissions[transmission.id] = transmission
            self._answer(202, {"id": known, "status": "received"})

    return Handler


@dataclass
class RunningAccessPoint:
    host: str
    port: int
    state: AccessPointState

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def received(self) -> list[Transmission]:
        with self.state.lock:
            return list(self.state.transmissions.values())


@contextmanager
def running(host: str, port: int, token: str | None = None) -> Iterator[RunningAccessPoint]:
    """The stand-in, listening on host:port while the context is open."""
    state = AccessPointState(token)
    server = ThreadingHTTPServer((host, port), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="access-point", daemon=True)
    thread.start()
    try:
        yield RunningAccessPoint(host, server.server_address[1], state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
