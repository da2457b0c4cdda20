"""/v1/quotes (issue 14): drafts, issue, accept / decline / revert, convert into an invoice, and the PDF."""

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
from ledgerline.api.routers.emails import listed, queued
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.clock import Clock
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import status_filter
from ledgerline.domain.documents.quote import QUOTE_STATUS_FILTERS
from ledgerline.domain.query import QUOTES, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day, read_at
from ledgerline.schemas.emails import EmailOut, SendRequest
from ledgerline.schemas.quotes import ConvertRequest, DeclineRequest, QuoteCreate, QuoteOut, QuoteUpdate
from ledgerline.services import quotes

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
QUOTE_ID = Path(description="The quote's id")
READ, WRITE = require("quotes:read"), require("quotes:write")
EXPAND = Expand(QuoteOut)


@router.post("", status_code=201, response_model=QuoteOut, operation_id="create_quote",
             summary="Create a draft quote")
def create(body: QuoteCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A draft with lines priced as an invoice's are; valid until `valid_until` (default 30 days after the
    issue date). No number until it is issued, no ledger effect ever. Send `Idempotency-Key` to make retries
    safe."""
    return with_etag(response, quotes.create_draft(principal.tenant_id, body.model_dump(), idempotency_key))


QUOTE_QUERY = ListQuery(QUOTES)
LIST_DESCRIPTION = """Quotes by issue date, oldest first. Filter by `status` (repeated or comma-separated; `expired`
is open and past `valid_until`), `customer_id`, `from_date` and `to_date` (issue date, YYYY-MM-DD), or by any
field below with an operator (issue 18): `number=QUO-2026-0042` or `reference=PO-1` (lookups: one index
query), `status=open&sort=valid_until:asc`, `total[gte]=1000`, `search=acme`,
`updated_since=2026-03-01T00:00:00Z`.
""" + QUOTE_QUERY.description()


@router.get("", response_model=QueryListResponse[QuoteOut | DeletedOut], operation_id="list_quotes",
            summary="List quotes",
            description=LIST_DESCRIPTION, openapi_extra={**QUOTE_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description=(
              "One or more of draft, open, accepted, declined, expired, converted, repeated or comma-separated. "
              "expired: open and past valid_until")),
          customer_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Issued on or after"),
          to_date: Day | None = Query(None, description="Issued on or before"),
          query: PlannedQuery = Depends(QUOTE_QUERY),
          clock: Clock = Depends(request_clock), expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    now = clock.now()
    statuses = status_filter(status, QUOTE_STATUS_FILTERS)
    older = [Predicate("status", "in", tuple(sorted(statuses))) if statuses is not None else None,
             Predicate("customer_id", "eq", customer_id) if customer_id is not None else None,
             Predicate("issue_date", "gte", from_date) if from_date is not None else None,
             Predicate("issue_date", "lte", to_date) if to_date is not None else None]
    query = replace(query, predicates=(*[p for p in older if p is not None], *query.predicates))
    result = quotes.query_quotes(principal.tenant_id, query, today=now.date(), limit=page.limit,
                                 start_key=page.start_key(principal.tenant_id))
    items = [shown(record, lambda quote: QuoteOut.model_validate(quote, context=read_at(now)))
             for record in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=QuoteOut, operation_id="get_quote", summary="Retrieve a quote",
            openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = QUOTE_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One quote with its lines, totals, status (`expired` once past `valid_until`) and what it was converted
    into. The `ETag` is its version."""
    return expansion.one(response, with_etag(response, quotes.get_quote(principal.tenant_id, id)))


@router.get("/{id}/pdf", response_model=None, response_class=PDFResponse, responses=PDF_RESPONSES,
            operation_id="get_quote_pdf",
            summary="The issued quote as PDF: a presigned URL in AWS, the file itself locally; 409 for a draft")
def pdf(id: str = QUOTE_ID, principal: Principal = Depends(READ)) -> Response:
    """Rendered when the quote is issued (or on the first request). A draft has no PDF (409)."""
    from ledgerline.services import pdfs  # deferred: only this route needs the PDF modules (cold start)

    return pdf_response(pdfs.download(pdfs.quote_pdf(principal.tenant_id, id)))


@router.patch("/{id}", response_model=QuoteOut, operation_id="update_quote",
              summary="Change a draft quote")
