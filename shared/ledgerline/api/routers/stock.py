"""Inventory (issue 19): /v1/stock-locations, /v1/stock-adjustments, /v1/stock-transfers, /v1/stock and
/v1/reports/stock-valuation. Scope `inventory:read` / `inventory:write`; one function (InventoryFunction,
code folder functions/stock)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.query import STOCK_LOCATIONS, Predicate
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.stock import (
    StockAdjustmentCreate,
    StockAdjustmentOut,
    StockLevelOut,
    StockLocationCreate,
    StockLocationOut,
    StockLocationUpdate,
    StockMovementOut,
    StockTransferCreate,
    StockTransferOut,
    StockValuationOut,
)
from ledgerline.services import stock

router = APIRouter(tags=["inventory"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
READ, WRITE = require("inventory:read"), require("inventory:write")
ITEM = "itm_01KITEM000000000000000000"
LOCATION = "sloc_01KLOCA0000000000000000000"
STAMPS = {"created_at": "2026-01-05T09:00:00.000Z", "updated_at": "2026-01-05T09:00:00.000Z", "version": 1}
LOCATION_EXAMPLE = {"object": "stock_location", "id": LOCATION, "name": "Main warehouse", "description": None,
                    "areas": ["A-01", "A-02"], "is_default": True, "archived": False, **STAMPS}
ADJUSTMENT_EXAMPLE = {"object": "stock_adjustment", "id": "sadj_01KADJ00000000000000000000", "date": "2026-01-05",
                      "item_id": ITEM, "location_id": LOCATION, "area": None, "reason": "count",
                      "counted_quantity": "97", "quantity": "-3", "unit_cost": None, "value": "-13.50",
                      "quantity_after": "97", "value_after": "436.50", "movement_id": "smov_01KMOV00000000000000000000",
                      "journal_entry_id": "je_01KJE000000000000000000000", "note": None, **STAMPS}
TRANSFER_EXAMPLE = {"object": "stock_transfer", "id": "sxfr_01KXFR00000000000000000000", "date": "2026-01-05",
                    "item_id": ITEM, "from_location_id": LOCATION, "to_location_id": "sloc_01KLOCB0000000000000000000",
                    "quantity": "20", "value": "90.00", "note": None, **STAMPS}
LEVEL_EXAMPLE = {"object": "stock_level", "item_id": ITEM, "location_id": LOCATION, "on_hand": "97",
                 "average_cost": "4.500000", "value": "436.50"}
MOVEMENT_EXAMPLE = {"object": "stock_movement", "id": "smov_01KMOV00000000000000000000", "item_id": ITEM,
                    "location_id": LOCATION, "date": "2026-01-05", "quantity": "-3", "value": "-13.50",
                    "quantity_after": "97", "value_after": "436.50", "source_type": "stock_adjustment",
                    "source_id": "sadj_01KADJ00000000000000000000", "reason": "count"}
VALUATION_EXAMPLE = {"object": "stock_valuation", "as_of": "2026-01-31", "currency": "CHF", "total": "436.50",
                     "lines": [{"item_id": ITEM, "location_id": LOCATION, "on_hand": "97", "value": "436.50"}]}


def _example(status: int, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {status: {"content": {"application/json": {"example": example}}}}


def _list_example(example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return _example(200, {"object": "list", "data": [example], "has_more": False, "next_cursor": None})


# ------------------------------------------------------------------------------------------ locations

LOCATION_ID = Path(description="The stock location's id", examples=[LOCATION])


@router.post("/v1/stock-locations", status_code=201, response_model=StockLocationOut,
             operation_id="create_stock_location",
             summary="Create a stock location (a warehouse, a shop; areas are its bins or shelves)",
             responses=_example(201, LOCATION_EXAMPLE))
def create_location(body: StockLocationCreate, response: Response,
                    idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """The tenant's first location is its default; `is_default: true` moves the default here. Writes
    `stock_location.created`."""
    return with_etag(response, stock.create_location(principal.tenant_id, body.model_dump(), idempotency_key))


STOCK_LOCATION_QUERY = ListQuery(STOCK_LOCATIONS)
LOCATION_LIST_DESCRIPTION = """The tenant's active stock locations, oldest first; `archived=true` lists the archived
ones. Any field below takes an operator (issue 18): `name[startswith]=main`, `description[contains]=shelf`,
`is_default=true`, `sort=name:asc`, `search=warehouse`, `updated_since=2026-03-01T00:00:00Z`.
""" + STOCK_LOCATION_QUERY.description()


@router.get("/v1/stock-locations", response_model=QueryListResponse[StockLocationOut],
            operation_id="list_stock_locations", summary="List stock locations",
            description=LOCATION_LIST_DESCRIPTION, responses=_list_example(LOCATION_EXAMPLE),
            openapi_extra=STOCK_LOCATION_QUERY.openapi_extra())
def list_locations(request: Request, page: PageRequest = Depends(),
                   archived: bool = Query(False, description="List archived locations instead of active ones"),
                   query: PlannedQuery = Depends(STOCK_LOCATION_QUERY), principal: Principal = Depends(READ)) -> Any:
    # `archived=` (declared, default false) replaces the list's default, as on bank accounts
    given = "archived" in request.query_params
    query = replace(query, predicates=(*([Predicate("archived", "eq", archived)] if given else []),
                                       *[p for p in query.predicates
                                         if not (given and p in STOCK_LOCATIONS.defaults)]))
    result = stock.query_locations(principal.tenant_id, query, limit=page.limit,
                                   start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)


@router.get("/v1/stock-locations/{id}", response_model=StockLocationOut, operation_id="get_stock_location",
            summary="Retrieve a stock location", responses=_example(200, LOCATION_EXAMPLE))
def get_location(response: Response, id: str = LOCATION_ID, principal: Principal = Depends(READ)) -> Any:
    """The location, archived or not; another tenant's id is a 404."""
    return with_etag(response, stock.get_location(principal.tenant_id, id))


