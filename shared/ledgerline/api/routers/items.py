from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from ledgerline.api.auth import require
from ledgerline.api.crud import add_record_routes
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.pagination import PageRequest
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import ITEMS, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.items import ItemCreate, ItemOut, ItemUpdate
from ledgerline.services import master_data

router = APIRouter(prefix="/v1/items", tags=["items"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
add_record_routes(router, resource="items", noun="item",
                  create_schema=ItemCreate, update_schema=ItemUpdate, out_schema=ItemOut)


ITEM_QUERY = ListQuery(ITEMS)
LIST_DESCRIPTION = """Active items, oldest first; `archived=true` lists the archived ones. Any field below takes an
operator (issue 18): `code=SKU-1` (a lookup: one index query), `name[startswith]=wid`, `unit_price[gte]=100`,
`sort=name:asc`, `search=widget&search_fields=name,description`, `updated_since=2026-03-01T00:00:00Z`.
""" + ITEM_QUERY.description()


@router.get("", response_model=QueryListResponse[ItemOut], operation_id="list_items", summary="List items",
            description=LIST_DESCRIPTION, openapi_extra=ITEM_QUERY.openapi_extra())
def list_(request: Request, page: PageRequest = Depends(),
          archived: bool = Query(False, description="List archived items instead of active ones"),
          query: PlannedQuery = Depends(ITEM_QUERY),
          principal: Principal = Depends(require("items:read"))) -> Any:
    # `archived=` (declared, default false) replaces the list's default; `archived[ne]=…` alone replaces it too
    given = "archived" in request.query_params
    older = [Predicate("archived", "eq", archived)] if given else []
    query = replace(query, predicates=(*older, *[p for p in query.predicates if not (given and p in ITEMS.defaults)]))
    result = master_data.query_items(principal.tenant_id, query, limit=page.limit,
                                     start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)
