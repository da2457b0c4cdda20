"""Supplier bills (issue 15): `/v1/bills`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.clock import request_clock
from ledgerline.api.expand import Expand, Expansion
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import DeletedOut, ListQuery, QueryListResponse, respond, shown
from ledgerline.api.pagination import PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.clock import Clock
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import status_filter
from ledgerline.domain.documents.bill import BILL_STATUS_FILTERS
from ledgerline.domain.query import BILLS, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.bills import BillCreate, BillOut, BillUpdate
from ledgerline.schemas.common import Day, read_at
from ledgerline.schemas.documents import VoidRequest
from ledgerline.services import bills

router = APIRouter(prefix="/v1/bills", tags=["bills"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
BILL_ID = Path(description="The bill's id")
READ, WRITE = require("bills:read"), require("bills:write")
EXPAND = Expand(BillOut)
DELETED = {200: {"content": {"application/json": {"example": {
    "id": "bill_01K2X3Y4Z5A6B7C8D9E0F1G2H7", "object": "bill", "deleted": True}}}}}


@router.post("", status_code=201, response_model=BillOut, operation_id="create_bill",
             summary="Record a supplier's invoice as a draft bill")
def create(body: BillCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A draft from the supplier's document: the supplier, their invoice number (`supplier_reference`, unique
    per supplier: 409 `duplicate_supplier_reference` when it is recorded already), the bill date, a due date
    or terms, the currency and lines with expense or asset accounts and input tax codes (an item fills the
    description, its purchase price, its expense account and its tax code), and `attachment_ids`. Priced at
    once; no number until it is posted. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, bills.create_draft(principal.tenant_id, body.model_dump(), idempotency_key))


BILL_QUERY = ListQuery(BILLS)
LIST_DESCRIPTION = """Bills by bill date, oldest first. Filter by `status` (repeated or comma-separated; `open` is
awaiting payment or overdue), `supplier_id`, `from_date` and `to_date` (bill date, YYYY-MM-DD), or by any
field below with an operator (issue 18): `number=BILL-2026-0042` or `supplier_reference=R-2026-0042` (lookups:
one index query), `status=open&amount_due[gt]=1000&sort=due_date:asc`, `search=office`,
`updated_since=2026-03-01T00:00:00Z` (a draft deleted in the last 30 days is listed there as
`{"id", "object", "deleted": true, "updated_at"}`).
""" + BILL_QUERY.description()


@router.get("", response_model=QueryListResponse[BillOut | DeletedOut], operation_id="list_bills",
            summary="List bills", description=LIST_DESCRIPTION,
            openapi_extra={**BILL_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description=(
              "One or more of draft, awaiting_payment, overdue, paid, voided, and open (awaiting payment or "
              "overdue), repeated or comma-separated. overdue: open and past its due date")),
          supplier_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Bill date on or after"),
          to_date: Day | None = Query(None, description="Bill date on or before"),
          query: PlannedQuery = Depends(BILL_QUERY),
          clock: Clock = Depends(request_clock), expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    now = clock.now()
    statuses = status_filter(status, BILL_STATUS_FILTERS)
    older = [Predicate("status", "in", tuple(sorted(statuses))) if statuses is not None else None,
             Predicate("supplier_id", "eq", supplier_id) if supplier_id is not None else None,
             Predicate("bill_date", "gte", from_date) if from_date is not None else None,
             Predicate("bill_date", "lte", to_date) if to_date is not None else None]
    query = replace(query, predicates=(*[p for p in older if p is not None], *query.predicates))
    result = bills.query_bills(principal.tenant_id, query, today=now.date(), limit=page.limit,
                               start_key=page.start_key(principal.tenant_id))
    items = [shown(record, lambda bill: BillOut.model_validate(bill, context=read_at(now)))
             for record in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=BillOut, operation_id="get_bill", summary="Retrieve a bill",
            openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = BILL_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One bill with its lines, tax breakdown, totals and what is paid and still due. The `ETag` is its version."""
    return expansion.one(response, with_etag(response, bills.get_bill(principal.tenant_id, id)))


@router.patch("/{id}", response_model=BillOut, operation_id="update_bill",
              summary="Change a draft bill; posted bills are immutable")
def update(body: BillUpdate, response: Response, id: str = BILL_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """The fields sent replace the draft's; sending `lines` replaces every line and prices the bill again.
    A posted bill is immutable (409): void it instead."""
    bill = bills.update_draft(principal.tenant_id, id, body.changes(), version)
    return with_etag(response, bills.represent(bill))


@router.delete("/{id}", operation_id="delete_bill", summary="Delete a draft bill", responses=DELETED)
def delete(id: str = BILL_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Deletes a draft for good and frees its supplier reference. Posted bills cannot be deleted (409)."""
    bill = bills.delete_draft(principal.tenant_id, id, version)
    return {"id": bill.id, "object": "bill", "deleted": True}


@router.post("/{id}/post", response_model=BillOut, operation_id="post_bill",
             summary="Post a draft bill: number it (BILL-YYYY-NNNN) and write its journal entry")
def post(response: Response, id: str = BILL_ID, idempotency_key: str | None = IdempotencyKeyHeader,
         principal: Principal = Depends(WRITE)) -> Any:
    """Takes the next number of the year's bill series and writes the balanced entry in one transaction:
    debit each line's expense or asset account (its net and any non-recoverable tax) and input tax (the
    recoverable part), credit accounts payable for the total; under reverse charge (tax category AE) the
    self-assessed tax is credited to output tax as well. Nothing dated on or before the lock date. A line of a
    stock-managed item puts its quantity into the default stock location and debits the item's inventory account
    with its net instead of the expense account."""
    return with_etag(response, bills.post(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/void", response_model=BillOut, operation_id="void_bill",
             summary="Void a posted bill with nothing paid: a reversing entry; the number stays used")
def void(response: Response, body: VoidRequest | None = None, id: str = BILL_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Posts the reversing entry (dated today or `date`) and marks the bill voided, while nothing is paid. Stock
    the bill put in is taken back out; once some of it has left, 409 `stock_consumed`."""
    day = body.date if body else None
    return with_etag(response, bills.void(principal.tenant_id, id, day, idempotency_key))