@router.patch("/v1/stock-locations/{id}", response_model=StockLocationOut, operation_id="update_stock_location",
              summary="Update a stock location (name, areas, default)", responses=_example(200, LOCATION_EXAMPLE))
def update_location(body: StockLocationUpdate, response: Response, id: str = LOCATION_ID,
                    version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """Only the fields sent change; `is_default: true` moves the tenant's default here. With `If-Match`, a stale
    version is a 412."""
    return with_etag(response, stock.update_location(principal.tenant_id, id, body.model_dump(exclude_unset=True),
                                                     version))


@router.delete("/v1/stock-locations/{id}", response_model=StockLocationOut, operation_id="archive_stock_location",
               summary="Archive a stock location (not the default)",
               responses=_example(200, {**LOCATION_EXAMPLE, "is_default": False, "archived": True}))
def archive_location(response: Response, id: str = LOCATION_ID, version: int | None = Depends(expected_version),
                     principal: Principal = Depends(WRITE)) -> Any:
    """An archived location takes no new movements; its history stays readable."""
    return with_etag(response, stock.archive_location(principal.tenant_id, id, version))


# ---------------------------------------------------------------------------------------- adjustments


@router.post("/v1/stock-adjustments", status_code=201, response_model=StockAdjustmentOut,
             operation_id="create_stock_adjustment",
             summary="Adjust stock: a count, damage, opening stock (with its cost) or another change",
             responses=_example(201, ADJUSTMENT_EXAMPLE))
def create_adjustment(body: StockAdjustmentCreate, response: Response,
                      idempotency_key: str | None = IdempotencyKeyHeader,
                      principal: Principal = Depends(WRITE)) -> Any:
    """`counted_quantity` books the difference to what is on hand; `quantity` books a change. Stock added is
    valued at `unit_cost` (default: the average cost), stock removed at the moving average. The value difference
    is posted between the item's inventory account and the inventory adjustment expense (5100), or Owner's equity
    (3000) for `opening`, in the same transaction as the level. Removing more than is on hand is a 409
    `insufficient_stock` naming the item, the location, what is on hand and what was requested."""
    return with_etag(response, stock.create_adjustment(principal.tenant_id, body.model_dump(), idempotency_key))


@router.get("/v1/stock-adjustments", response_model=ListResponse[StockAdjustmentOut],
            operation_id="list_stock_adjustments",
            summary="List stock adjustments", responses=_list_example(ADJUSTMENT_EXAMPLE))
def list_adjustments(page: PageRequest = Depends(), item_id: str | None = Query(None),
                     location_id: str | None = Query(None), from_date: Day | None = Query(None),
                     to_date: Day | None = Query(None), principal: Principal = Depends(READ)) -> Any:
    """Adjustments by date, oldest first."""
    result = stock.list_adjustments(principal.tenant_id, item_id=item_id, location_id=location_id,
                                    from_date=from_date, to_date=to_date, limit=page.limit,
                                    start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/v1/stock-adjustments/{id}", response_model=StockAdjustmentOut, operation_id="get_stock_adjustment",
            summary="Retrieve a stock adjustment", responses=_example(200, ADJUSTMENT_EXAMPLE))
def get_adjustment(response: Response, id: str = Path(description="The adjustment's id"),
                   principal: Principal = Depends(READ)) -> Any:
    """One adjustment with the level after it and its journal entry."""
    return with_etag(response, stock.get_adjustment(principal.tenant_id, id))


# ------------------------------------------------------------------------------------------ transfers


@router.post("/v1/stock-transfers", status_code=201, response_model=StockTransferOut,
             operation_id="create_stock_transfer",
             summary="Move stock between two locations (no ledger effect)",
             responses=_example(201, TRANSFER_EXAMPLE))
def create_transfer(body: StockTransferCreate, response: Response,
                    idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """The goods leave `from_location_id` at its average cost and arrive at `to_location_id` with that cost. More
    than on hand is a 409 `insufficient_stock`."""
    return with_etag(response, stock.create_transfer(principal.tenant_id, body.model_dump(), idempotency_key))


@router.get("/v1/stock-transfers", response_model=ListResponse[StockTransferOut], operation_id="list_stock_transfers",
            summary="List stock transfers", responses=_list_example(TRANSFER_EXAMPLE))
def list_transfers(page: PageRequest = Depends(), item_id: str | None = Query(None),
                   from_date: Day | None = Query(None), to_date: Day | None = Query(None),
                   principal: Principal = Depends(READ)) -> Any:
    """Transfers by date, oldest first."""
    result = stock.list_transfers(principal.tenant_id, item_id=item_id, from_date=from_date, to_date=to_date,
                                  limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/v1/stock-transfers/{id}", response_model=StockTransferOut, operation_id="get_stock_transfer",
            summary="Retrieve a stock transfer", responses=_example(200, TRANSFER_EXAMPLE))
def get_transfer(response: Response, id: str = Path(description="The transfer's id"),
                 principal: Principal = Depends(READ)) -> Any:
    """One transfer."""
    return with_etag(response, stock.get_transfer(principal.tenant_id, id))


# ------------------------------------------------------------------------------------- levels and reports


@router.get("/v1/stock", response_model=ListResponse[StockLevelOut], operation_id="list_stock_levels",
            summary="Stock levels per item and location: on hand, average cost, value",
            responses=_list_example(LEVEL_EXAMPLE))
def list_levels(page: PageRequest = Depends(), item_id: str | None = Query(None),
                location_id: str | None = Query(None), principal: Principal = Depends(READ)) -> Any:
    """Answered from the balances each movement keeps in its own transaction, never by summing movements.
    `reserved` (confirmed sales orders not yet delivered) and `incoming` (sent purchase orders not yet received)
    are kept in the same items by the order changes; `available` is on hand less reserved."""
    result = stock.list_levels(principal.tenant_id, item_id=item_id, location_id=location_id, limit=page.limit,
                               start_key=page.start_key(principal.tenant_id))
    return page.respond([stock.level_out(level) for level in result.items], result.next_key, principal.tenant_id)


@router.get("/v1/stock/{item_id}/movements", response_model=ListResponse[StockMovementOut],
            operation_id="list_stock_movements", summary="An item's stock movements with the running level",
            responses=_list_example(MOVEMENT_EXAMPLE))
def list_movements(page: PageRequest = Depends(), item_id: str = Path(description="The item's id"),
                   location_id: str | None = Query(None), principal: Principal = Depends(READ)) -> Any:
    """Oldest first; each with its location's quantity and value after it. Another tenant's item is a 404."""
    result = stock.list_movements(principal.tenant_id, item_id, location_id=location_id, limit=page.limit,
                                  start_key=page.start_key(principal.tenant_id))
    return page.respond([stock.movement_out(m) for m in result.items], result.next_key, principal.tenant_id)


@router.get("/v1/reports/stock-valuation", response_model=StockValuationOut, operation_id="get_stock_valuation",
            summary="Stock on hand and its value at a date", responses=_example(200, VALUATION_EXAMPLE))
def valuation(as_of: Day | None = Query(None, examples=["2026-01-31"], description="Default: today"),
              principal: Principal = Depends(READ)) -> Any:
    """Each item and location's quantity and value at the end of `as_of`; the total equals the inventory
    accounts' balance at that date, to the cent."""
    return stock.valuation(principal.tenant_id, as_of)


