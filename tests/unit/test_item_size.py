"""The one size rule for stored items and outbox events (issue 11, item 11)."""

from __future__ import annotations

import json

import pytest

from ledgerline.domain.errors import DocumentTooLarge
from ledgerline.store.item_size import (
    MAX_EVENT_DETAIL_BYTES,
    MAX_ITEM_BYTES,
    check_event_data,
    check_item,
    event_detail_size,
    item_size,
    string_item_size,
)


def test_sizes_follow_dynamodbs_rules():
    # names and strings count as UTF-8; 東 is 3 bytes
    assert item_size({"PK": {"S": "abc"}}) == 2 + 3
    assert item_size({"d": {"S": "東京"}}) == 1 + 6
    # a map or list costs 3 bytes plus 1 per element, besides names and values
    assert item_size({"m": {"M": {"a": {"S": "x"}}}}) == 1 + 3 + 1 + 1 + 1
    assert item_size({"l": {"L": [{"S": "x"}, {"S": "y"}]}}) == 1 + 3 + 2 * (1 + 1)
    assert item_size({"b": {"BOOL": True}, "n": {"NULL": True}}) == 2 + 2
    # numbers: about a byte per two digits plus one; never counted smaller than DynamoDB does
    assert item_size({"n": {"N": "1375.25"}}) >= 1 + 3
    assert string_item_size({"a": "xy", "b": 12}) == 1 + 2 + 1 + item_size({"": {"N": "12"}})


def test_an_item_over_400_kb_is_refused_naming_its_largest_attribute_and_the_limit():
    lines = {"L": [{"M": {"description": {"S": "東" * 2000}}} for _ in range(100)]}
    with pytest.raises(DocumentTooLarge) as raised:
        check_item({"PK": {"S": "T#x"}, "notes": {"S": "short"}, "lines": lines}, "invoice")
    error = raised.value
    assert (error.code, error.param) == ("document_too_large", "lines")
    assert f"{MAX_ITEM_BYTES:,}" in error.message and "invoice" in error.message
    assert check_item({"PK": {"S": "T#x"}, "lines": {"L": lines["L"][:40]}}, "invoice") < MAX_ITEM_BYTES


def test_an_event_must_fit_the_event_bus_entry_as_the_pipe_embeds_it():
    data = {"object": "invoice", "lines": [{"description": "東" * 1000}] * 100}
    text = json.dumps(data, ensure_ascii=False)
    # embedded as a JSON string: every quote is escaped once more
    assert event_detail_size(text) > len(text.encode())
    with pytest.raises(DocumentTooLarge) as raised:
        check_event_data(data, text, "invoice")
    assert raised.value.param == "lines" and f"{MAX_EVENT_DETAIL_BYTES:,}" in raised.value.message
    small = {"object": "invoice", "lines": [{"description": "東" * 1000}] * 10}
    check_event_data(small, json.dumps(small, ensure_ascii=False), "invoice")
