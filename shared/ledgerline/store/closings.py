"""Year-end closings: `T#<tid>#CLOSE` / `<year end>#<entry id>`, written with each closing entry.

The profit and loss report adds closing entries back, so a closed year still shows its profit;
this small partition (a few items per year) tells it which entries those are.
"""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from ledgerline.store.attributes import DateAttribute
from ledgerline.store.ledger import EntryLine, JournalEntry
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import TableModel, connection


class YearClose(TableModel):
    entry_id = UnicodeAttribute()
    date = DateAttribute()
    lines = ListAttribute(of=EntryLine)

    @staticmethod
    def partition(tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#CLOSE"


def add_closing(tx: TransactWrite, entry: JournalEntry) -> None:
    tx.save(YearClose(YearClose.partition(entry.tenant_id), f"{entry.date.isoformat()}#{entry.id}",
                      entry_id=entry.id, date=entry.date, lines=entry.lines))


def closings_between(tenant_id: str, start: date, end: date) -> list[YearClose]:
    connection()
    return list(YearClose.query(YearClose.partition(tenant_id),
                                YearClose.sk.between(start.isoformat(), f"{end.isoformat()}#~"), consistent_read=True))
