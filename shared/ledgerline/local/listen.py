"""`ledgerline webhooks listen`: a webhook receiver for trying things out locally.

It answers every POST with 204 and prints one line per event, saying whether its Standard Webhooks
signature verifies with the secret given (the same check any subscriber library makes).
"""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ledgerline.domain import webhook_signing

TOLERANCE_SECONDS = 300


def verdict(secret: str | None, headers: dict[str, str], body: str) -> str:
    if secret is None:
        return "not verified (no --secret)"
    msg_id, timestamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "0")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return "INVALID timestamp"
    expected = webhook_signing.signature(secret, msg_id, int(timestamp), body)
    offered = headers.get("webhook-signature", "").split(" ")
    return "signature ok" if expected in offered else "INVALID signature"


def serve(port: int, secret: str | None, host: str = "127.0.0.1") -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
            headers = {k.lower(): v for k, v in self.headers.items()}
            self.send_response(204)
            self.end_headers()
            try:
                event: dict[str, Any] = json.loads(body)
            except ValueError:
                event = {}
            print(f"{event.get('type', '?'):<28} {headers.get('webhook-id', '?')}  "
                  f"{event.get('object_id', '')}  {verdict(secret, headers, body)}", flush=True)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    print(f"Listening on http://{host}:{port}/ for webhooks (Ctrl+C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
