"""The lists the query planner answers (issue 18): each `domain/query.ListFields` with the access paths its
entity's keys give it (`store/query.py` plans on them).

Invoices: GSI1 by issue date (the default), GSI6 by due date (every invoice), GSI2's open partition by due
date (a narrower path when the status asks for open invoices only), GSI4 by number (the lookup; drafts sort
last), GSI7 by casefolded reference (the lookup), GSI5 by `updated_at` (changes). Parties: the table by id
(the default), GSI4 by casefolded name, GSI5 by `updated_at`. Items, accounts and tax codes (`coded_list`): the
table by id (the default), GSI6 by code (the lookup; codes are unique per tenant), GSI4 by casefolded name,
GSI5 by `updated_at`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from ledgerline.domain.documents.bill import BILL_OPEN_STATUSES
from ledgerline.domain.documents.invoice import OPEN_STATUSES
from ledgerline.domain.query import (
    ACCOUNTS,
    BANK_ACCOUNTS,
    BANK_RULES,
    BANK_TRANSACTION_STATUSES,
    BANK_TRANSACTIONS,
    BILLS,
    CREDIT_NOTES,
    DELIVERIES,
    EXCHANGE_RATES,
    EXPENSES,
    FILES,
    INVOICES,
    ITEMS,
    JOURNAL_ENTRIES,
    ORDERS,
    PARTIES,
    PAYMENT_RUNS,
    PURCHASE_ORDERS,
    QUOTES,
    RECEIPTS,
    RECURRING_INVOICES,
    REFUNDS,
    STOCK_LOCATIONS,
    SUPPLIER_CREDIT_NOTES,
    SUPPLIER_PAYMENTS,
    TAX_CODES,
    WEBHOOK_ENDPOINTS,
    ListFields,
    Predicate,
    Query,
    normalise,
)
from ledgerline.store.accounts import Account
from ledgerline.store.banking import BankAccount, BankRule, BankTransaction
from ledgerline.store.bills import Bill, Expense, SupplierCreditNote, SupplierPayment, bill_status_condition
from ledgerline.store.documents import CreditNote, Invoice, Receipt, invoice_status_condition
from ledgerline.store.exchange_rates import ExchangeRate
from ledgerline.store.files import UploadedFile
from ledgerline.store.items import Item
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.payment_runs import PaymentRun
from ledgerline.store.purchase_orders import PurchaseOrder
from ledgerline.store.query import Access, ListSpec, Result, Tombstone, moment_key, run
from ledgerline.store.quotes import Quote, quote_status_condition
from ledgerline.store.records import tenant_partition
from ledgerline.store.recurring_invoices import RecurringInvoice
from ledgerline.store.refunds import Refund
from ledgerline.store.sales import Delivery, Order
from ledgerline.store.stock import StockLocation
from ledgerline.store.table import connection, is_condition_failure
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.webhooks import WebhookEndpoint


def _day(value: date) -> str:
    return value.isoformat()


def _open_only(predicates: list[Predicate]) -> str | None:
    """Open invoices by due date read the open-invoice index when the status asks for nothing else."""
    wanted: set[str] | None = None
    for p in predicates:
        if p.field != "status":
            continue
        values = set(p.value) if isinstance(p.value, tuple) else {p.value}
        allowed = values if p.op in ("eq", "in") else set(INVOICES.fields["status"].values) - values
        wanted = allowed if wanted is None else wanted & allowed
    return "open_by_due_date" if wanted is not None and wanted and wanted <= set(OPEN_STATUSES) else None


INVOICE_LIST = ListSpec(
    fields=INVOICES,
    model=Invoice,
    accesses={
        "issue_date": Access("issue_date", "gsi1", Invoice.list_partition, "issue_date", _day),
        "due_date": Access("due_date", "gsi6", lambda t: Invoice.index_partition(t, "DUE"), "due_date", _day),
        "open_by_due_date": Access("open_by_due_date", "gsi2", Invoice.open_partition, "due_date", _day),
        "number": Access("number", "gsi4", lambda t: Invoice.index_partition(t, "NUMBER"), "number", str,
                         unique=True),
        "reference": Access("reference", "gsi7", lambda t: Invoice.index_partition(t, "REF"), "reference",
                            normalise, prefix=True),
        "updated_at": Access("updated_at", "gsi5", lambda t: Invoice.index_partition(t, "UPDATED"), "updated_at",
                             moment_key),
    },
    sorts={"issue_date": "issue_date", "due_date": "due_date", "number": "number", "updated_at": "updated_at"},
    default="issue_date",
    derived={"status": lambda wanted, today: invoice_status_condition(wanted, today)},
    narrower={"due_date": _open_only},
)

PARTY_LIST = ListSpec(
    fields=PARTIES,
    model=Party,
    accesses={
        "id": Access("id", None, tenant_partition, None),
        "name": Access("name", "gsi4", lambda t: Party.index_partition(t, "NAME"), "name", normalise, prefix=True),
        "updated_at": Access("updated_at", "gsi5", lambda t: Party.index_partition(t, "UPDATED"), "updated_at",
                             moment_key),
    },
    sorts={"name": "name", "updated_at": "updated_at"},
    default="id",
)


def query_invoices(tenant_id: str, query: Query, *, today: date, limit: int,
                   start_key: dict[str, Any] | None, budget: int | None = None) -> Result:
    """A page of invoices as the query asks (filters, sort, search, changes), within the read budget."""
    return run(INVOICE_LIST, tenant_id, query, limit=limit, start_key=start_key, context=today, budget=budget)


def query_parties(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                  budget: int | None = None) -> Result:
    return run(PARTY_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


# -------------------------------------------------------------- document lists (issue 18, part QD)
# Each document list: GSI1 by its document date (the default), GSI4 by number (the lookup), GSI5 by
# `updated_at` (changes); GSI6/GSI7 where the kind has a due date / a reference.


def _updated(model: Any) -> Access:
    return Access("updated_at", "gsi5", lambda t: model.index_partition(t, "UPDATED"), "updated_at", moment_key)


def _numbered(model: Any) -> Access:
    return Access("number", "gsi4", lambda t: model.index_partition(t, "NUMBER"), "number", str, unique=True)


def _dated(model: Any, field: str) -> Access:
    return Access(field, "gsi1", model.list_partition, field, _day)


CREDIT_NOTE_LIST = ListSpec(
    fields=CREDIT_NOTES,
    model=CreditNote,
    accesses={"date": _dated(CreditNote, "date"), "number": _numbered(CreditNote),
              "updated_at": _updated(CreditNote)},
    sorts={"date": "date", "number": "number", "updated_at": "updated_at"},
    default="date",
)


def _due(model: Any) -> Access:
    return Access("due_date", "gsi6", lambda t: model.index_partition(t, "DUE"), "due_date", _day)


def _referenced(model: Any, field: str) -> Access:
    return Access(field, "gsi7", lambda t: model.index_partition(t, "REF"), field, normalise, prefix=True)


def _open_statuses_only(spec: Any, open_statuses: tuple[str, ...], path: str) -> Any:
    """A chooser of the open-document index by due date, when the status asks for open documents only."""
    def chooser(predicates: list[Predicate]) -> str | None:
        wanted: set[str] | None = None
        for p in predicates:
            if p.field != "status":
                continue
            values = set(p.value) if isinstance(p.value, tuple) else {p.value}
            allowed = values if p.op in ("eq", "in") else set(spec.fields["status"].values) - values
            wanted = allowed if wanted is None else wanted & allowed
        return path if wanted and wanted <= set(open_statuses) else None
    return chooser


BILL_LIST = ListSpec(
    fields=BILLS,
    model=Bill,
    accesses={"bill_date": _dated(Bill, "bill_date"), "due_date": _due(Bill),
              "open_by_due_date": Access("open_by_due_date", "gsi2", Bill.open_partition, "due_date", _day),
              "number": _numbered(Bill), "supplier_reference": _referenced(Bill, "supplier_reference"),
              "updated_at": _updated(Bill)},
    sorts={"bill_date": "bill_date", "due_date": "due_date", "number": "number", "updated_at": "updated_at"},
    default="bill_date",
    derived={"status": lambda wanted, today: bill_status_condition(wanted, today)},
    narrower={"due_date": _open_statuses_only(BILLS, BILL_OPEN_STATUSES, "open_by_due_date")},
)


def query_bills(tenant_id: str, query: Query, *, today: date, limit: int, start_key: dict[str, Any] | None,
                budget: int | None = None) -> Result:
    """A page of bills as the query asks (derived status as of `today`, lookups by number and supplier
    reference)."""
    return run(BILL_LIST, tenant_id, query, limit=limit, start_key=start_key, context=today, budget=budget)


def bill_tombstone(bill: Bill, at: datetime) -> Tombstone:
    """What a deleted draft bill leaves for `updated_since` (30 days): staged in the deleting transaction."""
    return Tombstone.of(bill, Bill.index_partition(bill.tenant_id, "UPDATED"), at)


QUOTE_LIST = ListSpec(
    fields=QUOTES,
    model=Quote,
    accesses={"issue_date": _dated(Quote, "issue_date"),
              "valid_until": Access("valid_until", "gsi6", lambda t: Quote.index_partition(t, "DUE"), "valid_until",
                                    _day),
              "number": _numbered(Quote), "reference": _referenced(Quote, "reference"),
              "updated_at": _updated(Quote)},
    sorts={"issue_date": "issue_date", "valid_until": "valid_until", "number": "number",
           "updated_at": "updated_at"},
    default="issue_date",
    derived={"status": lambda wanted, today: quote_status_condition(wanted, today)},
)


def query_quotes(tenant_id: str, query: Query, *, today: date, limit: int, start_key: dict[str, Any] | None,
                 budget: int | None = None) -> Result:
    """A page of quotes as the query asks (`expired` derived as of `today`)."""
    return run(QUOTE_LIST, tenant_id, query, limit=limit, start_key=start_key, context=today, budget=budget)


def quote_tombstone(quote: Quote, at: datetime) -> Tombstone:
    """What a deleted draft quote leaves for `updated_since` (30 days): staged in the deleting transaction."""
    return Tombstone.of(quote, Quote.index_partition(quote.tenant_id, "UPDATED"), at)


def query_credit_notes(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                       budget: int | None = None) -> Result:
    """A page of credit notes as the query asks (filters, sort, number lookup, search, changes)."""
    return run(CREDIT_NOTE_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


def invoice_tombstone(invoice: Invoice, at: datetime) -> Tombstone:
    """What a deleted draft leaves for `updated_since` (30 days): staged in the deleting transaction."""
    return Tombstone.of(invoice, Invoice.index_partition(invoice.tenant_id, "UPDATED"), at)


# ------------------------------------------------------- the remaining document lists (issue 18, part Q1)

def ordered_list(fields: ListFields, model: Any, date_field: str) -> ListSpec:
    """An order-like list (`domain/query._ordered_document`): GSI1 by its document date (the default), GSI4 by
    number (the lookup; drafts last), GSI7 by casefolded reference (the lookup), GSI5 by `updated_at`; keys
    from `store/documents.assign_ordered_query_keys`. Statuses are stored, so nothing is derived."""
    return ListSpec(
        fields=fields,
        model=model,
        accesses={date_field: _dated(model, date_field), "number": _numbered(model),
                  "reference": _referenced(model, "reference"), "updated_at": _updated(model)},
        sorts={date_field: date_field, "number": "number", "updated_at": "updated_at"},
        default=date_field,
    )


def document_tombstone(record: Any, at: datetime, object_type: str | None = None) -> Tombstone:
    """What a deleted draft leaves for `updated_since` (30 days) in its list's changes partition: staged in the
    deleting transaction (one more item, no round trip). `object_type` when the API's `object` is not the
    record's noun (a delivery note is `delivery`)."""
    tombstone = Tombstone.of(record, type(record).index_partition(record.tenant_id, "UPDATED"), at)
    if object_type is not None:
        tombstone.object_type = object_type
    return tombstone


