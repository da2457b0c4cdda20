"""Counts DynamoDB round trips and consumed capacity of whatever runs inside `metered()`.

It asks DynamoDB to return consumed capacity on every call that supports it (DynamoDB Local
reports real figures; moto's are fixed fakes) by hooking the process's one botocore client.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ledgerline.store.table import connection

SUPPORTS_CAPACITY = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                     "BatchWriteItem", "TransactWriteItems", "TransactGetItems"}


@dataclass
class Meter:
    calls: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0

    @property
    def round_trips(self) -> int:
        return sum(self.calls.values())

    def as_dict(self) -> dict[str, Any]:
        return {"round_trips": self.round_trips, "calls": dict(self.calls), "read_units": round(self.read_units, 2),
                "write_units": round(self.write_units, 2)}


@contextmanager
def metered() -> Iterator[Meter]:
    meter = Meter()
    events = connection().connection.client.meta.events

    def ask(params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in SUPPORTS_CAPACITY:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def record(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        meter.calls[model.name] += 1
        consumed = parsed.get("ConsumedCapacity")
        for item in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            meter.read_units += item.get("ReadCapacityUnits", 0) or 0
            meter.write_units += item.get("WriteCapacityUnits", 0) or 0
            if not item.get("ReadCapacityUnits") and not item.get("WriteCapacityUnits"):
                # Some responses give only the total; classify by the operation's kind.
                total = item.get("CapacityUnits", 0) or 0
                if model.name in ("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"):
                    meter.read_units += total
                else:
                    meter.write_units += total

    events.register("before-parameter-build.dynamodb", ask, unique_id="meter-ask")
    events.register("after-call.dynamodb", record, unique_id="meter-record")
    try:
        yield meter
    finally:
        events.unregister("before-parameter-build.dynamodb", unique_id="meter-ask")
        events.unregister("after-call.dynamodb", unique_id="meter-record")
