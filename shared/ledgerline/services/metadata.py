"""Metadata (issue 20) in the use cases: one way to set it when an object is made, one to merge a PATCH's, and
one use case that changes nothing else, on any object and in any status (metadata is not accounting data).

The rules (limits, merging, what "only metadata" means) are pure in domain/metadata.py; this module applies them
to records and, for a metadata-only change, commits the record and its `<kind>.updated` event in one
transaction, conditioned on the version read (a concurrent change is a 412, as every PATCH).
"""

from __future__ import annotations

from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain import metadata as rules
from ledgerline.domain.errors import PreconditionFailed
from ledgerline.domain.events import EventType
from ledgerline.store.records import TenantRecord, check_version
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def on_create(record: TenantRecord, fields: dict[str, Any]) -> None:
    """A new object's metadata: what the create request gave (limits checked), else none."""
    record.metadata = rules.merged(None, fields.get(rules.FIELD))


def take(record: TenantRecord, changes: dict[str, Any]) -> dict[str, Any]:
    """Merge a PATCH's `metadata` into the record; the rest of `changes`, the kind's own, is returned."""
    if rules.FIELD in changes:
        record.metadata = rules.merged(record.metadata, changes[rules.FIELD])
    return {name: value for name, value in changes.items() if name != rules.FIELD}


def only(changes: dict[str, Any]) -> bool:
    """Whether a PATCH changes metadata and nothing else (allowed whatever the object's status)."""
    return rules.only_metadata(changes)


def change(uow: UnitOfWork, record: TenantRecord, changes: dict[str, Any], event: EventType,
           schema: Any) -> TenantRecord:
    """Commit a metadata-only change of a loaded record with its `updated` event; 412 if it changed meanwhile."""
    take(record, changes)
    record.updated_at = utc_now()
    uow.save_if_unchanged(record)
    uow.record_event(event, record, schema)
    try:
        uow.commit()
    except Contention as exc:
        raise PreconditionFailed(
            f"The {record.NOUN} was changed by another request; read it again and retry") from exc
    return record


def update(tenant_id: str, model: type[TenantRecord], record_id: str, changes: dict[str, Any],
           expected_version: int | None, event: EventType, schema: Any) -> TenantRecord:
    """`PATCH` of an object whose other fields never change once made (a receipt, a credit note…): metadata."""
    uow = open_unit(tenant_id)
    record = uow.load(model, record_id)
    check_version(record, expected_version)
    return change(uow, record, changes, event, schema)
