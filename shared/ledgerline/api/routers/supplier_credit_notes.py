"""Supplier credit notes (issue 15): `/v1/supplier-credit-notes`, a posted bill credited, posted on creation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.common import Day
from ledgerline.schemas.supplier_credit_notes import SupplierCreditNoteCreate, SupplierCreditNoteOut
from ledgerline.schemas.supplier_payments import SupplierPaymentAllocate, SupplierPaymentRefund
from ledgerline.services import supplier_credit_notes

router = APIRouter(prefix="/v1/supplier-credit-notes", tags=["supplier-credit-notes"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
NOTE_ID = Path(description="The supplier credit note's id")
READ, WRITE = require("supplier-credit-notes:read"), require("supplier-credit-notes:write")


@router.post("", status_code=201, response_model=SupplierCreditNoteOut, operation_id="create_supplier_credit_note",
             summary="Record a supplier's credit note against a posted bill")
def create(body: SupplierCreditNoteCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Credits a posted bill by `lines` (net prices) or a net `amount` (on the bill's first line's account and
    tax code). Posted at once: credit expense and input tax, debit payable for what it takes off the bill's
    amount due and supplier prepayments (1400) for any excess. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, supplier_credit_notes.create(principal.tenant_id, body.model_dump(), idempotency_key))


@router.get("", response_model=ListResponse[SupplierCreditNoteOut], operation_id="list_supplier_credit_notes",
            summary="List supplier credit notes")
def list_(page: PageRequest = Depends(), supplier_id: str | None = Query(None), bill_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Dated on or after"),
          to_date: Day | None = Query(None, description="Dated on or before"),
          principal: Principal = Depends(READ)) -> Any:
    """Supplier credit notes by date, oldest first. Filter by `supplier_id`, `bill_id`, `from_date`, `to_date`."""
    result = supplier_credit_notes.list_supplier_credit_notes(
        principal.tenant_id, supplier_id=supplier_id, bill_id=bill_id, from_date=from_date, to_date=to_date,
        limit=page.limit, start_key=page.start_key(principal.tenant_id))
    shown = [SupplierCreditNoteOut.model_validate(note) for note in result.items]
    return page.respond(shown, result.next_key, principal.tenant_id)


@router.get("/{id}", response_model=SupplierCreditNoteOut, operation_id="get_supplier_credit_note",
            summary="Retrieve a supplier credit note")
def get(response: Response, id: str = NOTE_ID, principal: Principal = Depends(READ)) -> Any:
    """One supplier credit note with its lines, tax breakdown, totals and what it took off the bill."""
    return with_etag(response, supplier_credit_notes.get_supplier_credit_note(principal.tenant_id, id))


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
