"""Idempotency records: what a tenant's `Idempotency-Key` answered, kept 24 hours.

One item per tenant and key (`T#<tid>#IDEMPOTENCY` / `KEY#<sha256 of the key>`): the operation, a hash of
the request body, the stored response (JSON) and `expires_at` (the table's TTL attribute). There is no
"in progress" state: a record exists only once its write committed.

A use case on the unit of work writes its record IN its own transaction: `services/idempotency.once`
sets a `Claim` (`claiming`), every unit opened for the claim's tenant reads the record with its first read
(`Replay` when it exists) and stages a conditional put of the completed record with its commit (see
`store/unit_of_work.py`); a duplicate that loses the race fails that condition and replays the winner's
record (`Replay`). Use cases not on the unit of work put the record after their write (`put_after`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.expressions.condition import Condition

from ledgerline.store.attributes import CompressedAttribute
from ledgerline.store.item_size import MAX_ITEM_BYTES, item_size
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import TableModel, as_domain_error, connection, is_condition_failure

EXPIRES_AFTER = timedelta(hours=24)


class IdempotencyRecord(TableModel):
    NOUN = "idempotency record"

    operation = UnicodeAttribute()
    payload_hash = UnicodeAttribute()
    response = CompressedAttribute(UnicodeAttribute())  # the stored response, JSON (compressed: issue 13)
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()

    @staticmethod
    def partition(tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#IDEMPOTENCY"

    @classmethod
    def key(cls, tenant_id: str, key: str) -> tuple[str, str]:
        return cls.partition(tenant_id), f"KEY#{hashlib.sha256(key.encode()).hexdigest()}"

    def live(self, now: datetime) -> bool:
        """Not yet expired (DynamoDB deletes expired items only eventually)."""
        return self.expires_at > now

    def stored(self) -> dict[str, Any]:
        return json.loads(self.response)


def _plain(value: Any) -> Any:
    """JSON for what a response may hold besides JSON types (dates, Decimals): as the API writes them."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def as_stored(response: dict[str, Any]) -> dict[str, Any]:
    """A response as its record gives it back (dates and Decimals as strings)."""
    return json.loads(json.dumps(response, default=_plain))


def payload_hash(operation: str, payload: Any) -> str:
    text = json.dumps([operation, payload], sort_keys=True, default=_plain, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def new_record(tenant_id: str, key: str, operation: str, digest: str, response: dict[str, Any],
               now: datetime) -> IdempotencyRecord:
    pk, sk = IdempotencyRecord.key(tenant_id, key)
    return IdempotencyRecord(pk, sk, operation=operation, payload_hash=digest,
                             response=json.dumps(response, sort_keys=True, separators=(",", ":"), default=_plain),
                             created_at=now, expires_at=now + EXPIRES_AFTER)


def record_size(tenant_id: str, response: dict[str, Any]) -> int:
    """The size of the item that would hold `response`, with the response counted plain: it is stored
    compressed (issue 13), but whether it is kept whole or as a reference stays decided on its plain size."""
    moment = datetime(2000, 1, 1, tzinfo=UTC)  # any: the size does not depend on it
    record = new_record(tenant_id, "k", "o" * 40, "0" * 64, response, moment)
    return item_size(record.serialize() | {"response": {"S": record.response}})


def fits(tenant_id: str, response: dict[str, Any]) -> bool:
    return record_size(tenant_id, response) <= MAX_ITEM_BYTES


def not_taken(now: datetime) -> Condition:
    """The put's condition: no record for the key, or only an expired one that TTL has not deleted yet."""
    return IdempotencyRecord.pk.does_not_exist() | (IdempotencyRecord.expires_at <= now)


def from_raw(data: dict[str, Any] | None, now: datetime) -> IdempotencyRecord | None:
    if data is None:
        return None
    record = IdempotencyRecord.from_raw_data(data)
    return record if record.live(now) else None


def find_record(tenant_id: str, key: str, now: datetime) -> IdempotencyRecord | None:
    """The live record of a key (one consistent GetItem)."""
    connection()
    try:
        record = IdempotencyRecord.get(*IdempotencyRecord.key(tenant_id, key), consistent_read=True)
    except DoesNotExist:
        return None
    except Exception as exc:
        unavailable = as_domain_error(exc)
        if unavailable is None:
            raise
        raise unavailable from exc
    return record if record.live(now) else None


def put_after(record: IdempotencyRecord, now: datetime) -> IdempotencyRecord | None:
    """Put a completed record after the write it answers (use cases not on the unit of work). None when it
    was put; the record already there when another request with the key put one first."""
    connection()
    try:
        record.save(condition=not_taken(now))
    except PutError as exc:
        if is_condition_failure(exc):
            return _existing(record, now)
        raise
    return None


def _existing(record: IdempotencyRecord, now: datetime) -> IdempotencyRecord | None:
    try:
        found = IdempotencyRecord.get(record.pk, record.sk, consistent_read=True)
    except DoesNotExist:
        return None
    return found if found.live(now) else None


def overwrite(record: IdempotencyRecord) -> None:
    """Replace the record this request put (its response, once known exactly)."""
    connection()
    record.save()


# ------------------------------------------------------------------------ the key of the request


@dataclass
class Claim:
    """The Idempotency-Key the running use case answers (set by `services/idempotency.once`).

    `keep` turns a response into what the record stores (the secret sealed, a reference for a response too
    large), or None when nothing can be stored. `at` is when the request began (the record's creation and
    expiry). `stored` is what a commit stored in its transaction."""

    tenant_id: str
    key: str
    operation: str
    payload_hash: str
    at: datetime
    keep: Callable[[dict[str, Any]], dict[str, Any] | None]
    stored: dict[str, Any] | None = None

    def record(self, response: dict[str, Any]) -> IdempotencyRecord | None:
        kept = self.keep(response)
        if kept is None:
            return None
        return new_record(self.tenant_id, self.key, self.operation, self.payload_hash, kept, self.at)

    def found(self, data: dict[str, Any] | None) -> IdempotencyRecord | None:
        """The live record in what a read returned for the claim's key."""
        return from_raw(data, self.at)

    def item_key(self) -> tuple[str, str]:
        return IdempotencyRecord.key(self.tenant_id, self.key)


class Replay(Exception):  # noqa: N818 - a signal, not an error: `once` answers the record
    """The key already has a completed record: answer it instead of running (or after losing the race)."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("replay")
        self.record = record


_claim: ContextVar[Claim | None] = ContextVar("ledgerline_idempotency_claim", default=None)


@contextmanager
def claiming(claim: Claim) -> Iterator[Claim]:
    token = _claim.set(claim)
    try:
        yield claim
    finally:
        _claim.reset(token)


def current_claim(tenant_id: str) -> Claim | None:
    """The claim of a unit of work opened for this tenant, if the running use case answers a key."""
    claim = _claim.get()
    return claim if claim is not None and claim.tenant_id == tenant_id else None
