from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from ledgerline.api.auth import require
from ledgerline.api.crud import add_record_routes
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.domain.accounts import AccountType
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.accounts import AccountCreate, AccountOut, AccountUpdate
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import LedgerLineOut
from ledgerline.services import master_data

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
add_record_routes(router, resource="accounts", noun="account",
                  create_schema=AccountCreate, update_schema=AccountUpdate, out_schema=AccountOut)


@router.get("", response_model=ListResponse[AccountOut], operation_id="list_accounts",
            summary="List the chart of accounts")
def list_(page: PageRequest = Depends(),
          type: AccountType | None = Query(None),
          subtype: str | None = Query(None, max_length=40),
          archived: bool = Query(False, description="List archived accounts instead of active ones"),
          principal: Principal = Depends(require("accounts:read"))) -> Any:
    """The chart of accounts (a new tenant starts with a default chart), filtered by `type`, `subtype` or
    `archived`."""
    result = master_data.list_accounts(principal.tenant_id, type=type, subtype=subtype, archived=archived,
                           limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/{id}/ledger", response_model=ListResponse[LedgerLineOut], operation_id="account_ledger",
            summary="The account's ledger lines in date order")
def ledger(page: PageRequest = Depends(), id: str = Path(description="The account's id"),
           from_date: Day | None = Query(None), to_date: Day | None = Query(None),
           principal: Principal = Depends(require("journal-entries:read"))) -> Any:
    """Every ledger line posted to the account, in date order, with debit, credit and the amount in the
    document's currency. Filter by `from_date` and `to_date` (YYYY-MM-DD)."""
    result = master_data.account_lines(principal.tenant_id, id, from_date=from_date, to_date=to_date,
                                       limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)
