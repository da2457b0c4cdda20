"""The unit of work: what a use case reads and writes, said in domain terms, committed as ONE transaction.

Services open one per attempt (`open_unit(tenant_id)`), read through it (`tenant`, `load`, `find`,
`last_number`, `find_at`, `find_reminder`, `reminders_of_invoice`; `prefetch` reads what is known up front
in one BatchGetItem), stage their writes (`create`, `save_if_unchanged`, `check_unchanged` (a condition
only), `delete`, `take_number`, `post_entry`, `record_event`) and `commit()`: the store turns
them into exactly one TransactWriteItems with its conditions and the projections of every posted entry
(`ledger.posting_items`). A condition that does not hold, or a conflicting transaction, is `Contention`
(the use case re-reads and retries); an item too large is 422 `document_too_large`, before anything is
written. Nothing outside the store builds a key or a DynamoDB expression.

`DynamoUnitOfWork` is the real one; `store/memory.py` keeps the same semantics in memory for unit tests.
`using(factory)` makes `open_unit` hand out another kind (the unit tests' in-memory one).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any, Protocol, Self, TypeVar

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist, GetError
from pynamodb.transactions import TransactWrite

from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import JournalLine
from ledgerline.store.events import new_event, snapshot
from ledgerline.store.ledger import (
    JournalEntry,
    NumberSeries,
    Posting,
    posting_items,
    write_increments,
    write_posting,
)
from ledgerline.store.records import TenantRecord
from ledgerline.store.reminders import Reminder, ReminderPointer, reminders_of_invoice
from ledgerline.store.table import Contention, TableModel, commit, connection
from ledgerline.store.tenants import Tenant

R = TypeVar("R", bound=TenantRecord)
M = TypeVar("M", bound=TableModel)
TaxLines = dict[str, tuple[Decimal, Decimal]]  # tax code id → (taxable, tax), base currency
MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES = 2048, 1024  # DynamoDB's limits on a key's values


class UnitOfWork(Protocol):
    """The port services write through (see the module docstring)."""

    tenant_id: str

    def prefetch(self, records: Iterable[tuple[type[TenantRecord], str]] = (), *,
                 series: Iterable[tuple[str, int]] = ()) -> None: ...
    def tenant(self) -> Tenant: ...
    def load(self, model: type[R], record_id: str) -> R: ...
    def find(self, model: type[R], record_id: str) -> R | None: ...
    def last_number(self, series: str, year: int) -> int: ...
    def find_at(self, model: type[M], key: tuple[str, str]) -> M | None: ...
    def reminders_of_invoice(self, invoice_id: str) -> list[Reminder]: ...
    def find_reminder(self, reminder_id: str) -> Reminder: ...
    def check_unchanged(self, entity: TableModel) -> None: ...
    def create(self, entity: TableModel) -> None: ...
    def save_if_unchanged(self, entity: TableModel) -> None: ...
    def delete(self, entity: TableModel) -> None: ...
    def take_number(self, series: str, year: int, expected_last: int, count: int = 1) -> int: ...
    def post_entry(self, entry: JournalEntry, lines: list[JournalLine], tax_lines: TaxLines | None = None, *,
                   shard: int | None = None) -> None: ...
    def staged(self) -> int: ...
    def unstage(self, mark: int) -> None: ...
    def transaction_items(self) -> int: ...
    def record_event(self, type: EventType, record: Any, schema: Any) -> None: ...
    def commit(self) -> None: ...
    def after(self, contention: Contention) -> UnitOfWork: ...
    def freshen(self) -> None: ...


# ------------------------------------------------------------------------------- staged writes
# Each write is kept as it was said and turned into items only at commit, after every change the use
# case made to its entities (an event carries its record as it will read once committed).


class Create:
    def __init__(self, entity: TableModel) -> None:
        self.entity = entity


class Save:
    def __init__(self, entity: TableModel) -> None:
        self.entity = entity


class Delete:
    def __init__(self, entity: TableModel) -> None:
        self.entity = entity


class CheckUnchanged:
    """A condition only: the versioned entity is still at the version that was read (nothing is written)."""

    def __init__(self, entity: TableModel) -> None:
        self.entity = entity


class TakeNumber:
    """`count` consecutive numbers after `expected_last` (several documents posted in one transaction)."""

    def __init__(self, tenant_id: str, series: str, year: int, expected_last: int, count: int = 1) -> None:
        self.tenant_id, self.series, self.year, self.expected_last = tenant_id, series, year, expected_last
        self.count = count

    def item(self) -> NumberSeries:
        return NumberSeries(*NumberSeries.key(self.tenant_id, self.series, self.year),
                            last=self.expected_last + self.count)


class PostEntry:
    def __init__(self, entry: JournalEntry, lines: list[JournalLine], tax_lines: TaxLines | None,
                 shard: int | None = None) -> None:
        self.entry, self.lines, self.tax_lines, self.shard = entry, lines, tax_lines, shard

    def posting(self) -> Posting:
        return posting_items(self.entry, self.lines, self.tax_lines, shard=self.shard)


class RecordEvent:
    def __init__(self, type: EventType, record: Any, schema: Any) -> None:
        self.type, self.record, self.schema = type, record, schema

    def event(self) -> Any:
        """`sequence` is the record's version after the write, so subscribers can order one object's events."""
        record = self.record
        return new_event(tenant_id=record.tenant_id, type=self.type,
                         object_type=self.schema.model_fields["object"].default, object_id=record.id,
                         sequence=(record.version or 0) + 1, data=snapshot(self.schema, record),
                         at=record.updated_at)


def assign_keys(entity: TableModel) -> None:
    if hasattr(entity, "assign_keys"):
        entity.assign_keys()


class StagedUnitOfWork:
    """What both implementations share: the staged writes and the read cache."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.writes: list[Any] = []
        self.cache: dict[tuple[str, str], dict[str, Any] | None] = {}

    # writes
    def create(self, entity: TableModel) -> None:
        self.writes.append(Create(entity))

    def save_if_unchanged(self, entity: TableModel) -> None:
        self.writes.append(Save(entity))

    def delete(self, entity: TableModel) -> None:
        self.writes.append(Delete(entity))

    def check_unchanged(self, entity: TableModel) -> None:
        self.writes.append(CheckUnchanged(entity))

    def take_number(self, series: str, year: int, expected_last: int, count: int = 1) -> int:
        self.writes.append(TakeNumber(self.tenant_id, series, year, expected_last, count))
        return expected_last + 1

    def post_entry(self, entry: JournalEntry, lines: list[JournalLine], tax_lines: TaxLines | None = None, *,
                   shard: int | None = None) -> None:
        self.writes.append(PostEntry(entry, lines, tax_lines, shard))

    def staged(self) -> int:
        """A mark: how many writes are staged (`unstage(mark)` drops what was staged after it)."""
        return len(self.writes)

    def unstage(self, mark: int) -> None:
        del self.writes[mark:]

    def transaction_items(self) -> int:
        """How many items the staged writes make in the one transaction (DynamoDB allows 100)."""
        keys: set[tuple[str, str]] = set()
        events = 0
        for write in self.writes:
            if isinstance(write, RecordEvent):
                events += 1  # always a new item
            elif isinstance(write, TakeNumber):
                keys.add(NumberSeries.key(write.tenant_id, write.series, write.year))
            elif isinstance(write, PostEntry):
                posting = write.posting()
                keys |= {(item.pk, item.sk) for item in (posting.entry, *posting.puts)}
                keys |= {(increment.pk, increment.sk) for increment in posting.increments}
            else:
                assign_keys(write.entity)
                keys.add((write.entity.pk, write.entity.sk))
        return len(keys) + events

    def record_event(self, type: EventType, record: Any, schema: Any) -> None:
        self.writes.append(RecordEvent(type, record, schema))

    # reads
    def _raw(self, pk: str, sk: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def _fetch(self, keys: list[tuple[str, str]]) -> None:
        for pk, sk in keys:
            self.cache[(pk, sk)] = self._raw(pk, sk)

    def _fetch_possible(self, keys: list[tuple[str, str]]) -> None:
        """Fetch the keys an item can have; one longer than DynamoDB allows (an id no record has, from the
        request) is simply missing, never a database error."""
        possible = []
        for pk, sk in keys:
            if len(pk.encode()) > MAX_PARTITION_KEY_BYTES or len(sk.encode()) > MAX_SORT_KEY_BYTES:
                self.cache[(pk, sk)] = None
            else:
                possible.append((pk, sk))
        if possible:
            self._fetch(possible)

    def _get(self, model: type[Any], pk: str, sk: str) -> Any | None:
        if (pk, sk) not in self.cache:
            self._fetch_possible([(pk, sk)])
        data = self.cache[(pk, sk)]
        return None if data is None else model.from_raw_data(data)

    def prefetch(self, records: Iterable[tuple[type[TenantRecord], str]] = (), *,
                 series: Iterable[tuple[str, int]] = ()) -> None:
        """Read the tenant, these records and number series together (one BatchGetItem in DynamoDB); later
        reads of them come from here. What is missing is remembered as missing."""
        keys = [Tenant.key(self.tenant_id)]
        keys += [model.key(self.tenant_id, record_id) for model, record_id in records if record_id]
        keys += [NumberSeries.key(self.tenant_id, name, year) for name, year in series]
        wanted = list(dict.fromkeys(key for key in keys if key not in self.cache))
        if wanted:
            self._fetch_possible(wanted)

    def tenant(self) -> Tenant:
        tenant = self._get(Tenant, *Tenant.key(self.tenant_id))
        if tenant is None:
            raise NotFound(f"No such tenant: '{self.tenant_id}'", param="tenant_id")
        return tenant

    def find(self, model: type[R], record_id: str) -> R | None:
        return self._get(model, *model.key(self.tenant_id, record_id))

    def load(self, model: type[R], record_id: str) -> R:
        record = self.find(model, record_id)
        if record is None:
            raise NotFound(f"No such {model.NOUN}: '{record_id}'", param="id")
        return record

    def last_number(self, series: str, year: int) -> int:
        found = self._get(NumberSeries, *NumberSeries.key(self.tenant_id, series, year))
        return 0 if found is None else int(found.last)

    def find_at(self, model: type[M], key: tuple[str, str]) -> M | None:
        """The item at a key the store's model names (a singleton, a code guard), or None."""
        return self._get(model, *key)

    def find_reminder(self, reminder_id: str) -> Reminder:
        """The reminder with this id, through its pointer; NotFound when withdrawn or unknown."""
        missing = NotFound(f"No such reminder: '{reminder_id}'", param="id")
        pointer = self._get(ReminderPointer, *ReminderPointer.key(self.tenant_id, reminder_id))
        if pointer is None:
            raise missing
        reminder = self._get(Reminder, *Reminder.slot(self.tenant_id, pointer.invoice_id, int(pointer.level)))
        if reminder is None or reminder.id != reminder_id or reminder.withdrawn:
            raise missing
        return reminder

    def reminders_of_invoice(self, invoice_id: str) -> list[Reminder]:
        """Every reminder of an invoice by level, withdrawn ones included (they hold their level)."""
        raise NotImplementedError

    def freshen(self) -> None:
        """Take what this process has seen committed since the unit read it (the real unit's number series)."""

    def after(self, contention: Contention) -> Self:
        """A unit for the next attempt after `contention`: what it read stays read, except the items that
        made the commit fail, which are re-read, or taken as DynamoDB returned them (a number series)."""
        fresh = copy.copy(self)
        fresh.writes = []
        fresh.cache = {key: data for key, data in self.cache.items() if key not in contention.stale}
        fresh.cache.update({key: data for key, data in contention.stale.items() if data is not None})
        return fresh


class DynamoUnitOfWork(StagedUnitOfWork):
    """The unit of work on the table: consistent reads, one TransactWriteItems at commit."""

    BATCH = 100  # BatchGetItem's limit of keys per request

    def _raw(self, pk: str, sk: str) -> dict[str, Any] | None:
        table = connection()
        try:
            return table.get_item(pk, sk, consistent_read=True).get("Item")
        except DoesNotExist:  # pragma: no cover - get_item returns no Item instead
            return None

    def _fetch(self, keys: list[tuple[str, str]]) -> None:
        if len(keys) == 1:
            super()._fetch(keys)
            return
        table = connection()
        for start in range(0, len(keys), self.BATCH):
            pending = [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in keys[start:start + self.BATCH]]
            for pk, sk in keys[start:start + self.BATCH]:
                self.cache[(pk, sk)] = None
            while pending:
                try:
                    answer = table.connection.dispatch("BatchGetItem", {
                        "RequestItems": {table.table_name: {"Keys": pending, "ConsistentRead": True}}})
                except (BotoCoreError, ClientError) as exc:  # as PynamoDB's own reads raise it (throttling → 503)
                    raise GetError(f"Failed to batch get items: {exc}", exc) from exc
                for item in answer.get("Responses", {}).get(table.table_name, []):
                    self.cache[(item["PK"]["S"], item["SK"]["S"])] = item
                pending = answer.get("UnprocessedKeys", {}).get(table.table_name, {}).get("Keys", [])

    def reminders_of_invoice(self, invoice_id: str) -> list[Reminder]:
        return reminders_of_invoice(self.tenant_id, invoice_id)

    def apply(self, tx: TransactWrite) -> None:
        """Add every staged write to a transaction (a caller that adds its own items to the same one)."""
        for write in self.writes:
            self._apply_one(tx, write)
        # the postings' bucket ADDs, merged: postings committed together may add to the same bucket
        write_increments(tx, (increment for write in self.writes if isinstance(write, PostEntry)
                              for increment in write.posting().increments))

    @staticmethod
    def _apply_one(tx: TransactWrite, write: Any) -> None:
        if isinstance(write, Create):
            assign_keys(write.entity)
            condition = None if _versioned(write.entity) else TableModel.pk.does_not_exist()
            tx.save(write.entity, condition=condition)  # a versioned record: version does not exist yet
        elif isinstance(write, Save):
            assign_keys(write.entity)
            tx.save(write.entity)  # conditional on the version that was read
        elif isinstance(write, Delete):
            tx.delete(write.entity)  # conditional on the version that was read
        elif isinstance(write, CheckUnchanged):
            model = type(write.entity)
            tx.condition_check(model, write.entity.pk, write.entity.sk,
                               condition=model.version == write.entity.version)
        elif isinstance(write, TakeNumber):
            condition = (NumberSeries.last == write.expected_last if write.expected_last
                         else NumberSeries.pk.does_not_exist())
            tx.save(write.item(), condition=condition, return_values="ALL_OLD")  # a loser learns the new last
        elif isinstance(write, PostEntry):
            write_posting(tx, write.posting(), increments=False)  # its ADDs: `apply`, merged
        elif isinstance(write, RecordEvent):
            tx.save(write.event(), condition=TableModel.pk.does_not_exist())

    def commit(self) -> None:
        if self.writes:
            commit(self.apply)
            _numbers_seen.learn(write.item().serialize() for write in self.writes if isinstance(write, TakeNumber))
        self.writes = []

    def after(self, contention: Contention) -> Self:
        # DynamoDB's answer is the series as it stands (or that it does not exist): believed over any guess
        _numbers_seen.forget(contention.stale)
        _numbers_seen.learn((data for data in contention.stale.values() if data is not None and "last" in data),
                            replace=True)
        return super().after(contention)

    def freshen(self) -> None:
        """Take the number series this process has seen move since they were read (see `NumbersSeen`)."""
        self.cache.update(_numbers_seen.newer(self.cache))


class NumbersSeen:
    """The latest value of each number series this process committed or was told of by DynamoDB (a lost
    race returns the series as it stands). A series only grows, so a later value than the one a unit read
    is the better guess for its next number; a wrong guess only fails its condition and is retried."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[tuple[str, str], dict[str, Any]] = {}

    def learn(self, items: Iterable[dict[str, Any]], *, replace: bool = False) -> None:
        with self.lock:
            for data in items:
                key = (data["PK"]["S"], data["SK"]["S"])
                known = self.items.get(key)
                if replace or known is None or int(known["last"]["N"]) < int(data["last"]["N"]):
                    self.items[key] = data

    def forget(self, keys: Iterable[tuple[str, str]]) -> None:
        with self.lock:
            for key in keys:
                self.items.pop(key, None)

    def newer(self, cache: dict[tuple[str, str], dict[str, Any] | None]) -> dict[tuple[str, str], dict[str, Any]]:
        with self.lock:
            return {key: data for key, data in self.items.items() if key in cache
                    and (cache[key] is None or int(cache[key]["last"]["N"]) < int(data["last"]["N"]))}


_numbers_seen = NumbersSeen()


def _versioned(entity: TableModel) -> bool:
    return entity._version_attribute_name is not None


# ------------------------------------------------------------------------------------ factory

_factory: ContextVar[Callable[[str], UnitOfWork] | None] = ContextVar("unit_of_work_factory", default=None)


def open_unit(tenant_id: str) -> UnitOfWork:
    """A new unit of work for one attempt of a use case."""
    factory = _factory.get()
    return DynamoUnitOfWork(tenant_id) if factory is None else factory(tenant_id)


@contextmanager
def using(factory: Callable[[str], UnitOfWork]) -> Iterator[None]:
    """Make `open_unit` hand out units from `factory` (the unit tests' in-memory store)."""
    token = _factory.set(factory)
    try:
        yield
    finally:
        _factory.reset(token)