def update(body: QuoteUpdate, response: Response, id: str = QUOTE_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """Change a draft: the fields sent replace the draft's; `lines` replaces every line. An issued quote is
    changed by reverting it to draft first (409 otherwise)."""
    quote = quotes.update_draft(principal.tenant_id, id, body.changes(), version)
    return with_etag(response, quotes.represent(quote))


@router.post("/{id}/copy", status_code=201, response_model=QuoteOut, operation_id="copy_quote",
             summary="Copy a quote into a new draft with the same positions",
             responses={201: {"content": {"application/json": {"example": {
                 "object": "quote", "id": "quo_01K2X3Y4Z5A6B7C8D9E0F1G2H9", "number": None, "status": "draft"}}}}})
def copy(response: Response, id: str = QUOTE_ID, idempotency_key: str | None = IdempotencyKeyHeader,
         principal: Principal = Depends(WRITE)) -> Any:
    """A new draft with the quote's positions (or lines), allowances and charges, customer, currency,
    exchange rate, reference and notes, dated today, valid as many days as the quote was, and priced again.
    Any quote may be copied (an expired or declined one, to offer it again). Writes `quote.created`. Send
    `Idempotency-Key` to make retries safe."""
    return with_etag(response, quotes.copy(principal.tenant_id, id, idempotency_key))


@router.delete("/{id}", operation_id="delete_quote", summary="Delete a draft quote never issued")
def delete(id: str = QUOTE_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Deletes a draft that never had a number (409 otherwise)."""
    quote = quotes.delete_draft(principal.tenant_id, id, version)
    return {"id": quote.id, "object": "quote", "deleted": True}


@router.post("/{id}/issue", response_model=QuoteOut, operation_id="issue_quote",
             summary="Issue a draft quote: number it; it becomes open")
def issue(response: Response, id: str = QUOTE_ID, idempotency_key: str | None = IdempotencyKeyHeader,
          principal: Principal = Depends(WRITE)) -> Any:
    """Takes the next number of the quote series (`number_formats.quote`, default `QUO-{YYYY}-{SEQ:4}`), or
    keeps the number of an earlier issue, and writes `quote.issued` (which renders its PDF)."""
    return with_etag(response, quotes.issue(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/accept", response_model=QuoteOut, operation_id="accept_quote",
             summary="Record that the customer accepted an open quote")
def accept(response: Response, id: str = QUOTE_ID, principal: Principal = Depends(WRITE)) -> Any:
    """Open → accepted; an expired quote cannot be accepted (409)."""
    return with_etag(response, quotes.accept(principal.tenant_id, id))


@router.post("/{id}/decline", response_model=QuoteOut, operation_id="decline_quote",
             summary="Record that the customer declined an open or expired quote")
def decline(response: Response, body: DeclineRequest | None = None, id: str = QUOTE_ID,
            principal: Principal = Depends(WRITE)) -> Any:
    """Open or expired → declined, with an optional `reason`."""
    return with_etag(response, quotes.decline(principal.tenant_id, id, body.reason if body else None))


@router.post("/{id}/revert-issue", response_model=QuoteOut, operation_id="revert_quote_issue",
             summary="Take an open or expired quote back to draft; its number is kept")
def revert_issue(response: Response, id: str = QUOTE_ID, principal: Principal = Depends(WRITE)) -> Any:
    """Open or expired → draft so it can change (a new `valid_until`, other lines); issuing it again keeps
    its number."""
    return with_etag(response, quotes.revert_issue(principal.tenant_id, id))


@router.post("/{id}/convert", response_model=QuoteOut, operation_id="convert_quote",
             summary="Convert an open or accepted quote into a draft invoice")
def convert(body: ConvertRequest, response: Response, id: str = QUOTE_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Creates a draft invoice with the quote's customer, currency and lines (its `source` names the quote),
    and marks the quote `converted` (its `converted_to` names the invoice), in one transaction; a quote is
    converted once (409 after). `{"to": "order"}` answers 422 until orders exist."""
    return with_etag(response, quotes.convert(principal.tenant_id, id, body.to, idempotency_key))


@router.post("/{id}/send", status_code=202, response_model=EmailOut, operation_id="send_quote",
             summary="Send an issued quote by email with its PDF")
def send(body: SendRequest | None = None, id: str = QUOTE_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Queues an email of the quote (202): to `to` (default: the customer's email; none: 422 on `to`), `cc`,
    `subject` and `message` (default: the tenant's `email_templates.quote`; `{due_date}` is `valid_until`)
    and the PDF attached. A draft is a 409: issue it first. Once sent, `email.sent` and `quote.sent` are
    written; the quote itself does not change."""
    return queued(principal.tenant_id, "quote", id, body or SendRequest(), idempotency_key)


@router.get("/{id}/emails", response_model=ListResponse[EmailOut], operation_id="list_quote_emails",
            summary="The emails sent for a quote")
def emails_of(id: str = QUOTE_ID, page: PageRequest = Depends(), principal: Principal = Depends(READ)) -> Any:
    """Every email queued for the quote, oldest first."""
    return listed(principal.tenant_id, "quote", id, page)
