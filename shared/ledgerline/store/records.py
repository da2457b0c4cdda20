"""Mechanics every tenant-owned record shares: load by key, pages of a query, versioned saves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from pynamodb.attributes import MapAttribute, UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from ledgerline.domain.errors import InvalidRequest, NotFound, PreconditionFailed
from ledgerline.store.attributes import MetadataAttribute
from ledgerline.store.item_size import check_item
from ledgerline.store.table import (
    TableModel,
    connection,
    is_condition_failure,
    key_of,
    raise_if_retryable,
    transaction,
)

R = TypeVar("R", bound="TenantRecord")


def tenant_partition(tenant_id: str) -> str:
    """The partition that holds a tenant's settings and master data; every key starts with it."""
    return f"T#{tenant_id}"


class TenantRecord(TableModel):
    """A versioned record owned by one tenant, stored under `T#<tid>` / `<PREFIX>#<id>`."""

    PREFIX = ""
    NOUN = "record"

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()
    metadata = MetadataAttribute(null=True)  # issue 20: the integrator's key-value pairs (domain/metadata.py)

    @classmethod
    def key(cls, tenant_id: str, record_id: str) -> tuple[str, str]:
        return tenant_partition(tenant_id), f"{cls.PREFIX}#{record_id}"

    def assign_keys(self) -> None:
        self.pk, self.sk = self.key(self.tenant_id, self.id)


@dataclass
class Page(Generic[R]):
    items: list[R]
    next_key: dict[str, Any] | None


def load(model: type[R], tenant_id: str, record_id: str) -> R:
    """The record, or NotFound; another tenant's id is simply absent from this partition."""
    connection()
    pk, sk = model.key(tenant_id, record_id)
    try:
        return model.get(pk, sk, consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"No such {model.NOUN}: '{record_id}'", param="id") from exc


def page_of(results: Iterable[R], limit: int, index: Any = None) -> Page[R]:
    """Take `limit` items from a query asked for `limit + 1`; the extra one tells if more exist."""
    items: list[R] = []
    for item in results:
        if len(items) == limit:
            return Page(items, key_of(items[-1], index))
        items.append(item)
    return Page(items, None)


def list_records(
    model: type[R],
    tenant_id: str,
    *,
    limit: int,
    start_key: dict[str, Any] | None,
    filter_condition: Condition | None = None,
) -> Page[R]:
    connection()
    check_start_key(start_key, "PK", tenant_partition(tenant_id))
    results = model.query(
        tenant_partition(tenant_id),
        model.sk.startswith(f"{model.PREFIX}#"),
        filter_condition=filter_condition,
        limit=limit + 1,
        last_evaluated_key=start_key,
        consistent_read=True,
    )
    return page_of(results, limit)


def check_start_key(start_key: dict[str, Any] | None, attribute: str, partition: str) -> None:
    """A cursor's key must be a key of the index that `attribute` partitions (every attribute a string) and
    lie in `partition`. Cursors are signed, so this guards against a bug, or against anyone holding the
    signing secret: a key of the wrong shape is a 400, never a database error."""
    if start_key is None:
        return
    index = attribute.removesuffix("PK")  # "" for the table, "GSI1" or "GSI2"
    expected = {"PK", "SK"} | ({f"{index}PK", f"{index}SK"} if index else set())
    well_formed = set(start_key) == expected and all(
        isinstance(value, dict) and list(value) == ["S"] and isinstance(value["S"], str) and value["S"]
        for value in start_key.values()
    )
    if not well_formed:
        raise InvalidRequest("The cursor is malformed or was not issued for this list", param="cursor",
                             code="invalid_cursor")
    if start_key[attribute]["S"] != partition:
        raise NotFound("cursor does not belong to this list", param="cursor")


def save_versioned(record: TableModel, also: Callable[[TransactWrite], None] | None = None) -> None:
    """Save a record whose version the caller loaded; a concurrent change makes it fail. `also` adds
    items to the same transaction (the change's outbox event)."""
    connection()
    check_item(record.serialize(), record.NOUN)
    try:
        if also is None:
            record.save()
        else:
            with transaction() as tx:
                tx.save(record)
                also(tx)
    except (PutError, TransactWriteError) as exc:
        raise_if_retryable(exc)
        if is_condition_failure(exc):
            raise PreconditionFailed(
                f"The {record.NOUN} was changed by another request; read it again and retry"
            ) from exc
        raise


def check_version(record: TenantRecord, expected: int | None) -> None:
    """Enforce `If-Match`: the client must hold the version that is stored now."""
    if expected is not None and expected != record.version:
        raise PreconditionFailed(
            f"If-Match version {expected} is stale; the {record.NOUN} is at version {record.version}",
            param="If-Match",
        )


def assign(record: TableModel, changes: dict[str, Any]) -> None:
    """Set fields from plain values, turning nested dicts into their map attribute types."""
    attributes = record.get_attributes()
    for name, value in changes.items():
        attribute = attributes[name]
        if isinstance(value, dict) and isinstance(attribute, MapAttribute):
            value = type(attribute)(**value)
        setattr(record, name, value)


def dated_between(sort_key: Any, from_date: date | None, to_date: date | None) -> Condition | None:
    """Sort keys that start with a date in [from_date, to_date], or None when the range is empty
    (DynamoDB refuses a BETWEEN whose bounds are reversed)."""
    if from_date and to_date and from_date > to_date:
        return None
    return sort_key.between((from_date or date.min).isoformat(), (to_date or date.max).isoformat() + "#~")
