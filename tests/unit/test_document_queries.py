"""Issue 18 (part QD): the document lists on the query planner, pure (no database): every declared sort and
lookup has an access path, a number lookup reads GSI4, the entity builds the index keys and the searchable
copies the paths read, and the older filters plan on the same paths as before."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ledgerline.domain.query import Predicate, Query
from ledgerline.store.bills import Bill, Expense, SupplierCreditNote, SupplierPayment
from ledgerline.store.documents import CreditNote, Receipt
from ledgerline.store.lists import (
    BILL_LIST,
    CREDIT_NOTE_LIST,
    DELIVERY_LIST,
    EXPENSE_LIST,
    ORDER_LIST,
    PURCHASE_ORDER_LIST,
    QUOTE_LIST,
    RECEIPT_LIST,
    REFUND_LIST,
    SUPPLIER_CREDIT_NOTE_LIST,
    SUPPLIER_PAYMENT_LIST,
    document_tombstone,
)
from ledgerline.store.purchase_orders import PurchaseOrder
from ledgerline.store.query import moment_key, plan
from ledgerline.store.quotes import Quote
from ledgerline.store.refunds import Refund
from ledgerline.store.sales import Delivery, Order

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def credit_note() -> CreditNote:
    note = CreditNote(id="cn_1", tenant_id="ten_1", status="posted", number="CN-2026-0007", invoice_id="inv_1",
                      invoice_number="INV-2026-0042", customer_id="pty_1", customer_name="  ACME   Trading ",
                      currency="AUD", exchange_rate=Decimal(1), lines=[], tax_breakdown=[], subtotal=Decimal(10),
                      tax_total=Decimal(0), rounding_adjustment=Decimal(0), total=Decimal(10),
                      date=date(2026, 2, 1), amount_applied=Decimal(10), unallocated_amount=Decimal(0),
                      journal_entry_id="je_1", created_at=AT, updated_at=AT)
    note.assign_keys()
    return note


def bill() -> Bill:
    record = Bill(id="bill_1", tenant_id="ten_1", status="awaiting_payment", number="BILL-2026-0003",
                  supplier_id="pty_1", supplier_name="Office  Supplies", supplier_reference=" R-2026 0042",
                  currency="AUD", exchange_rate=Decimal(1), prices_include_tax=False, lines=[], tax_breakdown=[],
                  subtotal=Decimal(10), tax_total=Decimal(0), rounding_adjustment=Decimal(0), total=Decimal(10),
                  bill_date=date(2026, 2, 1), due_date=date(2026, 3, 3), amount_paid=Decimal(0),
                  amount_credited=Decimal(0), amount_due=Decimal(10), created_at=AT, updated_at=AT)
    record.assign_keys()
    return record


def quote() -> Quote:
    record = Quote(id="quo_1", tenant_id="ten_1", status="open", number="QUO-2026-0005", customer_id="pty_1",
                   customer_name="Acme", currency="AUD", exchange_rate=Decimal(1), lines=[], tax_breakdown=[],
                   subtotal=Decimal(10), tax_total=Decimal(0), rounding_adjustment=Decimal(0), total=Decimal(10),
                   issue_date=date(2026, 2, 1), valid_until=date(2026, 3, 1), reference="PO-9",
                   prices_include_tax=False, created_at=AT, updated_at=AT)
    record.assign_keys()
    return record


# issue 18, part Q1: the order-like documents (`store/documents.assign_ordered_query_keys`)
def order() -> Order:
    record = Order(id="so_1", tenant_id="ten_1", status="confirmed", invoicing_status="not_invoiced",
                   number="SO-2026-0004", customer_id="pty_1", customer_name=" Acme  Trading", currency="AUD",
                   exchange_rate=Decimal(1), reference="PO 4711", prices_include_tax=False, lines=[],
                   tax_breakdown=[], subtotal=Decimal(10), tax_total=Decimal(0), rounding_adjustment=Decimal(0),
                   total=Decimal(10), order_date=date(2026, 2, 1), created_at=AT, updated_at=AT)
    record.assign_keys()
    return record


def purchase_order() -> PurchaseOrder:
    record = PurchaseOrder(id="po_1", tenant_id="ten_1", status="sent", billing_status="not_billed",
                           number="PO-2026-0002", supplier_id="pty_2", supplier_name="Paper SUPPLIES",
                           currency="AUD", exchange_rate=Decimal(1), reference="Q-17", prices_include_tax=False,
                           lines=[], tax_breakdown=[], subtotal=Decimal(10), tax_total=Decimal(0),
                           rounding_adjustment=Decimal(0), total=Decimal(10), order_date=date(2026, 2, 1),
                           created_at=AT, updated_at=AT)
    record.assign_keys()
    return record


def delivery() -> Delivery:
    record = Delivery(id="dn_1", tenant_id="ten_1", status="issued", number="DN-2026-0009", customer_id="pty_1",
                      customer_name="Acme", delivery_date=date(2026, 2, 3), order_id="so_1",
                      order_number="SO-2026-0004", reference="Gate 4", lines=[], created_at=AT, updated_at=AT)
    record.assign_keys()
    return record


# (list, a record as its entity keys it, its searchable copies)
DOCUMENT_LISTS = [
    (CREDIT_NOTE_LIST, credit_note, {"search_number": "cn-2026-0007", "search_customer_name": "acme trading",
                                     "search_invoice_number": "inv-2026-0042"}),
    (BILL_LIST, bill, {"search_number": "bill-2026-0003", "search_supplier_name": "office supplies",
                       "search_supplier_reference": "r-2026 0042"}),
    (QUOTE_LIST, quote, {"search_number": "quo-2026-0005", "search_customer_name": "acme",
                         "search_reference": "po-9"}),
    (ORDER_LIST, order, {"search_number": "so-2026-0004", "search_customer_name": "acme trading",
                         "search_reference": "po 4711"}),
    (PURCHASE_ORDER_LIST, purchase_order, {"search_number": "po-2026-0002", "search_supplier_name": "paper supplies",
                                           "search_reference": "q-17"}),
    (DELIVERY_LIST, delivery, {"search_number": "dn-2026-0009", "search_customer_name": "acme",
                               "search_reference": "gate 4"}),
]


@pytest.mark.parametrize("spec, _record, _copies", DOCUMENT_LISTS)
def test_every_declared_sort_and_lookup_has_an_index(spec, _record, _copies):
    assert set(spec.sorts) == set(spec.fields.sorts)
    assert spec.fields.default_sort in spec.sorts and spec.default in spec.accesses
    for sort in spec.fields.sorts:
        chosen = plan(spec, Query(sort=sort), date(2026, 6, 1)).access
        assert chosen.orders_by == sort and chosen.index is not None
    for name in spec.fields.search_fields:
        assert spec.fields.fields[name].normalised
    assert "number" in spec.fields.lookups


@pytest.mark.parametrize("spec, make, copies", DOCUMENT_LISTS)
def test_the_entity_builds_the_keys_the_paths_read(spec, make, copies):
    record = make()
    number = plan(spec, Query((Predicate("number", "eq", record.number),))).access
    assert number.index == "gsi4" and number.unique
    assert record.gsi4pk == number.partition(record.tenant_id) and record.gsi4sk == f"{record.number}#{record.id}"
    changes = plan(spec, Query(updated_since=AT)).access
    assert changes.index == "gsi5"
    assert record.gsi5pk == changes.partition(record.tenant_id)
    assert record.gsi5sk == f"{moment_key(AT)}#{record.id}"
    for name, value in copies.items():
        assert getattr(record, name) == value
    # partitions are per tenant and per list
    assert "ten_1" in record.gsi4pk and record.LIST in record.gsi4pk and record.LIST in record.gsi5pk


def test_credit_notes_by_invoice_and_date_plan_on_the_date_index_as_before():
    chosen = plan(CREDIT_NOTE_LIST, Query((Predicate("invoice_id", "eq", "inv_1"),
                                           Predicate("date", "gte", date(2026, 1, 1)),
                                           Predicate("date", "lte", date(2026, 1, 31)))))
    assert chosen.access.index == "gsi1" and chosen.key_condition is not None and not chosen.empty
    assert chosen.filter_condition is not None


def test_bills_by_supplier_reference_and_due_date_read_their_indexes():
    record = bill()
    lookup = plan(BILL_LIST, Query((Predicate("supplier_reference", "eq", "R-2026 0042"),))).access
    assert lookup.index == "gsi7" and record.gsi7pk == lookup.partition("ten_1")
    assert record.gsi7sk == f"r-2026 0042#{record.id}"
    due = plan(BILL_LIST, Query(sort="due_date")).access
    assert due.index == "gsi6" and record.gsi6pk == due.partition("ten_1")
    open_only = plan(BILL_LIST, Query((Predicate("status", "in", ("awaiting_payment", "overdue")),),
                                         sort="due_date"), date(2026, 6, 1))
    assert open_only.access.index == "gsi2" and record.gsi2pk == open_only.access.partition("ten_1")
    with_draft = plan(BILL_LIST, Query((Predicate("status", "in", ("draft", "overdue")),), sort="due_date"),
                      date(2026, 6, 1))
    assert with_draft.access.index == "gsi6"


def test_a_draft_bill_sorts_after_every_number():
    record = bill()
    record.number, record.status = None, "draft"
    record.assign_keys()
    assert record.gsi4sk == f"~#{record.id}" and record.search_number is None


def test_quotes_sort_by_validity_from_the_due_date_index_and_keep_the_expiring_partition():
    record = quote()
    by_validity = plan(QUOTE_LIST, Query(sort="valid_until"), date(2026, 6, 1)).access
    assert by_validity.index == "gsi6" and record.gsi6pk == by_validity.partition("ten_1")
    assert record.gsi6sk == f"2026-03-01#{record.id}"
    assert record.gsi2pk == Quote.expiring_partition("ten_1")  # the daily expiry job's index is untouched


@pytest.mark.parametrize("spec, make", [(ORDER_LIST, order), (PURCHASE_ORDER_LIST, purchase_order),
                                        (DELIVERY_LIST, delivery)])
def test_order_like_documents_look_up_their_reference_and_sort_drafts_after_every_number(spec, make):
    record = make()
    lookup = plan(spec, Query((Predicate("reference", "eq", record.reference.upper()),))).access
    assert lookup.index == "gsi7" and record.gsi7pk == lookup.partition("ten_1")
    assert record.gsi7sk == f"{record.search_reference}#{record.id}"
    by_date = plan(spec, Query()).access
    assert by_date.index == "gsi1" and record.gsi1pk == by_date.partition("ten_1")
    record.number, record.reference, record.status = None, None, "draft"
    record.assign_keys()
    assert record.gsi4sk == f"~#{record.id}" and record.search_number is None
    assert record.gsi7pk is None and record.gsi7sk is None  # no reference: not in the reference index


@pytest.mark.parametrize("make, named, object_type", [(order, None, "order"),
                                                      (purchase_order, None, "purchase_order"),
                                                      (delivery, "delivery", "delivery")])
def test_a_deleted_draft_leaves_a_tombstone_in_its_lists_changes_partition(make, named, object_type):
    record = make()
    tombstone = document_tombstone(record, AT, named)
    assert (tombstone.pk, tombstone.sk) == (record.pk, "TOMBSTONE")
    assert tombstone.gsi5pk == record.gsi5pk and tombstone.gsi5sk == f"{moment_key(AT)}#{record.id}"
    assert tombstone.object_type == object_type and tombstone.deleted is True


# issue 18, part Q1: the payment-like documents (no number: `store/lists.payment_list`)
def receipt() -> Receipt:
    record = Receipt(id="rct_1", tenant_id="ten_1", status="posted", customer_id="pty_1", customer_name="ACME  Ltd",
                     date=date(2026, 2, 1), amount=Decimal(10), currency="AUD", exchange_rate=Decimal(1),
                     account_id="acc_1", reference=" RF18 5390", allocations=[], allocated_amount=Decimal(0),
                     unallocated_amount=Decimal(10), journal_entry_ids=[], created_at=AT, updated_at=AT)
    record.assign_keys()
    return record


def refund() -> Refund:
    record = Refund(id="rfd_1", tenant_id="ten_1", status="posted", customer_id="pty_1", customer_name="Acme",
                    date=date(2026, 2, 1), amount=Decimal(10), currency="AUD", exchange_rate=Decimal(1),
                    account_id="acc_1", reference="R-17", sources=[], journal_entry_id="je_1", created_at=AT,
                    updated_at=AT)
    record.assign_keys()
    return record


def supplier_payment() -> SupplierPayment:
    record = SupplierPayment(id="spay_1", tenant_id="ten_1", status="posted", supplier_id="pty_2",
                             supplier_name="Paper Co", date=date(2026, 2, 1), amount=Decimal(10), currency="AUD",
                             exchange_rate=Decimal(1), account_id="acc_1", reference="PAY-17", allocations=[],
                             allocated_amount=Decimal(10), unallocated_amount=Decimal(0), journal_entry_ids=[],
                             created_at=AT, updated_at=AT)
    record.assign_keys()
    return record


PAYMENT_LISTS = [
    (RECEIPT_LIST, receipt, {"search_reference": "rf18 5390", "search_customer_name": "acme ltd"}),
    (REFUND_LIST, refund, {"search_reference": "r-17", "search_customer_name": "acme"}),
    (SUPPLIER_PAYMENT_LIST, supplier_payment, {"search_reference": "pay-17", "search_supplier_name": "paper co"}),
]


@pytest.mark.parametrize("spec, make, copies", PAYMENT_LISTS)
def test_payment_like_lists_read_by_date_reference_and_changes(spec, make, copies):
    assert set(spec.sorts) == set(spec.fields.sorts) == {"date", "updated_at"}
    for sort in spec.fields.sorts:
        chosen = plan(spec, Query(sort=sort)).access
        assert chosen.orders_by == sort and chosen.index is not None
    for name in spec.fields.search_fields:
        assert spec.fields.fields[name].normalised
    record = make()
    lookup = plan(spec, Query((Predicate("reference", "eq", record.reference.upper()),))).access
    assert lookup.index == "gsi7" and record.gsi7pk == lookup.partition("ten_1")
    assert record.gsi7sk == f"{record.search_reference}#{record.id}"
    changes = plan(spec, Query(updated_since=AT)).access
    assert changes.index == "gsi5" and record.gsi5pk == changes.partition("ten_1")
    assert record.gsi5sk == f"{moment_key(AT)}#{record.id}"
    assert plan(spec, Query()).access.index == "gsi1"
    for name, value in copies.items():
        assert getattr(record, name) == value
    assert record.gsi4pk is None  # no number: not in the number index
    assert "ten_1" in record.gsi5pk and record.LIST in record.gsi5pk


def expense() -> Expense:
    record = Expense(id="exp_1", tenant_id="ten_1", status="posted", payee_name="Corner  Café", date=date(2026, 2, 1),
                     paid_from_account_id="acc_1", reference="R-9", journal_entry_id="je_1", currency="AUD",
                     exchange_rate=Decimal(1), prices_include_tax=False, lines=[], tax_breakdown=[],
                     subtotal=Decimal(10), tax_total=Decimal(0), rounding_adjustment=Decimal(0), total=Decimal(10),
                     created_at=AT, updated_at=AT)
    record.assign_keys()
    return record


def supplier_credit_note() -> SupplierCreditNote:
    record = SupplierCreditNote(id="scn_1", tenant_id="ten_1", status="posted", bill_id="bill_1",
                                bill_number="BILL-2026-0003", supplier_id="pty_2", supplier_name="Paper Co",
                                supplier_reference="CN 88", date=date(2026, 2, 1), currency="AUD",
                                exchange_rate=Decimal(1), lines=[], tax_breakdown=[], subtotal=Decimal(10),
                                tax_total=Decimal(0), rounding_adjustment=Decimal(0), total=Decimal(10),
                                applied_amount=Decimal(10), unallocated_amount=Decimal(0), journal_entry_id="je_1",
                                created_at=AT, updated_at=AT)
    record.assign_keys()
    return record


@pytest.mark.parametrize("spec, make, reference, copies", [
    (EXPENSE_LIST, expense, "reference", {"search_reference": "r-9", "search_payee_name": "corner café"}),
    (SUPPLIER_CREDIT_NOTE_LIST, supplier_credit_note, "supplier_reference",
     {"search_supplier_reference": "cn 88", "search_supplier_name": "paper co",
      "search_bill_number": "bill-2026-0003"}),
])
def test_posted_purchases_read_by_date_reference_and_changes(spec, make, reference, copies):
    assert set(spec.sorts) == set(spec.fields.sorts) == {"date", "updated_at"}
    assert spec.fields.lookups == (reference,)
    for name in spec.fields.search_fields:
        assert spec.fields.fields[name].normalised
    record = make()
    lookup = plan(spec, Query((Predicate(reference, "eq", getattr(record, reference)),))).access
    assert lookup.index == "gsi7" and record.gsi7pk == lookup.partition("ten_1")
    changes = plan(spec, Query(updated_since=AT)).access
    assert changes.index == "gsi5" and record.gsi5pk == changes.partition("ten_1")
    assert plan(spec, Query()).access.index == "gsi1"
    for name, value in copies.items():
        assert getattr(record, name) == value
    setattr(record, reference, None)
    record.assign_keys()
    assert record.gsi7pk is None and record.gsi4pk is None
