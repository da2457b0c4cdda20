"""Real-time stream connections (issue 20, item 6): who is connected, for which tenant, subscribed to what.

- connection: `T#<tid>#STREAM` / `CONN#<connection id>` (the key, its API version, the subscribed patterns,
  `last_event_id` and the `live_after` boundary; domain/stream.py). The tenant's connections are one
  consistent Query of that partition (`tenant_connections`), which the bus consumer reads per event.
- pointer:    `STREAMCONN#<connection id>` / `CONN` → the tenant, because API Gateway's `$disconnect` and
  `$default` events name only the connection (`find_connection`).

Both are written and deleted together and expire (TTL `expires_at`) a little after API Gateway's longest
connection (2 hours), so a connection whose `$disconnect` never ran does not linger.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pynamodb.attributes import ListAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from ledgerline.store.records import tenant_partition
from ledgerline.store.table import TableModel, connection, transaction

LIFETIME = timedelta(hours=2, minutes=5)  # API Gateway closes a WebSocket after 2 h at most
PREFIX = "CONN#"


class StreamConnection(TableModel):
    NOUN = "stream connection"

    connection_id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    key_id = UnicodeAttribute()
    api_version = UnicodeAttribute(null=True)
    events = ListAttribute(of=UnicodeAttribute, null=True)  # none until the client subscribes
    last_event_id = UnicodeAttribute(null=True)
    live_after = UnicodeAttribute(null=True)
    connected_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()

    @staticmethod
    def partition(tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#STREAM"

    @classmethod
    def key(cls, tenant_id: str, connection_id: str) -> tuple[str, str]:
        return cls.partition(tenant_id), f"{PREFIX}{connection_id}"


class StreamPointer(TableModel):
    """Which tenant a connection id belongs to."""

    tenant_id = UnicodeAttribute()
    expires_at = TTLAttribute()

    @staticmethod
    def key(connection_id: str) -> tuple[str, str]:
        return f"STREAMCONN#{connection_id}", "CONN"


def new_connection(connection_id: str, tenant_id: str, key_id: str, api_version: str | None,
                   at: datetime) -> StreamConnection:
    return StreamConnection(*StreamConnection.key(tenant_id, connection_id), connection_id=connection_id,
                            tenant_id=tenant_id, key_id=key_id, api_version=api_version, connected_at=at,
                            expires_at=at + LIFETIME)


def save_connection(record: StreamConnection) -> None:
    """Store a new connection and its pointer in one transaction."""
    connection()
    pointer = StreamPointer(*StreamPointer.key(record.connection_id), tenant_id=record.tenant_id,
                            expires_at=record.expires_at)
    with transaction() as tx:
        tx.save(record)
        tx.save(pointer)


def find_connection(connection_id: str) -> StreamConnection | None:
    """The connection by its id alone (pointer, then record), or None when it is gone."""
    connection()
    try:
        pointer = StreamPointer.get(*StreamPointer.key(connection_id), consistent_read=True)
        return StreamConnection.get(*StreamConnection.key(pointer.tenant_id, connection_id), consistent_read=True)
    except DoesNotExist:
        return None


def subscribe(record: StreamConnection, events: Iterable[str], last_event_id: str | None, live_after: str) -> None:
    """Set what the connection gets; from this write on the consumer posts events above `live_after` to it."""
    connection()
    record.update(actions=[StreamConnection.events.set(list(events)),
                           StreamConnection.last_event_id.set(last_event_id) if last_event_id
                           else StreamConnection.last_event_id.remove(),
                           StreamConnection.live_after.set(live_after)],
                  condition=StreamConnection.pk.exists())


def tenant_connections(tenant_id: str) -> list[StreamConnection]:
    """Every open connection of a tenant (one consistent Query; a few per tenant)."""
    connection()
    return list(StreamConnection.query(StreamConnection.partition(tenant_id),
                                       StreamConnection.sk.startswith(PREFIX), consistent_read=True))


def delete_connection(tenant_id: str, connection_id: str) -> None:
    """Forget a connection (and its pointer); nothing happens for one already gone."""
    connection()
    with transaction() as tx:
        tx.delete(StreamConnection(*StreamConnection.key(tenant_id, connection_id)))
        tx.delete(StreamPointer(*StreamPointer.key(connection_id)))
