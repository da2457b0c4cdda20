"""Records with a code unique within their tenant (items, accounts, tax codes).

DynamoDB has no unique constraint, so each code is reserved by a guard item written in the
same transaction as the record, conditional on the guard not existing yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from ledgerline.domain.errors import AlreadyExists, NotFound, PreconditionFailed
from ledgerline.store.records import TenantRecord, load, tenant_partition
from ledgerline.store.table import TableModel, connection, is_condition_failure, raise_if_retryable, transaction

C = TypeVar("C", bound="CodedRecord")


class CodeGuard(TableModel):
    """`T#<tid>` / `<PREFIX>_CODE#<code>`: holds the id of the record that owns the code."""

    target_id = UnicodeAttribute()

    @classmethod
    def for_code(cls, tenant_id: str, prefix: str, code: str, target_id: str = "") -> CodeGuard:
        return cls(tenant_partition(tenant_id), f"{prefix}_CODE#{code}", target_id=target_id)


class CodedRecord(TenantRecord):
    code = UnicodeAttribute()

    def guard(self) -> CodeGuard:
        return CodeGuard.for_code(self.tenant_id, self.PREFIX, self.code, self.id)


def add_coded(tx: TransactWrite, record: CodedRecord) -> None:
    """Add a new record and the reservation of its code to an open transaction."""
    record.assign_keys()
    tx.save(record)
    tx.save(record.guard(), condition=TableModel.pk.does_not_exist())


Also = Callable[[TransactWrite], None] | None  # more items for the same transaction (the outbox event)


def create_coded(record: CodedRecord, also: Also = None) -> None:
    def write(tx: TransactWrite) -> None:
        add_coded(tx, record)
        if also is not None:
            also(tx)

    _commit(write, record)


def update_coded(record: CodedRecord, previous_code: str, also: Also = None) -> None:
    """Save changes; when the code changed, move its reservation in the same transaction."""

    def write(tx: TransactWrite) -> None:
        tx.save(record)
        if record.code != previous_code:
            tx.delete(CodeGuard.for_code(record.tenant_id, record.PREFIX, previous_code))
            tx.save(record.guard(), condition=TableModel.pk.does_not_exist())
        if also is not None:
            also(tx)

    _commit(write, record)


def find_by_code(model: type[C], tenant_id: str, code: str) -> C:
    connection()
    guard = CodeGuard.for_code(tenant_id, model.PREFIX, code)
    try:
        guard.refresh(consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"No {model.NOUN} with code '{code}'", param="code") from exc
    return load(model, tenant_id, guard.target_id)


def _commit(write: Callable[[TransactWrite], None], record: CodedRecord) -> None:
    connection()
    try:
        with transaction() as tx:
            write(tx)
    except TransactWriteError as exc:
        raise_if_retryable(exc)
        if not is_condition_failure(exc):
            raise
        if record.version is not None and _stored_version(record) != record.version:
            raise PreconditionFailed(
                f"The {record.NOUN} was changed by another request; read it again and retry"
            ) from exc
        raise AlreadyExists(
            f"Code '{record.code}' is already used by another {record.NOUN}", param="code", code="duplicate_code"
        ) from exc


def _stored_version(record: CodedRecord) -> int | None:
    # Only read on the failure path, to tell a stale version from a taken code.
    try:
        return type(record).get(record.pk, record.sk, consistent_read=True).version
    except DoesNotExist:
        return None
