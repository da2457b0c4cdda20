"""Year-end closings: `T#<tid>#CLOSE` / `<year end>#<entry id>`, written with each closing entry.

The profit and loss report adds closing entries back, so a closed year still shows its profit;
this small partition (a few items per year) tells it which entries those are.
"""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import ListAttribute, UnicodeAttribute

from ledgerline.domain.journal import JournalLine
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


def closing_record(entry: JournalEntry, lines: list[JournalLine]) -> YearClose:
    """The record of a closing entry and its lines, created in the entry's transaction."""
    return YearClose(YearClose.partition(entry.tenant_id), f"{entry.date.isoformat()}#{entry.id}",
                     entry_id=entry.id, date=entry.date,
                     lines=[EntryLine(account_id=line.account_id, debit=line.debit, credit=line.credit,
                                      currency=line.currency, amount=line.amount, description=line.description)
                            for line in lines])


def closings_between(tenant_id: str, start: date, end: date) -> list[YearClose]:
    connection()
    return list(YearClose.query(YearClose.partition(tenant_id),
                                YearClose.sk.between(start.isoformat(), f"{end.isoformat()}#~"), consistent_read=True))
