"""The outbox: `T#<tid>#EVT` / `<event id>`, written in the same transaction as the change it reports."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.transactions import TransactWrite

from ledgerline.ids import new_id
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import TableModel, connection

RETENTION = timedelta(days=90)


class Event(TableModel):
    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    type = UnicodeAttribute()
    object_type = UnicodeAttribute()
    object_id = UnicodeAttribute()
    sequence = NumberAttribute()
    data = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()

    @staticmethod
    def partition(tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#EVT"

    def payload(self) -> dict[str, Any]:
        return json.loads(self.data)


def add_event(
    tx: TransactWrite,
    *,
    tenant_id: str,
    type: str,
    object_type: str,
    object_id: str,
    sequence: int,
    data: dict[str, Any],
    at: datetime,
) -> Event:
    """Record that something happened; the stream relays it to the bus after the transaction commits."""
    event_id = new_id("evt")
    event = Event(
        Event.partition(tenant_id),
        event_id.removeprefix("evt_"),
        id=event_id,
        tenant_id=tenant_id,
        type=type,
        object_type=object_type,
        object_id=object_id,
        sequence=sequence,
        data=json.dumps(data, separators=(",", ":"), default=str),
        created_at=at,
        expires_at=at + RETENTION,
    )
    tx.save(event, condition=TableModel.pk.does_not_exist())
    return event


def list_events(tenant_id: str, *, limit: int = 100) -> list[Event]:
    connection()
    return list(Event.query(Event.partition(tenant_id), limit=limit, consistent_read=True))
