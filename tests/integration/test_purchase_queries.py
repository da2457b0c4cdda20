"""Issue 18 (part Q1): expenses and supplier credit notes on the query planner (posted when made, no number):
the reference lookup (GSI7: an expense's `reference`, a supplier credit note's `supplier_reference`),
operators, sorts by date and `updated_at`, search, `updated_since`, `include=total_count`, and the older
filters unchanged."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.test_bills import bill_body, supplier
from tests.integration.test_invoice_queries import everything, ids


def expense(books, payee: str, day: str, net: str, reference: str | None = None, **fields) -> dict:
    body = {"payee_name": payee, "paid_from_account_id": books.accounts["1000"], "date": day,
            "lines": [{"description": "Lunch", "unit_price": net, "account_id": books.accounts["6000"]}],
            **({"reference": reference} if reference else {}), **fields}
    return books.post("/v1/expenses", body)


@pytest.fixture
def expenses(books):
    paper = supplier(books, "Paper Co")
    old = expense(books, "ACME Café", "2026-01-10", "100.00", reference="R-77", supplier_id=paper)
    later = expense(books, "Bolt & Co", "2026-01-12", "250.00", reference="r-99")
    middle = expense(books, "acme diner", "2026-01-11", "40.00")
    return old, later, middle


def test_expenses_lookup_operators_sorts_and_search(books, expenses):
    old, later, middle = expenses
    assert ids(books.get("/v1/expenses")) == [old["id"], middle["id"], later["id"]]
    assert ids(books.get("/v1/expenses?reference=R-77")) == [old["id"]]
    assert ids(books.get("/v1/expenses?reference[startswith]=r-")) == sorted([old["id"], later["id"]])
    assert ids(books.get(f"/v1/expenses?supplier_id={old['supplier_id']}")) == [old["id"]]
    assert ids(books.get("/v1/expenses?from_date=2026-01-11&to_date=2026-01-11")) == [middle["id"]]
    assert ids(books.get("/v1/expenses?sort=date:desc")) == [later["id"], middle["id"], old["id"]]
    assert ids(books.get("/v1/expenses?total[gte]=100&total[lt]=250")) == [old["id"]]
    assert ids(books.get("/v1/expenses?search=acme")) == [old["id"], middle["id"]]
    assert ids(books.get("/v1/expenses?payee_name[endswith]=co")) == [later["id"]]
    counted = books.get("/v1/expenses?currency=AUD&include=total_count&limit=1")
    assert counted["total_count"] == 3 and counted["has_more"] is True
    assert everything(books, "/v1/expenses", limit=1) == [old["id"], middle["id"], later["id"]]


def test_a_reversed_expense_is_a_change_and_its_status_filters(books, expenses):
    old, later, middle = expenses
    since = books.get(f"/v1/expenses/{later['id']}")["updated_at"]
    assert ids(books.get(f"/v1/expenses?updated_since={quote(since)}")) == [later["id"], middle["id"]]
    books.post(f"/v1/expenses/{old['id']}/reverse", expect=200)
    assert ids(books.get(f"/v1/expenses?updated_since={quote(since)}")) == [later["id"], middle["id"], old["id"]]
    assert ids(books.get("/v1/expenses?status=reversed")) == [old["id"]]
    assert ids(books.get("/v1/expenses?status[ne]=reversed")) == [middle["id"], later["id"]]


@pytest.fixture
def notes(books):
    paper, bolt = supplier(books, "Paper Co"), supplier(books, "Bolt & Co")
    first = books.post("/v1/bills", bill_body(books, paper, "B-1", bill_date="2026-01-01"))
    first = books.post(f"/v1/bills/{first['id']}/post", expect=200)
    second = books.post("/v1/bills", bill_body(books, bolt, "B-2", bill_date="2026-01-01"))
    second = books.post(f"/v1/bills/{second['id']}/post", expect=200)

    def note(bill, day, amount, reference=None):
        body = {"bill_id": bill["id"], "date": day, "amount": amount,
                **({"supplier_reference": reference} if reference else {})}
        return books.post("/v1/supplier-credit-notes", body)
    old = note(first, "2026-01-10", "10.00", "CN-77")
    later = note(second, "2026-01-12", "20.00", "cn-99")
    middle = note(first, "2026-01-11", "5.00")
    return first, old, later, middle


def test_supplier_credit_notes_lookup_operators_sorts_and_search(books, notes):
    first, old, later, middle = notes
    assert ids(books.get("/v1/supplier-credit-notes")) == [old["id"], middle["id"], later["id"]]
    assert ids(books.get("/v1/supplier-credit-notes?supplier_reference=CN-77")) == [old["id"]]
    assert ids(books.get("/v1/supplier-credit-notes?supplier_reference[startswith]=cn-")) == sorted(
        [old["id"], later["id"]])
    assert ids(books.get(f"/v1/supplier-credit-notes?bill_id={first['id']}")) == [old["id"], middle["id"]]
    assert ids(books.get(f"/v1/supplier-credit-notes?bill_number={first['number']}")) == [old["id"], middle["id"]]
    assert ids(books.get(f"/v1/supplier-credit-notes?supplier_id={later['supplier_id']}")) == [later["id"]]
    assert ids(books.get("/v1/supplier-credit-notes?from_date=2026-01-11&to_date=2026-01-11")) == [middle["id"]]
    assert ids(books.get("/v1/supplier-credit-notes?sort=date:desc")) == [later["id"], middle["id"], old["id"]]
    assert ids(books.get("/v1/supplier-credit-notes?total[gt]=11")) == [later["id"]]
    assert ids(books.get("/v1/supplier-credit-notes?search=bolt")) == [later["id"]]
    assert ids(books.get("/v1/supplier-credit-notes?search=cn-&search_fields=supplier_reference")) == [
        old["id"], later["id"]]
    since = books.get(f"/v1/supplier-credit-notes/{later['id']}")["updated_at"]
    assert ids(books.get(f"/v1/supplier-credit-notes?updated_since={quote(since)}")) == [later["id"], middle["id"]]


@pytest.mark.parametrize("path, params, named", [
    ("/v1/expenses", "sort=total:asc", "total"), ("/v1/expenses", "number=X", "number"),
    ("/v1/supplier-credit-notes", "reference=X", "reference"), ("/v1/supplier-credit-notes", "status=void", "status"),
])
def test_what_the_lists_do_not_declare_is_refused_naming_it(books, path, params, named):
    response = books.call("GET", f"{path}?{params}")
    assert response.status_code in (400, 422) and named in response.text


def test_expenses_and_notes_saved_before_the_query_indexes_are_indexed_by_reindex(books, expenses):
    from ledgerline.store.bills import Expense
    from ledgerline.store.lists import index_query_keys

    old, _, _ = expenses
    record = Expense.get(*Expense.key(books.tenant_id, old["id"]))
    Expense._get_connection().update_item(record.pk, record.sk, actions=[
        Expense.gsi7pk.remove(), Expense.gsi7sk.remove(), Expense.search_reference.remove()])
    assert ids(books.get("/v1/expenses?reference=R-77")) == []
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get("/v1/expenses?reference=R-77")) == [old["id"]]
