"""The one size rule for what the table stores: every item must fit in DynamoDB's 400 KB, and every
outbox event must also fit in the EventBridge entry the pipe makes of it (256 KB).

Sizes are computed the way DynamoDB counts them (attribute names plus values; strings as UTF-8;
3 bytes per map or list and 1 per element), rounding numbers up, so an item this module accepts is
never refused by DynamoDB. Every writer of a document-sized item goes through it: the transactions
(`table.transaction`, which checks each item put into them), versioned saves (`records.save_versioned`),
the outbox (`events.add_event`) and the idempotency records (`services/idempotency.py`).
"""

from __future__ import annotations

import json
from typing import Any

from ledgerline.domain.errors import DocumentTooLarge, FieldIssue

MAX_ITEM_BYTES = 400 * 1024
"""DynamoDB's limit for one item, attribute names included."""

MAX_EVENT_DETAIL_BYTES = 256 * 1024
"""EventBridge's limit for one entry, which the pipe builds from an outbox item."""

EVENT_ENVELOPE_BYTES = 2 * 1024
"""What the pipe's InputTemplate adds around an event's `data`: ids, type, dates, source, detail-type."""


def value_size(value: dict[str, Any]) -> int:
    """The size of one attribute value in DynamoDB JSON (`{"S": "…"}`, `{"M": {…}}`, …)."""
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return len(inner) if isinstance(inner, bytes | bytearray) else (len(inner) * 3) // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(1 + len(name.encode("utf-8")) + value_size(nested) for name, nested in inner.items())
    if kind == "L":
        return 3 + sum(1 + value_size(nested) for nested in inner)
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in inner)
    if kind == "NS":
        return sum(_number_size(n) for n in inner)
    if kind == "BS":
        return sum(len(b) for b in inner)
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def _number_size(text: str) -> int:
    # DynamoDB: about one byte per two significant digits, plus one; counted generously here.
    digits = sum(ch.isdigit() for ch in text)
    return (digits + 1) // 2 + 2


def item_size(attributes: dict[str, dict[str, Any]]) -> int:
    """The size DynamoDB counts for an item given as `{attribute name: DynamoDB JSON value}`."""
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in attributes.items())


def string_item_size(attributes: dict[str, str | int]) -> int:
    """The size of a flat item of strings and numbers (e.g. an idempotency record)."""
    return item_size({name: {"N": str(v)} if isinstance(v, int) else {"S": v} for name, v in attributes.items()})


def _too_large(noun: str, size: int, limit: int, what: str, param: str | None) -> DocumentTooLarge:
    message = (f"The {noun} is too large to store: {what} would take {size:,} bytes, over the limit of "
               f"{limit:,} bytes. Shorten its texts (line descriptions, notes) or split it into several documents")
    issues = [FieldIssue(param, message)] if param else []
    return DocumentTooLarge(message, param=param, details=issues)


def check_item(attributes: dict[str, dict[str, Any]], noun: str) -> int:
    """Refuse (422 `document_too_large`, naming the largest attribute) an item over DynamoDB's limit."""
    size = item_size(attributes)
    if size > MAX_ITEM_BYTES:
        largest = max(attributes, key=lambda name: value_size(attributes[name]))
        raise _too_large(noun, size, MAX_ITEM_BYTES, "it", largest)
    return size


def event_detail_size(data_json: str) -> int:
    """The bytes `data` takes inside the EventBridge entry: the pipe embeds it as a JSON string."""
    return len(json.dumps(data_json, ensure_ascii=False).encode("utf-8")) + EVENT_ENVELOPE_BYTES


def check_event_data(data: dict[str, Any], data_json: str, noun: str) -> None:
    """Refuse an event whose `data` (the document as the API shows it) would not reach the event bus."""
    size = event_detail_size(data_json)
    if size > MAX_EVENT_DETAIL_BYTES:
        largest = max(data, key=lambda name: len(json.dumps(data[name], ensure_ascii=False, default=str)),
                      default=None)
        raise _too_large(noun, size, MAX_EVENT_DETAIL_BYTES, "the event that carries it", largest)
