"""The unit of work: what a use case reads and writes, said in domain terms, committed as ONE transaction.

Services open one per attempt (`open_unit(tenant_id)`), read through it (`tenant`, `load`, `find`,
`last_number`, `find_at`, `find_reminder`, `reminders_of_invoice`, `balances_as_of`, `first_entry_date`;
`prefetch` reads what is known up front in one BatchGetItem), stage their writes (`create`,
`save_if_unchanged`, `check_unchanged` (a condition only), `delete`, `take_number`, `post_entry`,
`record_event`, `record_event_data`, `create_tenant`) and `commit()`: the store turns
them into exactly one TransactWriteItems with its conditions and the projections of every posted entry
(`ledger.posting_items`). A condition that does not hold, or a conflicting transaction, is `Contention`
(the use case re-reads and retries); an item too large is 422 `document_too_large`, before anything is
written. Nothing outside the store builds a key or a DynamoDB expression.

An Idempotency-Key rides along (`store/idempotency.py`): a unit opened while `once` claims a key for its
tenant reads the key's record with its first read (an existing record is `Replay`, before anything runs)
and its commit puts the completed record, conditional on no record, in the same transaction; the response
it stores is the record named by `respond(schema, record)`, or the only event's record, as it will read
once committed (`snapshot`). Losing that condition to a concurrent duplicate is `Replay` of the winner.

`DynamoUnitOfWork` is the real one; `store/memory.py` keeps the same semantics in memory for unit tests.
`using(factory)` makes `open_unit` hand out another kind (the unit tests' in-memory one).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, Self, TypeVar

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist, GetError, TransactWriteError
from pynamodb.transactions import TransactWrite

from ledgerline.clock import current_clock
from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import JournalLine
from ledgerline.store import exchange_rates, ledger
from ledgerline.store.accounts import Account
from ledgerline.store.api_keys import ApiKey, find_by_id, list_api_keys
from ledgerline.store.codes import CodedRecord, CodeGuard
from ledgerline.store.events import new_event, snapshot
from ledgerline.store.exchange_rates import ExchangeRate
from ledgerline.store.idempotency import IdempotencyRecord, Replay, current_claim, find_record, not_taken
from ledgerline.store.ledger import (
    Balance,
    JournalEntry,
    NumberSeries,
    Posting,
    TaxTotal,
    posting_items,
    write_increments,
    write_posting,
)
from ledgerline.store.records import TenantRecord
from ledgerline.store.reminders import Reminder, ReminderPointer, reminders_of_invoice
from ledgerline.store.table import Contention, TableModel, cancellation_codes, commit, connection
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenant_setup import new_tenant_items
from ledgerline.store.tenants import Tenant

R = TypeVar("R", bound=TenantRecord)
C = TypeVar("C", bound=CodedRecord)
M = TypeVar("M", bound=TableModel)
TaxLines = dict[str, tuple[Decimal, Decimal]]  # posting.tax_key(code, direction) → (taxable, tax), base currency
Totals = dict[str, tuple[Decimal, Decimal]]  # account id → (debit, credit), base currency
MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES = 2048, 1024  # DynamoDB's limits on a key's values


class UnitOfWork(Protocol):
    """The port services write through (see the module docstring)."""

    tenant_id: str

    def prefetch(self, records: Iterable[tuple[type[TenantRecord], str]] = (), *,
                 series: Iterable[tuple[str, int]] = (), at: Iterable[tuple[str, str]] = ()) -> None: ...
    def tenant(self) -> Tenant: ...
    def load(self, model: type[R], record_id: str) -> R: ...
    def find(self, model: type[R], record_id: str) -> R | None: ...
    def last_number(self, series: str, year: int) -> int: ...
    def find_at(self, model: type[M], key: tuple[str, str]) -> M | None: ...
    def reminders_of_invoice(self, invoice_id: str) -> list[Reminder]: ...
    def open_invoices(self, currency: str, limit: int | None = None) -> list[Any]: ...
    def open_bills(self, currency: str) -> list[Any]: ...
    def bank_rules(self) -> list[Any]: ...
    def tenant_records(self, model: type[R]) -> list[R]: ...
    def pending_transfers(self, bank_account_id: str) -> list[Any]: ...
    def find_reminder(self, reminder_id: str) -> Reminder: ...
    def balances_as_of(self, day: date) -> Totals: ...
    def foreign_balances_as_of(self, day: date) -> dict[str, tuple[str, Decimal, Decimal]]: ...
    def first_entry_date(self, from_date: date | None, to_date: date | None) -> date | None: ...
    def rate_on(self, currency: str, day: date) -> ExchangeRate | None: ...
    def tax_totals_as_of(self, day: date) -> TaxLines: ...
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
    def record_event_data(self, type: EventType, *, object_type: str, object_id: str, data: dict[str, Any],
                          at: datetime, sequence: int = 1) -> None: ...
    def create_tenant(self, tenant: Tenant, accounts: list[Account], tax_codes: list[TaxCode],
                      admin_key: ApiKey) -> None: ...
    def respond(self, schema: Any, record: Any) -> None: ...
    def respond_data(self, data: dict[str, Any]) -> None: ...
    def a_step(self) -> None: ...
    def commit(self) -> None: ...
    def after(self, contention: Contention) -> UnitOfWork: ...
    def freshen(self) -> None: ...

    # the fair queue of a number series (issue 13): a lost race for a number waits for its turn
    def contended_series(self, contention: Contention) -> tuple[str, str] | None: ...
    def hold(self, series: tuple[str, str], ticket: int | None) -> None: ...
    def take_ticket(self, series: tuple[str, str]) -> int: ...
    def look(self, series: tuple[str, str]) -> tuple[int, int, float | None]: ...
    def serve(self, series: tuple[str, str], served: int, ticket: int, now: float) -> bool: ...

    # master data and API keys (issue 12, part B): unique codes, keys found by id, revocation
    def find_by_code(self, model: type[C], code: str) -> C | None: ...
    def claim_code(self, record: CodedRecord) -> None: ...
    def release_code(self, record: CodedRecord, code: str) -> None: ...
    def find_api_key(self, key_id: str) -> ApiKey | None: ...
    def api_keys(self) -> list[ApiKey]: ...
    def revoke_api_key(self, key: ApiKey, at: datetime) -> None: ...


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

    def __init__(self, tenant_id: str, series: str, year: int, expected_last: int, count: int = 1,
                 ticket: int | None = None) -> None:
        self.tenant_id, self.series, self.year, self.expected_last = tenant_id, series, year, expected_last
        self.count = count
        self.ticket = ticket  # the series' queue ticket this commit is the turn of (None: the fast path)

    def key(self) -> tuple[str, str]:
        return NumberSeries.key(self.tenant_id, self.series, self.year)

    def item(self) -> NumberSeries:
        return NumberSeries(*NumberSeries.key(self.tenant_id, self.series, self.year),
                            last=self.expected_last + self.count)


class PostEntry:
    def __init__(self, entry: JournalEntry, lines: list[JournalLine], tax_lines: TaxLines | None,
                 shard: int | None = None, account_currencies: dict[str, str] | None = None) -> None:
        self.entry, self.lines, self.tax_lines, self.shard = entry, lines, tax_lines, shard
        self.account_currencies = account_currencies or {}

    def posting(self) -> Posting:
        return posting_items(self.entry, self.lines, self.tax_lines, shard=self.shard,
                             account_currencies=self.account_currencies)


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


class RecordEventData(RecordEvent):
    """An event whose data is given: what happened is no record with a schema (a fiscal year closed)."""

    def __init__(self, tenant_id: str, type: EventType, object_type: str, object_id: str, data: dict[str, Any],
                 sequence: int, at: datetime) -> None:
        super().__init__(type, None, None)
        self.tenant_id, self.object_type, self.object_id = tenant_id, object_type, object_id
        self.data, self.sequence, self.at = data, sequence, at

    def event(self) -> Any:
        return new_event(tenant_id=self.tenant_id, type=self.type, object_type=self.object_type,
                         object_id=self.object_id, sequence=self.sequence, data=self.data, at=self.at)


class CreateTenant:
    """A new tenant and everything it starts with (`tenant_setup.new_tenant_items`, keys assigned): each
    item on condition that it does not exist yet."""

    def __init__(self, items: list[TableModel]) -> None:
        self.items = items


class RevokeKey:
    """Set an API key's `revoked_at`, on condition that the key exists and is not revoked yet."""

    def __init__(self, key: ApiKey, at: datetime) -> None:
        self.key, self.at = key, at


