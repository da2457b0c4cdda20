"""Bulk requests and their per-item results.

A bulk request carries up to a cap of `operations`: `create` with the body of the single-item POST in
`data`, or `update` with the record's `id` and the body of its PATCH (parties, draft invoices), each with
an optional `idempotency_key` that makes a retried batch safe. `items` is the older name for a list of
creates and is still accepted. Items are validated one by one when
they are processed (a bad item fails alone), so `data` is a plain object here; the batch itself
(its size, unique keys) is validated up front and refused whole with a 422 before anything is written.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from ledgerline.schemas.common import Input, Output

# Items per request; the invoice cap is lower because each invoice may also be posted.
MAX_PARTIES = 100
MAX_INVOICES = 50
MAX_RECEIPTS = 100
MAX_JOURNAL_ENTRIES = 100
MAX_QUOTES = 100
MAX_ORDERS = 100
MAX_BILLS = 100
MAX_EXCHANGE_RATES = 100
MAX_STOCK_ADJUSTMENTS = 200  # issue 19


class BulkItem(Input):
    idempotency_key: str | None = Field(
        None, min_length=1, max_length=255,
        description="Like the Idempotency-Key header of the single-item POST: a retried item replays its result",
    )
    data: dict[str, Any] = Field(description="The body of the single-item POST")


class BulkOperation(BulkItem):
    """One operation: `create` (the body of the single-item POST) or `update` (the body of its PATCH, with
    the record's `id` and, optionally, the `version` the change is based on, as If-Match)."""

    operation: Literal["create", "update"] = "create"
    id: str | None = Field(None, min_length=1, max_length=64, description="The record to update (update only)")
    version: int | None = Field(None, ge=0, description="Update only if the record is at this version (If-Match)")
    data: dict[str, Any] = Field(description="The body of the single-item POST (create) or PATCH (update)")

    @model_validator(mode="after")
    def _id_for_update_only(self) -> BulkOperation:
        if self.operation == "update" and self.id is None:
            raise ValueError("an update names the record's id")
        if self.operation == "create" and (self.id is not None or self.version is not None):
            raise ValueError("a create takes no id or version")
        return self


class CreateOperation(BulkOperation):
    operation: Literal["create"] = "create"


def _unique_keys(entries: list[Any] | None) -> list[Any] | None:
    keys = [entry.idempotency_key for entry in entries or [] if entry.idempotency_key is not None]
    if len(keys) != len(set(keys)):
        raise ValueError("each idempotency_key may appear once in a batch")
    return entries


def _items(cap: int, body: str) -> Any:
    return Field(None, min_length=1, max_length=cap,
                 description=f"At most {cap} creates, each `data` a {body} body: the older form of `operations`")


class _Batch(Input):
    """`operations` (as other bulk APIs have it), or `items`: the same thing, every one a create."""

    operations: list[BulkOperation] | None = None
    items: list[BulkItem] | None = None

    _keys = field_validator("operations", "items")(_unique_keys)

    @model_validator(mode="after")
    def _one_list(self) -> _Batch:
        if (self.operations is None) == (self.items is None):
            raise ValueError("send either operations or items")
        return self

    def as_operations(self) -> list[BulkOperation]:
        if self.operations is not None:
            return list(self.operations)
        return [BulkOperation(idempotency_key=item.idempotency_key, data=item.data) for item in self.items or []]


class BulkParties(_Batch):
    operations: list[BulkOperation] | None = Field(
        None, min_length=1, max_length=MAX_PARTIES,
        description=f"At most {MAX_PARTIES}; `data` is a PartyCreate (create) or PartyUpdate (update) body")
    items: list[BulkItem] | None = _items(MAX_PARTIES, "PartyCreate")


class BulkInvoices(_Batch):
    post: StrictBool = Field(False, description="Also post each invoice once its draft is created or updated; "
                             "creates without an idempotency_key are posted several per transaction")
    operations: list[BulkOperation] | None = Field(
        None, min_length=1, max_length=MAX_INVOICES,
        description=f"At most {MAX_INVOICES}; `data` is an InvoiceCreate (create) or InvoiceUpdate (update of a "
                    "draft) body")
    items: list[BulkItem] | None = _items(MAX_INVOICES, "InvoiceCreate")


class BulkReceipts(_Batch):
    operations: list[CreateOperation] | None = Field(  # type: ignore[assignment]
        None, min_length=1, max_length=MAX_RECEIPTS,
        description=f"At most {MAX_RECEIPTS} creates (receipts are not updated); each `data` a ReceiptCreate body")
    items: list[BulkItem] | None = _items(MAX_RECEIPTS, "ReceiptCreate")


class BulkJournalEntries(_Batch):
    operations: list[CreateOperation] | None = Field(  # type: ignore[assignment]
        None, min_length=1, max_length=MAX_JOURNAL_ENTRIES,
        description=f"At most {MAX_JOURNAL_ENTRIES} creates (posted entries are not updated); each `data` a "
                    "JournalEntryCreate body")
    items: list[BulkItem] | None = _items(MAX_JOURNAL_ENTRIES, "JournalEntryCreate")


class BulkSupplierPayments(_Batch):  # issue 15
    operations: list[CreateOperation] | None = Field(  # type: ignore[assignment]
        None, min_length=1, max_length=MAX_RECEIPTS,
        description=f"At most {MAX_RECEIPTS} creates (payments are not updated); each `data` a SupplierPaymentCreate "
                    "body")
    items: list[BulkItem] | None = _items(MAX_RECEIPTS, "SupplierPaymentCreate")


class BulkItemResult(Output):
    index: int = Field(description="The item's position in the request, from 0")
    operation: Literal["create", "update"] = "create"
    success: bool
    status: int = Field(description="The status the single-item POST (201) or PATCH (200) would have answered")
    idempotency_key: str | None = None
    data: dict[str, Any] | None = Field(
        None, description="The created object; for an invoice created but not posted, the draft")
    error: dict[str, Any] | None = Field(None, description="The `error` of the error envelope")


class BulkResult(Output):
    object: Literal["bulk_result"] = "bulk_result"
    processed: int
    succeeded: int
    failed: int
    results: list[BulkItemResult]


class BulkQuotes(_Batch):
    operations: list[BulkOperation] | None = Field(
        None, min_length=1, max_length=MAX_QUOTES,
        description=f"At most {MAX_QUOTES}; `data` is a QuoteCreate (create) or QuoteUpdate (update of a draft) body")
    items: list[BulkItem] | None = _items(MAX_QUOTES, "QuoteCreate")


class BulkOrders(_Batch):
    operations: list[BulkOperation] | None = Field(
        None, min_length=1, max_length=MAX_ORDERS,
        description=f"At most {MAX_ORDERS}; `data` is an OrderCreate (create) or OrderUpdate (update of a draft) body")
    items: list[BulkItem] | None = _items(MAX_ORDERS, "OrderCreate")


class BulkBills(_Batch):
    """Issue 15: supplier bills, created (or their drafts changed) one by one."""

    operations: list[BulkOperation] | None = Field(
        None, min_length=1, max_length=MAX_BILLS,
        description=f"At most {MAX_BILLS}; `data` is a BillCreate (create) or BillUpdate (update of a draft) body")
    items: list[BulkItem] | None = _items(MAX_BILLS, "BillCreate")


class BulkExchangeRates(_Batch):
    operations: list[CreateOperation] | None = Field(  # type: ignore[assignment]
        None, min_length=1, max_length=MAX_EXCHANGE_RATES,
        description=f"At most {MAX_EXCHANGE_RATES} creates (rates are not updated: delete and add); each `data` an "
                    "ExchangeRateCreate body")
    items: list[BulkItem] | None = _items(MAX_EXCHANGE_RATES, "ExchangeRateCreate")


class BulkStockAdjustments(_Batch):
    """Issue 19: stock adjustments (counts, damage, opening stock), each on its own."""

    operations: list[CreateOperation] | None = Field(  # type: ignore[assignment]
        None, min_length=1, max_length=MAX_STOCK_ADJUSTMENTS,
        description=f"At most {MAX_STOCK_ADJUSTMENTS} creates; each `data` a StockAdjustmentCreate body")
    items: list[BulkItem] | None = _items(MAX_STOCK_ADJUSTMENTS, "StockAdjustmentCreate")
