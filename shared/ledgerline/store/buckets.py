"""Period buckets: running totals per year, month and day, ADDed inside posting transactions.

A total at the end of any day is the sum of a bounded set of buckets: the whole years before its
year, the whole months before its month in that year, and the days of its month up to it. So a
report costs the same whether the books hold a thousand entries or ten million.

Sort keys are `<Y|M|D>#<period>#<subject>#<shard>`; the shard spreads concurrent postings to the
same subject over several items, so they rarely conflict.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pynamodb.models import Model

SHARDS = 4


def periods(day: date) -> tuple[str, str, str]:
    """The year, month and day buckets a posting on `day` adds to."""
    iso = day.isoformat()
    return iso[:4], iso[:7], iso


def sort_key(period: str, subject: str, shard: int) -> str:
    kind = {4: "Y", 7: "M", 10: "D"}[len(period)]
    return f"{kind}#{period}#{subject}#{shard}"


def shard_of(entry_id: str) -> int:
    return int(entry_id[-1], 36) % SHARDS


def as_of(model: type[Model], partition: str, day: date) -> Iterator[Model]:
    """The buckets whose sum is every subject's total at the end of `day` (three queries)."""
    year, month, iso = periods(day)
    yield from model.query(partition, model.sk.between("Y#", f"Y#{year}"), consistent_read=True)
    yield from model.query(partition, model.sk.between(f"M#{year}-01", f"M#{month}"), consistent_read=True)
    yield from model.query(partition, model.sk.between(f"D#{month}-01", f"D#{iso}#~"), consistent_read=True)
