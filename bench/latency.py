"""Warm latency per endpoint: the Lambda handler invoked in process with API Gateway events.

The events are the sample events of events/api/ (the ones `sam local invoke -e` and the tests use),
with the authorizer's result in their request context, as API Gateway passes it once its 60 s cache
holds the key. Each sample is one whole invocation: Mangum, FastAPI, the use case, DynamoDB Local.
"""

from __future__ import annotations

import importlib
import json
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.ledger import Ledger
from tests.lambda_context import LambdaContext

EVENTS = Path(__file__).resolve().parents[1] / "events" / "api"


def event(name: str, **fill: str) -> dict[str, Any]:
    text = (EVENTS / name).read_text()
    for key, value in fill.items():
        text = text.replace("{{" + key + "}}", value)
    loaded = json.loads(text)
    loaded["requestContext"]["requestId"] = str(uuid.uuid4())
    return loaded


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(statistics.median(samples), 1), "p99_ms": round(cuts[98], 1),
            "mean_ms": round(statistics.fmean(samples), 1), "samples": len(samples)}


def measure(ledger: Ledger, samples: int = 200, writes: int = 100) -> dict[str, Any]:
    handlers = {name: importlib.import_module(f"functions.{name}.app").handler
                for name in ("invoices", "receipts", "reports")}
    ids = {"tenant_id": ledger.tenant, "key_id": "key_bench"}
    context = LambdaContext()

    def invoke(function: str, name: str, **fill: str) -> dict[str, Any]:
        response = handlers[function](event(name, **ids, **fill), context)
        assert response["statusCode"] < 300, response
        return json.loads(response["body"])

    def timed(call: Callable[[], Any]) -> tuple[float, Any]:
        start = time.perf_counter()
        value = call()
        return (time.perf_counter() - start) * 1000, value

    common = {"customer_id": ledger.customer, "tax_code_id": ledger.gst, "bank_account_id": ledger.accounts["1010"]}
    for _ in range(5):  # warm every handler and the connection
        warm = invoke("invoices", "create_invoice.json", **common)
        invoke("invoices", "get_invoice.json", invoice_id=warm["id"])
        invoke("invoices", "list_invoices.json")
        invoke("reports", "trial_balance.json")
    results: dict[str, list[float]] = {name: [] for name in ("create draft", "post", "receipt", "read", "list",
                                                             "trial balance")}
    drafts, posted = [], []
    for _ in range(writes):
        ms, body = timed(lambda: invoke("invoices", "create_invoice.json", **common))
        results["create draft"].append(ms)
        drafts.append(body)
    for draft in drafts:
        ms, body = timed(lambda d=draft: invoke("invoices", "post_invoice.json", invoice_id=d["id"],
                                                idempotency_key=str(uuid.uuid4())))
        results["post"].append(ms)
        posted.append(body)
    for invoice in posted:
        ms, _ = timed(lambda i=invoice: invoke("receipts", "create_receipt.json", **common, invoice_id=i["id"],
                                               amount=i["amount_due"], idempotency_key=str(uuid.uuid4())))
        results["receipt"].append(ms)
    for n in range(samples):
        invoice_id = posted[n % len(posted)]["id"]
        results["read"].append(timed(lambda i=invoice_id: invoke("invoices", "get_invoice.json", invoice_id=i))[0])
        results["list"].append(timed(lambda: invoke("invoices", "list_invoices.json"))[0])
        results["trial balance"].append(timed(lambda: invoke("reports", "trial_balance.json"))[0])
    routes = {"create draft": "POST /v1/invoices", "post": "POST /v1/invoices/{id}/post (Idempotency-Key)",
              "receipt": "POST /v1/receipts paying one invoice (Idempotency-Key)", "read": "GET /v1/invoices/{id}",
              "list": "GET /v1/invoices?limit=10", "trial balance": "GET /v1/reports/trial-balance"}
    return {name: {"route": routes[name], **percentiles(values)} for name, values in results.items()}
