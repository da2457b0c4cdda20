"""Attribute types PynamoDB lacks: exact decimals and calendar dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pynamodb.attributes import Attribute
from pynamodb.constants import MAP, NUMBER, STRING


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
