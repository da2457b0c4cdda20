"""An in-memory table and unit of work with the semantics of `DynamoUnitOfWork`, for unit tests.

Same conditions (a new item must not exist; a versioned save or delete needs the version that was read; a
number is taken only from the last number read), same all-or-nothing commit (every condition is checked
before anything is written; one that fails is `Contention`), same item size rule, same projections of a
posted entry (ledger lines, balance and tax buckets, from `ledger.posting_items`) and the same outbox
events. Items are kept serialized, as DynamoDB keeps them, so what a test reads back is a fresh copy.

    table = MemoryTable()
    table.put(tenant)                       # seed
    with using(table.unit):                 # services' open_unit() now gives in-memory units
        invoices.create_draft(tenant.id, {...})
    table.events(tenant.id)                 # read back what was written
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from ledgerline.domain.errors import NotFound
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.events import Event
from ledgerline.store.exchange_rates import ExchangeRate
from ledgerline.store.idempotency import Replay
from ledgerline.store.item_size import check_item
from ledgerline.store.ledger import Balance, JournalEntry, LedgerLine, TaxTotal, merge_increments
from ledgerline.store.records import tenant_partition
from ledgerline.store.reminders import Reminder
from ledgerline.store.table import Contention, TableModel
from ledgerline.store.unit_of_work import (
    CheckUnchanged,
    Create,
    CreateTenant,
    Delete,
    PostEntry,
    RecordEvent,
    RevokeKey,
    Save,
    StagedUnitOfWork,
    TakeNumber,
    assign_keys,
)

M = TypeVar("M", bound=TableModel)
Key = tuple[str, str]
MAX_TRANSACTION_ITEMS = 100


def _key(entity: TableModel) -> Key:
    return entity.pk, entity.sk


def _version(data: dict[str, Any] | None) -> int | None:
    if data is None or "version" not in data:
        return None
    return int(data["version"]["N"])


class MemoryTable:
    """The table's items, by (PK, SK), serialized."""

    def __init__(self) -> None:
        self.items: dict[Key, dict[str, Any]] = {}
        self.transactions = 0

    # for tests
    def unit(self, tenant_id: str) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self, tenant_id)

    def put(self, entity: TableModel) -> None:
        """Seed an item as it is (no condition)."""
        assign_keys(entity)
        self.items[_key(entity)] = entity.serialize()

    def get(self, model: type[M], pk: str, sk: str) -> M | None:
        data = self.items.get((pk, sk))
        return None if data is None else model.from_raw_data(data)

    def load(self, model: type[M], tenant_id: str, record_id: str) -> M:
        found = self.get(model, *model.key(tenant_id, record_id))
        if found is None:
            raise NotFound(f"No such {model.NOUN}: '{record_id}'", param="id")
        return found

    def partition(self, model: type[M], pk: str) -> list[M]:
        return [model.from_raw_data(data) for (p, _), data in sorted(self.items.items()) if p == pk]

    def events(self, tenant_id: str) -> list[Event]:
        return self.partition(Event, Event.partition(tenant_id))

    def event_types(self, tenant_id: str) -> list[str]:
        return [event.type for event in self.events(tenant_id)]

    def ledger_lines(self, tenant_id: str, account_id: str) -> list[LedgerLine]:
        return self.partition(LedgerLine, LedgerLine.partition(tenant_id, account_id))

    def balances(self, tenant_id: str) -> dict[str, Decimal]:
        """Every account's balance (debit minus credit), from the yearly buckets."""
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for bucket in self.partition(Balance, Balance.partition(tenant_id)):
            if bucket.sk.startswith("Y#"):
                totals[bucket.account_id] += (bucket.debit or 0) - (bucket.credit or 0)
        return dict(totals)

    def tax_totals(self, tenant_id: str, direction: str = "output") -> dict[str, tuple[Decimal, Decimal]]:
        """Per tax code, the taxable amount and tax of one direction (output: sales; input: purchases)."""
        totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for bucket in self.partition(TaxTotal, TaxTotal.partition(tenant_id)):
            if bucket.sk.startswith("Y#") and bucket.tax_direction == direction:
                totals[bucket.tax_code_id][0] += bucket.taxable or 0
                totals[bucket.tax_code_id][1] += bucket.tax or 0
        return {code: (taxable, tax) for code, (taxable, tax) in totals.items()}

    def number(self, tenant_id: str, series: str, year: int) -> int:
        data = self.items.get((tenant_partition(tenant_id), f"SEQ#{series}#{year}"))
        return 0 if data is None else int(data["last"]["N"])


