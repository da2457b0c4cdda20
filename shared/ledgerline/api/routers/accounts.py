from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from ledgerline.api.auth import require
from ledgerline.api.crud import add_record_routes
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.schemas.accounts import AccountCreate, AccountOut, AccountUpdate
from ledgerline.domain.accounts import AccountType
from ledgerline.domain.api_keys import Principal
from ledgerline.store.accounts import Account, list_accounts

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
add_record_routes(router, model=Account, resource="accounts", noun="account",
                  create_schema=AccountCreate, update_schema=AccountUpdate, out_schema=AccountOut)


@router.get("", response_model=ListResponse[AccountOut], operation_id="list_accounts",
            summary="List the chart of accounts")
def list_(page: PageRequest = Depends(),
          type: AccountType | None = Query(None),
          subtype: str | None = Query(None, max_length=40),
          archived: bool = Query(False, description="List archived accounts instead of active ones"),
          principal: Principal = Depends(require("accounts:read"))) -> Any:
    result = list_accounts(principal.tenant_id, type=type, subtype=subtype, archived=archived,
                           limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)
