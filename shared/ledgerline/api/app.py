"""The one app factory: every function and the local server serve routers through it."""

from __future__ import annotations

import time
import uuid

from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.middleware.gzip import GZipMiddleware

from ledgerline.api import errors, lazy_routes, versions
from ledgerline.api.auth import authenticate_first
from ledgerline.api.query_parameters import check_query_parameters
from ledgerline.api.rate_limit import rate_limit_headers
from ledgerline.clock import Clock, using
from ledgerline.domain import api_versions
from ledgerline.observability import logger
from ledgerline.schemas.errors import ERROR_RESPONSES
from ledgerline.services import idempotency

DESCRIPTION = """
Invoicing and double-entry accounting over HTTPS.

Authenticate with `Authorization: Bearer <api key>`. Money is exchanged as decimal strings,
lists are paginated with `limit` and `cursor`, and errors share one envelope:
`{"error": {"type", "code", "message", "param", "details", "request_id"}}`.

Money, quantities and rates are answered as plain decimal strings (`"1375.00"`, never exponent form)
and accepted as such or as JSON numbers; dates are `YYYY-MM-DD`.

Dated API versions: send `Ledgerline-Version: YYYY-MM-DD` to be answered in that version; without it a
request is answered in its API key's pinned version (`api_version`, set when the key is created). Every
response names the version that answered in `Ledgerline-Version`; an unknown version is a 400. This document
describes the newest version; the changes of each version are listed in the README ("API versions").

Every response carries `X-Response-Time` (milliseconds spent in the app); responses over 1 KB are gzipped
when the request sends `Accept-Encoding: gzip`.
"""

# Documented on every operation (api_versions.HEADER): read by the app factory's middleware, not by a route.
VERSION_HEADER_PARAMETER = {
    "name": api_versions.HEADER, "in": "header", "required": False,
    "description": "The dated API version to answer in (default: the API key's pinned version); known versions: "
                   + ", ".join(api_versions.KNOWN),
    "schema": {"type": "string", "enum": list(api_versions.KNOWN), "example": api_versions.LATEST},
}
VERSION_RESPONSE_HEADERS = {
    api_versions.HEADER: {"description": "The API version that answered", "schema": {"type": "string"}},
    "X-Response-Time": {"description": "Milliseconds the app spent on the request", "schema": {"type": "string"}},
}

# Where the API runs: the local server (`make dev`), and a deployed stage (the stack output `ApiUrl`).
SERVERS = [
    {"url": "http://127.0.0.1:3000", "description": "Local server (`make dev`)"},
    {
        "url": "https://{api_id}.execute-api.{region}.amazonaws.com/{stage}",
        "description": "A deployed stage: the stack output ApiUrl",
        "variables": {
            "api_id": {"default": "your-api-id", "description": "The REST API's id"},
            "region": {"default": "eu-central-1", "description": "The stack's AWS region"},
            "stage": {"default": "dev", "enum": ["dev", "prod"], "description": "The Stage parameter"},
        },
    },
]

# One entry per router tag, in the order a reader meets them.
TAGS = [
    {"name": "tenant", "description": "The tenant's settings: base currency, numbering, terms, lock date, bank "
                                      "details"},
    {"name": "api keys", "description": "Keys with scopes and expiry; a secret is shown once, when created"},
    {"name": "parties", "description": "Customers and suppliers"},
    {"name": "items", "description": "Products and services with a default price, tax code and revenue account"},
    {"name": "accounts", "description": "The chart of accounts, and each account's ledger lines"},
    {"name": "tax codes", "description": "Tax rates (VAT, GST) and the accounts their tax is posted to"},
    {"name": "invoices", "description": "Drafts, posting (number and journal entry), voids, sending, PDFs"},
    {"name": "receipts", "description": "Money received, allocated to invoices; the rest is customer credit"},
    {"name": "refunds", "description": "Customer credit paid back out of a bank or cash account"},
    {"name": "credit notes", "description": "Credits against a posted invoice"},
    {"name": "quotes", "description": "Offers to customers: issue, accept or decline, convert into an invoice"},
    {"name": "journal entries", "description": "Manual entries, balanced or refused, and reversals"},
    {"name": "orders", "description": "Sales orders: confirmation, deliveries and invoices per line quantity"},
    {"name": "deliveries", "description": "Delivery notes: issued, delivered, PDFs without prices"},
    {"name": "purchase orders", "description": "Orders to suppliers: sent by email with a PDF, goods received per "
                                               "line quantity"},
    {"name": "bills", "description": "Supplier bills: drafts, posting to payables with input tax, voids"},
    {"name": "expenses", "description": "Expenses paid at once from a bank, cash or card account, posted on creation"},
    {"name": "supplier-payments", "description": "Money paid to suppliers, allocated to posted bills; the rest a "
                                              "supplier prepayment"},
    {"name": "supplier-credit-notes", "description": "Suppliers' credit notes against posted bills, posted on "
                                                     "creation"},
    {"name": "payment-runs", "description": "Bills paid by an ISO 20022 pain.001 file (SEPA, Swiss): scheduled until "
                                         "the bank statement books them"},
    {"name": "reports", "description": "Trial balance, profit and loss, balance sheet, aged receivables, general "
                                       "ledger and tax summary, as JSON or CSV"},
    {"name": "periods", "description": "Closing a fiscal year"},
    {"name": "reminders", "description": "The dunning policy and payment reminders for overdue invoices"},
    {"name": "events", "description": "The event log: every change to a document"},
    {"name": "webhooks", "description": "Endpoints that receive events, signed; deliveries and replays"},
    {"name": "bulk", "description": "Many invoices or parties in one request"},
    {"name": "recurring invoices", "description": "Invoice templates with a schedule; the daily job makes each "
                                                  "period's invoice once"},
    {"name": "emails", "description": "Documents sent by email: each email's recipients, status and Message-ID"},
    {"name": "files", "description": "Uploaded PDF, PNG and JPEG files (type read from the bytes, at most 10 MB) "
                                     "that journal entries, parties and purchase documents reference"},
    {"name": "VAT periods", "description": "Tax reporting periods: closing one posts the VAT settlement and locks "
                                           "tax-affecting postings dated in it"},
    {"name": "banking", "description": "Bank accounts, statement import (camt.053/054, MT940, CSV) and the bank "
                                       "transactions it makes"},
    {"name": "einvoices", "description": "E-invoices (issue 17): validating a UBL or CII file against EN 16931, "
                                         "Peppol BIS Billing 3.0 or XRechnung"},
    {"name": "inventory", "description": "Stock (issue 19): locations, adjustments, transfers, levels per item and "
                                         "location, movements and the stock valuation"},
]


