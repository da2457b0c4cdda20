"""The outbox: `T#<tid>#EVT` / `<ULID of the event id>`, written in the same transaction as the change it reports.

The same items are the event log behind `/v1/events` (kept 90 days by TTL) and what the table's
stream relays to the bus. `item_type = "outbox_event"` marks them for the stream filter.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite
from ulid import ULID

from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.ids import new_id
from ledgerline.schemas.common import read_at
from ledgerline.store.item_size import check_event_data
from ledgerline.store.records import Page, check_start_key, page_of, tenant_partition
from ledgerline.store.table import TableModel, connection

RETENTION = timedelta(days=90)
OUTBOX_ITEM_TYPE = "outbox_event"
ID_PREFIX = "evt_"


class Event(TableModel):
    NOUN = "event"

    item_type = UnicodeAttribute(default=OUTBOX_ITEM_TYPE)
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

    @classmethod
    def key(cls, tenant_id: str, event_id: str) -> tuple[str, str]:
        return cls.partition(tenant_id), event_id.removeprefix(ID_PREFIX)

    def payload(self) -> dict[str, Any]:
        return json.loads(self.data)


def snapshot(schema: Any, record: Any) -> dict[str, Any]:
    """The representation an event carries: the record as it will read once the write commits.

    Call it after the record was added to the transaction (which has serialized it already).
    """
    values = {name: getattr(record, name, None) for name in schema.model_fields if hasattr(record, name)}
    values["version"] = (record.version or 0) + 1
    # Derived states (an invoice overdue) as of the change, never as of when this runs (schemas/common.read_at)
    changed_at = getattr(record, "updated_at", None)
    return schema.model_validate(values, context=read_at(changed_at) if changed_at else None).model_dump(mode="json")


def add_event(tx: TransactWrite, **fields: Any) -> Event:
    """Record that something happened; the stream relays it to the bus after the transaction commits."""
    event = new_event(**fields)
    tx.save(event, condition=TableModel.pk.does_not_exist())
    return event


def add_record_event(tx: TransactWrite, record: Any, type: EventType, schema: Any) -> Event:
    """The outbox event of a change to a versioned record, added to the transaction that saves it (call after
    saving the record): `sequence` is the record's version after the write, so subscribers can order one
    object's events; `data` the record as `schema` shows it then. (A unit of work's `record_event` is the
    same, staged.)"""
    return add_event(tx, tenant_id=record.tenant_id, type=type, object_type=schema.model_fields["object"].default,
                     object_id=record.id, sequence=(record.version or 0) + 1, data=snapshot(schema, record),
                     at=record.updated_at)


def new_event(
    *,
    tenant_id: str,
    type: EventType,
    object_type: str,
    object_id: str,
    sequence: int,
    data: dict[str, Any],
    at: datetime,
) -> Event:
    """The outbox item of an event (`add_event` puts it into a transaction)."""
    # UTF-8 as is (not \u-escaped): the event then takes about the bytes its document does.
    text = json.dumps(data, separators=(",", ":"), default=str, ensure_ascii=False)
    check_event_data(data, text, object_type.replace("_", " "))
    event_id = new_id(ID_PREFIX.rstrip("_"))
    event = Event(
        *Event.key(tenant_id, event_id),
        id=event_id,
        tenant_id=tenant_id,
        type=str(type),  # the catalogue member's value
        object_type=object_type,
        object_id=object_id,
        sequence=sequence,
        data=text,
        created_at=at,
        expires_at=at + RETENTION,
    )
    return event


def list_events(tenant_id: str, *, limit: int = 100) -> list[Event]:
    connection()
    return list(Event.query(Event.partition(tenant_id), limit=limit, consistent_read=True))


def find_event(tenant_id: str, event_id: str) -> Event:
    """The event, or NotFound (also for another tenant's id: it is not in this tenant's partition)."""
    connection()
    if not event_id.startswith(ID_PREFIX) or len(event_id) != len(ID_PREFIX) + 26:
        raise NotFound(f"No such event: '{event_id}'", param="id")
    try:
        return Event.get(*Event.key(tenant_id, event_id), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"No such event: '{event_id}'", param="id") from exc


def _ulid_bound(moment: datetime, *, upper: bool) -> str:
    """The smallest (or largest) ULID of a millisecond: event ids sort by the time they were made."""
    # Clamped to what a ULID can hold (1970 to year 10889): dates outside simply match nothing, or all.
    millis = min(max(int(moment.timestamp() * 1000), 0), 2**48 - 1)
    return str(ULID(millis.to_bytes(6, "big") + (b"\xff" if upper else b"\x00") * 10))


def _day_bounds(from_date: date | None, to_date: date | None) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(from_date, time.min, UTC) if from_date else None
    end = datetime.combine(to_date, time.max, UTC) if to_date else None
    return start, end


def _sort_key_condition(start: datetime | None, end: datetime | None) -> Condition | None:
    low = _ulid_bound(start, upper=False) if start else None
    high = _ulid_bound(end, upper=True) if end else None
    if low and high:
        return Event.sk.between(low, high)
    if low:
        return Event.sk >= low
    if high:
        return Event.sk <= high
    return None


def page_events(
    tenant_id: str,
    *,
    types: Iterable[str] = (),
    object_id: str | None = None,
    from_date: date | None = None,
    to_date: date | None = None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page[Event]:
    """A tenant's events, newest first, filtered by type, object and creation date (UTC)."""
    connection()
    check_start_key(start_key, "PK", Event.partition(tenant_id))
    if from_date and to_date and from_date > to_date:
        return Page([], None)  # an empty range (DynamoDB refuses a BETWEEN whose bounds are reversed)
    condition: Condition | None = None
    types = list(types)
    if types:
        condition = Event.type.is_in(*types)
    if object_id:
        by_object = Event.object_id == object_id
        condition = by_object if condition is None else condition & by_object
    results = Event.query(
        Event.partition(tenant_id),
        _sort_key_condition(*_day_bounds(from_date, to_date)),
        filter_condition=condition,
        scan_index_forward=False,
        limit=limit + 1,
        last_evaluated_key=start_key,
        consistent_read=True,
    )
    return page_of(results, limit)


