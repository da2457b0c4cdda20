"""Write capacity (issue 13, target 6): what one invoice life stores, item by item, against DynamoDB Local.

The nested lists no query reads (lines, tax breakdown, movements…) and the idempotency record's stored response
are kept compressed (store/attributes.CompressedAttribute). Stored items read back exactly as written; an
idempotency record takes one or two KB. An invoice's fixed part (its keys in six
indexes, dates, amounts and search copies) keeps it over one KB; an event's `data` is read by the EventBridge
Pipe's input template, so it stays a plain string.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from bench.cost import item_size
from ledgerline.settings import get_settings
from ledgerline.store.documents import Invoice
from ledgerline.store.table import connection
from tests.integration.books import Books


def raw_items(partition: str) -> list[dict[str, Any]]:
    client = connection().connection.client
    return client.query(TableName=get_settings().table_name, KeyConditionExpression="PK = :pk",
                        ExpressionAttributeValues={":pk": {"S": partition}}, ConsistentRead=True)["Items"]


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_an_invoice_life_stores_compressed_items_that_read_back_identical(books: Books) -> None:
    customer = books.customer()
    draft = books.post("/v1/invoices", {"customer_id": customer, "lines": [
        {"description": "Consulting", "quantity": "10.000", "unit_price": "100.00",
         "tax_code_id": books.tax_codes["GST10"]},
        {"description": "Setup", "unit_price": "250.00", "tax_code_id": books.tax_codes["GST10"]}]}, **key())
    post_key = key()
    posted = books.post(f"/v1/invoices/{draft['id']}/post", expect=200, **post_key)
    receipt = books.post("/v1/receipts", {
        "customer_id": customer, "amount": posted["amount_due"], "account_id": books.accounts["1010"],
        "allocations": [{"invoice_id": posted["id"], "amount": posted["amount_due"]}]}, **key())
    paid = books.invoice(posted["id"])
    assert paid["status"] == "paid" and Decimal(paid["amount_due"]) == 0

    # the invoice as stored: its nested lists are Binary, and it reads back as the API answered
    (item,) = raw_items(Invoice.key(books.tenant_id, posted["id"])[0])
    for name in ("lines", "tax_breakdown", "movements"):
        assert set(item[name]) == {"B"}, name
    assert item_size(item) < 2048  # two started KB
    assert books.invoice(posted["id"]) == paid
    assert [line["quantity"] for line in paid["lines"]] == ["10.000", "1"]
    assert Decimal(paid["total"]) == Decimal("1375.00")

    # the idempotency records of the life take one or two started KB (2-3 before), and replay exactly
    records = raw_items(f"T#{books.tenant_id}#IDEMPOTENCY")
    assert len(records) == 3  # the draft's, the post's, the receipt's
    assert all(set(record["response"]) == {"B"} for record in records)
    sizes = sorted(item_size(record) for record in records)
    assert sizes[-1] < 2048 and sizes[0] < 1024  # a posted invoice's answer compresses to ~800 bytes
    replay = books.call("POST", f"/v1/invoices/{draft['id']}/post", **post_key)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == posted
    assert receipt["amount"] == posted["amount_due"]

    # an event's data is read by the Pipe's input template: a plain string, never compressed
    events = raw_items(f"T#{books.tenant_id}#EVT")
    assert events and all(set(event["data"]) == {"S"} for event in events)
