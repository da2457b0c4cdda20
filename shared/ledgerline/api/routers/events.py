from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from ledgerline.api.auth import require
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.common import Day
from ledgerline.schemas.events import EventOut
from ledgerline.services import events

router = APIRouter(prefix="/v1/events", tags=["events"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
READ = require("events:read")


@router.get("", response_model=ListResponse[EventOut], operation_id="list_events",
            summary="List events, newest first (kept 90 days)")
def list_(page: PageRequest = Depends(),
          type: list[str] = Query([], description="Only these event types (repeat the parameter for several)",
                                  max_length=20),
          object_id: str | None = Query(None, description="Only events about this object, e.g. an invoice id"),
          from_date: Day | None = Query(None, description="Created on or after this day (UTC)"),
          to_date: Day | None = Query(None, description="Created on or before this day (UTC)"),
          principal: Principal = Depends(READ)) -> Any:
    """The event log: one event per change to a document, as webhooks deliver them, newest first, kept 90
    days. Filter by `type`, `object_id`, `from_date` and `to_date` (YYYY-MM-DD)."""
    result = events.list_events(principal.tenant_id, types=type, object_id=object_id, from_date=from_date,
                                to_date=to_date, limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/{id}", response_model=EventOut, operation_id="get_event", summary="Retrieve an event")
def get(id: str = Path(description="The event's id (evt_…), also the webhook-id of its deliveries"),
        principal: Principal = Depends(READ)) -> Any:
    """One event: its type, the object it is about, the object's `sequence` (its version after the change) and
    the object as the API showed it then."""
    return events.get_event(principal.tenant_id, id)
