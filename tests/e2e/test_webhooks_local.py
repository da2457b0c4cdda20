"""The README's webhook flow against `ledgerline dev`: subscribe a loopback endpoint, run
`ledgerline webhooks listen`, create and post an invoice, watch signed events arrive."""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
import time

from ledgerline.local.dynamodb_local import free_port, port_open
from tests.conftest import ROOT
from tests.e2e.conftest import CLI


def test_a_local_endpoint_receives_signed_events_as_an_invoice_is_created_and_posted(server, http):
    run = server.cli("tenant", "create", "--name", "Webhooks Pty Ltd", "--base-currency", "AUD", "--country", "AU")
    assert run.returncode == 0, run.stderr
    key = json.loads(run.stdout[run.stdout.index("{\n"):])["api_key"]  # the printed tenant, after any log lines
    auth = {"Authorization": f"Bearer {key}"}
    port = free_port()
    created = http.post("/v1/webhooks", json={"url": f"http://localhost:{port}/", "events": ["invoice.*"]},
                        headers=auth)
    assert created.status_code == 201, created.text
    listener = subprocess.Popen([CLI, "webhooks", "listen", "--port", str(port), "--secret", created.json()["secret"]],
                                cwd=ROOT, env=server.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in listener.stdout], daemon=True).start()
    try:
        deadline = time.monotonic() + 15
        while not port_open(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        customer = http.post("/v1/parties", json={"name": "Globex"}, headers=auth).json()["id"]
        invoice = http.post("/v1/invoices", json={"customer_id": customer, "lines": [
            {"description": "Consulting", "quantity": "2", "unit_price": "100.00"}]}, headers=auth).json()["id"]
        assert http.post(f"/v1/invoices/{invoice}/post", headers=auth).status_code == 200
        seen: list[str] = []
        while time.monotonic() < deadline and not any(line.startswith("invoice.posted") for line in seen):
            with contextlib.suppress(queue.Empty):
                seen.append(lines.get(timeout=0.5))
        assert [line.split()[0] for line in seen] == ["invoice.created", "invoice.posted"], seen
        assert all(line.rstrip().endswith("signature ok") and invoice in line for line in seen), seen
    finally:
        listener.terminate()
        listener.wait(timeout=10)
