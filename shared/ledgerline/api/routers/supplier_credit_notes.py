"""Supplier credit notes (issue 15): `/v1/supplier-credit-notes`, a posted bill credited, posted on creation."""

from __future__ import annotations

from dataclasses import replace
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
from ledgerline.domain.query import SUPPLIER_CREDIT_NOTES, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.supplier_credit_notes import SupplierCreditNoteCreate, SupplierCreditNoteOut
from ledgerline.schemas.supplier_payments import SupplierPaymentAllocate, SupplierPaymentRefund
from ledgerline.services import supplier_credit_notes

router = APIRouter(prefix="/v1/supplier-credit-notes", tags=["supplier-credit-notes"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
NOTE_ID = Path(description="The supplier credit note's id")
READ, WRITE = require("supplier-credit-notes:read"), require("supplier-credit-notes:write")
EXPAND = Expand(SupplierCreditNoteOut)


@router.post("", status_code=201, response_model=SupplierCreditNoteOut, operation_id="create_supplier_credit_note",
             summary="Record a supplier's credit note against a posted bill")
def create(body: SupplierCreditNoteCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Credits a posted bill by `lines` (net prices) or a net `amount` (on the bill's first line's account and
    tax code). Posted at once: credit expense and input tax, debit payable for what it takes off the bill's
    amount due and supplier prepayments (1400) for any excess. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, supplier_credit_notes.create(principal.tenant_id, body.model_dump(), idempotency_key))


SUPPLIER_CREDIT_NOTE_QUERY = ListQuery(SUPPLIER_CREDIT_NOTES)
LIST_DESCRIPTION = """Supplier credit notes by date, oldest first. Filter by `supplier_id`, `bill_id`, `from_date` and
`to_date` (YYYY-MM-DD), or by any field below with an operator (issue 18): `supplier_reference=CN-88` (the
supplier's number; a lookup: one index query), `bill_number=BILL-2026-0003`, `unallocated_amount[gt]=0`,
`search=paper`, `updated_since=2026-03-01T00:00:00Z`.
""" + SUPPLIER_CREDIT_NOTE_QUERY.description()


@router.get("", response_model=QueryListResponse[SupplierCreditNoteOut], operation_id="list_supplier_credit_notes",
            summary="List supplier credit notes", description=LIST_DESCRIPTION,
            openapi_extra={**SUPPLIER_CREDIT_NOTE_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(), supplier_id: str | None = Query(None), bill_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Dated on or after"),
          to_date: Day | None = Query(None, description="Dated on or before"),
          query: PlannedQuery = Depends(SUPPLIER_CREDIT_NOTE_QUERY), expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    query = with_older_filters(query, None, "supplier_id", supplier_id, "date", from_date, to_date)
    if bill_id is not None:
        query = replace(query, predicates=(Predicate("bill_id", "eq", bill_id), *query.predicates))
    result = supplier_credit_notes.query_supplier_credit_notes(principal.tenant_id, query, limit=page.limit,
                                                               start_key=page.start_key(principal.tenant_id))
    items = [SupplierCreditNoteOut.model_validate(note) for note in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=SupplierCreditNoteOut, operation_id="get_supplier_credit_note",
            summary="Retrieve a supplier credit note", openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = NOTE_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One supplier credit note with its lines, tax breakdown, totals and what it took off the bill."""
    note = supplier_credit_notes.get_supplier_credit_note(principal.tenant_id, id)
    return expansion.one(response, with_etag(response, note))


@router.post("/{id}/allocations", response_model=SupplierCreditNoteOut, operation_id="allocate_supplier_credit_note",
             summary="Apply a supplier credit note's excess to posted bills")
def allocate(body: SupplierPaymentAllocate, response: Response, id: str = NOTE_ID,
             idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Uses the note's `unallocated_amount` (what it credited beyond its bill's amount due, held as a supplier
    prepayment, 1400) to pay the supplier's posted bills: debit payable, credit supplier prepayments; the same
    rule as `POST /v1/supplier-payments/{id}/allocations`. Not more than is unallocated, nor than each bill owes."""
    return with_etag(response, supplier_credit_notes.allocate(principal.tenant_id, id, body.model_dump(),
                                                              idempotency_key))


@router.post("/{id}/refund", response_model=SupplierCreditNoteOut, operation_id="refund_supplier_credit_note",
             summary="Record money back from the supplier out of a credit note's excess")
def refund(body: SupplierPaymentRefund, response: Response, id: str = NOTE_ID,
           idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """The supplier paid out (part of) the note's excess: debit the bank or cash account (at the rate of the
    refund's date), credit supplier prepayments (1400) at the rate it was held; a difference is realised FX.
    Not more than is unallocated."""
    return with_etag(response, supplier_credit_notes.refund(principal.tenant_id, id, body.model_dump(),
                                                            idempotency_key))


metadata_patch(router, noun="supplier credit note", response_model=SupplierCreditNoteOut,
               operation_id="update_supplier_credit_note", id_param=NOTE_ID, write=WRITE,
               update=supplier_credit_notes.update_metadata)
