from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.downloads import PDF_RESPONSES, PDFResponse, pdf_response
from ledgerline.api.expand import Expand, Expansion
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.metadata import metadata_patch
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.routers.emails import listed, queued
from ledgerline.api.versioning import set_etag, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import CREDIT_NOTES, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import CreditNoteCreate, CreditNoteOut
from ledgerline.schemas.emails import EmailOut, SendRequest
from ledgerline.services import credit_notes

router = APIRouter(prefix="/v1/credit-notes", tags=["credit notes"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
READ, WRITE = require("credit-notes:read"), require("credit-notes:write")
EXPAND = Expand(CreditNoteOut)
NOTE_ID_PATH = Path(description="The credit note's id")


@router.post("", status_code=201, response_model=CreditNoteOut, operation_id="create_credit_note",
             summary="Credit a posted invoice by lines or by amount; it is numbered and posted at once")
def create(body: CreditNoteCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Against a posted invoice: credit some of its lines or a net amount. It takes the next credit note
    number, posts its journal entry, reduces what the invoice still owes, and any excess becomes the
    customer's credit. With `restock`, returned stock-managed goods go back into stock at the average cost
    (inventory debited, cost of goods sold credited)."""
    return with_etag(response, credit_notes.create(principal.tenant_id, body.model_dump(exclude_none=True),
                                                   idempotency_key))


CREDIT_NOTE_QUERY = ListQuery(CREDIT_NOTES)
LIST_DESCRIPTION = """Credit notes by date, oldest first. Filter by `invoice_id`, `from_date` and `to_date`
(YYYY-MM-DD), or by any field below with an operator (issue 18): `number=CN-2026-0007` (a lookup: one index
query), `total[gte]=100`, `invoice_number[startswith]=INV-2026`, `sort=number:desc`, `search=acme`,
`updated_since=2026-03-01T00:00:00Z`.
""" + CREDIT_NOTE_QUERY.description()


@router.get("", response_model=QueryListResponse[CreditNoteOut], operation_id="list_credit_notes",
            summary="List credit notes", description=LIST_DESCRIPTION,
            openapi_extra={**CREDIT_NOTE_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(), invoice_id: str | None = Query(None),
          from_date: Day | None = Query(None), to_date: Day | None = Query(None),
          query: PlannedQuery = Depends(CREDIT_NOTE_QUERY), expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    older = [Predicate("invoice_id", "eq", invoice_id) if invoice_id else None,
             Predicate("date", "gte", from_date) if from_date is not None else None,
             Predicate("date", "lte", to_date) if to_date is not None else None]
    query = replace(query, predicates=(*[p for p in older if p is not None], *query.predicates))
    result = credit_notes.query_credit_notes(principal.tenant_id, query, limit=page.limit,
                                             start_key=page.start_key(principal.tenant_id))
    return expansion.page(respond(page, result.items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=CreditNoteOut, operation_id="get_credit_note", summary="Retrieve a credit note",
            openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = Path(description="The credit note's id"),
        expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One credit note with its lines, tax breakdown and how much of it reduced the invoice."""
    note = credit_notes.get_credit_note(principal.tenant_id, id)
    set_etag(response, note.version)
    return expansion.one(response, note)


@router.get("/{id}/pdf", response_model=None, response_class=PDFResponse, responses=PDF_RESPONSES,
            operation_id="get_credit_note_pdf",
            summary="The credit note as PDF: a presigned URL in AWS, the file itself locally")
def pdf(id: str = Path(description="The credit note's id"), principal: Principal = Depends(READ)) -> Response:
    """Rendered once (after posting, or on the first request) and kept. Locally the response is the PDF
    (`application/pdf`); in AWS it is JSON with a presigned URL that expires."""
    from ledgerline.services import pdfs  # deferred: only this route needs the PDF modules (cold start)

    return pdf_response(pdfs.download(pdfs.credit_note_pdf(principal.tenant_id, id)))


@router.post("/{id}/send", status_code=202, response_model=EmailOut, operation_id="send_credit_note",
             summary="Send a credit note by email with its PDF")
def send(body: SendRequest | None = None, id: str = NOTE_ID_PATH,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Queues an email of the credit note (202): to `to` (default: the customer's email; none: 422 on `to`),
    `cc`, `subject` and `message` (default: the tenant's `email_templates.credit_note`) and the PDF attached.
    Once sent, `email.sent` and `credit_note.sent` are written. A body is optional."""
    return queued(principal.tenant_id, "credit_note", id, body or SendRequest(), idempotency_key)


@router.get("/{id}/emails", response_model=ListResponse[EmailOut], operation_id="list_credit_note_emails",
            summary="The emails sent for a credit note")
def emails_of(id: str = NOTE_ID_PATH, page: PageRequest = Depends(), principal: Principal = Depends(READ)) -> Any:
    """Every email queued for the credit note, oldest first."""
    return listed(principal.tenant_id, "credit_note", id, page)


metadata_patch(router, noun="credit note", response_model=CreditNoteOut, operation_id="update_credit_note",
               id_param=NOTE_ID_PATH, write=WRITE, update=credit_notes.update_metadata)
