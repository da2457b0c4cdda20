"""Bulk requests and their per-item results.

A bulk request carries up to a cap of items, each the body of the single-item POST in `data`, with
an optional `idempotency_key` that makes a retried batch safe. Items are validated one by one when
they are processed (a bad item fails alone), so `data` is a plain object here; the batch itself
(its size, unique keys) is validated up front and refused whole with a 422 before anything is written.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictBool, model_validator

from ledgerline.schemas.common import Input, Output

# Items per request; the invoice cap is lower because each invoice may also be posted.
MAX_PARTIES = 100
MAX_INVOICES = 50
MAX_RECEIPTS = 100
MAX_JOURNAL_ENTRIES = 100


class BulkItem(Input):
    idempotency_key: str | None = Field(
        None, min_length=1, max_length=255,
        description="Like the Idempotency-Key header of the single-item POST: a retried item replays its result",
    )
    data: dict[str, Any] = Field(description="The body of the single-item POST")


class _Batch(Input):
    items: list[BulkItem]

    @model_validator(mode="after")
    def _unique_keys(self) -> _Batch:
        keys = [item.idempotency_key for item in self.items if item.idempotency_key is not None]
        if len(keys) != len(set(keys)):
            raise ValueError("each idempotency_key may appear once in a batch")
        return self


class BulkParties(_Batch):
    items: list[BulkItem] = Field(min_length=1, max_length=MAX_PARTIES,
                                  description=f"At most {MAX_PARTIES}; each `data` is a PartyCreate body")


class BulkInvoices(_Batch):
    post: StrictBool = Field(False, description="Also post each invoice once its draft is created")
    items: list[BulkItem] = Field(min_length=1, max_length=MAX_INVOICES,
                                  description=f"At most {MAX_INVOICES}; each `data` is an InvoiceCreate body")


class BulkReceipts(_Batch):
    items: list[BulkItem] = Field(min_length=1, max_length=MAX_RECEIPTS,
                                  description=f"At most {MAX_RECEIPTS}; each `data` is a ReceiptCreate body")


class BulkJournalEntries(_Batch):
    items: list[BulkItem] = Field(min_length=1, max_length=MAX_JOURNAL_ENTRIES,
                                  description=f"At most {MAX_JOURNAL_ENTRIES}; each `data` is a "
                                              "JournalEntryCreate body")


class BulkItemResult(Output):
    index: int = Field(description="The item's position in the request, from 0")
    success: bool
    status: int = Field(description="The status the single-item POST would have answered")
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
