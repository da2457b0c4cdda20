"""Issue 18 (part QC): `GET /v1/stock-locations` on the query planner: operators, sorts by casefolded name and
`updated_at`, search over name and description, `updated_since`, `include=total_count`, and the older
`archived=` filter unchanged."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.test_invoice_queries import everything, ids


@pytest.fixture
def three(books):
    main = books.post("/v1/stock-locations", {"name": "Main warehouse", "description": "Shelves A to F"})
    shop = books.post("/v1/stock-locations", {"name": "Shop Zurich", "description": "Back room"})
    old = books.post("/v1/stock-locations", {"name": "Alte Halle"})
    old = books.call("DELETE", f"/v1/stock-locations/{old['id']}", expect=200).json()
    return main, shop, old


def test_the_older_archived_filter_keeps_its_meaning(books, three):
    main, shop, old = three
    assert ids(books.get("/v1/stock-locations")) == [main["id"], shop["id"]]
    assert ids(books.get("/v1/stock-locations?archived=true")) == [old["id"]]
    assert ids(books.get("/v1/stock-locations?archived=false")) == [main["id"], shop["id"]]
    assert ids(books.get("/v1/stock-locations?archived[ne]=false")) == [old["id"]]
    assert everything(books, "/v1/stock-locations", limit=1) == [main["id"], shop["id"]]


def test_operators_sorts_search_and_changes(books, three):
    main, shop, old = three
    assert ids(books.get("/v1/stock-locations?sort=name:desc")) == [shop["id"], main["id"]]
    assert ids(books.get("/v1/stock-locations?sort=name:asc,id:asc")) == [main["id"], shop["id"]]
    assert ids(books.get("/v1/stock-locations?name[startswith]=SHOP")) == [shop["id"]]
    assert ids(books.get("/v1/stock-locations?description[contains]=shelves")) == [main["id"]]
    assert ids(books.get("/v1/stock-locations?is_default=true")) == [main["id"]]
    assert ids(books.get("/v1/stock-locations?search=back")) == [shop["id"]]
    assert ids(books.get("/v1/stock-locations?search=zurich&search_fields=description")) == []
    since = books.get(f"/v1/stock-locations/{shop['id']}")["updated_at"]
    changed = books.get(f"/v1/stock-locations?updated_since={quote(since)}&include=total_count")
    assert ids(changed) == [shop["id"]] and changed["total_count"] == 1 and changed["total_count_exact"] is True
    assert ids(books.get(f"/v1/stock-locations?updated_since={quote(since)}&archived=true")) == [old["id"]]
    # a renamed location moves in the name index (every write path assigns its keys)
    books.call("PATCH", f"/v1/stock-locations/{shop['id']}", {"name": "Annex"}, expect=200)
    assert ids(books.get("/v1/stock-locations?sort=name:asc")) == [shop["id"], main["id"]]
    assert ids(books.get("/v1/stock-locations?name=Annex")) == [shop["id"]]


@pytest.mark.parametrize("params, named", [
    ("sort=description:asc", "description"), ("number=1", "number"), ("name[gt]=a", "gt"),
    ("search=a&search_fields=areas", "areas"), ("sort=name:asc,updated_at:asc", "name:asc,id:asc"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, three, params, named):
    assert named in books.call("GET", f"/v1/stock-locations?{params}", expect=400).text


def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(books, three):
    assert "is_default" in books.call("GET", "/v1/stock-locations?is_default=maybe", expect=422).text


def test_stock_locations_saved_before_the_query_indexes_are_indexed_by_reindex(books, three):
    from ledgerline.store.lists import index_query_keys
    from ledgerline.store.stock import StockLocation

    main, shop, _ = three
    record = StockLocation.get(*StockLocation.key(books.tenant_id, main["id"]))
    StockLocation._get_connection().update_item(record.pk, record.sk, actions=[
        StockLocation.gsi4pk.remove(), StockLocation.gsi4sk.remove(), StockLocation.search_name.remove()])
    assert ids(books.get("/v1/stock-locations?sort=name:asc")) == [shop["id"]]
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get("/v1/stock-locations?sort=name:asc")) == [main["id"], shop["id"]]
