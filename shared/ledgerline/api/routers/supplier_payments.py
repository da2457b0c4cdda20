"""Supplier payments (issue 15): `/v1/supplier-payments`, money out to posted bills; the rest a prepayment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import POSTED_STATUS_FILTERS, status_filter
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import ReverseRequest
from ledgerline.schemas.supplier_payments import (
    SupplierPaymentAllocate,
    SupplierPaymentCreate,
    SupplierPaymentOut,
    SupplierPaymentRefund,
)
from ledgerline.services import supplier_payments

router = APIRouter(prefix="/v1/supplier-payments", tags=["supplier-payments"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
PAYMENT_ID = Path(description="The supplier payment's id")
READ, WRITE = require("supplier-payments:read"), require("supplier-payments:write")


@router.post("", status_code=201, response_model=SupplierPaymentOut, operation_id="create_supplier_payment",
             summary="Pay a supplier, allocated to posted bills; the rest becomes a supplier prepayment")
def create(body: SupplierPaymentCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Money paid to a supplier out of a bank or cash account. Allocations pay posted bills (each at most what
    it still owes; a bill that owes nothing more reads `paid`); the rest is a supplier prepayment (1400).
    Posts at once: debit payable and prepayments, credit the bank. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, supplier_payments.create(principal.tenant_id, body.model_dump(), idempotency_key))


@router.get("", response_model=ListResponse[SupplierPaymentOut], operation_id="list_supplier_payments",
            summary="List supplier payments")
def list_(page: PageRequest = Depends(), supplier_id: str | None = Query(None),
          status: list[str] = Query([], description="posted or reversed; repeated or comma-separated"),
          from_date: Day | None = Query(None, description="Dated on or after"),
          to_date: Day | None = Query(None, description="Dated on or before"),
          principal: Principal = Depends(READ)) -> Any:
    """Supplier payments by date, oldest first. Filter by `supplier_id`, `status` (posted, reversed),
    `from_date` and `to_date` (YYYY-MM-DD)."""
    result = supplier_payments.list_supplier_payments(
        principal.tenant_id, supplier_id=supplier_id, statuses=status_filter(status, POSTED_STATUS_FILTERS),
        from_date=from_date, to_date=to_date, limit=page.limit, start_key=page.start_key(principal.tenant_id))
    shown = [SupplierPaymentOut.model_validate(payment) for payment in result.items]
    return page.respond(shown, result.next_key, principal.tenant_id)


@router.get("/{id}", response_model=SupplierPaymentOut, operation_id="get_supplier_payment",
            summary="Retrieve a supplier payment")
def get(response: Response, id: str = PAYMENT_ID, principal: Principal = Depends(READ)) -> Any:
    """One supplier payment with its allocations and the prepayment it holds."""
    return with_etag(response, supplier_payments.get_supplier_payment(principal.tenant_id, id))


@router.post("/{id}/allocations", response_model=SupplierPaymentOut, operation_id="allocate_supplier_payment",
             summary="Apply a supplier payment's prepayment to posted bills")
def allocate(body: SupplierPaymentAllocate, response: Response, id: str = PAYMENT_ID,
             idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Uses the payment's `unallocated_amount` (held as a supplier prepayment, 1400) to pay the supplier's posted
    bills: debit payable, credit supplier prepayments. Not more than is unallocated, nor than each bill owes."""
    return with_etag(response, supplier_payments.allocate(principal.tenant_id, id, body.model_dump(),
                                                          idempotency_key))


@router.post("/{id}/refund", response_model=SupplierPaymentOut, operation_id="refund_supplier_payment",
             summary="Record money back from the supplier out of a payment's prepayment")
def refund(body: SupplierPaymentRefund, response: Response, id: str = PAYMENT_ID,
           idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """The supplier paid back (part of) the prepayment the payment holds: debit the bank or cash account, credit
    supplier prepayments (1400). Not more than is unallocated. A payment with a refund cannot be reversed."""
    return with_etag(response, supplier_payments.refund(principal.tenant_id, id, body.model_dump(), idempotency_key))


@router.post("/{id}/reverse", response_model=SupplierPaymentOut, operation_id="reverse_supplier_payment",
             summary="Reverse a supplier payment: mirror entries, reopen the bills it paid")
def reverse(response: Response, body: ReverseRequest | None = None, id: str = PAYMENT_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """For a payment recorded in error: posts mirror entries, so the bills it paid are open again and its
    prepayment is gone."""
    day = body.date if body else None
    return with_etag(response, supplier_payments.reverse(principal.tenant_id, id, day, idempotency_key))
