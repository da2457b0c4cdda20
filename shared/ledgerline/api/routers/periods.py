from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.reports import FiscalYearClose
from ledgerline.services import periods

router = APIRouter(prefix="/v1/periods", tags=["periods"])


@router.post("/{year}/close", response_model=FiscalYearClose, operation_id="close_fiscal_year",
             summary="Close a fiscal year: move its profit to retained earnings and lock it")
def close(year: int = Path(ge=1900, le=9998, description="Calendar year in which the fiscal year ends"),
          idempotency_key: str | None = IdempotencyKeyHeader,
          principal: Principal = Depends(require("journal-entries:write"))) -> Any:
    """Posts closing entries that move the year's revenue and expense balances to retained earnings, then
    moves the lock date to the year's last day. Closing again picks up anything left."""
    return periods.close_year(principal.tenant_id, year, idempotency_key)
