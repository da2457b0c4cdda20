from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ledgerline.api.auth import require
from ledgerline.clock import today
from ledgerline.domain.api_keys import Principal
from ledgerline.services import reports

router = APIRouter(prefix="/v1/reports", tags=["reports"])


class TrialBalanceRow(BaseModel):
    account_id: str
    code: str
    name: str
    type: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


class TrialBalance(BaseModel):
    object: Literal["trial_balance"]
    as_of: date
    currency: str
    accounts: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal


@router.get("/trial-balance", response_model=TrialBalance, operation_id="trial_balance",
            summary="Debit and credit totals per account at the end of a day")
def trial_balance(as_of: date | None = Query(None, description="Defaults to today"),
                  principal: Principal = Depends(require("reports:read"))) -> Any:
    return reports.trial_balance(principal.tenant_id, as_of or today())
