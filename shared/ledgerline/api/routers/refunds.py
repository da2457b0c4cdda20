from __future__ import annotations

from typing import Any, Literal

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
from ledgerline.domain.query import REFUNDS
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import ReverseRequest
from ledgerline.schemas.refunds import RefundCreate, RefundOut
from ledgerline.services import refunds

router = APIRouter(prefix="/v1/refunds", tags=["refunds"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
REFUND_ID = Path(description="The refund's id")
READ, WRITE = require("refunds:read"), require("refunds:write")
EXPAND = Expand(RefundOut)


@router.post("", status_code=201, response_model=RefundOut, operation_id="create_refund",
             summary="Pay a customer's credit back out of a bank or cash account")
def create(body: RefundCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Pays unallocated customer credit back (debit customer credit, credit the bank). Without `receipt_id` or
    `credit_note_id` it draws on the customer's oldest credit in the refund's currency first."""
    return with_etag(response, refunds.create(principal.tenant_id, body.model_dump(), idempotency_key))


REFUND_QUERY = ListQuery(REFUNDS)
LIST_DESCRIPTION = """Refunds by date, oldest first. Filter by `customer_id`, `status` (posted, reversed), `from_date`
and `to_date` (YYYY-MM-DD), or by any field below with an operator (issue 18): `reference=R-17` (a lookup: one
index query), `receipt_id=rct_…`, `amount[gte]=1000`, `search=acme`, `updated_since=2026-03-01T00:00:00Z`.
""" + REFUND_QUERY.description()


@router.get("", response_model=QueryListResponse[RefundOut], operation_id="list_refunds", summary="List refunds",
            description=LIST_DESCRIPTION, openapi_extra={**REFUND_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(), customer_id: str | None = Query(None),
          from_date: Day | None = Query(None), to_date: Day | None = Query(None),
          status: Literal["posted", "reversed"] | None = Query(None),
          query: PlannedQuery = Depends(REFUND_QUERY), expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    statuses = frozenset({status}) if status is not None else None
    query = with_older_filters(query, statuses, "customer_id", customer_id, "date", from_date, to_date)
    result = refunds.query_refunds(principal.tenant_id, query, limit=page.limit,
                                   start_key=page.start_key(principal.tenant_id))
    items = [RefundOut.model_validate(refund) for refund in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=RefundOut, operation_id="get_refund", summary="Retrieve a refund",
            openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = REFUND_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One refund with the credit documents it drew on."""
    return expansion.one(response, with_etag(response, refunds.get_refund(principal.tenant_id, id)))


@router.post("/{id}/reverse", response_model=RefundOut, operation_id="reverse_refund",
             summary="Reverse a refund (the money came back): mirror its entry, give the credit back")
def reverse(response: Response, body: ReverseRequest | None = None, id: str = REFUND_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Posts the mirror entry (dated today or `date`) and gives the credit back to the documents it came from."""
    return with_etag(response, refunds.reverse(principal.tenant_id, id, body.date if body else None, idempotency_key))


metadata_patch(router, noun="refund", response_model=RefundOut, operation_id="update_refund",
               id_param=REFUND_ID, write=WRITE, update=refunds.update_metadata)
