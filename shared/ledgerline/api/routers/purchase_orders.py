from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import JSONResponse

from ledgerline.api.auth import require
from ledgerline.api.downloads import PDF_RESPONSES, PDFResponse, pdf_response
from ledgerline.api.expand import Expand, Expansion
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import DeletedOut, ListQuery, QueryListResponse, respond, shown, with_older_filters
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.routers.emails import listed
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import status_filter
from ledgerline.domain.documents.purchase_order import PURCHASE_ORDER_STATUS_FILTERS
from ledgerline.domain.query import PURCHASE_ORDERS
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.bills import BillFromPurchaseOrder, BillOut
from ledgerline.schemas.common import Day
from ledgerline.schemas.emails import EmailOut, SendRequest
from ledgerline.schemas.purchase_orders import (
    PurchaseOrderCreate,
    PurchaseOrderOut,
    PurchaseOrderReceiveRequest,
    PurchaseOrderUpdate,
)
from ledgerline.services import bills, purchase_orders

router = APIRouter(prefix="/v1/purchase-orders", tags=["purchase orders"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
PURCHASE_ORDER_ID = Path(description="The purchase order's id")
READ, WRITE = require("purchase-orders:read"), require("purchase-orders:write")
EXPAND = Expand(PurchaseOrderOut)


@router.post("", status_code=201, response_model=PurchaseOrderOut, operation_id="create_purchase_order",
             summary="Create a draft purchase order")
def create(body: PurchaseOrderCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A draft order to a supplier. A line's item fills its description and tax code, and its unit price and
    account where the item has a purchase price and an expense account; otherwise `unit_price` and
    `account_id` are required (422 naming the line). No number until it is sent; no ledger effect ever. Send
    `Idempotency-Key` to make retries safe."""
    return with_etag(response, purchase_orders.create_draft(principal.tenant_id, body.model_dump(),
                                                            idempotency_key))


PURCHASE_ORDER_QUERY = ListQuery(PURCHASE_ORDERS)
LIST_DESCRIPTION = """Purchase orders by order date, oldest first. Filter by `status` (repeated or
comma-separated), `supplier_id`, `from_date` and `to_date` (order date, YYYY-MM-DD), or by any field below with
an operator (issue 18): `number=PO-2026-0042` or `reference=Q-17` (lookups: one index query),
`status=sent&sort=number:desc`, `total[gte]=1000`, `search=paper`, `updated_since=2026-03-01T00:00:00Z` (a draft
deleted in the last 30 days is listed there as `{"id", "object", "deleted": true, "updated_at"}`).
""" + PURCHASE_ORDER_QUERY.description()


@router.get("", response_model=QueryListResponse[PurchaseOrderOut | DeletedOut], operation_id="list_purchase_orders",
            summary="List purchase orders", description=LIST_DESCRIPTION,
            openapi_extra={**PURCHASE_ORDER_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description=(
              "One or more of draft, sent, partially_received, received, billed, cancelled, repeated or "
              "comma-separated")),
          supplier_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Ordered on or after"),
          to_date: Day | None = Query(None, description="Ordered on or before"),
          query: PlannedQuery = Depends(PURCHASE_ORDER_QUERY),
          expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    statuses = status_filter(status, PURCHASE_ORDER_STATUS_FILTERS)
    query = with_older_filters(query, statuses, "supplier_id", supplier_id, "order_date", from_date, to_date)
    result = purchase_orders.query_purchase_orders(principal.tenant_id, query, limit=page.limit,
                                                   start_key=page.start_key(principal.tenant_id))
    items = [shown(record, PurchaseOrderOut.model_validate) for record in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=PurchaseOrderOut, operation_id="get_purchase_order",
            summary="Retrieve a purchase order", openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = PURCHASE_ORDER_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One purchase order with its lines (ordered, received and billed quantity of each), totals, its
    `status` and its `billing_status`. The `ETag` is its version."""
    return expansion.one(response, with_etag(response, purchase_orders.get_purchase_order(principal.tenant_id, id)))


@router.patch("/{id}", response_model=PurchaseOrderOut, operation_id="update_purchase_order",
              summary="Change a draft purchase order")
def update(body: PurchaseOrderUpdate, response: Response, id: str = PURCHASE_ORDER_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """The fields sent replace the draft's; sending `lines` replaces every line. A sent order cannot be
    changed (409)."""
    order = purchase_orders.update_draft(principal.tenant_id, id, body.changes(), version)
    return with_etag(response, purchase_orders.represent(order))


@router.delete("/{id}", operation_id="delete_purchase_order", summary="Delete a draft purchase order")
def delete(id: str = PURCHASE_ORDER_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Deletes a draft for good (it has no number). A sent order is cancelled instead (409)."""
    order = purchase_orders.delete_draft(principal.tenant_id, id, version)
    return {"id": order.id, "object": "purchase_order", "deleted": True}


@router.post("/{id}/issue", response_model=PurchaseOrderOut, operation_id="issue_purchase_order",
             summary="Mark a draft purchase order sent without emailing it: it takes the next number")
def issue(response: Response, id: str = PURCHASE_ORDER_ID, idempotency_key: str | None = IdempotencyKeyHeader,
          principal: Principal = Depends(WRITE)) -> Any:
    """Draft → sent, numbered `PO-{YYYY}-{SEQ:4}` (the tenant's `number_formats.purchase_order`), for an order
    handed to the supplier another way; its PDF is rendered. Goods can then be received against it."""
    return with_etag(response, purchase_orders.issue(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/send", status_code=202, response_model=EmailOut, operation_id="send_purchase_order",
             summary="Email a purchase order to the supplier with its PDF")
def send(body: SendRequest | None = None, id: str = PURCHASE_ORDER_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Queues an email of the order (202): to `to` (default: the supplier's email; none: 422 on `to`), `cc`,
    `subject` and `message` (default: the tenant's `email_templates.purchase_order`; `{customer_name}` is the
    supplier's name, `{due_date}` the expected date) with the PDF attached. A draft is numbered and becomes
    `sent` in the same transaction (a refused email changes nothing); a sent order is emailed again; a
    cancelled one is a 409."""
    email = purchase_orders.send(principal.tenant_id, id, (body or SendRequest()).model_dump(exclude_none=True),
                                 idempotency_key)
    return JSONResponse(email, status_code=202, headers={"Location": f"/v1/emails/{email['id']}"})


@router.get("/{id}/emails", response_model=ListResponse[EmailOut], operation_id="list_purchase_order_emails",
            summary="The emails sent for a purchase order")
def emails_of(id: str = PURCHASE_ORDER_ID, page: PageRequest = Depends(), principal: Principal = Depends(READ)
              ) -> Any:
    """Every email queued for the purchase order, oldest first."""
    return listed(principal.tenant_id, "purchase_order", id, page)


@router.get("/{id}/pdf", response_model=None, response_class=PDFResponse, responses=PDF_RESPONSES,
            operation_id="get_purchase_order_pdf", summary="Download a sent purchase order as PDF")
def pdf(id: str = PURCHASE_ORDER_ID, principal: Principal = Depends(READ)) -> Response:
    """The order's PDF (rendered when it is sent); a draft has none (409)."""
    from ledgerline.services import pdfs  # deferred: only this route needs the PDF modules (cold start)

    return pdf_response(pdfs.download(pdfs.purchase_order_pdf(principal.tenant_id, id)))


@router.post("/{id}/receive", response_model=PurchaseOrderOut, operation_id="receive_purchase_order",
             summary="Record goods received against a sent purchase order")
def receive(response: Response, body: PurchaseOrderReceiveRequest | None = None, id: str = PURCHASE_ORDER_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Adds `lines` (`[{"line": 1, "quantity": "12"}]`), or everything still outstanding when `lines` is
    absent, to the lines' received quantities: `partially_received`, then `received`. In one transaction on
    the order's version, so a quantity is never received twice (422 naming the line when more is received
    than is outstanding; 409 `nothing_to_receive`)."""
    fields = (body or PurchaseOrderReceiveRequest()).model_dump(exclude_none=True)
    return with_etag(response, purchase_orders.receive(principal.tenant_id, id, fields, idempotency_key))


@router.post("/{id}/cancel", response_model=PurchaseOrderOut, operation_id="cancel_purchase_order",
             summary="Cancel a purchase order with nothing received or billed")
def cancel(response: Response, id: str = PURCHASE_ORDER_ID, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Draft or sent → cancelled, while nothing is received or billed (409 otherwise)."""
    return with_etag(response, purchase_orders.cancel(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/bill", status_code=201, response_model=BillOut, operation_id="bill_purchase_order",
             summary="Make a draft supplier bill from a purchase order (received or ordered quantities)")
def bill(response: Response, body: BillFromPurchaseOrder | None = None, id: str = PURCHASE_ORDER_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(require("bills:write"))
         ) -> Any:
    """A draft bill for what the order has received and not yet billed (`basis: received`, the default) or for
    everything not yet billed (`basis: ordered`), at the order's prices, with the order's billed quantities
    updated in the same transaction. 409 `nothing_to_bill` when nothing is left. Deleting the draft or voiding
    the bill gives the quantities back. Send `Idempotency-Key` to make retries safe."""
    fields = (body or BillFromPurchaseOrder()).model_dump()
    return with_etag(response, bills.create_from_purchase_order(principal.tenant_id, id, fields, idempotency_key))
