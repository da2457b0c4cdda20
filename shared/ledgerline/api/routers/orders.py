from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.downloads import PDF_RESPONSES, PDFResponse, pdf_response
from ledgerline.api.expand import Expand, Expansion
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import DeletedOut, ListQuery, QueryListResponse, respond, shown, with_older_filters
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.routers.emails import listed, queued
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import status_filter
from ledgerline.domain.documents.order import ORDER_STATUS_FILTERS
from ledgerline.domain.query import ORDERS
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import InvoiceOut
from ledgerline.schemas.emails import EmailOut, SendRequest
from ledgerline.schemas.orders import (
    DeliveryNoteOut,
    OrderCreate,
    OrderDeliveryRequest,
    OrderInvoiceRequest,
    OrderOut,
    OrderUpdate,
)
from ledgerline.services import orders

router = APIRouter(prefix="/v1/orders", tags=["orders"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
ORDER_ID = Path(description="The order's id")
READ, WRITE = require("orders:read"), require("orders:write")
EXPAND = Expand(OrderOut)


@router.post("", status_code=201, response_model=OrderOut, operation_id="create_order",
             summary="Create a draft sales order")
def create(body: OrderCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A draft order with lines priced as an invoice's are (an item fills description, price, account and
    tax code). No number until it is confirmed; no ledger effect ever. Send `Idempotency-Key` to make retries
    safe."""
    return with_etag(response, orders.create_draft(principal.tenant_id, body.model_dump(), idempotency_key))


ORDER_QUERY = ListQuery(ORDERS)
LIST_DESCRIPTION = """Orders by order date, oldest first. Filter by `status` (repeated or comma-separated),
`customer_id`, `from_date` and `to_date` (order date, YYYY-MM-DD), or by any field below with an operator
(issue 18): `number=SO-2026-0042` or `reference=PO-1` (lookups: one index query), `status=confirmed&sort=number:desc`,
`total[gte]=1000`, `search=acme`, `updated_since=2026-03-01T00:00:00Z` (a draft deleted in the last 30 days is
listed there as `{"id", "object", "deleted": true, "updated_at"}`).
""" + ORDER_QUERY.description()


@router.get("", response_model=QueryListResponse[OrderOut | DeletedOut], operation_id="list_orders",
            summary="List sales orders", description=LIST_DESCRIPTION,
            openapi_extra={**ORDER_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description=(
              "One or more of draft, confirmed, partially_delivered, delivered, cancelled, repeated or "
              "comma-separated")),
          customer_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Ordered on or after"),
          to_date: Day | None = Query(None, description="Ordered on or before"),
          query: PlannedQuery = Depends(ORDER_QUERY),
          expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    statuses = status_filter(status, ORDER_STATUS_FILTERS)
    query = with_older_filters(query, statuses, "customer_id", customer_id, "order_date", from_date, to_date)
    result = orders.query_orders(principal.tenant_id, query, limit=page.limit,
                                 start_key=page.start_key(principal.tenant_id))
    items = [shown(record, OrderOut.model_validate) for record in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=OrderOut, operation_id="get_order", summary="Retrieve a sales order",
            openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = ORDER_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One order with its lines (ordered, delivered and invoiced quantity of each), totals, its fulfilment
    `status` and its `invoicing_status`. The `ETag` is its version."""
    return expansion.one(response, with_etag(response, orders.get_order(principal.tenant_id, id)))


@router.get("/{id}/pdf", response_model=None, response_class=PDFResponse, responses=PDF_RESPONSES,
            operation_id="get_order_pdf",
            summary="The confirmed order as PDF: a presigned URL in AWS, the file itself locally; 409 for a draft")
def pdf(id: str = ORDER_ID, principal: Principal = Depends(READ)) -> Response:
    """The order confirmation with every position and the totals, rendered on the first request. A draft
    has no PDF (409)."""
    from ledgerline.services import pdfs  # deferred: only this route needs the PDF modules (cold start)

    return pdf_response(pdfs.download(pdfs.order_pdf(principal.tenant_id, id)))


@router.patch("/{id}", response_model=OrderOut, operation_id="update_order", summary="Change a draft order")
def update(body: OrderUpdate, response: Response, id: str = ORDER_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """The fields sent replace the draft's; sending `lines` replaces every line. A confirmed order cannot be
    changed (409)."""
    order = orders.update_draft(principal.tenant_id, id, body.changes(), version)
    return with_etag(response, orders.represent(order))


@router.post("/{id}/copy", status_code=201, response_model=OrderOut, operation_id="copy_order",
             summary="Copy a sales order into a new draft with the same positions",
             responses={201: {"content": {"application/json": {"example": {
                 "object": "order", "id": "so_01K2X3Y4Z5A6B7C8D9E0F1G2H9", "number": None, "status": "draft"}}}}})
def copy(response: Response, id: str = ORDER_ID, idempotency_key: str | None = IdempotencyKeyHeader,
         principal: Principal = Depends(WRITE)) -> Any:
    """A new draft with the order's positions (or lines) at their ordered quantities, allowances and charges,
    customer, currency, exchange rate, payment terms, reference and notes, dated today and priced again;
    nothing of it delivered or invoiced. Any order may be copied. Writes `order.created`. Send
    `Idempotency-Key` to make retries safe."""
    return with_etag(response, orders.copy(principal.tenant_id, id, idempotency_key))


@router.delete("/{id}", operation_id="delete_order", summary="Delete a draft order")
def delete(id: str = ORDER_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Deletes a draft for good (it has no number). A confirmed order is cancelled instead (409)."""
    order = orders.delete_draft(principal.tenant_id, id, version)
    return {"id": order.id, "object": "order", "deleted": True}


@router.post("/{id}/confirm", response_model=OrderOut, operation_id="confirm_order",
             summary="Confirm a draft order: it takes the next number of the order series")
def confirm(response: Response, id: str = ORDER_ID, idempotency_key: str | None = IdempotencyKeyHeader,
            principal: Principal = Depends(WRITE)) -> Any:
    """Draft → confirmed, numbered `SO-{YYYY}-{SEQ:4}` (the tenant's `number_formats.order`). Deliveries and
    invoices can then be made from it."""
    return with_etag(response, orders.confirm(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/cancel", response_model=OrderOut, operation_id="cancel_order",
             summary="Cancel an order with nothing delivered or invoiced")
def cancel(response: Response, id: str = ORDER_ID, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Draft or confirmed → cancelled, while nothing is delivered or invoiced (409 otherwise)."""
    return with_etag(response, orders.cancel(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/deliveries", status_code=201, response_model=DeliveryNoteOut, operation_id="deliver_order",
             summary="Create a delivery note for some or all of what is not yet delivered")
def deliver(response: Response, body: OrderDeliveryRequest | None = None, id: str = ORDER_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """A draft delivery note for `lines` (`[{"line": 1, "quantity": "4"}]`), or for everything not yet
    delivered when `lines` is absent. The order's delivered quantities change in the same transaction, so a
    quantity is never delivered twice (422 naming the line when more is asked than is left; 409
    `nothing_to_deliver`)."""
    fields = (body or OrderDeliveryRequest()).model_dump(exclude_none=True)
    return with_etag(response, orders.deliver(principal.tenant_id, id, fields, idempotency_key))


@router.post("/{id}/invoice", status_code=201, response_model=InvoiceOut, operation_id="invoice_order",
             summary="Create a draft invoice for what is delivered and not yet invoiced")
def invoice(response: Response, body: OrderInvoiceRequest | None = None, id: str = ORDER_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """A draft invoice with `source: {"kind": "order", "id": …}` for what is delivered and not yet invoiced,
    or with `{"basis": "ordered"}` for everything not yet invoiced. The order's invoiced quantities change in
    the same transaction (409 `nothing_to_invoice` when nothing is left). Deleting the draft or voiding the
    invoice gives the quantities back."""
    fields = (body or OrderInvoiceRequest()).model_dump(exclude_none=True)
    return with_etag(response, orders.invoice(principal.tenant_id, id, fields, idempotency_key))


@router.post("/{id}/send", status_code=202, response_model=EmailOut, operation_id="send_order",
             summary="Send a confirmed sales order by email with its PDF")
def send(body: SendRequest | None = None, id: str = ORDER_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Queues an email of the order confirmation (202): to `to` (default: the customer's email; none: 422 on
    `to`), `cc`, `subject` and `message` (default: the tenant's `email_templates.order`) and its PDF attached.
    A draft or cancelled order is a 409: confirm it first. Once sent,
    `email.sent` and `order.sent` are written; the order itself does not change."""
    return queued(principal.tenant_id, "order", id, body or SendRequest(), idempotency_key)


@router.get("/{id}/emails", response_model=ListResponse[EmailOut], operation_id="list_order_emails",
            summary="The emails sent for a order")
def emails_of(id: str = ORDER_ID, page: PageRequest = Depends(), principal: Principal = Depends(READ)) -> Any:
    """Every email queued for the order, oldest first."""
    return listed(principal.tenant_id, "order", id, page)
