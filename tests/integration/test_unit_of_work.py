"""The unit of work on DynamoDB Local against the in-memory one: the same items, the same conditions; and the
reads of creating and posting an invoice batched into one round trip each."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

import pytest

from bench.meter import metered
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import JournalLine
from ledgerline.domain.posting import Conversion
from ledgerline.schemas.documents import JournalEntryOut
from ledgerline.services import credit_notes, invoices, receipts, refunds
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.memory import MemoryTable
from ledgerline.store.table import Contention, connection
from ledgerline.store.unit_of_work import DynamoUnitOfWork

DAY = date(2026, 3, 14)


def _entry(tenant_id: str, entry_id: str) -> tuple[JournalEntry, list[JournalLine]]:
    at = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    entry = JournalEntry.new(tenant_id, DAY, Conversion("AUD", "AUD", D(1)), source_type="manual", source_id=None,
                             description="Both ways", at=at)
    entry.id = entry_id
    lines = [JournalLine("acc_bank", D("110.00"), D(0), "AUD", D("110.00"), None),
             JournalLine("acc_sales", D(0), D("100.00"), "AUD", D("100.00"), None),
             JournalLine("acc_tax", D(0), D("10.00"), "AUD", D("10.00"), None)]
    return entry, lines


def _plain(value: Any) -> Any:
    """DynamoDB JSON as plain values, numbers as Decimals (DynamoDB drops trailing zeros)."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("N", "S", "BOOL", "NULL", "L", "M"):
        kind, inner = next(iter(value.items()))
        return D(inner) if kind == "N" else _plain(inner) if kind in ("L", "M") else inner
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_plain(inner) for inner in value]
    return value


def _stage(unit: Any, tenant_id: str, entry_id: str) -> JournalEntry:
    entry, lines = _entry(tenant_id, entry_id)
    unit.take_number("JE", 2026, 0)
    unit.post_entry(entry, lines, {"txc_gst": (D("100.00"), D("10.00"))})
    unit.record_event(EventType.JOURNAL_ENTRY_POSTED, entry, JournalEntryOut)
    return entry


def test_both_units_write_the_same_items(tenant):
    memory = MemoryTable()
    unit = memory.unit(tenant.tenant_id)
    _stage(unit, tenant.tenant_id, "je_same")
    unit.commit()
    dynamo = DynamoUnitOfWork(tenant.tenant_id)
    _stage(dynamo, tenant.tenant_id, "je_same")
    dynamo.commit()
    table = connection()
    written = [key for key in memory.items if not key[0].endswith("#EVT")]
    assert len(written) == 1 + 1 + 3 + 3 * 3 + 3  # series, entry, ledger lines, balance and tax buckets
    for pk, sk in written:
        stored = table.get_item(pk, sk, consistent_read=True)["Item"]
        assert _plain(memory.items[(pk, sk)]) == _plain(stored), (pk, sk)
    assert len(memory.events(tenant.tenant_id)) == 1


@pytest.mark.parametrize("kind", ["memory", "dynamodb"])
def test_both_units_refuse_the_same_conditions_and_write_nothing(tenant, kind):
    memory = MemoryTable()

    def unit() -> Any:
        return memory.unit(tenant.tenant_id) if kind == "memory" else DynamoUnitOfWork(tenant.tenant_id)

    first = unit()
    _stage(first, tenant.tenant_id, f"je_{kind}")
    first.commit()
    again = unit()  # the same entry id and number 1 taken from 0 again
    _stage(again, tenant.tenant_id, f"je_{kind}")
    with pytest.raises(Contention):
        again.commit()
    stale = unit()
    entry = stale.load(JournalEntry, f"je_{kind}")
    other = unit()
    moved = other.load(JournalEntry, f"je_{kind}")
    moved.status = "reversed"
    other.save_if_unchanged(moved)
    other.commit()
    entry.description = "stale"
    stale.save_if_unchanged(entry)
    with pytest.raises(Contention):
        stale.commit()
    assert unit().load(JournalEntry, f"je_{kind}").description == "Both ways"


def test_an_id_too_long_to_be_a_key_is_an_unknown_record_not_a_database_error(books):
    # Before: DynamoDB refused the GetItem's key (ValidationException) and the request was a 500
    too_long = "pty_" + "x" * 1100
    response = books.call("POST", "/v1/invoices", {"customer_id": too_long, "lines": [
        {"description": "x", "unit_price": "1.00"}]}, expect=422)
    assert response.json()["error"]["param"] == "customer_id"
    response = books.call("POST", "/v1/invoices", {"customer_id": books.customer(), "lines": [
        {"item_id": "itm_" + "x" * 1100, "unit_price": "1.00"}]}, expect=422)
    assert response.json()["error"]["param"] == "lines.0.item_id"
    assert books.get("/v1/invoices")["data"] == []


def test_creating_and_posting_a_draft_read_in_one_round_trip_each(books):
    customer = books.customer()
    fields = {"customer_id": customer, "lines": [{"description": "Work", "quantity": D(1), "unit_price": D(100),
                                                  "account_id": books.accounts["4000"],
                                                  "tax_code_id": books.tax_codes["GST10"]}]}
    with metered() as creating:
        draft = invoices.create_draft(books.tenant_id, fields)
    assert dict(creating.calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}
    with metered() as posting:
        invoices.post(books.tenant_id, draft["id"])
    assert dict(posting.calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}


def test_a_receipt_paying_one_invoice_reads_in_one_round_trip_and_writes_in_one_transaction(books):
    # Before: the tenant, the customer, the bank account and the invoice were four GetItems
    customer = books.customer()
    invoice = books.posted(customer)
    fields = {"customer_id": customer, "amount": D("1375.00"), "account_id": books.accounts["1010"],
              "allocations": [{"invoice_id": invoice["id"], "amount": D("1375.00")}]}
    with metered() as paying:
        receipt = receipts.create(books.tenant_id, fields)
    assert dict(paying.calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}
    assert receipt["allocated_amount"] == "1375.00" and books.invoice(invoice["id"])["status"] == "paid"


def test_a_credit_note_reads_in_one_round_trip_and_writes_in_one_transaction(books):
    # Before: the tenant, the invoice, the account, the tax code and the number series were five GetItems
    invoice = books.posted(books.customer())
    lines = [{"description": "Less", "quantity": D(1), "unit_price": D(10), "account_id": books.accounts["4000"],
              "tax_code_id": books.tax_codes["GST10"]}]
    with metered() as crediting:
        note = credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "lines": lines})
    assert dict(crediting.calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}
    assert books.invoice(invoice["id"])["amount_credited"] == note["total"] == "11.00"


def test_a_refund_of_a_named_receipt_reads_in_one_round_trip_and_writes_in_one_transaction(books):
    # Before: the tenant, the customer, the receipt and the bank account were four GetItems
    customer = books.customer()
    receipt = books.receipt(customer, "300.00")
    fields = {"customer_id": customer, "amount": D("120.00"), "account_id": books.accounts["1010"],
              "receipt_id": receipt["id"]}
    with metered() as refunding:
        refunds.create(books.tenant_id, fields)
    assert dict(refunding.calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}
    assert books.get(f"/v1/receipts/{receipt['id']}")["unallocated_amount"] == "180.00"
