"""Expenses (issue 15): `/v1/expenses`, purchases paid at once, posted on creation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import POSTED_STATUS_FILTERS, status_filter
from ledgerline.schemas.bills import ExpenseCreate, ExpenseOut
from ledgerline.schemas.common import Day
from ledgerline.schemas.documents import ReverseRequest
from ledgerline.services import expenses

router = APIRouter(prefix="/v1/expenses", tags=["expenses"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
EXPENSE_ID = Path(description="The expense's id")
READ, WRITE = require("expenses:read"), require("expenses:write")


@router.post("", status_code=201, response_model=ExpenseOut, operation_id="create_expense",
             summary="Record and post an expense paid at once")
def create(body: ExpenseCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """A purchase paid at once: the payee (a supplier or `payee_name`), the date, the bank, cash or card
    clearing account it was paid from, lines with expense or asset accounts and input tax codes, and the
    receipt as `attachment_ids`. Posted at once: debit each expense (and non-recoverable tax) and input tax,
    credit the account paid from. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, expenses.create(principal.tenant_id, body.model_dump(), idempotency_key))


@router.get("", response_model=ListResponse[ExpenseOut], operation_id="list_expenses", summary="List expenses")
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description="posted or reversed, repeated or comma-separated"),
          supplier_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Dated on or after"),
          to_date: Day | None = Query(None, description="Dated on or before"),
          principal: Principal = Depends(READ)) -> Any:
    """Expenses by date, oldest first. Filter by `status`, `supplier_id`, `from_date` and `to_date`."""
    result = expenses.list_expenses(principal.tenant_id, statuses=status_filter(status, POSTED_STATUS_FILTERS),
                                    supplier_id=supplier_id, from_date=from_date, to_date=to_date,
                                    limit=page.limit, start_key=page.start_key(principal.tenant_id))
    shown = [ExpenseOut.model_validate(expense) for expense in result.items]
    return page.respond(shown, result.next_key, principal.tenant_id)


@router.get("/{id}", response_model=ExpenseOut, operation_id="get_expense", summary="Retrieve an expense")
def get(response: Response, id: str = EXPENSE_ID, principal: Principal = Depends(READ)) -> Any:
    """One expense with its lines, tax breakdown and totals."""
    return with_etag(response, expenses.get_expense(principal.tenant_id, id))


@router.post("/{id}/reverse", response_model=ExpenseOut, operation_id="reverse_expense",
             summary="Reverse an expense: a mirror entry; the expense reads reversed")
def reverse(response: Response, body: ReverseRequest | None = None, id: str = EXPENSE_ID,
            idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Posts the mirror of the expense's entry, dated today or `date` (not before the expense)."""
    day = body.date if body else None
    return with_etag(response, expenses.reverse(principal.tenant_id, id, day, idempotency_key))
