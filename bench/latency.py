"""Warm latency per endpoint: the Lambda handler of every HTTP function invoked in process with API Gateway
events, for every resource (issue 13, target 6).

Each request is an API Gateway (REST, v1) proxy event like the sample events of events/api/ (the ones
`sam local invoke -e` and the tests use), with the authorizer's result in its request context, as API
Gateway passes it once its 60 s cache holds the key. Each sample is one whole invocation: Mangum, FastAPI,
the use case, DynamoDB Local over HTTP on the same two cores.
"""

from __future__ import annotations

import importlib
import json
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.ledger import Ledger
from tests.lambda_context import LambdaContext

EVENTS = Path(__file__).resolve().parents[1] / "events" / "api"
TODAY_QUERY = {"as_of": "2030-12-31"}


def event(name: str, **fill: str) -> dict[str, Any]:
    text = (EVENTS / name).read_text()
    for key, value in fill.items():
        text = text.replace("{{" + key + "}}", value)
    loaded = json.loads(text)
    loaded["requestContext"]["requestId"] = str(uuid.uuid4())
    return loaded


def api_event(tenant_id: str, method: str, path: str, *, resource: str, query: dict[str, str] | None = None,
              body: Any = None, idempotency_key: str | None = None) -> dict[str, Any]:
    """The event API Gateway sends for one request by a key holding `admin` (scopes are checked the same
    way whatever they are; `admin` only spares listing each route's scope here)."""
    headers = {"Content-Type": "application/json", "Host": "abcdef1234.execute-api.eu-central-1.amazonaws.com",
               "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return {
        "resource": resource, "path": path, "httpMethod": method, "headers": headers, "multiValueHeaders": {},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None, "stageVariables": None,
        "requestContext": {"resourcePath": resource, "httpMethod": method, "path": f"/dev{path}", "stage": "dev",
                           "accountId": "123456789012", "apiId": "abcdef1234", "requestId": str(uuid.uuid4()),
                           "identity": {"sourceIp": "203.0.113.10", "userAgent": "bench"},
                           "authorizer": {"tenant_id": tenant_id, "key_id": "key_bench", "scopes": "admin",
                                          "principalId": "key_bench"}},
        "body": None if body is None else json.dumps(body, default=str), "isBase64Encoded": False,
    }


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(statistics.median(samples), 1), "p99_ms": round(cuts[98], 1),
            "mean_ms": round(statistics.fmean(samples), 1), "samples": len(samples)}


@dataclass
class Endpoint:
    """One route measured: `call(n)` makes the n-th request and returns the response body."""

    function: str
    route: str
    call: Callable[[int], Any]
    samples: list[float] = field(default_factory=list)


