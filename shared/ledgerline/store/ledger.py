"""The journal and what posting maintains beside it.

- journal entry  `T#<tid>#JE#<id>` / `DOC`: lines embedded; GSI1 lists entries by date.
- ledger line    `T#<tid>#LEDGER#<account>` / `<date>#<entry>#<nn>`: an account's lines in date order.
- balance        `T#<tid>#BAL` / `<Y|M|D>#<period>#<account>#<shard>` (see buckets.py): debit and
                 credit totals ADDed in the posting transaction; reports read these, never the journal.
                 An account kept in a foreign currency (`Account.currency`, issue 16) also ADDs `foreign`,
                 its balance in that currency (debit minus credit of its lines in that currency).
- tax total      `T#<tid>#TAX` / `<Y|M|D>#<period>#<tax code>#<shard>` (output tax: sales, and the
                 self-assessed side of reverse charge) or `<Y|M|D>#<period>#IN#<tax code>#<shard>` (input
                 tax, with `direction` = "input") or `<Y|M|D>#<period>#INV#<tax code>#<shard>` (input tax on
                 investments, also `input_class` = "investment"): taxable amount and tax, in the base
                 currency, for the tax summary and the VAT return.
- number series  `T#<tid>` / `SEQ#<series>#<year>`: the last number given, moved in the same transaction.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.transactions import TransactWrite

from ledgerline.domain.journal import JournalLine, SourceType
from ledgerline.domain.posting import INPUT, OUTPUT, Conversion, is_investment_key, split_tax_key, tax_key
from ledgerline.domain.query import normalise
from ledgerline.domain.revaluation import foreign_movements
from ledgerline.ids import new_id
from ledgerline.store import buckets
from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentRecord
from ledgerline.store.query import moment_key
from ledgerline.store.records import Page, check_start_key, dated_between, page_of, tenant_partition
from ledgerline.store.table import TableModel, connection, raise_if_retryable


class EntryLine(MapAttribute):
    account_id = UnicodeAttribute()
    debit = DecimalAttribute()
    credit = DecimalAttribute()
    currency = UnicodeAttribute()
    amount = DecimalAttribute()
    description = UnicodeAttribute(null=True)


class JournalEntry(DocumentRecord):
    PREFIX = "JE"
    LIST = "JOURNAL"
    NOUN = "journal entry"

    status = UnicodeAttribute()
    date = DateAttribute()
    description = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    source_type = UnicodeAttribute()
    source_id = UnicodeAttribute(null=True)
    currency = UnicodeAttribute()
    base_currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    lines = ListAttribute(of=EntryLine)
    total = DecimalAttribute()
    reverses_id = UnicodeAttribute(null=True)
    reversed_by_id = UnicodeAttribute(null=True)
    attachment_ids = ListAttribute(of=UnicodeAttribute, null=True)  # uploaded files (issue 15)
    # Issue 18 (part QA): casefolded copies for search and the reference lookup (`store/lists.JOURNAL_ENTRY_LIST`)
    search_reference = UnicodeAttribute(null=True)
    search_description = UnicodeAttribute(null=True)

    @classmethod
    def new(cls, tenant_id: str, day: date, conversion: Conversion, *, source_type: str, source_id: str | None,
            description: str | None, at: datetime, **extra: Any) -> JournalEntry:
        """A posted entry in the document's currency, converted to the base at the document's rate."""
        SourceType(source_type)  # every source type is listed, so that every one can be filtered on
        return cls(id=new_id("je"), tenant_id=tenant_id, status="posted", date=day, description=description,
                   source_type=source_type, source_id=source_id, currency=conversion.currency,
                   base_currency=conversion.base_currency, exchange_rate=conversion.rate, created_at=at,
                   updated_at=at, **extra)

    def list_date(self) -> date:
        return self.date

    def assign_keys(self) -> None:
        """Its list key (GSI1 by date), and issue 18's: by `updated_at` (GSI5) and by casefolded reference (GSI7,
        sparse), with the searchable copies. Every write of an entry (posting, reversal, PATCH) goes through the
        unit of work, which calls this."""
        super().assign_keys()
        tenant_id = self.tenant_id
        self.search_reference = normalise(self.reference) or None
        self.search_description = normalise(self.description) or None
        self.gsi5pk = self.index_partition(tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"
        self.gsi7pk, self.gsi7sk = ((self.index_partition(tenant_id, "REF"), f"{self.search_reference}#{self.id}")
                                    if self.search_reference else (None, None))

    def journal_lines(self) -> list[JournalLine]:
        return [
            JournalLine(line.account_id, line.debit, line.credit, line.currency, line.amount, line.description)
            for line in self.lines
        ]


class LedgerLine(TableModel):
    account_id = UnicodeAttribute()
    date = DateAttribute()
    entry_id = UnicodeAttribute()
    source_type = UnicodeAttribute()
    source_id = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    debit = DecimalAttribute()
    credit = DecimalAttribute()
    base_currency = UnicodeAttribute()
    currency = UnicodeAttribute()
    amount = DecimalAttribute()

    @staticmethod
    def partition(tenant_id: str, account_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#LEDGER#{account_id}"


class Balance(TableModel):
    account_id = UnicodeAttribute()
    period = UnicodeAttribute()
    debit = DecimalAttribute(null=True)
    credit = DecimalAttribute(null=True)
    foreign = DecimalAttribute(null=True)  # an account kept in a foreign currency: its balance in it
    currency = UnicodeAttribute(null=True)  # that currency

    @staticmethod
    def partition(tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#BAL"


INVESTMENT = "investment"  # TaxTotal.input_class


class TaxTotal(TableModel):
    tax_code_id = UnicodeAttribute()
    period = UnicodeAttribute()
    taxable = DecimalAttribute(null=True)
    tax = DecimalAttribute(null=True)
    direction = UnicodeAttribute(null=True)  # "input"; absent on output buckets (all buckets before issue 15)
    input_class = UnicodeAttribute(null=True)  # "investment" (CH box 405); absent: material and services

    @property
    def tax_direction(self) -> str:
        return self.direction or OUTPUT

    @property
    def investment(self) -> bool:
        return self.input_class == INVESTMENT

    @property
    def tax_key(self) -> str:
        """Its key among posting's tax lines (`posting.tax_key`)."""
        return tax_key(self.tax_code_id, self.tax_direction, investment=self.investment)

    @staticmethod
    def partition(tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#TAX"


class NumberSeries(TableModel):
    """A gapless series: `last` number taken, and its fair queue (issue 13, domain/series_queue.py):
    tickets `issued` to writers that lost a race for it, tickets `served` (committed or skipped) and when
    `served` last moved (`served_at`, epoch seconds). No queue ever formed: only `last`."""

    last = NumberAttribute(null=True)  # absent while a queue waits for the series' first number
    issued = NumberAttribute(null=True)
    served = NumberAttribute(null=True)
    served_at = NumberAttribute(null=True)

    @staticmethod
    def key(tenant_id: str, series: str, year: int) -> tuple[str, str]:
        return tenant_partition(tenant_id), f"SEQ#{series}#{year}"

    @staticmethod
    def is_series(key: tuple[str, str]) -> bool:
        return key[1].startswith("SEQ#")


def take_numbers(tx: TransactWrite, key: tuple[str, str], expected_last: int, count: int, *,
                 ticket: int | None = None, now: float | None = None) -> None:
    """Move the series from `expected_last` to `expected_last + count` in `tx`. Without a ticket (the fast
    path) on condition that no queue waits (`served == issued`, or no ticket ever); with one, on condition
    that it is the ticket's turn (`served == ticket - 1`), serving it. A loser gets the series back."""
    series = NumberSeries(*key)
    last = NumberSeries.last == expected_last if expected_last else NumberSeries.last.does_not_exist()
    actions: list[Any] = [NumberSeries.last.set(expected_last + count)]
    if ticket is None:
        condition = last & (NumberSeries.issued.does_not_exist() | (NumberSeries.issued == NumberSeries.served))
    else:
        condition = last & (NumberSeries.served == ticket - 1)
        actions += [NumberSeries.served.set(ticket), NumberSeries.served_at.set(now)]
    tx.update(series, actions=actions, condition=condition, return_values="ALL_OLD")


def take_ticket(key: tuple[str, str]) -> int:
    """A ticket in the series' queue: `issued + 1` (one UpdateItem ADD; `served` starts at 0). Retried
    while a transaction on the series holds it (DynamoDB refuses a single write then)."""
    connection()
    for attempt in range(50):
        try:
            series = NumberSeries(*key)
            series.update(actions=[NumberSeries.issued.add(1), NumberSeries.served.set(NumberSeries.served | 0)])
            return int(series.issued)
        except UpdateError as exc:
            if exc.cause_response_code != "TransactionConflictException" or attempt == 49:
                raise_if_retryable(exc)
                raise
            time.sleep(0.001 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def read_series(key: tuple[str, str]) -> dict[str, Any] | None:
    """The series item as it stands (a consistent GetItem: a waiter's look at the queue)."""
    return connection().get_item(*key, consistent_read=True).get("Item")


def queue_state(data: dict[str, Any] | None) -> tuple[int, int, float | None]:
    """(issued, served, served_at) of a series item as DynamoDB returned it (no queue ever: 0, 0, None)."""
    if not data:
        return 0, 0, None
    number = lambda name: data[name]["N"] if name in data else None  # noqa: E731
    served_at = number("served_at")
    return int(number("issued") or 0), int(number("served") or 0), None if served_at is None else float(served_at)


def serve(key: tuple[str, str], served: int, ticket: int, now: float) -> bool:
    """Mark tickets up to `ticket` served, on condition that `served` is still what the caller saw (a waiter
    skipping a stuck head: `ticket = served + 1`; a holder giving up its turn). False when it moved."""
    connection()
    try:
        NumberSeries(*key).update(actions=[NumberSeries.served.set(ticket), NumberSeries.served_at.set(now)],
                                  condition=NumberSeries.served == served)
        return True
    except UpdateError as exc:
        if exc.cause_response_code in ("ConditionalCheckFailedException", "TransactionConflictException"):
            return False
        raise_if_retryable(exc)
        raise


def last_number(tenant_id: str, series: str, year: int) -> int:
    connection()
    try:
        return int(NumberSeries.get(*NumberSeries.key(tenant_id, series, year), consistent_read=True).last or 0)
    except DoesNotExist:
        return 0


def take_number(tx: TransactWrite, tenant_id: str, series: str, year: int, last: int) -> int:
    """Claim number `last + 1`; the transaction fails if anyone moved the series since it was read."""
    pk, sk = NumberSeries.key(tenant_id, series, year)
    condition = NumberSeries.last == last if last else NumberSeries.pk.does_not_exist()
    tx.save(NumberSeries(pk, sk, last=last + 1), condition=condition)
    return last + 1


@dataclass(frozen=True)
class Increment:
    """An ADD on a bucket item (balance or tax total): `adds` are added, `sets` name the bucket."""

    model: type[TableModel]
    pk: str
    sk: str
    adds: dict[str, Decimal]
    sets: dict[str, str]

    def actions(self) -> list[Any]:
        attributes = self.model.get_attributes()
        return ([attributes[name].add(value) for name, value in self.adds.items()]
                + [attributes[name].set(value) for name, value in self.sets.items()])


@dataclass
class Posting:
    """What posting one journal entry writes: the entry (new), its ledger lines (new) and the ADDs on its
    balance and tax buckets. `projections` are computed from the entry in one place (`posting_items`)."""

    entry: JournalEntry
    puts: list[TableModel] = field(default_factory=list)
    increments: list[Increment] = field(default_factory=list)
    shard: int | None = None  # the buckets' shard; None: the entry's own (`buckets.shard_of`)
    account_currencies: dict[str, str] = field(default_factory=dict)  # accounts kept in a foreign currency

    def bucket_shard(self) -> int:
        return buckets.shard_of(self.entry.id) if self.shard is None else self.shard


def merge_increments(increments: Iterable[Increment]) -> list[Increment]:
    """One ADD per bucket: a transaction may touch an item once, so the postings of one transaction that
    add to the same bucket add their sum (in first-seen order)."""
    merged: dict[tuple[str, str], Increment] = {}
    for increment in increments:
        key = (increment.pk, increment.sk)
        known = merged.get(key)
        if known is None:
            merged[key] = increment
        else:
            adds = {name: known.adds.get(name, Decimal(0)) + increment.adds.get(name, Decimal(0))
                    for name in {**known.adds, **increment.adds}}
            merged[key] = Increment(known.model, known.pk, known.sk, adds, {**known.sets, **increment.sets})
    return list(merged.values())


def posting_items(entry: JournalEntry, lines: list[JournalLine],
                  tax_lines: dict[str, tuple[Decimal, Decimal]] | None = None, *, shard: int | None = None,
                  account_currencies: dict[str, str] | None = None) -> Posting:
    """The entry with its lines embedded, and every projection of it (ledger lines, balance buckets, tax
    buckets; a read model added later adds its items in `PROJECTIONS`). Postings committed together share a
    `shard`, so that their ADDs to one account's buckets merge (`merge_increments`). `account_currencies`
    names the lines' accounts kept in a foreign currency (`Account.currency`), whose buckets ADD `foreign`."""
    entry.lines = [
        EntryLine(
            account_id=line.account_id,
            debit=line.debit,
            credit=line.credit,
            currency=line.currency,
            amount=line.amount,
            description=line.description,
        )
        for line in lines
    ]
    entry.total = sum((line.debit for line in lines), Decimal(0))
    entry.assign_keys()
    posting = Posting(entry, shard=shard, account_currencies=dict(account_currencies or {}))
    for project in PROJECTIONS:
        project(posting, lines, tax_lines or {})
    return posting


def _ledger_lines(posting: Posting, lines: list[JournalLine], _: dict[str, tuple[Decimal, Decimal]]) -> None:
    entry = posting.entry
    for number, line in enumerate(lines):
        posting.puts.append(
            LedgerLine(
                LedgerLine.partition(entry.tenant_id, line.account_id),
                f"{entry.date.isoformat()}#{entry.id}#{number:02d}",
                account_id=line.account_id,
                date=entry.date,
                entry_id=entry.id,
                source_type=entry.source_type,
                source_id=entry.source_id,
                description=line.description or entry.description,
                debit=line.debit,
                credit=line.credit,
                base_currency=entry.base_currency,
                currency=line.currency,
                amount=line.amount,
            )
        )


def _balance_buckets(posting: Posting, lines: list[JournalLine], _: dict[str, tuple[Decimal, Decimal]]) -> None:
    entry = posting.entry
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        totals[line.account_id][0] += line.debit
        totals[line.account_id][1] += line.credit
    shard = posting.bucket_shard()
    partition = Balance.partition(entry.tenant_id)
    foreign = foreign_movements(lines, posting.account_currencies)
    for account_id, (debit, credit) in totals.items():
        adds, sets = {"debit": debit, "credit": credit}, {"account_id": account_id}
        if account_id in foreign:
            adds["foreign"], sets["currency"] = foreign[account_id], posting.account_currencies[account_id]
        for period in buckets.periods(entry.date):
            posting.increments.append(Increment(Balance, partition, buckets.sort_key(period, account_id, shard),
                                                adds, {**sets, "period": period}))


def _tax_buckets(posting: Posting, _: list[JournalLine], tax_lines: dict[str, tuple[Decimal, Decimal]]) -> None:
    posting.increments += tax_increments(posting.entry, tax_lines, posting.bucket_shard())


def tax_increments(entry: JournalEntry, totals: dict[str, tuple[Decimal, Decimal]],
                   shard: int | None = None) -> list[Increment]:
    """The ADDs of an entry's tax totals (`posting.tax_totals`, keyed by `posting.tax_key`). Output buckets
    keep the key they always had; input buckets add `IN#` before the code and say `direction`."""
    shard = buckets.shard_of(entry.id) if shard is None else shard
    partition = TaxTotal.partition(entry.tenant_id)
    increments = []
    for key, (taxable, tax) in totals.items():
        tax_code_id, direction = split_tax_key(key)
        subject, sets = tax_code_id, {"tax_code_id": tax_code_id}
        if is_investment_key(key):
            subject, sets = f"INV#{tax_code_id}", {**sets, "direction": INPUT, "input_class": INVESTMENT}
        elif direction == INPUT:
            subject, sets = f"IN#{tax_code_id}", {**sets, "direction": INPUT}
        increments += [Increment(TaxTotal, partition, buckets.sort_key(period, subject, shard),
                                 {"taxable": taxable, "tax": tax}, {**sets, "period": period})
                       for period in buckets.periods(entry.date)]
    return increments


# What posting an entry maintains beside it, in this order; a read model added later appends here.
PROJECTIONS: list[Callable[[Posting, list[JournalLine], dict[str, tuple[Decimal, Decimal]]], None]] = [
    _ledger_lines, _balance_buckets, _tax_buckets,
]


def write_posting(tx: TransactWrite, posting: Posting, *, increments: bool = True) -> None:
    """Add a posting's items to a transaction: the entry on condition that it is new, the rest as they are
    (its bucket ADDs too, unless the caller merges several postings' ADDs: `write_increments`)."""
    tx.save(posting.entry, condition=TableModel.pk.does_not_exist())
    for item in posting.puts:
        tx.save(item)
    if increments:
        write_increments(tx, posting.increments)


def write_increments(tx: TransactWrite, increments: Iterable[Increment]) -> None:
    for increment in merge_increments(increments):
        tx.update(increment.model(increment.pk, increment.sk), actions=increment.actions())


def add_journal_entry(tx: TransactWrite, entry: JournalEntry, lines: list[JournalLine]) -> None:
    """Write the entry, one ledger line per line, and ADD its amounts to the account balances (the
    documents not yet on the unit of work; `UnitOfWork.post_entry` is the same)."""
    write_posting(tx, posting_items(entry, lines))


def account_lines(
    tenant_id: str,
    account_id: str,
    *,
    from_date: date | None,
    to_date: date | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page[LedgerLine]:
    """An account's ledger lines in date order (the general ledger of one account)."""
    connection()
    partition = LedgerLine.partition(tenant_id, account_id)
    check_start_key(start_key, "PK", partition)
    dates = dated_between(LedgerLine.sk, from_date, to_date)
    if dates is None:
        return Page([], None)
    results = LedgerLine.query(partition, dates, limit=limit + 1, last_evaluated_key=start_key, consistent_read=True)
    return page_of(results, limit)


def first_entry_date(tenant_id: str, from_date: date | None, to_date: date | None) -> date | None:
    """The date of the earliest journal entry dated in [from_date, to_date], or None (one GSI1 query)."""
    connection()
    dates = dated_between(JournalEntry.gsi1sk, from_date, to_date)
    if dates is None:
        return None
    for entry in JournalEntry.gsi1.query(JournalEntry.list_partition(tenant_id), dates, limit=1):
        return entry.date
    return None


def balances_as_of(tenant_id: str, day: date) -> list[Balance]:
    """Buckets whose sum is every account's balance at the end of `day`."""
    connection()
    return list(buckets.as_of(Balance, Balance.partition(tenant_id), day))


def tax_totals_as_of(tenant_id: str, day: date) -> list[TaxTotal]:
    connection()
    return list(buckets.as_of(TaxTotal, TaxTotal.partition(tenant_id), day))
