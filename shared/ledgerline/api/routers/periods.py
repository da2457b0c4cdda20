from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.exchange_rates import REVALUATION_EXAMPLE, RevaluationOut
from ledgerline.schemas.reports import FiscalYearClose
from ledgerline.services import periods, revaluations

router = APIRouter(prefix="/v1/periods", tags=["periods"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)


@router.post("/{year}/close", response_model=FiscalYearClose, operation_id="close_fiscal_year",
             summary="Close a fiscal year: move its profit to retained earnings and lock it")
def close(year: int = Path(ge=1900, le=9998, description="Calendar year in which the fiscal year ends"),
          idempotency_key: str | None = IdempotencyKeyHeader,
          principal: Principal = Depends(require("journal-entries:write"))) -> Any:
    """Posts closing entries that move the year's revenue and expense balances to retained earnings, then
    moves the lock date to the year's last day. Closing again picks up anything left."""
    return periods.close_year(principal.tenant_id, year, idempotency_key)


@router.post("/{year}/revalue", status_code=201, response_model=RevaluationOut, operation_id="revalue_period",
             summary="Revalue a month's open foreign-currency balances at its last day's rates",
             responses={201: {"content": {"application/json": {"example": REVALUATION_EXAMPLE}}}})
def revalue(year: str = Path(description="The month to revalue, YYYY-MM (the path parameter shares its name with the "
                                         "year close's: one name per path level)", examples=["2026-01"]),
            idempotency_key: str | None = IdempotencyKeyHeader,
            principal: Principal = Depends(require("journal-entries:write"))) -> Any:
    """Revalues the foreign-currency invoices open at the month's last day (what each owed then, at the rate it
    was booked) at that day's exchange rates (the latest on or before it; none for a currency: 422 naming it and
    the day): one entry dated the last day moves receivables by the unrealised differences against exchange gains
    and losses (7950), and its reversal is dated the next month's first day, so settlements keep booking the
    realised difference. A month is revalued once (409 after); a locked month is a 409. Writes
    `revaluation.posted` and both entries' `journal_entry.posted` in one transaction."""
    return revaluations.revalue_period(principal.tenant_id, year, idempotency_key)
