"""Expenses (issue 15): `/v1/expenses`, purchases paid at once, posted on creation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.expand import Expand, Expansion
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond, with_older_filters
from ledgerline.api.metadata import metadata_patch
from ledgerline.api.pagination import PageRequest
from ledgerline.api.versioning import with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import POSTED_STATUS_FILTERS, status_filter
from ledgerline.domain.query import EXPENSES
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.bills import ExpenseCreate, ExpenseOut
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import ReverseRequest
from ledgerline.services import expenses

router = APIRouter(prefix="/v1/expenses", tags=["expenses"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
EXPENSE_ID = Path(description="The expense's id")
READ, WRITE = require("expenses:read"), require("expenses:write")
EXPAND = Expand(ExpenseOut)


@router.post("", status_code=201, response_model=ExpenseOut, operation_id="create_expense",
             summary="Record and post an expense paid at once")
def create(body: ExpenseCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A purchase paid at once: the payee (a supplier or `payee_name`), the date, the bank, cash or card
    clearing account it was paid from, lines with expense or asset accounts and input tax codes, and the
    receipt as `attachment_ids`. Posted at once: debit each expense (and non-recoverable tax) and input tax,
    credit the account paid from. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, expenses.create(principal.tenant_id, body.model_dump(), idempotency_key))


EXPENSE_QUERY = ListQuery(EXPENSES)
LIST_DESCRIPTION = """Expenses by date, oldest first. Filter by `status` (posted, reversed), `supplier_id`, `from_date`
and `to_date` (YYYY-MM-DD), or by any field below with an operator (issue 18): `reference=R-2026-17` (a lookup:
one index query), `total[gte]=1000`, `paid_from_account_id=acc_…`, `search=café`,
`updated_since=2026-03-01T00:00:00Z`.
""" + EXPENSE_QUERY.description()


@router.get("", response_model=QueryListResponse[ExpenseOut], operation_id="list_expenses", summary="List expenses",
            description=LIST_DESCRIPTION, openapi_extra={**EXPENSE_QUERY.openapi_extra(), **EXPAND.openapi_extra()})
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description="posted or reversed, repeated or comma-separated"),
          supplier_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Dated on or after"),
          to_date: Day | None = Query(None, description="Dated on or before"),
          query: PlannedQuery = Depends(EXPENSE_QUERY), expansion: Expansion = Depends(EXPAND),
          principal: Principal = Depends(READ)) -> Any:
    statuses = status_filter(status, POSTED_STATUS_FILTERS)
    query = with_older_filters(query, statuses, "supplier_id", supplier_id, "date", from_date, to_date)
    result = expenses.query_expenses(principal.tenant_id, query, limit=page.limit,
                                     start_key=page.start_key(principal.tenant_id))
    items = [ExpenseOut.model_validate(expense) for expense in result.items]
    return expansion.page(respond(page, items, result, principal.tenant_id, query))


@router.get("/{id}", response_model=ExpenseOut, operation_id="get_expense", summary="Retrieve an expense",
            openapi_extra=EXPAND.openapi_extra())
def get(response: Response, id: str = EXPENSE_ID, expansion: Expansion = Depends(EXPAND),
        principal: Principal = Depends(READ)) -> Any:
    """One expense with its lines, tax breakdown and totals."""
    return expansion.one(response, with_etag(response, expenses.get_expense(principal.tenant_id, id)))


@router.post("/{id}/reverse", response_model=ExpenseOut, operation_id="reverse_expense",
             summary="Reverse an expense: a mirror entry; the expense reads reversed")
def reverse(response: Response, body: ReverseRequest | None = None, id: str = EXPENSE_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Posts the mirror of the expense's entry, dated today or `date` (not before the expense)."""
    day = body.date if body else None
    return with_etag(response, expenses.reverse(principal.tenant_id, id, day, idempotency_key))


metadata_patch(router, noun="expense", response_model=ExpenseOut, operation_id="update_expense",
               id_param=EXPENSE_ID, write=WRITE, update=expenses.update_metadata)