def events_since(tenant_id: str, since: datetime, *, until: datetime | None = None, limit: int) -> list[Event]:
    """Events created at or after `since` (and up to `until`), oldest first: what a replay resends."""
    connection()
    if until is not None and until < since:
        return []
    return list(Event.query(
        Event.partition(tenant_id),
        _sort_key_condition(since, until),
        limit=limit,
        consistent_read=True,
    ))


def boundary_id(moment: datetime) -> str:
    """The largest event id that can have been made in `moment`'s millisecond (the stream's `live_after`)."""
    return f"{ID_PREFIX}{_ulid_bound(moment, upper=True)}"


def events_between(tenant_id: str, after_id: str | None, through_id: str, *, limit: int,
                   start_key: dict[str, Any] | None = None) -> Page[Event]:
    """Events with `after_id < id <= through_id`, oldest first, a page at a time: what a stream resume
    replays (services/stream.py)."""
    connection()
    check_start_key(start_key, "PK", Event.partition(tenant_id))
    if after_id is not None and after_id >= through_id:
        return Page([], None)  # an id from the future (DynamoDB refuses a BETWEEN whose bounds are reversed)
    high = through_id.removeprefix(ID_PREFIX)
    condition = Event.sk <= high if after_id is None else Event.sk.between(after_id.removeprefix(ID_PREFIX), high)
    results = Event.query(Event.partition(tenant_id), condition, limit=limit + 1, last_evaluated_key=start_key,
                          consistent_read=True)
    page = page_of(results, limit)
    if after_id is not None:  # BETWEEN includes its low end; the client has that event already
        page.items[:] = [event for event in page.items if event.id != after_id]
    return page
