"""Stands in for CloudFormation's pre-signed S3 ResponseURL: a real HTTP server on loopback that
records every PUT (the answers of custom resources) and can refuse the first few with a 500."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


class ResponseReceiver:
    def __init__(self) -> None:
        self.answers: list[Answer] = []
        self.refuse = 0  # answer this many requests with 500 before accepting
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver._lock:
                    refused = receiver.refuse > 0
                    if refused:
                        receiver.refuse -= 1
                    else:
                        receiver.answers.append(Answer("PUT", self.path, {k.lower(): v for k, v in
                                                                         self.headers.items()}, body))
                        receiver._arrived.notify_all()
                self.send_response(500 if refused else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, request_id: str) -> str:
        """A URL shaped like CloudFormation's (a path and a signature in the query string)."""
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}/cloudformation/{request_id}?X-Amz-Signature=test"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Answer]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.answers) >= count, timeout=timeout)
            return list(self.answers)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
