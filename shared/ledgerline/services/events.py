"""The event log as the API reads it: one event by id, and pages of events newest first (90 days kept)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from ledgerline.store import events as event_log
from ledgerline.store.events import Event
from ledgerline.store.records import Page


def get_event(tenant_id: str, event_id: str) -> Event:
    """The event; NotFound for an id that is not an event id, or not this tenant's."""
    return event_log.find_event(tenant_id, event_id)


def list_events(tenant_id: str, *, types: Iterable[str], object_id: str | None, from_date: date | None,
                to_date: date | None, limit: int, start_key: dict[str, Any] | None) -> Page[Event]:
    """A page of the tenant's events, newest first (the store's named read `page_events`)."""
    return event_log.page_events(tenant_id, types=types, object_id=object_id, from_date=from_date, to_date=to_date,
                                 limit=limit, start_key=start_key)