ORDER_LIST = ordered_list(ORDERS, Order, "order_date")


def query_orders(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                 budget: int | None = None) -> Result:
    """A page of sales orders as the query asks (filters, sort, number/reference lookups, search, changes)."""
    return run(ORDER_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


PURCHASE_ORDER_LIST = ordered_list(PURCHASE_ORDERS, PurchaseOrder, "order_date")


def query_purchase_orders(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                          budget: int | None = None) -> Result:
    """A page of purchase orders as the query asks (filters, sort, number/reference lookups, search, changes)."""
    return run(PURCHASE_ORDER_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


DELIVERY_LIST = ordered_list(DELIVERIES, Delivery, "delivery_date")


def query_deliveries(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                     budget: int | None = None) -> Result:
    """A page of delivery notes as the query asks (filters, sort, number/reference lookups, search, changes)."""
    return run(DELIVERY_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


def payment_list(fields: ListFields, model: Any, reference: str = "reference") -> ListSpec:
    """A payment-like list (`domain/query._payment_document`; also expenses and supplier credit notes,
    `_posted_purchase`): GSI1 by date (the default), GSI7 by casefolded reference (the lookup), GSI5 by
    `updated_at`; no number. Statuses are stored."""
    return ListSpec(
        fields=fields,
        model=model,
        accesses={"date": _dated(model, "date"), reference: _referenced(model, reference),
                  "updated_at": _updated(model)},
        sorts={"date": "date", "updated_at": "updated_at"},
        default="date",
    )


RECEIPT_LIST = payment_list(RECEIPTS, Receipt)
REFUND_LIST = payment_list(REFUNDS, Refund)
SUPPLIER_PAYMENT_LIST = payment_list(SUPPLIER_PAYMENTS, SupplierPayment)


def query_receipts(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                   budget: int | None = None) -> Result:
    """A page of receipts as the query asks (filters, sort, reference lookup, search, changes)."""
    return run(RECEIPT_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


def query_refunds(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                  budget: int | None = None) -> Result:
    """A page of refunds as the query asks (filters, sort, reference lookup, search, changes)."""
    return run(REFUND_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


def query_supplier_payments(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                            budget: int | None = None) -> Result:
    """A page of supplier payments as the query asks (filters, sort, reference lookup, search, changes)."""
    return run(SUPPLIER_PAYMENT_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


EXPENSE_LIST = payment_list(EXPENSES, Expense)
SUPPLIER_CREDIT_NOTE_LIST = payment_list(SUPPLIER_CREDIT_NOTES, SupplierCreditNote, "supplier_reference")


def query_expenses(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                   budget: int | None = None) -> Result:
    """A page of expenses as the query asks (filters, sort, reference lookup, search, changes)."""
    return run(EXPENSE_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


def query_supplier_credit_notes(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                                budget: int | None = None) -> Result:
    """A page of supplier credit notes as the query asks (filters, sort, supplier reference lookup, search,
    changes)."""
    return run(SUPPLIER_CREDIT_NOTE_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


# ---------------------------------------------------------------- master data and the other lists (part QM)

def coded_list(fields: ListFields, model: Any) -> ListSpec:
    """A `ListedCodedRecord`'s list: by id (the default, as before), GSI6 by code (the lookup: codes are unique
    per tenant), GSI4 by casefolded name, GSI5 by `updated_at`."""
    return ListSpec(
        fields=fields,
        model=model,
        accesses={
            "id": Access("id", None, tenant_partition, None),
            "code": Access("code", "gsi6", lambda t: model.index_partition(t, "CODE"), "code", str, unique=True),
            "name": Access("name", "gsi4", lambda t: model.index_partition(t, "NAME"), "name", normalise,
                           prefix=True),
            "updated_at": Access("updated_at", "gsi5", lambda t: model.index_partition(t, "UPDATED"), "updated_at",
                                 moment_key),
        },
        sorts={"code": "code", "name": "name", "updated_at": "updated_at"},
        default="id",
    )


ITEM_LIST = coded_list(ITEMS, Item)
ACCOUNT_LIST = coded_list(ACCOUNTS, Account)
TAX_CODE_LIST = coded_list(TAX_CODES, TaxCode)


def query_items(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                budget: int | None = None) -> Result:
    """A page of items as the query asks (filters, sort, `code=` lookup, search, changes), within the budget."""
    return run(ITEM_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


def query_accounts(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                   budget: int | None = None) -> Result:
    return run(ACCOUNT_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


def query_tax_codes(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                    budget: int | None = None) -> Result:
    return run(TAX_CODE_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


# ------------------------------------------------------------- the non-document lists (issue 18, part Q2)

def _named(model: Any) -> Access:
    return Access("name", "gsi4", lambda t: model.index_partition(t, "NAME"), "name", normalise, prefix=True)


BANK_ACCOUNT_LIST = ListSpec(
    fields=BANK_ACCOUNTS,
    model=BankAccount,
    accesses={"id": Access("id", None, tenant_partition, None), "name": _named(BankAccount),
              "updated_at": _updated(BankAccount)},
    sorts={"name": "name", "updated_at": "updated_at"},
    default="id",
)


def query_bank_accounts(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                        budget: int | None = None) -> Result:
    """A page of bank accounts as the query asks (by id, GSI4 by casefolded name, GSI5 by `updated_at`)."""
    return run(BANK_ACCOUNT_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


BANK_TRANSACTION_LIST = ListSpec(
    fields=BANK_TRANSACTIONS,
    model=BankTransaction,
    accesses={"date": _dated(BankTransaction, "date"), "reference": _referenced(BankTransaction, "reference"),
              "updated_at": _updated(BankTransaction)},
    sorts={"date": "date", "updated_at": "updated_at"},
    default="date",
    # every read leaves out the transactions of a statement still being imported (`importing`)
    derived={"status": lambda wanted, _: BankTransaction.status.is_in(*sorted(wanted))},
)


def query_bank_transactions(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                            budget: int | None = None) -> Result:
    """A page of bank transactions as the query asks (GSI1 by booking date, GSI7 by casefolded reference, GSI5
    by `updated_at`), never one of a statement still being imported."""
    query = replace(query, predicates=(*query.predicates, Predicate("status", "in", BANK_TRANSACTION_STATUSES)))
    return run(BANK_TRANSACTION_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


EXCHANGE_RATE_LIST = ListSpec(
    fields=EXCHANGE_RATES,
    model=ExchangeRate,
    accesses={"id": Access("id", None, tenant_partition, None),
              "currency": Access("currency", "gsi4", lambda t: ExchangeRate.index_partition(t, "CURRENCY"),
                                 "currency", str),
              "date": Access("date", "gsi6", lambda t: ExchangeRate.index_partition(t, "DATE"), "date", _day),
              "updated_at": _updated(ExchangeRate)},
    sorts={"currency": "currency", "date": "date", "updated_at": "updated_at"},
    default="id",
)


def query_exchange_rates(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                         budget: int | None = None) -> Result:
    """A page of exchange rates as the query asks: by id (currency, then date: the default), GSI4 by currency
    then date (the `currency=` lookup), GSI6 by date, GSI5 by `updated_at`."""
    return run(EXCHANGE_RATE_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


# ---------------------------------------------------- inventory, banking and key lists (issue 18, part QC)

STOCK_LOCATION_LIST = ListSpec(
    fields=STOCK_LOCATIONS,
    model=StockLocation,
    accesses={"id": Access("id", None, tenant_partition, None), "name": _named(StockLocation),
              "updated_at": _updated(StockLocation)},
    sorts={"name": "name", "updated_at": "updated_at"},
    default="id",
)

# ------------------------------------------------- files, events and webhook endpoints (issue 18, part QB)

FILE_LIST = ListSpec(
    fields=FILES,
    model=UploadedFile,
    accesses={"created_at": Access("created_at", "gsi1", UploadedFile.list_partition, "created_at", moment_key),
              "filename": Access("filename", "gsi4", lambda t: UploadedFile.index_partition(t, "NAME"), "filename",
                                 normalise, prefix=True),
              "updated_at": _updated(UploadedFile)},
    sorts={"created_at": "created_at", "filename": "filename", "updated_at": "updated_at"},
    default="created_at",
)


def query_files(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                budget: int | None = None) -> Result:
    """A page of uploaded files as the query asks: GSI1 by the moment of upload (the default, oldest first), GSI4
    by casefolded filename, GSI5 by `updated_at`."""
    return run(FILE_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


WEBHOOK_ENDPOINT_LIST = ListSpec(
    fields=WEBHOOK_ENDPOINTS,
    model=WebhookEndpoint,
    accesses={"id": Access("id", None, tenant_partition, None),
              "url": Access("url", "gsi4", lambda t: WebhookEndpoint.index_partition(t, "URL"), "url", normalise,
                            prefix=True),
              "updated_at": _updated(WebhookEndpoint)},
    sorts={"url": "url", "updated_at": "updated_at"},
    default="id",
)


def query_stock_locations(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                          budget: int | None = None) -> Result:
    """A page of stock locations as the query asks (by id, GSI4 by casefolded name, GSI5 by `updated_at`)."""
    return run(STOCK_LOCATION_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


BANK_RULE_LIST = ListSpec(
    fields=BANK_RULES,
    model=BankRule,
    accesses={"id": Access("id", None, tenant_partition, None), "name": _named(BankRule),
              "updated_at": _updated(BankRule)},
    sorts={"name": "name", "updated_at": "updated_at"},
    default="id",
)


def query_bank_rules(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                     budget: int | None = None) -> Result:
    """A page of bank rules as the query asks (by id, GSI4 by casefolded name, GSI5 by `updated_at`)."""
    return run(BANK_RULE_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


def query_webhook_endpoints(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                            budget: int | None = None) -> Result:
    """A page of webhook endpoints as the query asks: by id (the default, oldest first), GSI4 by casefolded URL,
    GSI5 by `updated_at`."""
    return run(WEBHOOK_ENDPOINT_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)

# ------------------------------------- recurring invoices, journal entries, payment runs (issue 18, part QA)


RECURRING_INVOICE_LIST = ListSpec(
    fields=RECURRING_INVOICES,
    model=RecurringInvoice,
    accesses={"start_date": _dated(RecurringInvoice, "start_date"),
              "next_run_date": Access("next_run_date", "gsi6",
                                      lambda t: RecurringInvoice.index_partition(t, "NEXT"), "next_run_date", _day),
              "reference": _referenced(RecurringInvoice, "reference"), "updated_at": _updated(RecurringInvoice)},
    sorts={"start_date": "start_date", "next_run_date": "next_run_date", "updated_at": "updated_at"},
    default="start_date",
)


def query_recurring_invoices(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                             budget: int | None = None) -> Result:
    """A page of recurring invoices as the query asks: GSI1 by the schedule's start date (the default), GSI6 by
    next run date (finished ones last), GSI7 by casefolded reference (the lookup), GSI5 by `updated_at`."""
    return run(RECURRING_INVOICE_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


JOURNAL_ENTRY_LIST = ListSpec(
    fields=JOURNAL_ENTRIES,
    model=JournalEntry,
    accesses={"date": _dated(JournalEntry, "date"), "reference": _referenced(JournalEntry, "reference"),
              "updated_at": _updated(JournalEntry)},
    sorts={"date": "date", "updated_at": "updated_at"},
    default="date",
)


def query_journal_entries(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                          budget: int | None = None) -> Result:
    """A page of journal entries as the query asks: GSI1 by date (the default), GSI7 by casefolded reference (the
    lookup), GSI5 by `updated_at`."""
    return run(JOURNAL_ENTRY_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


PAYMENT_RUN_LIST = ListSpec(
    fields=PAYMENT_RUNS,
    model=PaymentRun,
    accesses={"execution_date": _dated(PaymentRun, "execution_date"), "updated_at": _updated(PaymentRun)},
    sorts={"execution_date": "execution_date", "updated_at": "updated_at"},
    default="execution_date",
)


def query_payment_runs(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
                       budget: int | None = None) -> Result:
    """A page of payment runs as the query asks: GSI1 by execution date (the default), GSI5 by `updated_at`;
    `supplier_ids[contains]=` is DynamoDB's `contains` on the list of suppliers paid, in the filter."""
    return run(PAYMENT_RUN_LIST, tenant_id, query, limit=limit, start_key=start_key, budget=budget)


_ORDERED_KEYS = ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "gsi7pk", "gsi7sk", "search_number", "search_reference")
_PAYMENT_KEYS = ("gsi5pk", "gsi5sk", "gsi7pk", "gsi7sk", "search_reference")
_CODED = ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "gsi6pk", "gsi6sk", "search_code", "search_name")
QUERY_ATTRIBUTES = {
    Invoice: ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "gsi6pk", "gsi6sk", "gsi7pk", "gsi7sk", "search_number",
              "search_reference", "search_customer_name"),
    Party: ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "search_name", "search_email", "search_tax_id"),
    Item: (*_CODED, "search_description"),
    Account: _CODED,
    TaxCode: _CODED,
    # issue 18, part QD: the document lists
    CreditNote: ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "search_number", "search_customer_name",
                 "search_invoice_number"),
    Bill: ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "gsi6pk", "gsi6sk", "gsi7pk", "gsi7sk", "search_number",
           "search_supplier_name", "search_supplier_reference"),
    Quote: ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "gsi6pk", "gsi6sk", "gsi7pk", "gsi7sk", "search_number",
            "search_reference", "search_customer_name"),
    # issue 18, part Q1: the order-like document lists (`ordered_list`)
    Order: _ORDERED_KEYS + ("search_customer_name",),
    PurchaseOrder: _ORDERED_KEYS + ("search_supplier_name",),
    Delivery: _ORDERED_KEYS + ("search_customer_name",),
    # the payment-like lists (`payment_list`: no number)
    Receipt: _PAYMENT_KEYS + ("search_customer_name",),
    Refund: _PAYMENT_KEYS + ("search_customer_name",),
    SupplierPayment: _PAYMENT_KEYS + ("search_supplier_name",),
    Expense: _PAYMENT_KEYS + ("search_payee_name",),
    SupplierCreditNote: ("gsi5pk", "gsi5sk", "gsi7pk", "gsi7sk", "search_supplier_reference", "search_supplier_name",
                         "search_bill_number"),
    # issue 18, part Q2: the non-document lists
    BankAccount: ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "search_name", "search_iban"),
    ExchangeRate: ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "gsi6pk", "gsi6sk", "search_source"),
    BankTransaction: ("gsi5pk", "gsi5sk", "gsi7pk", "gsi7sk", "search_counterparty_name", "search_reference",
                      "search_remittance_information"),
    # issue 18, part QC
    StockLocation: ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "search_name", "search_description"),
    BankRule: ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "search_name", "search_value", "search_description"),
    # issue 18, part QA
    RecurringInvoice: ("gsi5pk", "gsi5sk", "gsi6pk", "gsi6sk", "gsi7pk", "gsi7sk", "start_date", "search_customer_name",
                       "search_reference"),
    JournalEntry: _PAYMENT_KEYS + ("search_description",),
    PaymentRun: ("gsi5pk", "gsi5sk", "search_message_id"),
}
# The records in the tenant's partition (`<PREFIX>#<id>`) `index_query_keys` walks (issue 18, part Q2).
RECORD_LISTS: tuple[Any, ...] = (BankAccount, ExchangeRate)
RECORD_LISTS += (StockLocation, BankRule)  # issue 18, part QC
# The document lists `index_query_keys` walks by their GSI1 list partition (issue 18, part QD).
DOCUMENT_LISTS: tuple[Any, ...] = (CreditNote, Bill, Quote, BankTransaction)
DOCUMENT_LISTS += (Order, PurchaseOrder, Delivery, Receipt, Refund, SupplierPayment,
                   Expense, SupplierCreditNote)  # issue 18, part Q1
QUERY_ATTRIBUTES[UploadedFile] = ("gsi1sk", "gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "attached",
                                  "search_filename")  # issue 18, part QB
DOCUMENT_LISTS += (UploadedFile,)  # issue 18, part QB
QUERY_ATTRIBUTES[WebhookEndpoint] = ("gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "search_url", "search_description")
RECORD_LISTS += (WebhookEndpoint,)  # issue 18, part QB

DOCUMENT_LISTS += (RecurringInvoice, JournalEntry, PaymentRun)  # issue 18, part QA


def index_query_keys(tenant_id: str) -> int:
    """Give a tenant's invoices, parties, items, accounts and tax codes saved before issue 18's indexes their
    keys and searchable copies: one conditional UpdateItem per record whose attributes are not what its
    `assign_keys` says, versions untouched (a record changed meanwhile is skipped: its own save set them).
    Returns how many it changed; running it again changes none."""
    connection()
    changed = 0
    records = [*((Invoice, r) for r in Invoice.gsi1.query(Invoice.list_partition(tenant_id))),
               *((Party, r) for r in Party.query(tenant_partition(tenant_id), Party.sk.startswith("PARTY#"))),
               *((m, r) for m in (Item, Account, TaxCode, *RECORD_LISTS)
                 for r in m.query(tenant_partition(tenant_id), m.sk.startswith(f"{m.PREFIX}#"))),
               *((model, r) for model in DOCUMENT_LISTS for r in model.gsi1.query(model.list_partition(tenant_id)))]
    for model, record in records:
        names = QUERY_ATTRIBUTES[model]
        before = [getattr(record, name) for name in names]
        record.assign_keys()
        after = [getattr(record, name) for name in names]
        if after == before:
            continue
        actions = [getattr(model, name).set(value) if value is not None else getattr(model, name).remove()
                   for name, value in zip(names, after, strict=True)]
        try:
            model._get_connection().update_item(record.pk, record.sk, actions=actions,
                                                condition=model.version == record.version)
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise
            continue
        changed += 1
    return changed