def create_app(*routers: APIRouter, title: str = "Ledgerline API", clock: Clock | None = None) -> FastAPI:
    """The app serving `routers`. `clock`: the clock its requests read (default: the process's, `clock.use`)."""
    # /docs and /redoc: the local server serves them from packaged assets (api/docs.py), never from a CDN
    app = FastAPI(title=title, version="1.0.0", description=DESCRIPTION, servers=SERVERS, openapi_tags=TAGS,
                  docs_url=None, redoc_url=None)
    for router in routers:
        # Unknown query parameters are a 400 on every route (api/query_parameters.py). Each route is built on its
        # first request or the OpenAPI document, not at cold start (api/lazy_routes.py).
        lazy_routes.include(app, router, responses=ERROR_RESPONSES, dependencies=[Depends(check_query_parameters)])
    errors.install(app)
    _document_version_header(app)

    @app.middleware("http")
    async def request_id(request: Request, call_next):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        event = request.scope.get("aws.event") or {}
        rid = (request.headers.get("x-request-id")
               or (event.get("requestContext") or {}).get("requestId")
               or str(uuid.uuid4()))
        request.state.request_id = rid
        # Context-local log keys: this request's task and the threads it runs in see them, no other request.
        logger.thread_safe_append_keys(request_id=rid)
        # The request's clock, for the routes and the services they call (clock.current_clock, api/clock.py)
        with using(clock), idempotency.tracking(request.headers.get("idempotency-key")) as replays:
            try:
                # Authentication first, before the body or any other parameter is read (api/auth.py).
                principal = await authenticate_first(request)
                if principal is not None:
                    logger.thread_safe_append_keys(tenant_id=principal.tenant_id, key_id=principal.key_id)
                # The dated version answering (api/versions.py): the header, else the key's; 400 for a bad one
                request.state.api_version = versions.requested_version(request, principal)
                response = await versions.in_version(await call_next(request), request.state.api_version)
            except Exception as exc:  # noqa: BLE001 - the one place errors outside the routes become an envelope
                response = await errors.respond(request, exc)
        if replays.replayed:
            # The response is the first request's, answered again from its Idempotency-Key (as Stripe says it)
            response.headers["Idempotent-Replayed"] = "true"
        response.headers["X-Request-ID"] = rid
        # Set when the request was authenticated and counted against its tenant's rate limit (api/rate_limit.py).
        response.headers.update(rate_limit_headers(request))
        response.headers[api_versions.HEADER] = versions.request_version(request)
        response.headers["X-Response-Time"] = f"{(time.perf_counter() - started) * 1000:.1f}"
        return response

    # Outermost: compresses the final body (as the version shows it) when the client accepts gzip
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    return app


def _document_version_header(app: FastAPI) -> None:
    """The OpenAPI document lists `Ledgerline-Version` on every operation and its response headers."""
    build = app.openapi

    def openapi() -> dict:  # type: ignore[type-arg]
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == api_versions.HEADER for p in parameters):
                    parameters.append(VERSION_HEADER_PARAMETER)
                for response in operation["responses"].values():
                    if isinstance(response, dict) and "$ref" not in response:
                        response.setdefault("headers", {}).update(VERSION_RESPONSE_HEADERS)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
