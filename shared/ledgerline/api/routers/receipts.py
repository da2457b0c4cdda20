from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.expand import Expand, Expansion
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond, with_older_filters
from ledgerline.api.metadata import metadata_patch
from ledgerline.api.pagination import PageRequest
from ledgerline.api.versioning import with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import POSTED_STATUS_FILTERS, status_filter
from ledgerline.domain.query import RECEIPTS
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import AllocateRequest, ReceiptCreate, ReceiptOut, ReverseRequest
from ledgerline.services import receipts

router = APIRouter(prefix="/v1/receipts", tags=["receipts"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
RECEIPT_ID = Path(description="The receipt's id")
READ, WRITE = require("receipts:read"), require("receipts:write")
EXPAND = Expand(ReceiptOut)


@router.post("", status_code=201, response_model=ReceiptOut, operation_id="create_receipt",
             summary="Record a customer payment, allocated to invoices; the rest becomes customer credit")
def create(body: ReceiptCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Money received from a customer into a bank or cash account. Allocations pay invoices (each at most what
    it still owes); the rest becomes the customer's credit. Posts the journal entries and events at once. Send
    `Idempotency-Key` to make retries safe."""
    return with_etag(response, receipts.create(principal.tenant_id, body.model_dump(), idempotency_key))


RECEIPT_QUERY = ListQuery(RECEIPTS)
LIST_DESCRIPTION = """Receipts by date, oldest first. Filter by `customer_id`, `status` (posted, reversed), `from_date`
and `to_date` (YYYY-MM-DD), or by any field below with an operator (issue 18): `reference=RF18 5390 0754 7034`
(a lookup: one index query), `unallocated_amount[gt]=0` (receipts holding customer credit), `amount[gte]=1000`,
`search=acme`, `updated_since=2026-03-01T00:00:00Z`.
""" + RECEIPT_QUERY.description() + EXPAND.description()


@router.get("", response_model=QueryListResponse[ReceiptOut], operation_id="list_receipts", summary="List receipts",
            description=LIST_DESCRIPTION, openapi_extra={**RECEIPT_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(), customer_id: str | None = Query(None),
          status: list[str] = Query([], description="posted or reversed; repeated or comma-separated"),
          from_date: Day | None = Query(None), to_date: Day | None = Query(None),
          query: PlannedQuery = Depends(RECEIPT_QUERY), expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    statuses = status_filter(status, POSTED_STATUS_FILTERS)
    query = with_older_filters(query, statuses, "customer_id", customer_id or None, "date", from_date, to_date)
    result = receipts.query_receipts(principal.tenant_id, query, limit=page.limit,
                                     start_key=page.start_key(principal.tenant_id))
    items = [ReceiptOut.model_validate(receipt) for receipt in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=ReceiptOut, operation_id="get_receipt", summary="Retrieve a receipt",
            description="One receipt with its allocations, what is allocated and what is still the customer's "
                        "credit." + EXPAND.description(),
            openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = RECEIPT_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    return expansion.one(response, with_etag(response, receipts.get_receipt(principal.tenant_id, id)))


@router.post("/{id}/allocations", response_model=ReceiptOut, operation_id="allocate_receipt",
             summary="Apply the receipt's unallocated credit to invoices")
def allocate(body: AllocateRequest, response: Response, id: str = RECEIPT_ID,
             idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Pays invoices of the same customer from what the receipt left unallocated, with a journal entry per
    allocation."""
    return with_etag(response, receipts.allocate(principal.tenant_id, id, body.model_dump(), idempotency_key))


@router.post("/{id}/reverse", response_model=ReceiptOut, operation_id="reverse_receipt",
             summary="Reverse a receipt: mirror entries, reopen the invoices it paid")
def reverse(response: Response, body: ReverseRequest | None = None, id: str = RECEIPT_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """For a receipt recorded in error (a bounced payment): posts mirror entries, so the invoices it paid are
    open again and its credit is gone."""
    return with_etag(response, receipts.reverse(principal.tenant_id, id, body.date if body else None, idempotency_key))


metadata_patch(router, noun="receipt", response_model=ReceiptOut, operation_id="update_receipt",
               id_param=RECEIPT_ID, write=WRITE, update=receipts.update_metadata)
