from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.banking import BankTransactionOut
from ledgerline.schemas.common import Day
from ledgerline.services import bank_transactions

router = APIRouter(prefix="/v1/bank-transactions", tags=["banking"])
TRANSACTION_ID = Path(description="The bank transaction's id", examples=["btx_01KBANK0000000000000000000"])
READ, WRITE = require("banking:read"), require("banking:write")


@router.get("", response_model=ListResponse[BankTransactionOut], operation_id="list_bank_transactions",
            summary="List bank transactions")
def list_(page: PageRequest = Depends(),
          status: Literal["unmatched", "matched", "ignored"] | None = Query(None, examples=["unmatched"]),
          bank_account_id: str | None = Query(None), from_date: Day | None = Query(None),
          to_date: Day | None = Query(None), principal: Principal = Depends(READ)) -> Any:
    """Imported bank transactions by booking date, oldest first; filter by `status`, `bank_account_id`,
    `from_date` and `to_date`."""
    result = bank_transactions.list_bank_transactions(
        principal.tenant_id, status=status, bank_account_id=bank_account_id, from_date=from_date, to_date=to_date,
        limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/{id}", response_model=BankTransactionOut, operation_id="get_bank_transaction",
            summary="Retrieve a bank transaction")
def get(response: Response, id: str = TRANSACTION_ID, principal: Principal = Depends(READ)) -> Any:
    """One bank transaction with its counterparty, remittance information and structured reference."""
    return with_etag(response, bank_transactions.get_bank_transaction(principal.tenant_id, id))


@router.post("/{id}/ignore", response_model=BankTransactionOut, operation_id="ignore_bank_transaction",
             summary="Ignore an unmatched bank transaction (nothing to match or book)")
def ignore(response: Response, id: str = TRANSACTION_ID, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """`unmatched` → `ignored`; any other status is a 409."""
    return with_etag(response, bank_transactions.ignore(principal.tenant_id, id, idempotency_key))


@router.post("/{id}/unignore", response_model=BankTransactionOut, operation_id="unignore_bank_transaction",
             summary="Bring an ignored bank transaction back to unmatched")
def unignore(response: Response, id: str = TRANSACTION_ID, idempotency_key: str | None = IdempotencyKeyHeader,
             principal: Principal = Depends(WRITE)) -> Any:
    """`ignored` → `unmatched`; any other status is a 409."""
    return with_etag(response, bank_transactions.unignore(principal.tenant_id, id, idempotency_key))
