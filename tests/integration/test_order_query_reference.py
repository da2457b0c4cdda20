"""Issue 18 (part Q1), property-based: the order-like document lists (sales orders, purchase orders, delivery
notes) and the payment-like ones (receipts, refunds, supplier payments) answer every random filter/sort/search
combination, all pages concatenated whatever the page size and read budget, as the plain-Python reference of
`test_query_reference` does over the same records (written straight into DynamoDB Local with the entities' own
keys, read through the HTTP API)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.query import (
    DELIVERIES,
    EXPENSES,
    ORDERS,
    PURCHASE_ORDERS,
    RECEIPTS,
    REFUNDS,
    SUPPLIER_CREDIT_NOTES,
    SUPPLIER_PAYMENTS,
)
from ledgerline.store.bills import Expense, SupplierCreditNote, SupplierPayment
from ledgerline.store.documents import Receipt
from ledgerline.store.purchase_orders import PurchaseOrder
from ledgerline.store.refunds import Refund
from ledgerline.store.sales import Delivery, Order
from ledgerline.store.table import connection
from tests.integration.test_query_reference import (
    BASE,
    NAMES,
    REFERENCES,
    SETTINGS,
    Row,
    as_stored,
    assert_lists_equal_the_reference,
    new_books,
    queries,
    values_for,
)

order_rows = st.lists(
    st.fixed_dictionaries({
        "status": st.integers(0, 5),  # an index into the kind's statuses (0: draft, unnumbered)
        "party": st.integers(0, 3),
        "party_name": st.sampled_from(NAMES),
        "reference": st.sampled_from(REFERENCES),
        "day": st.integers(0, 40),
        "total": st.sampled_from(["0", "99.99", "100.00", "999.50", "1000.00", "1000.01", "2500.00"]),
        "currency": st.sampled_from(["AUD", "EUR"]),
        "order": st.sampled_from([None, "so_1", "so_2"]),
        "updated": st.integers(0, 500),
    }),
    min_size=5,
    max_size=20,
)

# (list declaration, model, path, number prefix, the party, the document date)
KINDS = {
    "orders": (ORDERS, Order, "/v1/orders", "SO", "customer", "order_date"),
    "purchase_orders": (PURCHASE_ORDERS, PurchaseOrder, "/v1/purchase-orders", "PO", "supplier", "order_date"),
    "deliveries": (DELIVERIES, Delivery, "/v1/deliveries", "DN", "customer", "delivery_date"),
}


def write(kind: str, tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    spec, model, _, prefix, party, date_field = KINDS[kind]
    statuses = spec.fields["status"].values
    connection()
    made = []
    numbers = iter(range(1, 100))
    for n, row in enumerate(rows):
        status = statuses[row["status"] % len(statuses)]
        total = Decimal(row["total"])
        fields: dict[str, Any] = {
            "id": f"{prefix.lower()}_{n:026d}", "tenant_id": tenant_id, "status": status,
            "number": None if status == "draft" else f"{prefix}-2026-{next(numbers):04d}",
            f"{party}_id": f"pty_{row['party']}", f"{party}_name": row["party_name"],
            "reference": row["reference"], date_field: date(2026, 1, 1) + timedelta(days=row["day"]), "lines": [],
            "created_at": BASE + timedelta(seconds=n),
            "updated_at": BASE + timedelta(minutes=row["updated"], microseconds=n),
        }
        if model is Delivery:
            fields |= {"order_id": row["order"]}
        else:
            fields |= {"currency": row["currency"], "exchange_rate": Decimal(1), "prices_include_tax": False,
                       "tax_breakdown": [], "subtotal": total, "tax_total": Decimal(0),
                       "rounding_adjustment": Decimal(0), "total": total}
            fields |= {"invoicing_status": "not_invoiced"} if model is Order else {"billing_status": "not_billed"}
        record = model(**fields)
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in spec.fields}))
    return made


def values(kind: str):
    spec, _, _, prefix, _, date_field = KINDS[kind]

    def of(field: str) -> st.SearchStrategy[str]:
        own = {
            "status": st.sampled_from(spec.fields["status"].values),
            "supplier_id": st.sampled_from(["pty_0", "pty_1", "pty_9"]),
            "supplier_name": values_for("customer_name"),
            "number": st.sampled_from([f"{prefix}-2026-0001", f"{prefix}-2026-0003", f"{prefix.lower()}-2026",
                                       "0002", prefix]),
            date_field: values_for("issue_date"),
            "order_id": st.sampled_from(["so_1", "so_2", "so_9"]),
        }
        return own[field] if field in own else values_for(field)
    return of


def asked_of(kind: str) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.tuples(queries(KINDS[kind][0], values(kind)), st.integers(1, 4),
                              st.sampled_from([None, 2, 7])), min_size=1, max_size=5)


@SETTINGS
@given(rows=order_rows, asked=asked_of("orders"))
def test_order_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write("orders", books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/orders", ORDERS, made, asked, as_stored)


@SETTINGS
@given(rows=order_rows, asked=asked_of("purchase_orders"))
def test_purchase_order_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write("purchase_orders", books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/purchase-orders", PURCHASE_ORDERS, made, asked, as_stored)


@SETTINGS
@given(rows=order_rows, asked=asked_of("deliveries"))
def test_delivery_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write("deliveries", books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/deliveries", DELIVERIES, made, asked, as_stored)


# ------------------------------------------------------------------------- the payment-like lists

payment_rows = st.lists(
    st.fixed_dictionaries({
        "reversed": st.booleans(),
        "party": st.integers(0, 3),
        "party_name": st.sampled_from(NAMES),
        "reference": st.sampled_from(REFERENCES),
        "day": st.integers(0, 40),
        "amount": st.sampled_from(["0.01", "99.99", "100.00", "999.50", "1000.00", "2500.00"]),
        "unallocated": st.sampled_from(["0", "0.5", "1"]),
        "currency": st.sampled_from(["AUD", "EUR"]),
        "account": st.sampled_from(["acc_1", "acc_2"]),
        "source": st.sampled_from([None, "rct_1", "rct_2"]),
        "updated": st.integers(0, 500),
    }),
    min_size=5,
    max_size=20,
)

# (list declaration, model, path, the party)
PAYMENTS = {
    "receipts": (RECEIPTS, Receipt, "/v1/receipts", "customer"),
    "refunds": (REFUNDS, Refund, "/v1/refunds", "customer"),
    "supplier_payments": (SUPPLIER_PAYMENTS, SupplierPayment, "/v1/supplier-payments", "supplier"),
}


def write_payments(kind: str, tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    spec, model, _, party = PAYMENTS[kind]
    connection()
    made = []
    for n, row in enumerate(rows):
        amount = Decimal(row["amount"])
        unallocated = (amount * Decimal(row["unallocated"])).quantize(Decimal("0.01"))
        fields: dict[str, Any] = {
            "id": f"{model.PREFIX.lower()}_{n:026d}", "tenant_id": tenant_id,
            "status": "reversed" if row["reversed"] else "posted",
            f"{party}_id": f"pty_{row['party']}", f"{party}_name": row["party_name"], "reference": row["reference"],
            "date": date(2026, 1, 1) + timedelta(days=row["day"]), "amount": amount, "currency": row["currency"],
            "exchange_rate": Decimal(1), "account_id": row["account"],
            "created_at": BASE + timedelta(seconds=n),
            "updated_at": BASE + timedelta(minutes=row["updated"], microseconds=n),
        }
        if model is Refund:
            fields |= {"receipt_id": row["source"], "sources": [], "journal_entry_id": f"je_{n}"}
        else:
            fields |= {"allocations": [], "allocated_amount": amount - unallocated, "unallocated_amount": unallocated,
                       "journal_entry_ids": []}
        record = model(**fields)
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in spec.fields}))
    return made


def payment_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "status": st.sampled_from(["posted", "reversed"]),
        "supplier_id": st.sampled_from(["pty_0", "pty_1", "pty_9"]),
        "supplier_name": values_for("customer_name"),
        "date": values_for("issue_date"),
        "amount": st.sampled_from(["0.01", "100", "999.5", "1000", "2500"]),
        "unallocated_amount": st.sampled_from(["0", "0.01", "50", "500", "1250.00"]),
        "account_id": st.sampled_from(["acc_1", "acc_2", "acc_9"]),
        "receipt_id": st.sampled_from(["rct_1", "rct_2", "rct_9"]),
        "credit_note_id": st.sampled_from(["cn_1", "cn_9"]),
    }
    return own[field] if field in own else values_for(field)


def payments_asked(kind: str) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.tuples(queries(PAYMENTS[kind][0], payment_values), st.integers(1, 4),
                              st.sampled_from([None, 2, 7])), min_size=1, max_size=5)


@SETTINGS
@given(rows=payment_rows, asked=payments_asked("receipts"))
def test_receipt_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_payments("receipts", books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/receipts", RECEIPTS, made, asked, as_stored)


@SETTINGS
@given(rows=payment_rows, asked=payments_asked("refunds"))
def test_refund_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_payments("refunds", books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/refunds", REFUNDS, made, asked, as_stored)


@SETTINGS
@given(rows=payment_rows, asked=payments_asked("supplier_payments"))
def test_supplier_payment_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_payments("supplier_payments", books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/supplier-payments", SUPPLIER_PAYMENTS, made, asked, as_stored)


# ------------------------------------------------------- expenses and supplier credit notes (no number)

def write_purchases(model: Any, tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    """Expenses or supplier credit notes from the payment rows' shape (amount as the total, the row's source as
    the credited bill)."""
    spec = EXPENSES if model is Expense else SUPPLIER_CREDIT_NOTES
    connection()
    made = []
    for n, row in enumerate(rows):
        total = Decimal(row["amount"])
        fields: dict[str, Any] = {
            "id": f"{model.PREFIX.lower()}_{n:026d}", "tenant_id": tenant_id,
            "date": date(2026, 1, 1) + timedelta(days=row["day"]), "currency": row["currency"],
            "exchange_rate": Decimal(1), "lines": [], "tax_breakdown": [], "subtotal": total, "tax_total": Decimal(0),
            "rounding_adjustment": Decimal(0), "total": total, "journal_entry_id": f"je_{n}",
            "created_at": BASE + timedelta(seconds=n),
            "updated_at": BASE + timedelta(minutes=row["updated"], microseconds=n),
        }
        if model is Expense:
            fields |= {"status": "reversed" if row["reversed"] else "posted", "prices_include_tax": False,
                       "supplier_id": None if row["party"] == 0 else f"pty_{row['party']}",
                       "payee_name": row["party_name"], "reference": row["reference"],
                       "paid_from_account_id": row["account"]}
        else:
            unallocated = (total * Decimal(row["unallocated"])).quantize(Decimal("0.01"))
            bill = row["source"] or "bill_0"
            fields |= {"status": "posted", "supplier_id": f"pty_{row['party']}", "supplier_name": row["party_name"],
                       "supplier_reference": row["reference"], "bill_id": bill.replace("rct", "bill"),
                       "bill_number": f"BILL-2026-000{bill[-1]}", "applied_amount": total - unallocated,
                       "unallocated_amount": unallocated}
        record = model(**fields)
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in spec.fields}))
    return made


def purchase_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "status": st.sampled_from(["posted", "reversed"]),
        "payee_name": values_for("customer_name"),
        "supplier_reference": values_for("reference"),
        "paid_from_account_id": st.sampled_from(["acc_1", "acc_2", "acc_9"]),
        "bill_id": st.sampled_from(["bill_0", "bill_1", "bill_9"]),
        "bill_number": st.sampled_from(["BILL-2026-0001", "bill-2026", "0002", "BILL"]),
        "total": st.sampled_from(["0.01", "100", "999.5", "1000", "2500"]),
    }
    return own[field] if field in own else payment_values(field)


@SETTINGS
@given(rows=payment_rows, asked=st.lists(st.tuples(queries(EXPENSES, purchase_values), st.integers(1, 4),
                                                   st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_expense_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_purchases(Expense, books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/expenses", EXPENSES, made, asked, as_stored)


def note_values(field: str) -> st.SearchStrategy[str]:
    return st.sampled_from(["posted"]) if field == "status" else purchase_values(field)


@SETTINGS
@given(rows=payment_rows, asked=st.lists(st.tuples(queries(SUPPLIER_CREDIT_NOTES, note_values), st.integers(1, 4),
                                                   st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_supplier_credit_note_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_purchases(SupplierCreditNote, books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/supplier-credit-notes", SUPPLIER_CREDIT_NOTES, made, asked,
                                     as_stored)