class MemoryUnitOfWork(StagedUnitOfWork):
    def __init__(self, table: MemoryTable, tenant_id: str) -> None:
        super().__init__(tenant_id)
        self.table = table

    def _raw(self, pk: str, sk: str) -> dict[str, Any] | None:
        return self.table.items.get((pk, sk))

    def reminders_of_invoice(self, invoice_id: str) -> list[Reminder]:
        prefix = f"{Reminder.PREFIX}#"
        pk = Reminder.partition(self.tenant_id, invoice_id)
        return [Reminder.from_raw_data(data) for (p, sk), data in sorted(self.table.items.items())
                if p == pk and sk.startswith(prefix)]

    def tenant_records(self, model: type[Any]) -> list[Any]:
        pk, prefix = tenant_partition(self.tenant_id), f"{model.PREFIX}#"
        return [model.from_raw_data(data) for (p, sk), data in sorted(self.table.items.items())
                if p == pk and sk.startswith(prefix)]

    def bank_rules(self) -> list[Any]:
        from ledgerline.store.banking import BankRule

        pk, prefix = tenant_partition(self.tenant_id), f"{BankRule.PREFIX}#"
        return [BankRule.from_raw_data(data) for (p, sk), data in sorted(self.table.items.items())
                if p == pk and sk.startswith(prefix)]

    def pending_transfers(self, bank_account_id: str) -> list[Any]:
        from ledgerline.store.banking import PendingTransfer, bank_partition

        pk = bank_partition(self.tenant_id, bank_account_id)
        return [PendingTransfer.from_raw_data(data) for (p, sk), data in sorted(self.table.items.items())
                if p == pk and sk.startswith("TRANSFER#")]

    def open_invoices(self, currency: str, limit: int | None = None) -> list[Any]:
        from ledgerline.store.banking import OPEN_INVOICES_READ
        from ledgerline.store.documents import Invoice

        open_key = f"{tenant_partition(self.tenant_id)}#OPEN"
        found = [Invoice.from_raw_data(data) for data in self.table.items.values()
                 if data.get("GSI2PK", {}).get("S") == open_key]
        read = sorted(found, key=lambda i: i.gsi2sk)[:limit or OPEN_INVOICES_READ]  # as the query: read, then filter
        return [i for i in read if i.currency == currency]

    def open_bills(self, currency: str) -> list[Any]:
        from ledgerline.store.bills import Bill

        open_key = f"{tenant_partition(self.tenant_id)}#OPENBILLS"
        found = [Bill.from_raw_data(data) for data in self.table.items.values()
                 if data.get("GSI2PK", {}).get("S") == open_key]
        return sorted((b for b in found if b.currency == currency), key=lambda b: b.gsi2sk)

    def _balance_buckets(self, day: date) -> Iterable[Balance]:
        # every posting ADDs to a year, a month and a day bucket: the day buckets up to `day` hold it all
        last = f"D#{day.isoformat()}#~"
        return [bucket for bucket in self.table.partition(Balance, Balance.partition(self.tenant_id))
                if bucket.sk.startswith("D#") and bucket.sk <= last]

    def _tax_buckets(self, day: date) -> Iterable[TaxTotal]:
        last = f"D#{day.isoformat()}#~"
        return [bucket for bucket in self.table.partition(TaxTotal, TaxTotal.partition(self.tenant_id))
                if bucket.sk.startswith("D#") and bucket.sk <= last]

    def first_entry_date(self, from_date: date | None, to_date: date | None) -> date | None:
        partition = JournalEntry.list_partition(self.tenant_id)
        dates = [date.fromisoformat(data["GSI1SK"]["S"][:10]) for data in self.table.items.values()
                 if data.get("GSI1PK", {}).get("S") == partition]
        return min((day for day in dates if (from_date or date.min) <= day <= (to_date or date.max)), default=None)

    def rate_on(self, currency: str, day: date) -> ExchangeRate | None:
        pk, prefix = tenant_partition(self.tenant_id), f"{ExchangeRate.PREFIX}#{currency}-"
        keys = [key for key in self.table.items
                if key[0] == pk and key[1].startswith(prefix) and key[1] <= prefix + day.isoformat()]
        return ExchangeRate.from_raw_data(self.table.items[max(keys)]) if keys else None

    # master data and API keys (issue 12, part B)
    def find_api_key(self, key_id: str) -> ApiKey | None:
        found = [key for key in self.api_keys() if key.id == key_id]
        return found[0] if found else None

    def api_keys(self) -> list[ApiKey]:
        partition = ApiKey.index_partition(self.tenant_id)
        keys = [ApiKey.from_raw_data(data) for data in self.table.items.values()
                if data.get("GSI1PK", {}).get("S") == partition]
        return sorted(keys, key=lambda key: key.id)

    def commit(self) -> None:
        """Check every condition, then write everything; or write nothing and raise Contention."""
        items = self.table.items
        puts: list[tuple[TableModel, Any]] = []  # (item, condition: a callable on the stored data)
        deletes: list[tuple[Key, int | None]] = []
        checks: list[tuple[Key, int | None]] = []
        increments: list[Any] = []
        versioned: list[TableModel] = []
        returned: set[Key] = set()  # number series: DynamoDB returns the current item (ALL_OLD)
        for write in self.writes:
            if isinstance(write, Create):
                assign_keys(write.entity)
                puts.append((write.entity, lambda stored: stored is None))
                versioned.append(write.entity)
            elif isinstance(write, Save):
                assign_keys(write.entity)
                if write.entity._version_attribute_name is None:  # an item without a version: unconditional
                    puts.append((write.entity, lambda stored: True))
                    continue
                expected = write.entity.version
                puts.append((write.entity, lambda stored, expected=expected: _version(stored) == expected))
                versioned.append(write.entity)
            elif isinstance(write, Delete):  # an item without a version (a code guard): unconditional
                deletes.append((_key(write.entity), getattr(write.entity, "version", None)))
            elif isinstance(write, CheckUnchanged):
                checks.append((_key(write.entity), write.entity.version))
            elif isinstance(write, TakeNumber):
                last = write.expected_last
                returned.add(_key(write.item()))
                puts.append((write.item(), lambda stored, last=last: (int(stored["last"]["N"]) if stored else 0)
                             == last))
            elif isinstance(write, PostEntry):
                posting = write.posting()
                puts.append((posting.entry, lambda stored: stored is None))
                versioned.append(posting.entry)
                puts += [(item, lambda stored: True) for item in posting.puts]
                increments += posting.increments
            elif isinstance(write, RecordEvent):
                puts.append((write.event(), lambda stored: stored is None))
            elif isinstance(write, RevokeKey):  # the key exists and is not revoked yet
                revoked = ApiKey.from_raw_data(write.key.serialize())
                revoked.revoked_at = write.at
                puts.append((revoked, lambda stored: stored is not None and "revoked_at" not in stored))
            elif isinstance(write, CreateTenant):
                puts += [(item, lambda stored: stored is None) for item in write.items]
                versioned += write.items
        claimed = self.claim_record()
        if claimed is not None:
            puts.append((claimed, lambda stored: True))  # its own condition is checked first, below
        keys = [_key(item) for item, _ in puts] + [key for key, _ in deletes]
        keys += [key for key, _ in checks]
        increments = merge_increments(increments)  # as DynamoUnitOfWork.apply: one ADD per bucket
        keys += [(increment.pk, increment.sk) for increment in increments]
        if len(keys) != len(set(keys)):
            raise ValueError("a transaction may not touch one item twice")  # DynamoDB's ValidationException
        if len(keys) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"a transaction holds at most {MAX_TRANSACTION_ITEMS} items")
        serialized = []
        for item, _ in puts:
            data = item.serialize()
            if item._version_attribute_name is not None:  # the version the save writes
                data["version"] = {"N": str((item.version or 0) + 1)}
            check_item(data, _noun(item))
            serialized.append(data)
        if claimed is not None and self.claim is not None:
            winner = self.claim.found(items.get(_key(claimed)))
            if winner is not None:  # a duplicate with the same key committed first
                raise Replay(winner)
        failed = [_key(item) for item, condition in puts if not condition(items.get(_key(item)))]
        failed += [key for key, version in deletes + checks if _version(items.get(key)) != version]
        if failed:  # as DynamoDB: the stale items, with the current one where the write asked for it
            raise Contention("ConditionalCheckFailed", {key: items.get(key) if key in returned else None
                                                        for key in failed})
        for (item, _), data in zip(puts, serialized, strict=True):
            items[_key(item)] = data
        for key, _ in deletes:
            items.pop(key, None)
        for increment in increments:
            stored = items.get((increment.pk, increment.sk))
            bucket = increment.model(increment.pk, increment.sk) if stored is None else \
                increment.model.from_raw_data(stored)
            for name, value in increment.adds.items():
                setattr(bucket, name, (getattr(bucket, name) or Decimal(0)) + value)
            for name, value in increment.sets.items():
                setattr(bucket, name, value)
            items[(increment.pk, increment.sk)] = bucket.serialize()
        for entity in versioned:
            entity.update_local_version_attribute()
        self.table.transactions += 1
        self.claim_committed(claimed)
        self.writes = []


def _noun(model: Any) -> str:
    return (getattr(model, "object_type", None) or getattr(model, "NOUN", None) or "item").replace("_", " ")
