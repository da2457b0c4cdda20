"""Supplier bills (issue 15): `/v1/bills`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.clock import request_clock
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.clock import Clock
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import status_filter
from ledgerline.domain.documents.bill import BILL_STATUS_FILTERS
from ledgerline.schemas.bills import BillCreate, BillOut, BillUpdate
from ledgerline.schemas.common import Day, read_at
from ledgerline.schemas.documents import VoidRequest
from ledgerline.services import bills

router = APIRouter(prefix="/v1/bills", tags=["bills"])
BILL_ID = Path(description="The bill's id")
READ, WRITE = require("bills:read"), require("bills:write")
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


@router.get("", response_model=ListResponse[BillOut], operation_id="list_bills", summary="List bills")
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description=(
              "One or more of draft, awaiting_payment, overdue, paid, voided, and open (awaiting payment or "
              "overdue), repeated or comma-separated. overdue: open and past its due date")),
          supplier_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Bill date on or after"),
          to_date: Day | None = Query(None, description="Bill date on or before"),
          clock: Clock = Depends(request_clock), principal: Principal = Depends(READ)) -> Any:
    """Bills by bill date, oldest first. Filter by `status`, `supplier_id`, `from_date` and `to_date`."""
    now = clock.now()
    result = bills.list_bills(principal.tenant_id, statuses=status_filter(status, BILL_STATUS_FILTERS),
                              supplier_id=supplier_id, from_date=from_date, to_date=to_date, today=now.date(),
                              limit=page.limit, start_key=page.start_key(principal.tenant_id))
    shown = [BillOut.model_validate(bill, context=read_at(now)) for bill in result.items]
    return page.respond(shown, result.next_key, principal.tenant_id)


@router.get("/{id}", response_model=BillOut, operation_id="get_bill", summary="Retrieve a bill")
def get(response: Response, id: str = BILL_ID, principal: Principal = Depends(READ)) -> Any:
    """One bill with its lines, tax breakdown, totals and what is paid and still due. The `ETag` is its version."""
    return with_etag(response, bills.get_bill(principal.tenant_id, id))


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
