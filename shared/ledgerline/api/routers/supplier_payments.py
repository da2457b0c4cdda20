"""Supplier payments (issue 15): `/v1/supplier-payments`, money out to posted bills; the rest a prepayment."""

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
from ledgerline.domain.query import SUPPLIER_PAYMENTS
from ledgerline.domain.query import Query as PlannedQuery
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
EXPAND = Expand(SupplierPaymentOut)


@router.post("", status_code=201, response_model=SupplierPaymentOut, operation_id="create_supplier_payment",
             summary="Pay a supplier, allocated to posted bills; the rest becomes a supplier prepayment")
def create(body: SupplierPaymentCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Money paid to a supplier out of a bank or cash account. Allocations pay posted bills (each at most what
    it still owes; a bill that owes nothing more reads `paid`); the rest is a supplier prepayment (1400).
    Posts at once: debit payable and prepayments, credit the bank. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, supplier_payments.create(principal.tenant_id, body.model_dump(), idempotency_key))


SUPPLIER_PAYMENT_QUERY = ListQuery(SUPPLIER_PAYMENTS)
LIST_DESCRIPTION = """Supplier payments by date, oldest first. Filter by `supplier_id`, `status` (posted, reversed),
`from_date` and `to_date` (YYYY-MM-DD), or by any field below with an operator (issue 18): `reference=PAY-17` (a
lookup: one index query), `unallocated_amount[gt]=0` (payments holding a prepayment), `amount[gte]=1000`,
`search=paper`, `updated_since=2026-03-01T00:00:00Z`.
""" + SUPPLIER_PAYMENT_QUERY.description()


@router.get("", response_model=QueryListResponse[SupplierPaymentOut], operation_id="list_supplier_payments",
            summary="List supplier payments", description=LIST_DESCRIPTION,
            openapi_extra={**SUPPLIER_PAYMENT_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(), supplier_id: str | None = Query(None),
          status: list[str] = Query([], description="posted or reversed; repeated or comma-separated"),
          from_date: Day | None = Query(None, description="Dated on or after"),
          to_date: Day | None = Query(None, description="Dated on or before"),
          query: PlannedQuery = Depends(SUPPLIER_PAYMENT_QUERY), expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    statuses = status_filter(status, POSTED_STATUS_FILTERS)
    query = with_older_filters(query, statuses, "supplier_id", supplier_id, "date", from_date, to_date)
    result = supplier_payments.query_supplier_payments(principal.tenant_id, query, limit=page.limit,
                                                       start_key=page.start_key(principal.tenant_id))
    items = [SupplierPaymentOut.model_validate(payment) for payment in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=SupplierPaymentOut, operation_id="get_supplier_payment",
            summary="Retrieve a supplier payment", openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = PAYMENT_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One supplier payment with its allocations and the prepayment it holds."""
    return expansion.one(response, with_etag(response, supplier_payments.get_supplier_payment(principal.tenant_id, id)))


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


metadata_patch(router, noun="supplier payment", response_model=SupplierPaymentOut,
               operation_id="update_supplier_payment", id_param=PAYMENT_ID, write=WRITE,
               update=supplier_payments.update_metadata)
