from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.clock import request_clock
from ledgerline.api.downloads import PDF_RESPONSES, PDFResponse, pdf_response
from ledgerline.api.expand import Expand, Expansion
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import DeletedOut, ListQuery, QueryListResponse, respond, shown
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.routers.emails import QUEUED_RESPONSES, listed, queued
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.clock import Clock
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import INVOICE_STATUS_FILTERS, status_filter
from ledgerline.domain.query import INVOICES, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day, read_at
from ledgerline.schemas.documents import InvoiceCreate, InvoiceOut, InvoiceUpdate, VoidRequest
from ledgerline.schemas.emails import EmailOut, SendRequest
from ledgerline.services import invoices

router = APIRouter(prefix="/v1/invoices", tags=["invoices"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
INVOICE_ID = Path(description="The invoice's id")
READ, WRITE = require("invoices:read"), require("invoices:write")


@router.post("", status_code=201, response_model=InvoiceOut, operation_id="create_invoice",
             summary="Create a draft invoice")
def create(body: InvoiceCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A draft with lines (an item fills description, price, account and tax code), priced at once: line
    amounts, tax per tax code rounded once, totals. The draft has no number until it is posted. Send
    `Idempotency-Key` to make retries safe."""
    return with_etag(response, invoices.create_draft(principal.tenant_id, body.model_dump(), idempotency_key))


INVOICE_QUERY = ListQuery(INVOICES)
EXPAND = Expand(InvoiceOut)
LIST_DESCRIPTION = """Invoices by issue date, oldest first. Filter by `status` (repeated or comma-separated; `open` is
awaiting payment or overdue, `overdue` means open and past its due date), `customer_id`, `from_date` and
`to_date` (YYYY-MM-DD), or by any field below with an operator (issue 18): `total[gte]=1000`,
`status[ne]=voided`, `number=INV-2026-0042` (a lookup: one index query), `sort=due_date:asc`,
`search=acme`, `updated_since=2026-03-01T00:00:00Z` (a draft deleted in the last 30 days is listed there as
`{"id", "object", "deleted": true, "updated_at"}`).
""" + INVOICE_QUERY.description() + EXPAND.description()


@router.get("", response_model=QueryListResponse[InvoiceOut | DeletedOut], operation_id="list_invoices",
            summary="List invoices",
            description=LIST_DESCRIPTION, openapi_extra={**INVOICE_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description=(
              "One or more of draft, awaiting_payment, overdue, paid, voided, and open (awaiting payment or "
              "overdue), repeated or comma-separated: `status=awaiting_payment,overdue`. overdue: open and past "
              "its due date")),
          customer_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Issued on or after"),
          to_date: Day | None = Query(None, description="Issued on or before"),
          query: PlannedQuery = Depends(INVOICE_QUERY), expansion: Expansion = Depends(EXPAND),
          clock: Clock = Depends(request_clock), principal: Principal = Depends(READ)) -> Any:
    now = clock.now()
    statuses = status_filter(status, INVOICE_STATUS_FILTERS)
    older = [Predicate("status", "in", tuple(sorted(statuses))) if statuses is not None else None,
             Predicate("customer_id", "eq", customer_id) if customer_id is not None else None,
             Predicate("issue_date", "gte", from_date) if from_date is not None else None,
             Predicate("issue_date", "lte", to_date) if to_date is not None else None]
    query = replace(query, predicates=(*[p for p in older if p is not None], *query.predicates))
    result = invoices.query_invoices(principal.tenant_id, query, today=now.date(), limit=page.limit,
                                     start_key=page.start_key(principal.tenant_id))
    items = [shown(record, lambda invoice: InvoiceOut.model_validate(invoice, context=read_at(now)))
             for record in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=InvoiceOut, operation_id="get_invoice", summary="Retrieve an invoice",
            description="One invoice with its lines, tax breakdown, totals and what is paid, credited and still "
                        "due. The `ETag` is its version." + EXPAND.description(),
            openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = INVOICE_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    return expansion.one(response, with_etag(response, invoices.get_invoice(principal.tenant_id, id)))


@router.get("/{id}/pdf", response_model=None, response_class=PDFResponse, responses=PDF_RESPONSES,
            operation_id="get_invoice_pdf",
            summary="The posted invoice as PDF: a presigned URL in AWS, the file itself locally; 409 for a draft")
def pdf(id: str = INVOICE_ID, principal: Principal = Depends(READ)) -> Response:
    """Rendered once (after posting, or on the first request) and kept: the same bytes every time (its SHA-256 is the
    `ETag`). Locally the response is the PDF (`application/pdf`); in AWS it is JSON with a presigned URL that
    expires. A draft has no PDF (409)."""
    from ledgerline.services import pdfs  # deferred: only this route needs the PDF modules (cold start)

    return pdf_response(pdfs.download(pdfs.invoice_pdf(principal.tenant_id, id)))


@router.patch("/{id}", response_model=InvoiceOut, operation_id="update_invoice",
              summary="Change a draft invoice; posted invoices are immutable")
def update(body: InvoiceUpdate, response: Response, id: str = INVOICE_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """Change a draft: the fields sent replace the draft's; sending `lines` replaces every line and prices the
    invoice again. Posted invoices are immutable (409): void them or credit them instead."""
    invoice = invoices.update_draft(principal.tenant_id, id, body.changes(), version)
    return with_etag(response, invoices.represent(invoice))


@router.post("/{id}/copy", status_code=201, response_model=InvoiceOut, operation_id="copy_invoice",
             summary="Copy an invoice into a new draft with the same positions",
             responses={201: {"content": {"application/json": {"example": {
                 "object": "invoice", "id": "inv_01K2X3Y4Z5A6B7C8D9E0F1G2H9", "number": None, "status": "draft"}}}}})
def copy(response: Response, id: str = INVOICE_ID, idempotency_key: str | None = IdempotencyKeyHeader,
         principal: Principal = Depends(WRITE)) -> Any:
    """A new draft with the invoice's positions (or lines), allowances and charges, customer, currency,
    exchange rate, reference, notes and payment terms, dated today and priced again (items and tax codes as
    they are now). Any invoice may be copied, a posted or voided one too. Writes `invoice.created`. Send
    `Idempotency-Key` to make retries safe."""
    return with_etag(response, invoices.copy(principal.tenant_id, id, idempotency_key))


@router.delete("/{id}", operation_id="delete_invoice", summary="Delete a draft invoice")
def delete(id: str = INVOICE_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Deletes a draft for good; it never had a number, so no number is lost. Posted invoices cannot be
    deleted (409)."""
    invoice = invoices.delete_draft(principal.tenant_id, id, version)
    return {"id": invoice.id, "object": "invoice", "deleted": True}


@router.post("/{id}/post", response_model=InvoiceOut, operation_id="post_invoice",
             summary="Post a draft: number it, write its journal entry; it becomes immutable")
def post(response: Response, id: str = INVOICE_ID, idempotency_key: str | None = IdempotencyKeyHeader,
         principal: Principal = Depends(WRITE)) -> Any:
    """Takes the next number of the year's series, writes the balanced journal entry (receivable against
    revenue and tax) and the `invoice.posted` event in one transaction. Nothing dated on or before the lock
    date can be posted. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, invoices.post(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/void", response_model=InvoiceOut, operation_id="void_invoice",
             summary="Void a posted invoice with nothing paid: a reversing entry; the number stays used")
def void(response: Response, body: VoidRequest | None = None, id: str = INVOICE_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Posts the reversing entry (dated today or `date`) and marks the invoice voided. Only while nothing has
    been paid or credited on it."""
    day = body.date if body else None
    return with_etag(response, invoices.void(principal.tenant_id, id, day, idempotency_key))


@router.post("/{id}/send", response_model=InvoiceOut, operation_id="send_invoice",
             responses=QUEUED_RESPONSES,
             summary="Send a posted invoice by email (with a body: 202), or mark it as sent (without one)")
def send(response: Response, body: SendRequest | None = None, id: str = INVOICE_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """With a JSON body (`{}` is enough) Ledgerline emails the invoice: to `to` (default: the customer's email;
    none: 422 on `to`), `cc`, with `subject` and `message` (default: the tenant's `email_templates.invoice`,
    placeholders `{number}`, `{total}`, `{due_date}`, `{customer_name}`, ...) and the PDF attached
    (`attach_pdf`). It answers 202 with the email, `queued`; once sent, the invoice gets `sent_at` and
    `invoice.sent` and `email.sent` are written. Without a body it only records that the invoice went to the
    customer (`sent_at`, `invoice.sent`) and sends nothing, as before."""
    if body is not None:
        return queued(principal.tenant_id, "invoice", id, body, idempotency_key)
    return with_etag(response, invoices.send(principal.tenant_id, id))


@router.get("/{id}/emails", response_model=ListResponse[EmailOut], operation_id="list_invoice_emails",
            summary="The emails sent for an invoice")
def emails_of(id: str = INVOICE_ID, page: PageRequest = Depends(), principal: Principal = Depends(READ)) -> Any:
    """Every email queued for the invoice, oldest first, with its status, recipients, subject, Message-ID
    and `sent_at`."""
    return listed(principal.tenant_id, "invoice", id, page)
