"""The compressed attribute (issue 13, write capacity): round trip, the old plain form, exact decimals."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from pynamodb.attributes import JSONAttribute, ListAttribute, UnicodeAttribute

from ledgerline.store.attributes import CompressedAttribute
from ledgerline.store.documents import DocumentLine, Invoice
from ledgerline.store.idempotency import IdempotencyRecord

LINES = CompressedAttribute(ListAttribute(of=DocumentLine))
decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e12"), max_value=Decimal("1e12"),
                       places=6)


def line(quantity: Decimal, price: Decimal, description: str | None = "Work") -> DocumentLine:
    return DocumentLine(description=description, quantity=quantity, unit_price=price, account_id="acc_1",
                        tax_code_id="txc_1", tax_rate=Decimal("0.10"), net_amount=price, tax_amount=Decimal("0.00"),
                        amount=price)


def as_tuples(lines: list[DocumentLine]) -> list[tuple[object, ...]]:
    return [(x.description, x.quantity, str(x.quantity), str(x.unit_price), x.account_id, x.tax_code_id,
             str(x.tax_rate)) for x in lines]


@given(st.lists(st.tuples(decimals, decimals, st.text(max_size=40)), max_size=20))
def test_lines_round_trip_exactly(values: list[tuple[Decimal, Decimal, str]]) -> None:
    lines = [line(q, p, d) for q, p, d in values]
    stored = LINES.serialize(lines)
    assert isinstance(stored, bytes)
    assert as_tuples(LINES.deserialize(LINES.get_value({"B": stored}))) == as_tuples(lines)


def test_decimals_keep_their_exponent() -> None:
    lines = [line(Decimal("1.000"), Decimal("0.10")), line(Decimal("12345678901234.567890"), Decimal("-0.0001"))]
    back = LINES.deserialize({"B": LINES.serialize(lines)})
    assert [str(x.quantity) for x in back] == ["1.000", "12345678901234.567890"]
    assert [str(x.unit_price) for x in back] == ["0.10", "-0.0001"]


def test_reads_the_old_plain_form() -> None:
    lines = [line(Decimal("2"), Decimal("50.00"))]
    plain = {"L": ListAttribute(of=DocumentLine).serialize(lines)}  # as stored before issue 13
    assert as_tuples(LINES.deserialize(LINES.get_value(plain))) == as_tuples(lines)
    text = CompressedAttribute(UnicodeAttribute())
    assert text.deserialize(text.get_value({"S": '{"id": "inv_1"}'})) == '{"id": "inv_1"}'
    document = CompressedAttribute(JSONAttribute(null=True))
    assert document.deserialize(document.get_value({"S": '[{"amount": "1.10"}]'})) == [{"amount": "1.10"}]


def test_the_stored_value_is_zlib_of_canonical_json() -> None:
    text = CompressedAttribute(UnicodeAttribute())
    assert zlib.decompress(text.serialize("héllo")).decode() == '{"S":"héllo"}'


def test_models_store_the_big_nested_attributes_compressed_and_read_them_back() -> None:
    invoice_attributes = Invoice.get_attributes()
    for name in ("lines", "tax_breakdown", "positions", "allowances", "charges", "movements"):
        assert isinstance(invoice_attributes[name], CompressedAttribute), name
    record = IdempotencyRecord(pk="T#t#IDEMPOTENCY", sk="KEY#x", operation="invoices.post", payload_hash="0" * 64,
                               response='{"id": "inv_1", "total": "110.00"}', created_at=datetime.now(UTC),
                               expires_at=datetime.now(UTC))
    stored = record.serialize()
    assert "B" in stored["response"]
    assert IdempotencyRecord.from_raw_data(stored).stored() == {"id": "inv_1", "total": "110.00"}


def test_an_old_plain_item_reads_back() -> None:
    old = {"PK": {"S": "T#t#IDEMPOTENCY"}, "SK": {"S": "KEY#x"}, "response": {"S": '{"a": "1.0"}'}}
    assert IdempotencyRecord.from_raw_data(old).stored() == {"a": "1.0"}
