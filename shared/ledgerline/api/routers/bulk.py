"""Bulk: many parties, invoices, receipts or journal entries in one request, each operation on its own
(`create`, and `update` for parties and draft invoices).

Each route needs the scope of its single-item POST. The response is 200 with one result per item;
a batch over its cap (or with a repeated idempotency key) is a 422 before anything is written.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from ledgerline.api.auth import require
from ledgerline.api.bulk import Kind, Together, run_items
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.bills import BillCreate, BillUpdate
from ledgerline.schemas.bulk import (
    BulkBills,
    BulkExchangeRates,
    BulkInvoices,
    BulkJournalEntries,
    BulkOrders,
    BulkParties,
    BulkQuotes,
    BulkReceipts,
    BulkResult,
    BulkStockAdjustments,
    BulkSupplierPayments,
)
from ledgerline.schemas.documents import InvoiceCreate, InvoiceUpdate, JournalEntryCreate, ReceiptCreate
from ledgerline.schemas.exchange_rates import ExchangeRateCreate
from ledgerline.schemas.orders import OrderCreate, OrderUpdate
from ledgerline.schemas.parties import PartyCreate, PartyUpdate
from ledgerline.schemas.quotes import QuoteCreate, QuoteUpdate
from ledgerline.schemas.stock import StockAdjustmentCreate
from ledgerline.schemas.supplier_payments import SupplierPaymentCreate
from ledgerline.services import bulk

router = APIRouter(prefix="/v1/bulk", tags=["bulk"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)


@router.post("/parties", response_model=BulkResult, operation_id="bulk_create_parties",
             summary="Create or update up to 100 parties; one result per operation")
def parties(body: BulkParties, request: Request, principal: Principal = Depends(require("parties:write"))) -> Any:
    """Each item is created as `POST /v1/parties` would; one failing item does not stop the others. The result
    lists each item's status and object or error."""
    tenant_id = principal.tenant_id
    return run_items(request, body.as_operations(), Kind(
        PartyCreate, lambda fields, key: bulk.create_party(tenant_id, fields, key),
        PartyUpdate, lambda id, changes, version, key: bulk.update_party(tenant_id, id, changes, version, key)))


@router.post("/invoices", response_model=BulkResult, operation_id="bulk_create_invoices",
             summary="Create or update up to 50 draft invoices, and post them with \"post\": true; one result per "
                     "operation")
def invoices(body: BulkInvoices, request: Request, principal: Principal = Depends(require("invoices:write"))) -> Any:
    """Each item is created (and posted, with `post`) as the single-item routes would; one failing item does
    not stop the others.

    With `post`, the creates without an `idempotency_key` are created together and posted several per
    DynamoDB transaction (as many as fit in 100 items): consecutive numbers in the order of the operations,
    one result per item as ever, and an item that fails (a 422, a locked period) fails alone. Items with an
    `idempotency_key`, and updates, are processed one by one, so a retried batch replays them."""
    tenant_id = principal.tenant_id
    # With `post`, the creates without an idempotency key are created and posted several per transaction
    together = Together(lambda operation: operation.idempotency_key is None,
                        lambda many: bulk.create_and_post_invoices(tenant_id, many)) if body.post else None
    return run_items(request, body.as_operations(), Kind(
        InvoiceCreate, lambda fields, key: bulk.create_invoice(tenant_id, fields, key, post=body.post),
        InvoiceUpdate, lambda id, changes, version, key: bulk.update_invoice(tenant_id, id, changes, version, key,
                                                                             post=body.post),
        changes=InvoiceUpdate.changes), together)


@router.post("/receipts", response_model=BulkResult, operation_id="bulk_create_receipts",
             summary="Record up to 100 receipts; one result per operation")
def receipts(body: BulkReceipts, request: Request, principal: Principal = Depends(require("receipts:write"))) -> Any:
    """Each item is recorded as `POST /v1/receipts` would; one failing item does not stop the others."""
    return run_items(request, body.as_operations(), Kind(
        ReceiptCreate, lambda fields, key: bulk.create_receipt(principal.tenant_id, fields, key)))


@router.post("/journal-entries", response_model=BulkResult, operation_id="bulk_create_journal_entries",
             summary="Post up to 100 manual journal entries; one result per operation")