def assign_keys(entity: TableModel) -> None:
    if hasattr(entity, "assign_keys"):
        entity.assign_keys()


class StagedUnitOfWork:
    """What both implementations share: the staged writes and the read cache."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.writes: list[Any] = []
        self.cache: dict[tuple[str, str], dict[str, Any] | None] = {}
        self.claim = current_claim(tenant_id)  # the Idempotency-Key the use case answers, if any
        self.response: tuple[Any, Any] | None = None
        self.response_data: dict[str, Any] | None = None
        self.answers = True  # False: a step of the use case, whose answer a later unit commits

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
        ticket = getattr(self, "tickets", {}).get(NumberSeries.key(self.tenant_id, series, year))
        self.writes.append(TakeNumber(self.tenant_id, series, year, expected_last, count, ticket))
        return expected_last + 1

    def post_entry(self, entry: JournalEntry, lines: list[JournalLine], tax_lines: TaxLines | None = None, *,
                   shard: int | None = None) -> None:
        self.writes.append(PostEntry(entry, lines, tax_lines, shard, self._account_currencies(entry, lines)))

    def _account_currencies(self, entry: JournalEntry, lines: list[JournalLine]) -> dict[str, str]:
        """The accounts of the entry's foreign-currency lines that are kept in a foreign currency (issue 16:
        a foreign bank account's ledger account), from this unit's staged accounts or one read of the rest.
        An entry in the base currency reads nothing."""
        wanted = sorted({line.account_id for line in lines if line.currency != entry.base_currency})
        if not wanted:
            return {}
        staged = {write.entity.id: write.entity for write in self.writes
                  if isinstance(write, Create | Save) and isinstance(write.entity, Account)}
        self.prefetch([(Account, account_id) for account_id in wanted if account_id not in staged])
        found: dict[str, str] = {}
        for account_id in wanted:
            account = staged.get(account_id) or self.find(Account, account_id)
            if account is not None and account.currency:
                found[account_id] = account.currency
        return found

    def staged(self) -> int:
        """A mark: how many writes are staged (`unstage(mark)` drops what was staged after it)."""
        return len(self.writes)

    def unstage(self, mark: int) -> None:
        del self.writes[mark:]

    def staged_record(self, model: type[Any], entity_id: str) -> Any | None:
        """The record of `model` with `entity_id` this unit already creates or saves (issue 19: a stock level two
        steps of one use case change), to change it further without a second write of the same item, which
        DynamoDB refuses in one transaction."""
        for write in self.writes:
            if isinstance(write, Create | Save) and isinstance(write.entity, model) and write.entity.id == entity_id:
                return write.entity
        return None

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

    def record_event_data(self, type: EventType, *, object_type: str, object_id: str, data: dict[str, Any],
                          at: datetime, sequence: int = 1) -> None:
        self.writes.append(RecordEventData(self.tenant_id, type, object_type, object_id, data, sequence, at))

    def create_tenant(self, tenant: Tenant, accounts: list[Account], tax_codes: list[TaxCode],
                      admin_key: ApiKey) -> None:
        """Stage a new tenant with its chart, tax codes (and their code guards), admin key and directory
        listing: a tenant never exists without them."""
        self.writes.append(CreateTenant(new_tenant_items(tenant, accounts, tax_codes, admin_key)))

    def respond(self, schema: Any, record: Any) -> None:
        """Name what the use case answers (`schema` of `record`), for its Idempotency-Key's record; without
        it, the record of the one event staged (none when several are)."""
        self.response = (schema, record)

    def respond_data(self, data: dict[str, Any]) -> None:
        """Name what the use case answers when it is no record of a schema (JSON-ready, e.g. a year close)."""
        self.response_data = data

    def a_step(self) -> None:
        """This commit is a step of a use case that commits its answer in a later unit (the earlier entries
        of a year close): the Idempotency-Key's record goes with that later commit, not with this one."""
        self.answers = False

    def claim_record(self) -> IdempotencyRecord | None:
        """The completed idempotency record this commit puts, if a key is claimed and the response is known.
        Built after every write is staged: the response as the records will read once committed."""
        claim = self.claim
        if claim is None or claim.stored is not None or not self.answers:
            return None
        if self.response_data is not None:
            return claim.record(self.response_data)
        if self.response is not None:
            schema, record = self.response
        else:
            # an event of a record and its schema; one whose data was given names no response (`once` puts
            # the record after the commit then)
            events = [write for write in self.writes if type(write) is RecordEvent]
            if len(events) != 1:
                return None  # `once` puts the record after the commit
            schema, record = events[0].schema, events[0].record
        return claim.record(snapshot(schema, record))

    def claim_committed(self, record: IdempotencyRecord | None) -> None:
        if record is not None and self.claim is not None:
            self.claim.stored = record.stored()

    # reads
    def _raw(self, pk: str, sk: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def _fetch(self, keys: list[tuple[str, str]]) -> None:
        for pk, sk in keys:
            self.cache[(pk, sk)] = self._raw(pk, sk)

    def _fetch_possible(self, keys: list[tuple[str, str]]) -> None:
        """Fetch the keys an item can have; one longer than DynamoDB allows (an id no record has, from the
        request) is simply missing, never a database error. The first fetch also reads the claimed
        Idempotency-Key's record: one that exists is replayed instead (`Replay`)."""
        claim = self.claim if self.claim is not None and self.claim.stored is None else None
        claimed = claim.item_key() if claim is not None else None
        if claimed is not None and claimed not in self.cache:
            keys = [*keys, claimed]
        possible = []
        for pk, sk in keys:
            if len(pk.encode()) > MAX_PARTITION_KEY_BYTES or len(sk.encode()) > MAX_SORT_KEY_BYTES:
                self.cache[(pk, sk)] = None
            else:
                possible.append((pk, sk))
        if possible:
            self._fetch(possible)
        if claim is not None and claimed is not None:
            found = claim.found(self.cache.get(claimed))
            if found is not None:
                raise Replay(found)

    def _get(self, model: type[Any], pk: str, sk: str) -> Any | None:
        if (pk, sk) not in self.cache:
            self._fetch_possible([(pk, sk)])
        data = self.cache[(pk, sk)]
        return None if data is None else model.from_raw_data(data)

    def prefetch(self, records: Iterable[tuple[type[TenantRecord], str]] = (), *,
                 series: Iterable[tuple[str, int]] = (), at: Iterable[tuple[str, str]] = ()) -> None:
        """Read the tenant, these records, number series and items at keys the store's models name (`at`, as
        for `find_at`) together (one BatchGetItem in DynamoDB); later reads of them come from here. What is
        missing is remembered as missing."""
        keys = [Tenant.key(self.tenant_id)]
        keys += [model.key(self.tenant_id, record_id) for model, record_id in records if record_id]
        keys += [NumberSeries.key(self.tenant_id, name, year) for name, year in series]
        keys += list(at)
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
        return 0 if found is None or found.last is None else int(found.last)

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

    def balances_as_of(self, day: date) -> Totals:
        """Every account's debit and credit totals at the end of `day`, from the balance buckets (an account
        never posted to is absent)."""
        totals: Totals = {}
        for bucket in self._balance_buckets(day):
            debit, credit = totals.get(bucket.account_id, (Decimal(0), Decimal(0)))
            totals[bucket.account_id] = (debit + (bucket.debit or 0), credit + (bucket.credit or 0))
        return totals

    def _balance_buckets(self, day: date) -> Iterable[Balance]:
        raise NotImplementedError

    def foreign_balances_as_of(self, day: date) -> dict[str, tuple[str, Decimal, Decimal]]:
        """Every account kept in a foreign currency: its currency, balance in it and base balance (debit minus
        credit) at the end of `day`, from the same balance buckets (issue 16; never from the postings)."""
        totals: dict[str, tuple[str, Decimal, Decimal]] = {}
        held: set[str] = set()
        buckets = list(self._balance_buckets(day))
        for bucket in buckets:
            if bucket.currency:
                held.add(bucket.account_id)
        for bucket in buckets:
            if bucket.account_id not in held:
                continue
            currency, foreign, base = totals.get(bucket.account_id, ("", Decimal(0), Decimal(0)))
            totals[bucket.account_id] = (bucket.currency or currency, foreign + (bucket.foreign or 0),
                                         base + (bucket.debit or 0) - (bucket.credit or 0))
        return totals

    def tax_totals_as_of(self, day: date) -> TaxLines:
        """Every tax code's taxable amount and tax per direction at the end of `day`, from the tax buckets,
        keyed like posting's tax lines (`posting.tax_key(code, direction)`)."""
        totals: TaxLines = {}
        for bucket in self._tax_buckets(day):
            key = bucket.tax_key
            taxable, tax = totals.get(key, (Decimal(0), Decimal(0)))
            totals[key] = (taxable + (bucket.taxable or 0), tax + (bucket.tax or 0))
        return totals

    def _tax_buckets(self, day: date) -> Iterable[TaxTotal]:
        raise NotImplementedError

    def first_entry_date(self, from_date: date | None, to_date: date | None) -> date | None:
        """The date of the earliest journal entry dated in [from_date, to_date] (either open), or None."""
        raise NotImplementedError

    def rate_on(self, currency: str, day: date) -> ExchangeRate | None:
        """The tenant's latest exchange rate of `currency` on or before `day` (issue 16), or None."""
        raise NotImplementedError

    # master data and API keys (issue 12, part B)
    def find_by_code(self, model: type[C], code: str) -> C | None:
        """The record that holds this code (through its code guard), or None."""
        guard = CodeGuard.for_code(self.tenant_id, model.PREFIX, code)
        found = self._get(CodeGuard, guard.pk, guard.sk)
        return None if found is None else self.find(model, found.target_id)

    def claim_code(self, record: CodedRecord) -> None:
        """Reserve the record's code: its guard item, on condition that no record holds the code yet."""
        self.create(record.guard())

    def release_code(self, record: CodedRecord, code: str) -> None:
        """Free a code the record held (a code change moves the guard in the same transaction)."""
        self.delete(CodeGuard.for_code(self.tenant_id, record.PREFIX, code))

    def find_api_key(self, key_id: str) -> ApiKey | None:
        raise NotImplementedError

    def api_keys(self) -> list[ApiKey]:
        """Every API key of the tenant, revoked ones included, by id."""
        raise NotImplementedError

    def revoke_api_key(self, key: ApiKey, at: datetime) -> None:
        self.writes.append(RevokeKey(key, at))

    def freshen(self) -> None:
        """Take what this process has seen committed since the unit read it (the real unit's number series)."""

    # the fair queue of a number series (issue 13, domain/series_queue.py); the in-memory unit has none
    QUEUED = False  # True: a lost race for a series can queue (`contended_series`)
    tickets: dict[tuple[str, str], int]

    def contended_series(self, contention: Contention) -> tuple[str, str] | None:
        """The number series this unit's commit lost the race for (a key to hand back), if it queues."""
        if not self.QUEUED:
            return None
        taken = {write.key() for write in self.writes if isinstance(write, TakeNumber)}
        return next((key for key in contention.stale if key in taken), None)

    def hold(self, series: tuple[str, str], ticket: int | None) -> None:
        """Commit this series only in `ticket`'s turn, serving it (None: the fast path again)."""
        self.tickets = {**getattr(self, "tickets", {}), series: ticket} if ticket is not None else \
            {key: held for key, held in getattr(self, "tickets", {}).items() if key != series}

    def take_ticket(self, series: tuple[str, str]) -> int:
        raise NotImplementedError

    def look(self, series: tuple[str, str]) -> tuple[int, int, float | None]:
        raise NotImplementedError

    def serve(self, series: tuple[str, str], served: int, ticket: int, now: float) -> bool:
        raise NotImplementedError

    def after(self, contention: Contention) -> Self:
        """A unit for the next attempt after `contention`: what it read stays read, except the items that
        made the commit fail, which are re-read, or taken as DynamoDB returned them (a number series)."""
        fresh = copy.copy(self)
        fresh.writes = []
        fresh.response, fresh.response_data = None, None  # the next attempt names its own answer
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

    def open_invoices(self, currency: str, limit: int | None = None) -> list[Any]:
        """Open invoices in `currency`, oldest due first, from the open-invoice index (bank reconciliation's
        suggestions; eventually consistent: whatever pays one re-reads it). `limit`: open invoices read at
        most (of any currency), else `banking.OPEN_INVOICES_READ`."""
        from ledgerline.store.banking import OPEN_INVOICES_READ, open_invoices

        return open_invoices(self.tenant_id, currency=currency, limit=limit or OPEN_INVOICES_READ)

    def open_bills(self, currency: str) -> list[Any]:
        """Open bills in `currency`, oldest due first, from the open-bills index (suggestions for money out;
        eventually consistent: whatever pays one re-reads it)."""
        from ledgerline.store.bills import open_bills

        return open_bills(self.tenant_id, currency=currency)

    def tenant_records(self, model: type[R]) -> list[R]:
        """Every record of a master-data kind of the tenant (`T#<tid>` / `<PREFIX>#…`), archived included, in
        pages of 100 (issue 17: matching an imported e-invoice's seller and tax categories)."""
        from ledgerline.store.records import list_records

        found: list[R] = []
        start = None
        while True:
            page = list_records(model, self.tenant_id, limit=100, start_key=start)
            found += page.items
            start = page.next_key
            if not start:
                return found

    def bank_rules(self) -> list[Any]:
        """Every bank rule of the tenant (a statement import applies them)."""
        from ledgerline.store.banking import all_bank_rules

        return all_bank_rules(self.tenant_id)

    def pending_transfers(self, bank_account_id: str) -> list[Any]:
        """Transfers booked to this bank account that its statements have not shown yet."""
        from ledgerline.store.banking import pending_transfers

        return pending_transfers(self.tenant_id, bank_account_id)

    def _balance_buckets(self, day: date) -> Iterable[Balance]:
        return ledger.balances_as_of(self.tenant_id, day)  # three queries

    def _tax_buckets(self, day: date) -> Iterable[TaxTotal]:
        return ledger.tax_totals_as_of(self.tenant_id, day)  # three queries

    def first_entry_date(self, from_date: date | None, to_date: date | None) -> date | None:
        return ledger.first_entry_date(self.tenant_id, from_date, to_date)  # one query

    def rate_on(self, currency: str, day: date) -> ExchangeRate | None:
        return exchange_rates.rate_on(self.tenant_id, currency, day)  # one query, limit 1

    def find_api_key(self, key_id: str) -> ApiKey | None:
        """By id through the tenant's key index (GSI1, eventually consistent: `find_at` the key's own
        key reads it consistently)."""
        try:
            return find_by_id(self.tenant_id, key_id)
        except NotFound:
            return None

    def api_keys(self) -> list[ApiKey]:
        keys: list[ApiKey] = []
        start_key = None
        while True:
            page = list_api_keys(self.tenant_id, limit=100, start_key=start_key)
            keys += page.items
            if page.next_key is None:
                return keys
            start_key = page.next_key

    def apply(self, tx: TransactWrite) -> IdempotencyRecord | None:
        """Add every staged write to a transaction (a caller that adds its own items to the same one), and
        the claimed key's record last (its old image comes back if its condition fails)."""
        for write in self.writes:
            self._apply_one(tx, write)
        # the postings' bucket ADDs, merged: postings committed together may add to the same bucket
        write_increments(tx, (increment for write in self.writes if isinstance(write, PostEntry)
                              for increment in write.posting().increments))
        record = self.claim_record()
        if record is not None and self.claim is not None:
            tx.save(record, condition=not_taken(self.claim.at), return_values="ALL_OLD")
        return record

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
        elif isinstance(write, TakeNumber):  # a loser learns the series as it stands (ALL_OLD)
            ledger.take_numbers(tx, write.key(), write.expected_last, write.count, ticket=write.ticket,
                                now=None if write.ticket is None else current_clock().now().timestamp())
        elif isinstance(write, PostEntry):
            write_posting(tx, write.posting(), increments=False)  # its ADDs: `apply`, merged
        elif isinstance(write, RecordEvent):
            tx.save(write.event(), condition=TableModel.pk.does_not_exist())
        elif isinstance(write, CreateTenant):
            for item in write.items:
                tx.save(item, condition=None if _versioned(item) else TableModel.pk.does_not_exist())
        elif isinstance(write, RevokeKey):
            tx.update(write.key, actions=[ApiKey.revoked_at.set(write.at)],
                      condition=ApiKey.pk.exists() & ApiKey.revoked_at.does_not_exist())

    def commit(self) -> None:
        if self.writes:
            self._behind_a_queue()
            try:
                self.claim_committed(commit(self.apply))
            except Contention as exc:
                self._replay_if_key_taken(exc)
                raise
            _numbers_seen.learn(write.item().serialize() for write in self.writes if isinstance(write, TakeNumber))
        self.writes = []

    def _behind_a_queue(self) -> None:
        """A number taken on the fast path when this unit read the series with writers queued for it would
        only fail its condition: lose at once, without sending the transaction (the writer queues)."""
        for write in self.writes:
            if isinstance(write, TakeNumber) and write.ticket is None:
                data = self.cache.get(write.key())
                issued, served, _ = ledger.queue_state(data)
                if issued > served:
                    raise Contention("writers queue for the number series", {write.key(): data})

    def _replay_if_key_taken(self, exc: Contention) -> None:
        """A duplicate with the same key committed first: its record failed our condition; replay it."""
        claim = self.claim
        if claim is None or claim.stored is not None:
            return
        cancelled = exc.__cause__
        if not isinstance(cancelled, TransactWriteError):
            return
        pk, sk = claim.item_key()
        for reason in cancelled.cancellation_reasons or []:
            item = getattr(reason, "raw_item", None) if reason else None
            if item and item.get("PK", {}).get("S") == pk and item.get("SK", {}).get("S") == sk:
                found = claim.found(item)
                if found is not None:
                    raise Replay(found) from exc
        if "ConditionalCheckFailed" in cancellation_codes(cancelled):  # no old image came back: read it
            found = find_record(claim.tenant_id, claim.key, claim.at)
            if found is not None:
                raise Replay(found) from exc

    def after(self, contention: Contention) -> Self:
        # DynamoDB's answer is the series as it stands (or that it does not exist): believed over any guess
        _numbers_seen.forget(contention.stale)
        _numbers_seen.learn((data for data in contention.stale.values() if data is not None and "last" in data),
                            replace=True)
        return super().after(contention)

    def freshen(self) -> None:
        """Take the number series this process has seen move since they were read (see `NumbersSeen`)."""
        self.cache.update(_numbers_seen.newer(self.cache))

    QUEUED = True

    def take_ticket(self, series: tuple[str, str]) -> int:
        """A ticket in the series' queue (one UpdateItem ADD)."""
        return ledger.take_ticket(series)

    def look(self, series: tuple[str, str]) -> tuple[int, int, float | None]:
        """The series' queue as it stands (one consistent GetItem); its last number is this unit's from now."""
        data = ledger.read_series(series)
        if data is not None and "last" in data:
            self.cache[series] = data
            _numbers_seen.learn([data])
        return ledger.queue_state(data)

    def serve(self, series: tuple[str, str], served: int, ticket: int, now: float) -> bool:
        """Tickets up to `ticket` served, if `served` has not moved (a skip, or a turn given up)."""
        return ledger.serve(series, served, ticket, now)


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
                    and int((cache[key] or {}).get("last", {"N": "0"})["N"]) < int(data["last"]["N"])}


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
