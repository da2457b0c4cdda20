"""/v1/recurring-invoices: invoice templates with a schedule (bexio's order repetition)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.clock import request_clock
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import DeletedOut, ListQuery, QueryListResponse, respond, shown, with_older_filters
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.clock import Clock
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.documents import status_filter
from ledgerline.domain.documents.recurring_invoice import STATUS_FILTERS
from ledgerline.domain.query import RECURRING_INVOICES
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day, read_at
from ledgerline.schemas.documents import InvoiceOut
from ledgerline.schemas.recurring_invoices import (
    RecurringInvoiceCreate,
    RecurringInvoiceOut,
    RecurringInvoiceUpdate,
)
from ledgerline.services import recurring_invoices

router = APIRouter(prefix="/v1/recurring-invoices", tags=["recurring invoices"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
TEMPLATE_ID = Path(description="The recurring invoice's id (rinv_…)")
READ, WRITE = require("recurring-invoices:read"), require("recurring-invoices:write")


@router.post("", status_code=201, response_model=RecurringInvoiceOut, operation_id="create_recurring_invoice",
             summary="Create a recurring invoice: an invoice template with a schedule")
def create(body: RecurringInvoiceCreate, response: Response, idempotency_key: str | None = IdempotencyKeyHeader,
           principal: Principal = Depends(WRITE)) -> Any:
    """The customer, lines or positions (as on `POST /v1/invoices`), currency and terms of every invoice, and
    the schedule: `interval` (weekly, monthly, quarterly, yearly), `every` N, `day_of_month` (1–31 or `last`),
    `start_date`, and `end_date` or `count`. The daily job makes each period's invoice on its day, once
    (`auto_post` posts it, `auto_send` emails it to the customer's address). `next_run_date` shows the next
    one. Send `Idempotency-Key` to make retries safe."""
    return with_etag(response, recurring_invoices.create(principal.tenant_id, body.fields(), idempotency_key))


RECURRING_QUERY = ListQuery(RECURRING_INVOICES)
LIST_DESCRIPTION = """Recurring invoices by start date, oldest first. Filter by `status`, `customer_id`, `from_date` and
`to_date` (of the schedule's start date), or by any field below with an operator (issue 18):
`start_date[gte]=2026-01-01`, `next_run_date[lte]=2026-03-31&sort=next_run_date:asc` (what runs next),
`reference=ACME-SUPPORT` (a lookup: one index query), `search=acme`, `updated_since=2026-03-01T00:00:00Z` (a deleted
template appears as `{"id": …, "object": "recurring_invoice", "deleted": true}` for 30 days).
""" + RECURRING_QUERY.description()


@router.get("", response_model=QueryListResponse[RecurringInvoiceOut | DeletedOut],
            operation_id="list_recurring_invoices", summary="List recurring invoices", description=LIST_DESCRIPTION,
            openapi_extra=RECURRING_QUERY.openapi_extra())
def list_(page: PageRequest = Depends(),
          status: list[str] = Query([], description="active, paused or finished, repeated or comma-separated"),
          customer_id: str | None = Query(None),
          from_date: Day | None = Query(None, description="Starting on or after"),
          to_date: Day | None = Query(None, description="Starting on or before"),
          query: PlannedQuery = Depends(RECURRING_QUERY), principal: Principal = Depends(READ)) -> Any:
    statuses = status_filter(status, STATUS_FILTERS)
    query = with_older_filters(query, statuses or None, "customer_id", customer_id or None, "start_date", from_date,
                               to_date)
    result = recurring_invoices.query_recurring_invoices(principal.tenant_id, query, limit=page.limit,
                                                         start_key=page.start_key(principal.tenant_id))
    items = [shown(record, RecurringInvoiceOut.model_validate) for record in result.items]
    return respond(page, items, result, principal.tenant_id, query)


@router.get("/{id}", response_model=RecurringInvoiceOut, operation_id="get_recurring_invoice",
            summary="Retrieve a recurring invoice")
def get(response: Response, id: str = TEMPLATE_ID, principal: Principal = Depends(READ)) -> Any:
    """The template, its schedule, `next_run_date`, the last day invoiced and how many invoices it made."""
    return with_etag(response, recurring_invoices.get(principal.tenant_id, id))


@router.get("/{id}/invoices", response_model=ListResponse[InvoiceOut], operation_id="list_recurring_invoice_invoices",
            summary="The invoices a recurring invoice made")
def invoices(page: PageRequest = Depends(), id: str = TEMPLATE_ID, clock: Clock = Depends(request_clock),
             principal: Principal = Depends(READ)) -> Any:
    """By period, oldest first; each carries `source: {"kind": "recurring_invoice", "id": …}`. A draft deleted
    since is left out."""
    result = recurring_invoices.history(principal.tenant_id, id, limit=page.limit,
                                        start_key=page.start_key(principal.tenant_id))
    now = clock.now()
    shown = [InvoiceOut.model_validate(invoice, context=read_at(now)) for invoice in result.items]
    return page.respond(shown, result.next_key, principal.tenant_id)


@router.patch("/{id}", response_model=RecurringInvoiceOut, operation_id="update_recurring_invoice",
              summary="Change a recurring invoice")
def update(body: RecurringInvoiceUpdate, response: Response, id: str = TEMPLATE_ID,
           version: int | None = Depends(expected_version), principal: Principal = Depends(WRITE)) -> Any:
    """The fields sent replace the template's (`lines` replaces every line). Invoices already made do not
    change. A new `schedule` goes on from its first day after the last day invoiced."""
    return with_etag(response, recurring_invoices.update(principal.tenant_id, id, body.changes(), version))


@router.delete("/{id}", operation_id="delete_recurring_invoice", summary="Delete a recurring invoice")
def delete(id: str = TEMPLATE_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """No more invoices are made from it; those it made stay."""
    template = recurring_invoices.delete(principal.tenant_id, id, version)
    return {"id": template.id, "object": "recurring_invoice", "deleted": True}


@router.post("/{id}/pause", response_model=RecurringInvoiceOut, operation_id="pause_recurring_invoice",
             summary="Pause a recurring invoice: no invoices until it is resumed")
def pause(response: Response, id: str = TEMPLATE_ID, principal: Principal = Depends(WRITE)) -> Any:
    """Only an active template (409 otherwise)."""
    return with_etag(response, recurring_invoices.pause(principal.tenant_id, id))


@router.post("/{id}/resume", response_model=RecurringInvoiceOut, operation_id="resume_recurring_invoice",
             summary="Resume a paused recurring invoice")
def resume(response: Response, id: str = TEMPLATE_ID, principal: Principal = Depends(WRITE)) -> Any:
    """Periods whose day passed while it was paused are skipped, not caught up; `next_run_date` is the next
    day from today on. Only a paused template (409 otherwise)."""
    return with_etag(response, recurring_invoices.resume(principal.tenant_id, id))
