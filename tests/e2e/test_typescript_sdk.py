"""The TypeScript SDK (`sdk/typescript`, issue 20 part TS) in the pytest suite, so `make test` covers it.

- its unit tests (`node --test`: retries, idempotency keys, pagination, typed errors, webhook signatures);
- its generated types are those of today's OpenAPI document (regenerated into a temp dir and compared);
- the README's walk-through, written with the SDK (sdk/typescript/examples/walkthrough.ts, shown in README.md's
  "TypeScript SDK" section), runs against the real local server on DynamoDB Local;
- `verifyWebhook` accepts the webhooks the server sends (a Node receiver subscribed to the local server).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ledgerline.local.dynamodb_local import free_port
from tests.conftest import ROOT

SDK = ROOT / "sdk" / "typescript"
TSC = SDK / "node_modules" / ".bin" / "tsc"
NODE = shutil.which("node") or "node"
README = ROOT / "README.md"
TS_BLOCK = re.compile(r"<!-- typescript-walkthrough:start -->\s*```ts\n(?P<code>.*?)```\s*"
                      r"<!-- typescript-walkthrough:end -->", re.S)


def _run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=SDK, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.fixture(scope="module")
def built() -> Path:
    """`tsc`: the SDK, its tests and its examples compiled into sdk/typescript/dist."""
    run = _run(str(TSC), "-p", "tsconfig.json")
    assert run.returncode == 0, f"tsc failed:\n{run.stdout}\n{run.stderr}"
    return SDK / "dist"


def test_the_sdk_unit_tests_pass(built):
    run = _run(NODE, "--test", "dist/test/")
    assert run.returncode == 0, f"node --test failed:\n{run.stdout[-6000:]}\n{run.stderr[-3000:]}"
    assert re.search(r"^# fail 0$", run.stdout, re.M), run.stdout[-3000:]


def test_the_committed_types_are_those_of_todays_openapi_document(tmp_path):
    # Given the generator run into a temp dir, with the test run's Python
    env = os.environ | {"OUT": str(tmp_path), "PYTHON": sys.executable}
    run = subprocess.run(["bash", str(SDK / "scripts" / "generate.sh")], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    # Then it is byte for byte the committed file
    fresh, committed = (tmp_path / "schema.d.ts").read_text(), (SDK / "src" / "schema.d.ts").read_text()
    assert fresh == committed, "sdk/typescript/src/schema.d.ts is stale: run `make sdk` and commit it"


def test_the_readme_shows_the_walkthrough_as_the_test_runs_it():
    match = TS_BLOCK.search(README.read_text())
    assert match, "README.md has no ```ts block between the typescript-walkthrough markers"
    assert match["code"] == (SDK / "examples" / "walkthrough.ts").read_text()


def test_the_walkthrough_with_the_sdk_invoices_gets_paid_and_balances(server, built):
    # Given a tenant's key, as the README's `ledgerline tenant create` prints it
    key = server.create_tenant(name="Acme Pty Ltd", currency="AUD", country="AU")["api_key"]

    # When the SDK's walk-through runs against the server
    env = os.environ | {"LEDGERLINE_URL": server.url, "LEDGERLINE_API_KEY": key}
    run = _run(NODE, str(built / "examples" / "walkthrough.js"), env=env, timeout=120)
    assert run.returncode == 0, f"exit {run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    lines = [json.loads(line) for line in run.stdout.splitlines()]

    # Then the invoice is numbered, paid in full and booked on both sides
    posted, receipt, paid, *rest = lines
    assert re.fullmatch(r"INV-\d{4}-0001", posted["number"]) and posted["status"] == "awaiting_payment"
    assert posted["total"] == "1375.00"
    assert receipt == {"status": "posted", "allocated_amount": "1375.00"}
    assert paid == {"status": "paid", "amount_paid": "1375.00", "amount_due": "0.00"}
    assert {"paid": posted["number"]} in rest
    assert {"total_debit": "2750.00", "total_credit": "2750.00"} in rest
    assert rest[-1] == {"error": "NotFoundError", "code": "resource_missing"}


CHECKS = """
import { Ledgerline, ValidationError } from "%(sdk)s";

const ll = new Ledgerline({ apiKey: process.env.LEDGERLINE_API_KEY, baseUrl: process.env.LEDGERLINE_URL });
const out = {};

// One Idempotency-Key given twice: the second call is answered from the first (one party, not two)
const first = await ll.parties.create({ name: "Initech" }, { idempotencyKey: "party-initech" });
const again = await ll.parties.create({ name: "Initech" }, { idempotencyKey: "party-initech" });
out.replayed = first.id === again.id;
// Without a key, the SDK makes one per call: two calls, two parties
const a = await ll.parties.create({ name: "Umbrella" });
const b = await ll.parties.create({ name: "Umbrella" });
out.two_parties = a.id !== b.id;

