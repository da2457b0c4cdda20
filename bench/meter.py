"""Counts DynamoDB round trips and consumed capacity of whatever runs inside `metered()`.

It asks DynamoDB to return consumed capacity on every call that supports it (DynamoDB Local
reports real figures; moto's are fixed fakes) by hooking the process's one botocore client. It also
keeps what each call touched (the keys read, the items of each transaction) and the transactions
DynamoDB cancelled, with their reasons: that is how the benchmark counts conflicts and retries.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ledgerline.store.table import connection

SUPPORTS_CAPACITY = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                     "BatchWriteItem", "TransactWriteItems", "TransactGetItems"}
READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}


@dataclass
class Call:
    operation: str
    request: dict[str, Any]
    read_units: float = 0.0
    write_units: float = 0.0
    error: str | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass
class Meter:
    calls: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    log: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def round_trips(self) -> int:
        return sum(self.calls.values())

    def cancelled(self) -> Counter[str]:
        """Cancelled transactions by reason (ConditionalCheckFailed: lost a race on a condition;
        TransactionConflict: another transaction held an item)."""
        reasons: Counter[str] = Counter()
        for call in self.log:
            if call.error == "TransactionCanceledException":
                for reason in set(call.reasons) - {"None"}:
                    reasons[reason] += 1
        return reasons

    def keys_read(self) -> list[str]:
        return [_key(call.request["Key"]) for call in self.log if call.operation == "GetItem"]

    def items_written(self) -> list[tuple[str, str]]:
        """(kind, key) of every item the transactions of this meter wrote or checked."""
        written = []
        for call in self.log:
            if call.operation == "TransactWriteItems" and call.error is None:
                for entry in call.request["TransactItems"]:
                    (kind, body), = entry.items()
                    written.append((kind, _key(body.get("Key") or _key_of_item(body["Item"]))))
        return written

    def as_dict(self) -> dict[str, Any]:
        return {"round_trips": self.round_trips, "calls": dict(self.calls), "read_units": round(self.read_units, 2),
                "write_units": round(self.write_units, 2)}


def _key_of_item(item: dict[str, Any]) -> dict[str, Any]:
    return {"PK": item["PK"], "SK": item["SK"]}


def _key(key: dict[str, Any]) -> str:
    return f"{key['PK']['S']}|{key['SK']['S']}"


@contextmanager
def metered() -> Iterator[Meter]:
    meter = Meter()
    events = connection().connection.client.meta.events
    local = threading.local()

    def ask(params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in SUPPORTS_CAPACITY:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def remember(params: dict[str, Any], **_: Any) -> None:
        # the serialized request (DynamoDB JSON), for the record of what the call touched
        local.request = json.loads(params.get("body") or b"{}")

    def record(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        call = Call(model.name, getattr(local, "request", {}))
        error = parsed.get("Error") or {}
        if error:
            call.error = error.get("Code")
            call.reasons = [r.get("Code", "None") for r in parsed.get("CancellationReasons", [])]
        consumed = parsed.get("ConsumedCapacity")
        for item in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            reads, writes = item.get("ReadCapacityUnits") or 0, item.get("WriteCapacityUnits") or 0
            if not reads and not writes:  # some responses give only the total: classify by operation
                total = item.get("CapacityUnits", 0) or 0
                reads, writes = (total, 0) if model.name in READS else (0, total)
            call.read_units += reads
            call.write_units += writes
        with meter.lock:
            meter.calls[model.name] += 1
            meter.read_units += call.read_units
            meter.write_units += call.write_units
            meter.log.append(call)

    hooks = (("before-parameter-build.dynamodb", ask), ("before-call.dynamodb", remember),
             ("after-call.dynamodb", record))
    for event, hook in hooks:  # meters may nest: each registers its own hooks
        events.register(event, hook, unique_id=f"meter-{id(meter)}-{event}")
    try:
        yield meter
    finally:
        for event, _ in hooks:
            events.unregister(event, unique_id=f"meter-{id(meter)}-{event}")
