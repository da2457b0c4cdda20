from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request

from ledgerline.api.auth import require
from ledgerline.api.crud import add_record_routes
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, predicate, respond
from ledgerline.api.pagination import PageRequest
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import PARTIES, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.parties import PartyCreate, PartyKind, PartyOut, PartyUpdate
from ledgerline.schemas.refunds import PartyBalanceOut
from ledgerline.services import master_data, party_balances

router = APIRouter(prefix="/v1/parties", tags=["parties"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
add_record_routes(router, resource="parties", noun="party",
                  create_schema=PartyCreate, update_schema=PartyUpdate, out_schema=PartyOut)


PARTY_QUERY = ListQuery(PARTIES)
LIST_DESCRIPTION = """Active customers and suppliers, oldest first. Filter by `kind` or `email`; `archived=true` lists
the archived ones. Any field below takes an operator (issue 18): `name[startswith]=ac`, `sort=name:asc`,
`search=acme&search_fields=name,email`, `updated_since=2026-03-01T00:00:00Z`.
""" + PARTY_QUERY.description()


@router.get("", response_model=QueryListResponse[PartyOut], operation_id="list_parties", summary="List parties",
            description=LIST_DESCRIPTION, openapi_extra=PARTY_QUERY.openapi_extra())
def list_(request: Request, page: PageRequest = Depends(),
          kind: PartyKind | None = Query(None, description="customer or supplier (parties of kind both match either)"),
          email: str | None = Query(None),
          archived: bool = Query(False, description="List archived parties instead of active ones"),
          query: PlannedQuery = Depends(PARTY_QUERY),
          principal: Principal = Depends(require("parties:read"))) -> Any:
    fields = PARTIES.fields
    # `archived=` (declared, default false) replaces the list's default; `archived[ne]=…` alone replaces it too
    given = "archived" in request.query_params
    older = [predicate(fields["kind"], "eq", "kind", str(getattr(kind, "value", kind))) if kind is not None else None,
             Predicate("email", "eq", email) if email is not None else None,
             Predicate("archived", "eq", archived) if given else None]
    query = replace(query, predicates=(*[p for p in older if p is not None],
                                       *[p for p in query.predicates if not (given and p in PARTIES.defaults)]))
    result = master_data.query_parties(principal.tenant_id, query, limit=page.limit,
                                       start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)


@router.get("/{id}/balance", response_model=PartyBalanceOut, operation_id="get_party_balance",
            summary="What the customer owes (receivable, overdue) and holds (unallocated credit)")
def balance(id: str = Path(description="The party's id"),
            principal: Principal = Depends(require("parties:read"))) -> Any:
    """Receivable, overdue and unallocated credit in the base currency, and per document currency."""
    return party_balances.balance(principal.tenant_id, id)
