"""List cursors: opaque, signed, and only valid for the tenant and list that issued them."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.api.pagination import decode_cursor, encode_cursor
from ledgerline.domain.errors import InvalidRequest

KEY = {"PK": {"S": "T#ten_A"}, "SK": {"S": "PARTY#pty_01"}}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def assert_invalid(cursor: str, tenant_id: str = "ten_A", path: str = "/v1/parties") -> None:
    with pytest.raises(InvalidRequest) as caught:
        decode_cursor(cursor, tenant_id, path)
    assert caught.value.code == "invalid_cursor" and caught.value.param == "cursor"


def test_a_cursor_round_trips_for_the_tenant_and_list_that_issued_it():
    # Given a cursor issued for tenant A's party list
    cursor = encode_cursor(KEY, "ten_A", "/v1/parties")
    # Then it is opaque URL-safe text and decodes back to the same key
    assert "PARTY" not in cursor and all(c.isalnum() or c in "-_." for c in cursor)
    assert decode_cursor(cursor, "ten_A", "/v1/parties") == KEY


def test_a_tampered_payload_is_refused():
    cursor = encode_cursor(KEY, "ten_A", "/v1/parties")
    body, signature = cursor.split(".")
    payload = json.loads(_unb64(body))
    payload["k"]["SK"]["S"] = "PARTY#pty_99"
    assert_invalid(_b64(json.dumps(payload, separators=(",", ":")).encode()) + "." + signature)


def test_a_payload_moved_to_another_tenant_is_refused_even_when_the_caller_is_that_tenant():
    cursor = encode_cursor(KEY, "ten_A", "/v1/parties")
    body, signature = cursor.split(".")
    payload = json.loads(_unb64(body))
    payload["t"] = "ten_B"
    assert_invalid(_b64(json.dumps(payload, separators=(",", ":")).encode()) + "." + signature, tenant_id="ten_B")


def test_a_tampered_signature_is_refused():
    body, signature = encode_cursor(KEY, "ten_A", "/v1/parties").split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert_invalid(body + "." + flipped)
    assert_invalid(body + ".")
    assert_invalid(body)


def test_a_cursor_of_another_tenant_is_refused():
    assert_invalid(encode_cursor(KEY, "ten_A", "/v1/parties"), tenant_id="ten_B")


def test_a_cursor_of_another_list_is_refused():
    assert_invalid(encode_cursor(KEY, "ten_A", "/v1/parties"), path="/v1/items")


@pytest.mark.parametrize("garbage", ["", ".", "abc", "!!!", "a.b.c", "é.é", "%%%.x", "null", "e30.e30"])
def test_garbage_is_refused_as_an_invalid_request(garbage):
    assert_invalid(garbage)


@given(st.text(max_size=200))
def test_any_text_is_refused_with_invalid_cursor_and_never_crashes(text):
    assert_invalid(text)


def _signed(payload: bytes) -> str:
    """A cursor signed with the right secret around any payload (what a holder of the secret could forge)."""
    from ledgerline.api.pagination import _signature

    return _b64(payload) + "." + _signature(payload)


@pytest.mark.parametrize("payload", [
    b"not json", b"\xff\xfe", b"[]", b"null", b"42", b'"text"', b"{}", b'{"t":"ten_A","p":"/v1/parties"}',
    b'{"k":[],"t":"ten_A","p":"/v1/parties"}', b'{"k":"PK","t":"ten_A","p":"/v1/parties"}',
    b'{"k":{},"t":"ten_A","p":"/v1/parties"}', b'{"k":{"PK":{"S":"T#ten_A"}},"t":5,"p":"/v1/parties"}',
])
def test_a_malformed_payload_signed_with_the_right_secret_is_an_invalid_cursor(payload):
    # Issue 11.20: the signature only proves who made the cursor; its contents are still checked.
    assert_invalid(_signed(payload))


@pytest.mark.parametrize("key", [
    {"PK": {"S": "T#ten_A"}}, {"PK": "T#ten_A", "SK": "PARTY#1"}, {"PK": {"S": "T#ten_A"}, "SK": {"N": "1"}},
    {"PK": {"S": "T#ten_A"}, "SK": {"S": ""}}, {"PK": {"S": "T#ten_A"}, "SK": {"S": "x"}, "X": {"S": "y"}},
    {"PK": {"S": "T#ten_A"}, "SK": {"S": "x", "N": "1"}}, {"PK": {"S": ["T#ten_A"]}, "SK": {"S": "x"}},
])
def test_a_start_key_of_the_wrong_shape_is_an_invalid_cursor_not_a_database_error(key):
    from ledgerline.store.records import check_start_key

    with pytest.raises(InvalidRequest) as caught:
        check_start_key(key, "PK", "T#ten_A")
    assert caught.value.code == "invalid_cursor"


def test_a_start_key_of_an_index_needs_the_index_keys_too():
    from ledgerline.store.records import check_start_key

    table_key = {"PK": {"S": "T#ten_A#INV#1"}, "SK": {"S": "DOC"}}
    with pytest.raises(InvalidRequest):
        check_start_key(table_key, "GSI1PK", "T#ten_A#INVOICES")
    check_start_key(table_key | {"GSI1PK": {"S": "T#ten_A#INVOICES"}, "GSI1SK": {"S": "2026-01-01#inv_1"}},
                    "GSI1PK", "T#ten_A#INVOICES")
