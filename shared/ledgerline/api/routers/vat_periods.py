from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.common import Day
from ledgerline.schemas.vat_periods import EXAMPLE, VatPeriodCreate, VatPeriodOut
from ledgerline.services import vat_periods

router = APIRouter(prefix="/v1/vat-periods", tags=["VAT periods"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
VAT_PERIOD_ID = Path(description="The VAT period's id")
READ, WRITE = require("vat-periods:read"), require("vat-periods:write")


def _example(http_status: int, **changes: Any) -> dict[int | str, dict[str, Any]]:
    return {http_status: {"content": {"application/json": {"example": {**EXAMPLE, **changes}}}}}


OPEN_EXAMPLE = {"status": "open", "output_tax": None, "input_tax": None, "net_payable": None,
                "journal_entry_id": None, "closed_at": None, "version": 1}


@router.post("", status_code=201, response_model=VatPeriodOut, operation_id="create_vat_period",
             summary="Create a VAT period (a range of days that no other period overlaps)",
             responses=_example(201, **OPEN_EXAMPLE))
def create(body: VatPeriodCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """An open VAT period from `from` to `to` (both included, at most 366 days). A period overlapping another
    is a 409 `vat_period_overlaps`. Writes `vat_period.created`. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, vat_periods.create(principal.tenant_id, body.from_, body.to, idempotency_key))


@router.get("", response_model=ListResponse[VatPeriodOut], operation_id="list_vat_periods",
            summary="List VAT periods",
            responses={200: {"content": {"application/json": {"example": {
                "object": "list", "data": [EXAMPLE], "has_more": False, "next_cursor": None}}}}})
def list_(page: PageRequest = Depends(), status: Literal["open", "closed"] | None = Query(None),
          from_date: Day | None = Query(None, description="Periods starting on or after this day"),
          to_date: Day | None = Query(None, description="Periods starting on or before this day"),
          principal: Principal = Depends(READ)) -> Any:
    """VAT periods by their first day, oldest first; filter by `status`, `from_date` and `to_date`."""
    result = vat_periods.list_vat_periods(principal.tenant_id, status=status, from_date=from_date, to_date=to_date,
                                          limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/{id}", response_model=VatPeriodOut, operation_id="get_vat_period", summary="Retrieve a VAT period",
            responses=_example(200))
def get(response: Response, id: str = VAT_PERIOD_ID, principal: Principal = Depends(READ)) -> Any:
    """One VAT period with its settlement, once closed."""
    return with_etag(response, vat_periods.get_vat_period(principal.tenant_id, id))


@router.post("/{id}/close", response_model=VatPeriodOut, operation_id="close_vat_period",
             summary="Close a VAT period: post the settlement entry and lock tax-affecting postings in it",
             responses=_example(200))
def close(response: Response, id: str = VAT_PERIOD_ID, idempotency_key: str | None = IdempotencyKeyHeader,
          principal: Principal = Depends(WRITE)) -> Any:
    """Posts the settlement entry dated the period's last day: each tax account is debited with the output
    tax and credited with the input tax its codes moved in the period (from the tax buckets), the difference
    goes to VAT settlement (2300; credited when payable, debited when refundable). From then on an invoice,
    credit note or bill dated in the period is a 409 `vat_period_closed` naming its date. Writes
    `journal_entry.posted` and `vat_period.closed` in the same transaction."""
    return with_etag(response, vat_periods.close(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/reopen", response_model=VatPeriodOut, operation_id="reopen_vat_period",
             summary="Reopen a closed VAT period: reverse its settlement entry and lift the lock",
             responses=_example(200, status="open", reversal_journal_entry_id="je_01K2X3Y4Z5A6B7C8D9E0F1G2H5",
                                reopened_at="2026-04-06T10:00:00Z", version=3))
def reopen(response: Response, id: str = VAT_PERIOD_ID, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """Posts the mirror of the settlement entry (dated like it) and opens the period again; closing it again
    settles what it holds then. Writes `journal_entry.posted` and `vat_period.reopened`."""
    return with_etag(response, vat_periods.reopen(principal.tenant_id, id, idempotency_key))
