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
from ledgerline.domain.query import TAX_CODES, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.tax_codes import TaxCodeCreate, TaxCodeOut, TaxCodeUpdate
from ledgerline.services import master_data

router = APIRouter(prefix="/v1/tax-codes", tags=["tax codes"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
add_record_routes(router, resource="tax-codes", noun="tax_code",
                  create_schema=TaxCodeCreate, update_schema=TaxCodeUpdate, out_schema=TaxCodeOut)


TAX_CODE_QUERY = ListQuery(TAX_CODES)
LIST_DESCRIPTION = """Tax codes with their rates and tax accounts; `active` and `archived` filter them. Any field below
takes an operator (issue 18): `code=GST10` (a lookup: one index query), `rate[gte]=10`, `sort=code:asc`,
`search=gst`, `updated_since=2026-03-01T00:00:00Z`.
""" + TAX_CODE_QUERY.description()


@router.get("", response_model=QueryListResponse[TaxCodeOut], operation_id="list_tax_codes", summary="List tax codes",
            description=LIST_DESCRIPTION, openapi_extra=TAX_CODE_QUERY.openapi_extra())
def list_(request: Request, page: PageRequest = Depends(),
          active: bool | None = Query(None),
          archived: bool = Query(False, description="List archived tax codes instead of active ones"),
          query: PlannedQuery = Depends(TAX_CODE_QUERY),
          principal: Principal = Depends(require("tax-codes:read"))) -> Any:
    # `archived=` (declared, default false) replaces the list's default; `archived[ne]=…` alone replaces it too
    given = "archived" in request.query_params
    older = [Predicate("active", "eq", active) if active is not None else None,
             Predicate("archived", "eq", archived) if given else None]
    query = replace(query, predicates=(*[p for p in older if p is not None],
                                       *[p for p in query.predicates if not (given and p in TAX_CODES.defaults)]))
    result = master_data.query_tax_codes(principal.tenant_id, query, limit=page.limit,
                                         start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)