class Client:
    """Invokes the functions' Lambda handlers in process, as API Gateway would."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.context = LambdaContext()
        self.handlers: dict[str, Any] = {}

    def handler(self, function: str) -> Any:
        if function not in self.handlers:
            self.handlers[function] = importlib.import_module(f"functions.{function}.app").handler
        return self.handlers[function]

    def invoke_event(self, function: str, request: dict[str, Any]) -> Any:
        response = self.handler(function)(request, self.context)
        assert response["statusCode"] < 300, (function, request["httpMethod"], request["path"], response)
        return json.loads(response["body"]) if response.get("body") else None

    def __call__(self, function: str, method: str, path: str, *, resource: str | None = None,
                 query: dict[str, str] | None = None, body: Any = None, key: bool = False) -> Any:
        request = api_event(self.tenant_id, method, path, resource=resource or path, query=query, body=body,
                            idempotency_key=str(uuid.uuid4()) if key else None)
        return self.invoke_event(function, request)


def measure(ledger: Ledger, samples: int = 200, writes: int = 100) -> dict[str, Any]:
    """`writes` requests of every creating or money-moving route, `samples` of every read."""
    client = Client(ledger.tenant)
    ids = {"tenant_id": ledger.tenant, "key_id": "key_bench"}
    common = {"customer_id": ledger.customer, "tax_code_id": ledger.gst, "bank_account_id": ledger.accounts["1010"]}
    expense = client("accounts", "POST", "/v1/accounts", body={"code": "6990", "name": "Bench expense",
                                                                "type": "expense"})["id"]
    bank = ledger.accounts["1010"]

    drafts: list[dict[str, Any]] = []
    posted: list[dict[str, Any]] = []
    receipts: list[dict[str, Any]] = []
    journal: list[dict[str, Any]] = []
    parties: list[dict[str, Any]] = []

    def create_draft(n: int) -> Any:
        drafts.append(client.invoke_event("invoices", event("create_invoice.json", **ids, **common)))
        return drafts[-1]

    def post(n: int) -> Any:
        posted.append(client.invoke_event("invoices", event("post_invoice.json", **ids, invoice_id=drafts[n]["id"],
                                                             idempotency_key=str(uuid.uuid4()))))
        return posted[-1]

    def pay(n: int) -> Any:
        invoice = posted[n]
        receipts.append(client.invoke_event("receipts", event(
            "create_receipt.json", **ids, **common, invoice_id=invoice["id"], amount=invoice["amount_due"],
            idempotency_key=str(uuid.uuid4()))))
        return receipts[-1]

    def credit(n: int) -> Any:
        # Credit notes need invoices still open: the ones posted for them below.
        return client("credit_notes", "POST", "/v1/credit-notes", key=True,
                      body={"invoice_id": open_invoices[n]["id"], "amount": "10.00"})

    def journal_entry(n: int) -> Any:
        journal.append(client("journal_entries", "POST", "/v1/journal-entries", key=True, body={
            "description": "Bench accrual", "lines": [{"account_id": expense, "debit": "12.50"},
                                                      {"account_id": bank, "credit": "12.50"}]}))
        return journal[-1]

    def party(n: int) -> Any:
        parties.append(client("parties", "POST", "/v1/parties", key=True,
                              body={"name": f"Bench customer {n}", "kind": "customer"}))
        return parties[-1]

    quotes: list[dict[str, Any]] = []

    def quote(n: int) -> Any:
        quotes.append(client("quotes", "POST", "/v1/quotes", key=True, body={
            "customer_id": ledger.customer, "lines": [{"description": "Bench offer", "unit_price": "100.00",
                                                       "tax_code_id": ledger.gst}]}))
        return quotes[-1]

    def quote_action(action: str, body: dict[str, Any] | None = None) -> Callable[[int], Any]:
        return lambda n: client("quotes", "POST", f"/v1/quotes/{quotes[n]['id']}/{action}", body=body,
                                resource=f"/v1/quotes/{{id}}/{action}", key=action != "accept")

    run = uuid.uuid4().hex[:6].upper()
    item_code = iter(range(10**6))
    writes_first = [
        Endpoint("invoices", "POST /v1/invoices (create draft)", create_draft),
        Endpoint("invoices", "POST /v1/invoices/{id}/post (Idempotency-Key)", post),
        Endpoint("receipts", "POST /v1/receipts paying one invoice (Idempotency-Key)", pay),
        Endpoint("journal_entries", "POST /v1/journal-entries (Idempotency-Key)", journal_entry),
        Endpoint("parties", "POST /v1/parties (Idempotency-Key)", party),
        Endpoint("items", "POST /v1/items", lambda n: client("items", "POST", "/v1/items", body={
            "code": f"B{run}{next(item_code)}", "name": "Bench item", "unit_price": "9.90"})),
        Endpoint("quotes", "POST /v1/quotes (create draft, Idempotency-Key)", quote),
        Endpoint("quotes", "POST /v1/quotes/{id}/issue (Idempotency-Key)", quote_action("issue")),
        Endpoint("quotes", "POST /v1/quotes/{id}/accept", quote_action("accept")),
        Endpoint("quotes", "POST /v1/quotes/{id}/convert to an invoice (Idempotency-Key)",
                 quote_action("convert", {"to": "invoice"})),
        Endpoint("bulk", "POST /v1/bulk/parties (10 creates)", lambda n: client("bulk", "POST", "/v1/bulk/parties",
                 body={"operations": [{"operation": "create", "data": {"name": f"Bulk {n}-{i}"}} for i in range(10)]})),
    ]
    # warm every handler and the connection (five requests each), then time
    warm_drafts = [create_draft(0) for _ in range(5)]
    drafts.clear()
    client("invoices", "GET", f"/v1/invoices/{warm_drafts[0]['id']}", resource="/v1/invoices/{id}")
    for endpoint in writes_first:
        for n in range(writes):
            start = time.perf_counter()
            endpoint.call(n)
            endpoint.samples.append((time.perf_counter() - start) * 1000)
    # invoices left open for the credit notes
    open_invoices = [client("invoices", "POST", f"/v1/invoices/{d['id']}/post", resource="/v1/invoices/{id}/post",
                            key=True) for d in [create_draft(0) for _ in range(writes)]]
    credit_endpoint = Endpoint("credit_notes", "POST /v1/credit-notes by amount (Idempotency-Key)", credit)
    for n in range(writes):
        start = time.perf_counter()
        credit(n)
        credit_endpoint.samples.append((time.perf_counter() - start) * 1000)

    # Inventory (issue 19): a stock-managed item with `writes` movements; its level is one item, however many
    stocked = client("items", "POST", "/v1/items", body={"code": "BENCH-STOCK", "name": "Stocked item",
                                                          "track_stock": True})["id"]
    client("stock", "POST", "/v1/stock-adjustments", resource="/v1/stock-adjustments", body={
        "item_id": stocked, "reason": "opening", "quantity": "100000", "unit_cost": "2.50"})
    stock_take = Endpoint("stock", "POST /v1/stock-adjustments (Idempotency-Key)", lambda n: client(
        "stock", "POST", "/v1/stock-adjustments", body={"item_id": stocked, "reason": "damage", "quantity": "-1"},
        key=True))
    for n in range(writes):
        start = time.perf_counter()
        stock_take.call(n)
        stock_take.samples.append((time.perf_counter() - start) * 1000)

    def get(function: str, path: str, resource: str | None = None, query: dict[str, str] | None = None
            ) -> Callable[[int], Any]:
        return lambda n: client(function, "GET", path.format(n=n), resource=resource or path, query=query)

    def by_id(function: str, collection: str, records: list[dict[str, Any]]) -> Endpoint:
        return Endpoint(function, f"GET /v1/{collection}/{{id}}", lambda n: client(
            function, "GET", f"/v1/{collection}/{records[n % len(records)]['id']}",
            resource=f"/v1/{collection}/{{id}}"))

    reads = [
        Endpoint("invoices", "GET /v1/invoices/{id}", lambda n: client.invoke_event("invoices", event(
            "get_invoice.json", **ids, invoice_id=posted[n % len(posted)]["id"]))),
        Endpoint("invoices", "GET /v1/invoices?limit=10", lambda n: client.invoke_event(
            "invoices", event("list_invoices.json", **ids))),
        by_id("receipts", "receipts", receipts),
        Endpoint("receipts", "GET /v1/receipts?limit=10", get("receipts", "/v1/receipts", query={"limit": "10"})),
        Endpoint("credit_notes", "GET /v1/credit-notes?limit=10", get("credit_notes", "/v1/credit-notes",
                                                                       query={"limit": "10"})),
        by_id("journal_entries", "journal-entries", journal),
        Endpoint("journal_entries", "GET /v1/journal-entries?limit=10", get("journal_entries", "/v1/journal-entries",
                                                                             query={"limit": "10"})),
        Endpoint("quotes", "GET /v1/quotes?limit=10", get("quotes", "/v1/quotes", query={"limit": "10"})),
        Endpoint("refunds", "GET /v1/refunds?limit=10", get("refunds", "/v1/refunds", query={"limit": "10"})),
        by_id("parties", "parties", parties),
        Endpoint("parties", "GET /v1/parties?limit=10", get("parties", "/v1/parties", query={"limit": "10"})),
        Endpoint("parties", "GET /v1/parties/{id}/balance", lambda n: client(
            "parties", "GET", f"/v1/parties/{ledger.customer}/balance", resource="/v1/parties/{id}/balance")),
        Endpoint("items", "GET /v1/items?limit=10", get("items", "/v1/items", query={"limit": "10"})),
        Endpoint("accounts", "GET /v1/accounts?limit=10", get("accounts", "/v1/accounts", query={"limit": "10"})),
        Endpoint("accounts", "GET /v1/accounts/{id}/ledger?limit=10", lambda n: client(
            "accounts", "GET", f"/v1/accounts/{bank}/ledger", resource="/v1/accounts/{id}/ledger",
            query={"limit": "10"})),
        Endpoint("tax_codes", "GET /v1/tax-codes", get("tax_codes", "/v1/tax-codes")),
        Endpoint("tenant", "GET /v1/tenant", get("tenant", "/v1/tenant")),
        Endpoint("api_keys", "GET /v1/api-keys", get("api_keys", "/v1/api-keys")),
        Endpoint("webhooks", "GET /v1/webhooks", get("webhooks", "/v1/webhooks")),
        Endpoint("events", "GET /v1/events?limit=10", get("events", "/v1/events", query={"limit": "10"})),
        Endpoint("reminders", "GET /v1/dunning-policy", get("reminders", "/v1/dunning-policy")),
        Endpoint("reminders", "GET /v1/reminders?limit=10", get("reminders", "/v1/reminders", query={"limit": "10"})),
        Endpoint("reports", "GET /v1/reports/trial-balance", lambda n: client.invoke_event(
            "reports", event("trial_balance.json", **ids))),
        Endpoint("reports", "GET /v1/reports/balance-sheet", get("reports", "/v1/reports/balance-sheet",
                                                                  query=TODAY_QUERY)),
        Endpoint("reports", "GET /v1/reports/profit-and-loss", get("reports", "/v1/reports/profit-and-loss",
                                                                    query={"from": "2026-01-01", "to": "2030-12-31"})),
        Endpoint("reports", "GET /v1/reports/aged-receivables", get("reports", "/v1/reports/aged-receivables",
                                                                     query=TODAY_QUERY)),
        Endpoint("reports", "GET /v1/reports/tax-summary", get("reports", "/v1/reports/tax-summary",
                                                                query={"from": "2026-01-01", "to": "2030-12-31"})),
        Endpoint("stock", "GET /v1/stock?item_id=", get("stock", "/v1/stock", query={"item_id": stocked})),
        Endpoint("stock", "GET /v1/stock/{item_id}/movements?limit=10", get(
            "stock", f"/v1/stock/{stocked}/movements", resource="/v1/stock/{item_id}/movements",
            query={"limit": "10"})),
    ]
    for endpoint in reads:
        for n in range(5):  # warm-up, not timed
            endpoint.call(n)
    # interleaved, so a slow moment of the machine spreads over every endpoint instead of hitting one
    for n in range(samples):
        for endpoint in reads:
            start = time.perf_counter()
            endpoint.call(n)
            endpoint.samples.append((time.perf_counter() - start) * 1000)
    measured = [*writes_first, credit_endpoint, stock_take, *reads]
    return {endpoint.route: {"function": endpoint.function, **percentiles(endpoint.samples)} for endpoint in measured}

