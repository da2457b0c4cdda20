"""Issue 18 (part QD): `GET /v1/bills` on the query planner: lookups by number (GSI4) and supplier reference
(GSI7), operators, sorts by bill date / due date / number / `updated_at`, search over supplier name, number
and supplier reference, `updated_since` with deleted drafts as tombstones, and the older filters unchanged."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.test_bills import bill_body, supplier
from tests.integration.test_invoice_queries import everything, ids


@pytest.fixture
def three(books):
    office, paper = supplier(books, "Office Supplies Ltd"), supplier(books, "Paper & Co")
    small = books.post(f"/v1/bills/{books.post('/v1/bills', bill_body(books, office, 'R-77', bill_date='2026-01-10', due_date='2026-02-10'))['id']}/post", expect=200)  # noqa: E501
    big_body = bill_body(books, paper, "r-99", bill_date="2026-01-20", due_date="2026-01-25")
    big_body["lines"][1]["unit_price"] = "1500.00"
    big = books.post(f"/v1/bills/{books.post('/v1/bills', big_body)['id']}/post", expect=200)
    draft = books.post("/v1/bills", bill_body(books, office, "D-1", bill_date="2026-01-15", due_date="2026-03-01"))
    return small, big, draft


def test_lookups_by_number_and_supplier_reference_read_their_indexes(books, three):
    small, big, draft = three
    page = books.get(f"/v1/bills?number={big['number']}")
    assert ids(page) == [big["id"]] and page["has_more"] is False
    assert ids(books.get("/v1/bills?number=BILL-1999-0001")) == []
    assert ids(books.get("/v1/bills?supplier_reference=R-77")) == [small["id"]]
    assert ids(books.get("/v1/bills?supplier_reference[startswith]=r-")) == sorted([small["id"], big["id"]])


def test_the_older_filters_keep_their_meaning(books, three):
    small, big, draft = three
    assert ids(books.get("/v1/bills")) == [small["id"], draft["id"], big["id"]]
    assert ids(books.get("/v1/bills?status=draft")) == [draft["id"]]
    assert ids(books.get("/v1/bills?status=open,draft")) == [small["id"], draft["id"], big["id"]]
    assert ids(books.get(f"/v1/bills?supplier_id={big['supplier_id']}")) == [big["id"]]
    assert ids(books.get("/v1/bills?from_date=2026-01-11&to_date=2026-01-20")) == [draft["id"], big["id"]]
    assert everything(books, "/v1/bills", limit=1) == [small["id"], draft["id"], big["id"]]


def test_operators_sorts_and_search(books, three):
    small, big, draft = three
    assert ids(books.get("/v1/bills?status=open&amount_due[gt]=1000&sort=due_date:asc")) == [big["id"]]
    assert ids(books.get("/v1/bills?total[gte]=1000&sort=due_date:desc")) == [big["id"]]
    assert ids(books.get("/v1/bills?sort=due_date:asc")) == [big["id"], small["id"], draft["id"]]
    assert ids(books.get("/v1/bills?status[ne]=draft&sort=bill_date:desc")) == [big["id"], small["id"]]
    assert ids(books.get("/v1/bills?sort=number:asc")) == [small["id"], big["id"], draft["id"]]
    assert ids(books.get("/v1/bills?search=office")) == [small["id"], draft["id"]]
    assert ids(books.get("/v1/bills?search=co&search_fields=supplier_name")) == [big["id"]]
    assert ids(books.get("/v1/bills?supplier_name[endswith]=co")) == [big["id"]]
    counted = books.get("/v1/bills?status[in]=awaiting_payment,overdue,paid&include=total_count&limit=1")
    assert counted["total_count"] == 2 and len(counted["data"]) == 1 and counted["has_more"] is True


def test_changes_since_list_a_deleted_draft_as_a_tombstone(books, three):
    small, big, draft = three
    since = books.get(f"/v1/bills/{big['id']}")["updated_at"]
    changed = books.get(f"/v1/bills?updated_since={quote(since)}")
    assert ids(changed) == [big["id"], draft["id"]]
    books.call("DELETE", f"/v1/bills/{draft['id']}", expect=200)
    after = books.get(f"/v1/bills?updated_since={quote(since)}")["data"]
    assert [i["id"] for i in after] == [big["id"], draft["id"]]
    assert after[1] == {"id": draft["id"], "object": "bill", "deleted": True, "updated_at": after[1]["updated_at"]}
    assert draft["id"] not in ids(books.get("/v1/bills?sort=updated_at:asc"))
    assert draft["id"] not in ids(books.get("/v1/bills"))


@pytest.mark.parametrize("params, named", [
    ("sort=total:asc", "total"), ("reference=PO-1", "reference"), ("customer_id=x", "customer_id"),
    ("number[gt]=BILL", "gt"), ("search=a&search_fields=notes", "notes"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, three, params, named):
    assert named in books.call("GET", f"/v1/bills?{params}", expect=400).text


def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(books, three):
    assert "due_date[lt]" in books.call("GET", "/v1/bills?due_date[lt]=soon", expect=422).text
    assert "status[ne]" in books.call("GET", "/v1/bills?status[ne]=lost", expect=422).text


def test_bills_saved_before_the_query_indexes_are_indexed_by_reindex(books, three):
    from ledgerline.store.bills import Bill
    from ledgerline.store.lists import index_query_keys

    small, _, _ = three
    record = Bill.get(*Bill.key(books.tenant_id, small["id"]))
    Bill._get_connection().update_item(record.pk, record.sk, actions=[
        Bill.gsi4pk.remove(), Bill.gsi4sk.remove(), Bill.gsi7pk.remove(), Bill.gsi7sk.remove(),
        Bill.search_supplier_name.remove()])
    assert ids(books.get(f"/v1/bills?number={small['number']}")) == []
    assert ids(books.get("/v1/bills?supplier_reference=R-77")) == []
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get(f"/v1/bills?number={small['number']}")) == [small["id"]]
    assert ids(books.get("/v1/bills?supplier_reference=R-77")) == [small["id"]]
    assert books.get(f"/v1/bills/{small['id']}")["version"] == small["version"]
