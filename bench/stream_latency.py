"""Delay from a committed change to its event on the real-time stream, locally (issue 20, item 6).

`python -m bench.stream_latency [samples]`: DynamoDB Local in memory, the local relay (default poll interval)
as `ledgerline dev` runs it, and a WebSocket client on the local app's `/v1/stream` subscribed to
`invoice.created`. For each sample a draft invoice is created through the API; the delay is from the API's
response (the transaction has committed by then) to the event arriving on the socket.
"""

from __future__ import annotations

import statistics
import sys
import time

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

        configure(environment="local", dynamodb_endpoint=database.endpoint, table_name="bench-stream")
        reset_connection()
        ensure_table()
        api = TestClient(create_local_app())
        _, key = create_tenant(name="Bench", base_currency="AUD", country="AU")
        auth = {"Authorization": f"Bearer {key}"}
        customer = api.post("/v1/parties", json={"name": "Globex"}, headers=auth).json()["id"]
        body = {"customer_id": customer, "lines": [{"description": "x", "unit_price": "10.00"}]}
        delays = []
        with event_pipeline.running(), api.websocket_connect("/v1/stream", headers=auth) as socket:
            socket.send_json({"action": "subscribe", "events": ["invoice.created"]})
            assert socket.receive_json()["object"] == "stream.subscribed"
            for _ in range(samples + 3):
                invoice = api.post("/v1/invoices", json=body, headers=auth).json()["id"]
                committed = time.perf_counter()
                event = socket.receive_json()
                delays.append((time.perf_counter() - committed) * 1000)
                assert event["data"]["id"] == invoice, event
        delays = sorted(delays[3:])  # the first ones include importing and warming the functions
        poll = get_settings().local_relay_poll_seconds
        print(f"commit → event on the stream, {samples} samples, relay poll {poll * 1000:.0f} ms: "
              f"median {statistics.median(delays):.0f} ms, p90 {delays[int(len(delays) * 0.9)]:.0f} ms, "
              f"min {delays[0]:.0f} ms, max {delays[-1]:.0f} ms")
    finally:
        database.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
