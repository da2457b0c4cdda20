"""The bench's AWS-pricing model of write capacity (issue 13, target 6): every index an item has keys for."""

from __future__ import annotations

from typing import Any

from bench.cost import aws_write_detail
from bench.meter import Call, Meter


def put(sk: str, **attributes: str) -> dict[str, Any]:
    item = {"PK": {"S": "TENANT#t#INV#1"}, "SK": {"S": sk}} | {k: {"S": v} for k, v in attributes.items()}
    return {"Put": {"Item": item}}


def meter_of(*operations: dict[str, Any]) -> Meter:
    meter = Meter()
    meter.log.append(Call("TransactWriteItems", {"TransactItems": list(operations)}))
    return meter


def test_a_put_is_replicated_into_every_index_it_has_keys_for() -> None:
    item = put("INV", GSI1PK="a", GSI1SK="b", GSI4PK="c", GSI4SK="d", GSI7PK="e", GSI7SK="f")
    detail = aws_write_detail(meter_of(item))
    assert detail["shares"] == {"table": 2.0, "GSI1": 1.0, "GSI4": 1.0, "GSI7": 1.0}
    assert detail["total"] == 5.0


def test_each_started_kb_counts_in_the_table_twice_and_once_per_index() -> None:
    item = put("INV", notes="x" * 1500, GSI2PK="a", GSI2SK="b")
    assert aws_write_detail(meter_of(item))["shares"] == {"table": 4.0, "GSI2": 2.0}


def test_a_changed_index_key_costs_a_delete_and_a_put_and_a_dropped_one_a_delete() -> None:
    images: dict[str, dict[str, Any]] = {}
    aws_write_detail(meter_of(put("INV", GSI1PK="a", GSI1SK="1", GSI2PK="open", GSI2SK="x")), images)
    second = aws_write_detail(meter_of(put("INV", GSI1PK="a", GSI1SK="2")), images)
    assert second["shares"] == {"table": 2.0, "GSI1": 2.0, "GSI2": 1.0}


def test_binary_attributes_count_their_bytes_not_their_base64() -> None:
    item = {"Put": {"Item": {"PK": {"S": "P"}, "SK": {"S": "S"}, "z": {"B": "A" * 1600}}}}  # 1200 bytes
    assert aws_write_detail(meter_of(item))["shares"] == {"table": 4.0}


def test_updates_and_deletes_cost_two_each() -> None:
    update = {"Update": {"Key": {"PK": {"S": "TENANT#t#BAL"}, "SK": {"S": "Y#2026"}}}}
    assert aws_write_detail(meter_of(update, update))["total"] == 4.0