def journal_entries(body: BulkJournalEntries, request: Request,
                    principal: Principal = Depends(require("journal-entries:write"))) -> Any:
    """Each item is posted as `POST /v1/journal-entries` would; one failing item does not stop the others."""
    return run_items(request, body.as_operations(), Kind(
        JournalEntryCreate, lambda fields, key: bulk.create_journal_entry(principal.tenant_id, fields, key)))


@router.post("/quotes", response_model=BulkResult, operation_id="bulk_create_quotes",
             summary="Create or update up to 100 draft quotes; one result per operation")
def quotes(body: BulkQuotes, request: Request, principal: Principal = Depends(require("quotes:write"))) -> Any:
    """Each item is created (or its draft changed) as `POST /v1/quotes` (`PATCH /v1/quotes/{id}`) would; one
    failing item does not stop the others."""
    tenant_id = principal.tenant_id
    return run_items(request, body.as_operations(), Kind(
        QuoteCreate, lambda fields, key: bulk.create_quote(tenant_id, fields, key),
        QuoteUpdate, lambda id, changes, version, key: bulk.update_quote(tenant_id, id, changes, version, key),
        changes=QuoteUpdate.changes))


@router.post("/orders", response_model=BulkResult, operation_id="bulk_create_orders",
             summary="Create or update up to 100 draft sales orders; one result per operation")
def orders(body: BulkOrders, request: Request, principal: Principal = Depends(require("orders:write"))) -> Any:
    """Each item is created (or its draft changed) as `POST /v1/orders` (`PATCH /v1/orders/{id}`) would, with
    its own idempotency; one failing item does not stop the others."""
    tenant_id = principal.tenant_id
    return run_items(request, body.as_operations(), Kind(
        OrderCreate, lambda fields, key: bulk.create_order(tenant_id, fields, key),
        OrderUpdate, lambda id, changes, version, key: bulk.update_order(tenant_id, id, changes, version, key),
        changes=OrderUpdate.changes))


@router.post("/bills", response_model=BulkResult, operation_id="bulk_create_bills",
             summary="Create or update up to 100 draft supplier bills; one result per operation")
def bills(body: BulkBills, request: Request, principal: Principal = Depends(require("bills:write"))) -> Any:
    """Each item is created (or its draft changed) as `POST /v1/bills` (`PATCH /v1/bills/{id}`) would (issue 15);
    one failing item (a duplicate supplier reference, say) does not stop the others."""
    tenant_id = principal.tenant_id
    return run_items(request, body.as_operations(), Kind(
        BillCreate, lambda fields, key: bulk.create_bill(tenant_id, fields, key),
        BillUpdate, lambda id, changes, version, key: bulk.update_bill(tenant_id, id, changes, version, key),
        changes=BillUpdate.changes))


@router.post("/exchange-rates", response_model=BulkResult, operation_id="bulk_create_exchange_rates",
             summary="Add up to 100 exchange rates; one result per operation")
def exchange_rates(body: BulkExchangeRates, request: Request,
                   principal: Principal = Depends(require("banking:write"))) -> Any:
    """Each item is added as `POST /v1/exchange-rates` would (a day that has its rate already: that item's 409);
    one failing item does not stop the others."""
    return run_items(request, body.as_operations(), Kind(
        ExchangeRateCreate, lambda fields, key: bulk.create_exchange_rate(principal.tenant_id, fields, key)))


@router.post("/supplier-payments", response_model=BulkResult, operation_id="bulk_create_supplier_payments",
             summary="Record up to 100 supplier payments; one result per operation")
def supplier_payments(body: BulkSupplierPayments, request: Request,
                      principal: Principal = Depends(require("supplier-payments:write"))) -> Any:
    """Each item is recorded as `POST /v1/supplier-payments` would; one failing item does not stop the others."""
    return run_items(request, body.as_operations(), Kind(
        SupplierPaymentCreate, lambda fields, key: bulk.create_supplier_payment(principal.tenant_id, fields, key)))


@router.post("/stock-adjustments", response_model=BulkResult, operation_id="bulk_create_stock_adjustments",
             summary="Adjust stock up to 200 times (a stock take); one result per operation")
def stock_adjustments(body: BulkStockAdjustments, request: Request,
                      principal: Principal = Depends(require("inventory:write"))) -> Any:
    """Each item is an adjustment as `POST /v1/stock-adjustments` would make it (issue 19): one refused (more
    than on hand: that item's 409) does not stop the others."""
    return run_items(request, body.as_operations(), Kind(
        StockAdjustmentCreate, lambda fields, key: bulk.create_stock_adjustment(principal.tenant_id, fields, key)))
