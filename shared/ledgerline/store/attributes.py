"""Attribute types PynamoDB lacks: exact decimals, calendar dates, metadata maps and compressed values."""

from __future__ import annotations

import json
import zlib
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from pynamodb.attributes import Attribute, ListAttribute, MapAttribute
from pynamodb.constants import BINARY, MAP, NUMBER, STRING

T = TypeVar("T")


class DecimalAttribute(Attribute[Decimal]):
    """A DynamoDB number read back as Decimal (PynamoDB's NumberAttribute goes through float)."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        return str(value)

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


class DateAttribute(Attribute[date]):
    """A calendar date stored as `YYYY-MM-DD`, which sorts correctly as a string."""

    attr_type = STRING

    def serialize(self, value: date) -> str:
        return value.isoformat()

    def deserialize(self, value: str) -> date:
        return date.fromisoformat(value)


class MetadataAttribute(Attribute[dict[str, str]]):
    """An object's metadata (issue 20): a map of strings, read back as a plain dict; an empty map is not stored."""

    attr_type = MAP

    def serialize(self, value: dict[str, str]) -> dict[str, dict[str, str]] | None:
        return {key: {STRING: text} for key, text in value.items()} or None

    def deserialize(self, value: dict[str, dict[str, str]]) -> dict[str, str]:
        return {key: text[STRING] for key, text in value.items()}


class CompressedAttribute(Attribute[T]):
    """Another attribute's value stored compressed (issue 13, write capacity): zlib of the canonical JSON of
    its DynamoDB form (`{"L": [...]}`, `{"S": "..."}`), as Binary. Numbers stay DynamoDB number strings inside,
    so Decimals read back exactly. It reads both forms: the compressed one and the plain one the inner
    attribute wrote before (stored items need no migration; the next write compresses them).

    Only for attributes nothing but the item's own reader looks at: never a key, an index key, an attribute a
    FilterExpression or condition reads, nor one the EventBridge Pipe's input template reads (an event's
    `data`): DynamoDB cannot see inside the Binary."""

    attr_type = BINARY

    def __init__(self, inner: Attribute[T], *, null: bool | None = None, attr_name: str | None = None) -> None:
        super().__init__(null=inner.null if null is None else null, attr_name=attr_name)
        self.inner = inner

    def serialize(self, value: T) -> bytes | None:
        if isinstance(self.inner, ListAttribute | MapAttribute):
            plain = self.inner.serialize(value, null_check=True)
        else:
            plain = self.inner.serialize(value)
        if plain is None:
            return None
        text = json.dumps({self.inner.attr_type: plain}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return zlib.compress(text.encode("utf-8"), 9)

    def get_value(self, value: dict[str, Any]) -> dict[str, Any]:
        return value  # both forms: `deserialize` tells them apart

    def deserialize(self, value: dict[str, Any]) -> T:
        if BINARY in value:
            value = json.loads(zlib.decompress(value[BINARY]).decode("utf-8"))
        return self.inner.deserialize(self.inner.get_value(value))
