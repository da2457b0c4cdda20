from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.downloads import PDF_RESPONSES, PDFResponse, pdf_response
from ledgerline.api.expand import Expand, Expansion
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import DeletedOut, ListQuery, QueryListResponse, respond, shown, with_older_filters
from ledgerline.api.metadata import metadata_patch
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.routers.emails import listed, queued
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import status_filter
from ledgerline.domain.documents.delivery import DELIVERY_STATUS_FILTERS
from ledgerline.domain.query import DELIVERIES
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.emails import EmailOut, SendRequest
from ledgerline.schemas.orders import DeliveryCreate, DeliveryNoteOut
from ledgerline.services import deliveries

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
DELIVERY_ID = Path(description="The delivery note's id")
READ, WRITE = require("deliveries:read"), require("deliveries:write")
EXPAND = Expand(DeliveryNoteOut)


@router.post("", status_code=201, response_model=DeliveryNoteOut, operation_id="create_delivery",
             summary="Create a draft delivery note not made from an order")
def create(body: DeliveryCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A customer and lines (item and/or description, quantity); no prices. A note for an order is made with
    `POST /v1/orders/{id}/deliveries`. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, deliveries.create_direct(principal.tenant_id, body.model_dump(), idempotency_key))


DELIVERY_QUERY = ListQuery(DELIVERIES)
LIST_DESCRIPTION = """Delivery notes by delivery date, oldest first. Filter by `status` (repeated or
comma-separated), `customer_id`, `from_date` and `to_date` (delivery date, YYYY-MM-DD), or by any field below
with an operator (issue 18): `number=DN-2026-0042` or `reference=PO-1` (lookups: one index query),
`order_id=so_…`, `status=issued&sort=number:desc`, `search=acme`, `updated_since=2026-03-01T00:00:00Z` (a draft
deleted in the last 30 days is listed there as `{"id", "object", "deleted": true, "updated_at"}`).
""" + DELIVERY_QUERY.description()


@router.get("", response_model=QueryListResponse[DeliveryNoteOut | DeletedOut], operation_id="list_deliveries",
            summary="List delivery notes", description=LIST_DESCRIPTION,
            openapi_extra={**DELIVERY_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description="One or more of draft, issued, delivered"),
          customer_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Delivery date on or after"),
          to_date: Day | None = Query(None, description="Delivery date on or before"),
          query: PlannedQuery = Depends(DELIVERY_QUERY),
          expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    statuses = status_filter(status, DELIVERY_STATUS_FILTERS)
    query = with_older_filters(query, statuses, "customer_id", customer_id, "delivery_date", from_date, to_date)
    result = deliveries.query_deliveries(principal.tenant_id, query, limit=page.limit,
                                         start_key=page.start_key(principal.tenant_id))
    items = [shown(record, DeliveryNoteOut.model_validate) for record in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=DeliveryNoteOut, operation_id="get_delivery", summary="Retrieve a delivery note",
            openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = DELIVERY_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One delivery note with its lines (and the order lines they deliver). The `ETag` is its version."""
    return expansion.one(response, with_etag(response, deliveries.get_delivery(principal.tenant_id, id)))


@router.delete("/{id}", operation_id="delete_delivery", summary="Delete a draft delivery note")
def delete(id: str = DELIVERY_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Deletes a draft for good (it has no number). A note made from an order gives the quantities it took
    back to the order in the same transaction (`delivery.deleted` and `order.updated`), so they may be
    delivered again. An issued note cannot be deleted (409)."""
    delivery = deliveries.delete_draft(principal.tenant_id, id, version)
    return {"id": delivery.id, "object": "delivery", "deleted": True}


@router.get("/{id}/pdf", response_model=None, response_class=PDFResponse, responses=PDF_RESPONSES,
            operation_id="get_delivery_pdf",
            summary="The issued delivery note as PDF (no prices): a presigned URL in AWS, the file itself locally")
def pdf(id: str = DELIVERY_ID, principal: Principal = Depends(READ)) -> Response:
    """Rendered once (when issued, or on the first request) and kept. A draft has no PDF (409)."""
    from ledgerline.services import pdfs  # deferred: only this route needs the PDF modules (cold start)

    return pdf_response(pdfs.download(pdfs.delivery_pdf(principal.tenant_id, id)))


@router.post("/{id}/issue", response_model=DeliveryNoteOut, operation_id="issue_delivery",
             summary="Issue a draft delivery note: it takes the next number of the delivery series")
def issue(response: Response, id: str = DELIVERY_ID, idempotency_key: str | None = IdempotencyKeyHeader,
          principal: Principal = Depends(WRITE)) -> Any:
    """Draft → issued, numbered `DN-{YYYY}-{SEQ:4}` (the tenant's `number_formats.delivery`)."""
    return with_etag(response, deliveries.issue(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/deliver", response_model=DeliveryNoteOut, operation_id="deliver_delivery",
             summary="Mark an issued delivery note delivered")
def deliver(response: Response, id: str = DELIVERY_ID, idempotency_key: str | None = IdempotencyKeyHeader,
            principal: Principal = Depends(WRITE)) -> Any:
    """Issued → delivered: the goods reached the customer."""
    return with_etag(response, deliveries.mark_delivered(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/send", status_code=202, response_model=EmailOut, operation_id="send_delivery",
             summary="Send an issued delivery note by email with its PDF")
def send(body: SendRequest | None = None, id: str = DELIVERY_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Queues an email of the delivery note (202): to `to` (default: the customer's email; none: 422 on
    `to`), `cc`, `subject` and `message` (default: the tenant's `email_templates.delivery`) and its PDF
    (no prices) attached. A draft is a 409: issue it first. Once sent, `email.sent` and `delivery.sent` are
    written; the note itself does not change."""
    return queued(principal.tenant_id, "delivery", id, body or SendRequest(), idempotency_key)


@router.get("/{id}/emails", response_model=ListResponse[EmailOut], operation_id="list_delivery_emails",
            summary="The emails sent for a delivery note")
def emails_of(id: str = DELIVERY_ID, page: PageRequest = Depends(), principal: Principal = Depends(READ)) -> Any:
    """Every email queued for the delivery note, oldest first."""
    return listed(principal.tenant_id, "delivery", id, page)


metadata_patch(router, noun="delivery note", response_model=DeliveryNoteOut, operation_id="update_delivery",
               id_param=DELIVERY_ID, write=WRITE, update=deliveries.update_metadata)
