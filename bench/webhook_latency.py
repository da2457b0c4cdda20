"""Delay from a committed change to the first webhook delivery attempt, locally.

`python -m bench.webhook_latency [samples]`: DynamoDB Local in memory, the local relay (default poll
interval) and delivery worker as `ledgerline dev` runs them, a receiver on loopback. For each sample a
draft invoice is created through the API; the delay is from the API's response (the transaction has
committed by then) to the request arriving at the receiver.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ledgerline.local.dynamodb_local import DynamoDBLocal, free_port


def main(samples: int = 40) -> None:
    database = DynamoDBLocal(free_port()).start()
    try:
        from fastapi.testclient import TestClient

        from ledgerline.local import event_pipeline
        from ledgerline.local.server import create_local_app
        from ledgerline.local.table_setup import ensure_table
        from ledgerline.services.tenants import create_tenant
        from ledgerline.settings import configure, get_settings
        from ledgerline.store.table import reset_connection

        configure(environment="local", dynamodb_endpoint=database.endpoint, table_name="bench-webhooks")
        reset_connection()
        ensure_table()
        arrivals: list[float] = []
        got = threading.Event()

        class Receiver(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                arrivals.append(time.perf_counter())
                self.rfile.read(int(self.headers["content-length"]))
                self.send_response(204)
                self.end_headers()
                got.set()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        api = TestClient(create_local_app())
        _, key = create_tenant(name="Bench", base_currency="AUD", country="AU")
        auth = {"Authorization": f"Bearer {key}"}
        api.post("/v1/webhooks", json={"url": f"http://127.0.0.1:{server.server_port}/", "events": ["invoice.created"]},
                 headers=auth)
        customer = api.post("/v1/parties", json={"name": "Globex"}, headers=auth).json()["id"]
        body = {"customer_id": customer, "lines": [{"description": "x", "unit_price": "10.00"}]}
        delays = []
        with event_pipeline.running():
            for _ in range(samples + 3):
                got.clear()
                api.post("/v1/invoices", json=body, headers=auth)
                committed = time.perf_counter()
                got.wait(10)
                delays.append((arrivals[-1] - committed) * 1000)
                time.sleep(0.05)
        delays = sorted(delays[3:])  # the first ones include importing and warming the functions
        poll = get_settings().local_relay_poll_seconds
        print(f"commit → first delivery attempt, {samples} samples, relay poll {poll * 1000:.0f} ms: "
              f"median {statistics.median(delays):.0f} ms, p90 {delays[int(len(delays) * 0.9)]:.0f} ms, "
              f"min {delays[0]:.0f} ms, max {delays[-1]:.0f} ms")
        server.shutdown()
    finally:
        database.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
