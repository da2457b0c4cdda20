from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.pagination import PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import EXCHANGE_RATES, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Currency, Day
from ledgerline.schemas.exchange_rates import ExchangeRateCreate, ExchangeRateOut
from ledgerline.services import exchange_rates

router = APIRouter(prefix="/v1/exchange-rates", tags=["banking"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
EXCHANGE_RATE_ID = Path(description="The rate's id: `<currency>-<date>`", examples=["EUR-2026-01-05"])
READ, WRITE = require("banking:read"), require("banking:write")
EXAMPLE = {"object": "exchange_rate", "id": "EUR-2026-01-05", "date": "2026-01-05", "currency": "EUR",
           "rate": "0.9312", "source": "ecb", "created_at": "2026-01-05T16:00:00Z",
           "updated_at": "2026-01-05T16:00:00Z", "version": 1}


def _example(http_status: int, body: Any = EXAMPLE) -> dict[int | str, dict[str, Any]]:
    return {http_status: {"content": {"application/json": {"example": body}}}}


@router.post("", status_code=201, response_model=ExchangeRateOut, operation_id="create_exchange_rate",
             summary="Add an exchange rate (base currency per unit of a currency, from a day on)",
             responses=_example(201))
def create(body: ExchangeRateCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """One rate per currency and day (its id `<currency>-<date>`): a second one for the same day is a 409 (delete
    the first). The base currency has no rate (422 naming `currency`). Documents in the currency dated on or after
    `date` that give no `exchange_rate` take it until a later rate exists. Writes `exchange_rate.created`."""
    return with_etag(response, exchange_rates.create(principal.tenant_id, body.model_dump(), idempotency_key))


EXCHANGE_RATE_QUERY = ListQuery(EXCHANGE_RATES)
LIST_DESCRIPTION = """Rates by currency, then date, oldest first. Filter by `currency`, `from_date` and `to_date`, or by
any field below with an operator (issue 18): `currency=EUR` (a lookup: one index query, by date),
`date[gte]=2026-01-01&sort=date:desc`, `sort=currency:asc,date:asc`, `rate[gt]=1`, `source=ecb`,
`updated_since=2026-03-01T00:00:00Z`.
""" + EXCHANGE_RATE_QUERY.description()


@router.get("", response_model=QueryListResponse[ExchangeRateOut], operation_id="list_exchange_rates",
            summary="List exchange rates", description=LIST_DESCRIPTION,
            openapi_extra=EXCHANGE_RATE_QUERY.openapi_extra(),
            responses=_example(200, {"object": "list", "data": [EXAMPLE], "has_more": False, "next_cursor": None}))
def list_(page: PageRequest = Depends(),
          currency: Currency | None = Query(None, description="Only this currency's rates"),
          from_date: Day | None = Query(None, description="Rates of this day or later"),
          to_date: Day | None = Query(None, description="Rates of this day or earlier"),
          query: PlannedQuery = Depends(EXCHANGE_RATE_QUERY), principal: Principal = Depends(READ)) -> Any:
    older = [Predicate("currency", "eq", currency) if currency is not None else None,
             Predicate("date", "gte", from_date) if from_date is not None else None,
             Predicate("date", "lte", to_date) if to_date is not None else None]
    query = replace(query, predicates=(*[p for p in older if p is not None], *query.predicates))
    result = exchange_rates.query_exchange_rates(principal.tenant_id, query, limit=page.limit,
                                                 start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)


@router.get("/{id}", response_model=ExchangeRateOut, operation_id="get_exchange_rate",
            summary="Retrieve an exchange rate", responses=_example(200))
def get(response: Response, id: str = EXCHANGE_RATE_ID, principal: Principal = Depends(READ)) -> Any:
    """One rate."""
    return with_etag(response, exchange_rates.get_exchange_rate(principal.tenant_id, id))


@router.delete("/{id}", operation_id="delete_exchange_rate", summary="Delete an exchange rate",
               responses=_example(200, {"id": "EUR-2026-01-05", "object": "exchange_rate", "deleted": True}))
def delete(id: str = EXCHANGE_RATE_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Documents that took the rate keep it (they store the rate itself); documents dated later take the previous
    rate again. Writes `exchange_rate.deleted`."""
    rate = exchange_rates.delete(principal.tenant_id, id, version)
    return {"id": rate.id, "object": "exchange_rate", "deleted": True}