// A 422 names the field
try {
  await ll.parties.create({ name: "" });
} catch (error) {
  out.validation = { kind: error instanceof ValidationError, status: error.status, param: error.param };
}

// Ledgerline-Version: the client's, or the call's; the response says which answered
const old = new Ledgerline({ apiKey: process.env.LEDGERLINE_API_KEY, baseUrl: process.env.LEDGERLINE_URL,
                             version: "2026-01-01" });
const { data, response } = await old.GET("/v1/api-keys");
out.old = { header: response.headers.get("ledgerline-version"), fields: Object.keys(data.data[0]).sort() };
const keys = await ll.request("GET", "/v1/api-keys", { version: "2026-12-05" });
out.new_fields = Object.keys(keys.data[0]).sort();
console.log(JSON.stringify(out));
"""


def test_the_sdk_against_the_server_replays_keys_names_fields_and_sends_the_version(server, built, tmp_path):
    key = server.create_tenant(name="SDK checks Pty Ltd")["api_key"]
    script = tmp_path / "checks.mjs"
    script.write_text(CHECKS % {"sdk": (built / "src" / "index.js").as_uri()})
    env = os.environ | {"LEDGERLINE_URL": server.url, "LEDGERLINE_API_KEY": key}
    run = _run(NODE, str(script), env=env, timeout=120)
    assert run.returncode == 0, f"exit {run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    out = json.loads(run.stdout)
    assert out["replayed"] is True and out["two_parties"] is True
    assert out["validation"] == {"kind": True, "status": 422, "param": "name"}
    assert out["old"]["header"] == "2026-01-01"
    assert "last4" in out["old"]["fields"] and "key_last4" not in out["old"]["fields"]
    assert "key_last4" in out["new_fields"] and "last4" not in out["new_fields"]


RECEIVER = """
import http from "node:http";
import { verifyWebhook } from "%(sdk)s";

// A subscriber: every webhook the server sends is checked with the SDK, its verdict printed (one JSON a line)
const receiver = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    try {
      const event = verifyWebhook(body, request.headers, process.env.WEBHOOK_SECRET);
      console.log(JSON.stringify({ ok: true, type: event.type, event: JSON.stringify(event) }));
      response.writeHead(204).end();
    } catch (error) {
      console.log(JSON.stringify({ ok: false, error: error.message }));
      response.writeHead(400).end();
    }
  });
});
receiver.listen(Number(process.env.PORT), () => console.log(JSON.stringify({ listening: true })));
"""


def test_verify_webhook_accepts_what_the_server_sends(server, http, built, tmp_path):
    # Given a webhook endpoint of a new tenant, served by a Node receiver that verifies with the SDK
    key = server.create_tenant(name="SDK webhooks Pty Ltd")["api_key"]
    auth = {"Authorization": f"Bearer {key}"}
    port = free_port()
    created = http.post("/v1/webhooks", json={"url": f"http://localhost:{port}/", "events": ["invoice.*"]},
                        headers=auth)
    assert created.status_code == 201, created.text
    script = tmp_path / "receiver.mjs"
    script.write_text(RECEIVER % {"sdk": (built / "src" / "index.js").as_uri()})
    env = os.environ | {"PORT": str(port), "WEBHOOK_SECRET": created.json()["secret"]}
    receiver = subprocess.Popen([NODE, str(script)], cwd=SDK, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in receiver.stdout], daemon=True).start()
    try:
        assert json.loads(lines.get(timeout=30)) == {"listening": True}
        # When an invoice is created and posted
        customer = http.post("/v1/parties", json={"name": "Globex"}, headers=auth).json()["id"]
        invoice = http.post("/v1/invoices", json={"customer_id": customer, "lines": [
            {"description": "Consulting", "quantity": "2", "unit_price": "100.00"}]}, headers=auth).json()["id"]
        assert http.post(f"/v1/invoices/{invoice}/post", headers=auth).status_code == 200
        # Then both events arrive and the SDK accepts their signatures
        seen: list[dict] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(line.get("type") == "invoice.posted" for line in seen):
            with contextlib.suppress(queue.Empty):
                seen.append(json.loads(lines.get(timeout=0.5)))
        assert [(line["ok"], line.get("type")) for line in seen] == [(True, "invoice.created"),
                                                                      (True, "invoice.posted")], seen
        assert all(invoice in line["event"] for line in seen), seen
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
