"""Issue 18 (part QD): `GET /v1/quotes` on the query planner: lookups by number (GSI4) and reference (GSI7),
operators, sorts by issue date / valid until / number / `updated_at`, search, `updated_since`, and the older
filters (`status` with the derived `expired`, `customer_id`, `from_date`, `to_date`) unchanged."""

from __future__ import annotations

from urllib.parse import quote as encoded

import pytest

from tests.integration.test_invoice_queries import everything, ids
from tests.integration.test_quotes import issued, quote


@pytest.fixture
def three(books):
    acme, bolt = books.customer("ACME Trading"), books.customer("Bolt & Co")
    old = issued(books, acme, issue_date="2026-01-10", valid_until="2098-01-20", reference="PO-77")
    later = issued(books, bolt, issue_date="2026-01-12", valid_until="2099-01-01", reference="po-99")
    draft = quote(books, acme, issue_date="2026-01-11", valid_until="2099-06-01")
    return old, later, draft


def test_lookups_by_number_and_reference_read_their_indexes(books, three):
    old, later, draft = three
    page = books.get(f"/v1/quotes?number={later['number']}")
    assert ids(page) == [later["id"]] and page["has_more"] is False
    assert ids(books.get("/v1/quotes?number=QUO-1999-0001")) == []
    assert ids(books.get("/v1/quotes?reference=PO-77")) == [old["id"]]
    assert ids(books.get("/v1/quotes?reference[startswith]=po-")) == sorted([old["id"], later["id"]])


def test_the_older_filters_keep_their_meaning(books, three):
    old, later, draft = three
    assert ids(books.get("/v1/quotes")) == [old["id"], draft["id"], later["id"]]
    assert ids(books.get("/v1/quotes?status=expired")) == []  # expired quotes: the property test writes them
    assert ids(books.get("/v1/quotes?status=open")) == [old["id"], later["id"]]
    assert ids(books.get("/v1/quotes?status=open,expired")) == [old["id"], later["id"]]
    assert ids(books.get(f"/v1/quotes?customer_id={later['customer_id']}")) == [later["id"]]
    assert ids(books.get("/v1/quotes?from_date=2026-01-11&to_date=2026-01-11")) == [draft["id"]]
    assert everything(books, "/v1/quotes", limit=1) == [old["id"], draft["id"], later["id"]]


def test_operators_sorts_and_search(books, three):
    old, later, draft = three
    assert ids(books.get("/v1/quotes?sort=valid_until:desc")) == [draft["id"], later["id"], old["id"]]
    assert ids(books.get("/v1/quotes?status[ne]=draft&sort=issue_date:desc")) == [later["id"], old["id"]]
    assert ids(books.get("/v1/quotes?status[nin]=expired,draft")) == [old["id"], later["id"]]
    assert ids(books.get("/v1/quotes?sort=number:asc")) == [old["id"], later["id"], draft["id"]]
    assert ids(books.get("/v1/quotes?search=acme")) == [old["id"], draft["id"]]
    assert ids(books.get("/v1/quotes?customer_name[endswith]=co")) == [later["id"]]
    assert ids(books.get("/v1/quotes?valid_until[lt]=2099-01-01")) == [old["id"]]
    counted = books.get("/v1/quotes?total[gte]=0&include=total_count&limit=1")
    assert counted["total_count"] == 3 and len(counted["data"]) == 1 and counted["has_more"] is True


def test_changes_since_are_ordered_by_updated_at(books, three):
    old, later, draft = three
    since = books.get(f"/v1/quotes/{later['id']}")["updated_at"]
    assert ids(books.get(f"/v1/quotes?updated_since={encoded(since)}")) == [later["id"], draft["id"]]


def test_a_deleted_draft_quote_is_a_tombstone_in_changes(books, three):
    old, later, draft = three
    since = books.get(f"/v1/quotes/{later['id']}")["updated_at"]
    books.call("DELETE", f"/v1/quotes/{draft['id']}", expect=200)
    changed = books.get(f"/v1/quotes?updated_since={encoded(since)}&include=total_count")
    assert ids(changed) == [later["id"], draft["id"]] and changed["total_count"] == 2
    tombstone = changed["data"][1]
    assert tombstone == {"id": draft["id"], "object": "quote", "deleted": True,
                         "updated_at": tombstone["updated_at"]}
    assert tombstone["updated_at"] >= since
    # only `updated_since` shows it: the lists and sorts do not
    assert draft["id"] not in ids(books.get("/v1/quotes?sort=updated_at:asc"))
    assert draft["id"] not in ids(books.get("/v1/quotes"))


@pytest.mark.parametrize("params, named", [
    ("sort=total:asc", "total"), ("due_date[gte]=2026-01-01", "due_date"), ("number[gt]=QUO", "gt"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, three, params, named):
    assert named in books.call("GET", f"/v1/quotes?{params}", expect=400).text


def test_quotes_saved_before_the_query_indexes_are_indexed_by_reindex(books, three):
    from ledgerline.store.lists import index_query_keys
    from ledgerline.store.quotes import Quote

    old, _, _ = three
    record = Quote.get(*Quote.key(books.tenant_id, old["id"]))
    Quote._get_connection().update_item(record.pk, record.sk, actions=[
        Quote.gsi4pk.remove(), Quote.gsi4sk.remove(), Quote.gsi7pk.remove(), Quote.gsi7sk.remove()])
    assert ids(books.get(f"/v1/quotes?number={old['number']}")) == []
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get(f"/v1/quotes?number={old['number']}")) == [old["id"]]
    assert ids(books.get("/v1/quotes?reference=PO-77")) == [old["id"]]
