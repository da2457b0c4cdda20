from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request

from ledgerline.api.auth import require
from ledgerline.api.crud import add_record_routes
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.domain.accounts import AccountType
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import ACCOUNTS, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.accounts import AccountCreate, AccountOut, AccountUpdate
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import LedgerLineOut
from ledgerline.services import master_data

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
add_record_routes(router, resource="accounts", noun="account",
                  create_schema=AccountCreate, update_schema=AccountUpdate, out_schema=AccountOut)


ACCOUNT_QUERY = ListQuery(ACCOUNTS)
LIST_DESCRIPTION = """The chart of accounts (a new tenant starts with a default chart), filtered by `type`, `subtype` or
`archived`. Any field below takes an operator (issue 18): `code=1200` (a lookup: one index query),
`code[startswith]=4`, `type[in]=revenue,expense`, `sort=code:asc`, `search=bank`,
`updated_since=2026-03-01T00:00:00Z`.
""" + ACCOUNT_QUERY.description()


@router.get("", response_model=QueryListResponse[AccountOut], operation_id="list_accounts",
            summary="List the chart of accounts", description=LIST_DESCRIPTION,
            openapi_extra=ACCOUNT_QUERY.openapi_extra())
def list_(request: Request, page: PageRequest = Depends(),
          type: AccountType | None = Query(None),
          subtype: str | None = Query(None, max_length=40),
          archived: bool = Query(False, description="List archived accounts instead of active ones"),
          query: PlannedQuery = Depends(ACCOUNT_QUERY),
          principal: Principal = Depends(require("accounts:read"))) -> Any:
    # `archived=` (declared, default false) replaces the list's default; `archived[ne]=…` alone replaces it too
    given = "archived" in request.query_params
    older = [Predicate("type", "eq", str(getattr(type, "value", type))) if type is not None else None,
             Predicate("subtype", "eq", subtype) if subtype is not None else None,
             Predicate("archived", "eq", archived) if given else None]
    query = replace(query, predicates=(*[p for p in older if p is not None],
                                       *[p for p in query.predicates if not (given and p in ACCOUNTS.defaults)]))
    result = master_data.query_accounts(principal.tenant_id, query, limit=page.limit,
                                        start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)


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
