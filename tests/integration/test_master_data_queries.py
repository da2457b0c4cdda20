"""Issue 18 (part QM): items, accounts and tax codes answer the planner's operators, sorts, `code=` lookups,
search and `updated_since` against DynamoDB Local, keep their older filters, and records saved before the
query indexes are found again after `ledgerline query reindex`."""

from __future__ import annotations

from ledgerline.store.items import Item
from ledgerline.store.lists import index_query_keys


def ids(page):
    return [item["id"] for item in page["data"]]


def test_an_item_is_found_by_code_name_prefix_search_and_changes(books):
    widget = books.post("/v1/items", {"code": "SKU-1", "name": "Blue Widget", "unit_price": "12.50"})
    bolt = books.post("/v1/items", {"code": "SKU-2", "name": "bolt", "description": "A steel widget part"})
    assert ids(books.get("/v1/items?code=SKU-1")) == [widget["id"]]
    assert ids(books.get("/v1/items?code=sku-1")) == []  # codes are exact, as their guard is
    assert ids(books.get("/v1/items?name[startswith]=blue&sort=name:asc")) == [widget["id"]]
    assert ids(books.get("/v1/items?search=WIDGET&search_fields=name,description&sort=code:asc")) == [
        widget["id"], bolt["id"]]
    assert ids(books.get("/v1/items?unit_price[gte]=10")) == [widget["id"]]
    assert ids(books.get("/v1/items?sort=code:desc")) == [bolt["id"], widget["id"]]
    since = widget["updated_at"]
    assert set(ids(books.get(f"/v1/items?updated_since={since.replace('+', '%2B')}"))) == {widget["id"], bolt["id"]}
    # archived keeps its meaning: archived items are listed only when asked for
    books.call("DELETE", f"/v1/items/{bolt['id']}", expect=200)
    assert ids(books.get("/v1/items?sort=code:asc")) == [widget["id"]]
    assert ids(books.get("/v1/items?archived=true")) == [bolt["id"]]


def test_unknown_fields_and_sorts_are_400s_naming_what_is_supported(books):
    response = books.call("GET", "/v1/items?colour=red", expect=400).json()
    assert "code" in response["error"]["message"] and "unit_price" in response["error"]["message"]
    response = books.call("GET", "/v1/accounts?sort=type:asc", expect=400).json()
    assert "sortable: code, name, updated_at" in response["error"]["message"]


def test_accounts_and_tax_codes_keep_their_filters_and_answer_lookups(books):
    bank = books.get("/v1/accounts?code=1000")["data"]
    by_subtype = books.get("/v1/accounts?subtype=bank&limit=100")["data"]
    assert {a["subtype"] for a in by_subtype} == {"bank"}
    codes = [a["code"] for a in books.get("/v1/accounts?type[in]=revenue,expense&sort=code:asc&limit=100")["data"]]
    assert codes == sorted(codes) and codes
    assert all(a["type"] in ("revenue", "expense") for a in
               books.get("/v1/accounts?type[in]=revenue,expense&limit=100")["data"])
    assert len(bank) <= 1
    tax = books.get("/v1/tax-codes?limit=100")["data"]
    first = tax[0]
    assert ids(books.get(f"/v1/tax-codes?code={first['code']}")) == [first["id"]]
    assert {t["id"] for t in books.get("/v1/tax-codes?rate[gte]=0&limit=100")["data"]} == {t["id"] for t in tax}


def test_items_saved_before_the_query_indexes_are_indexed_by_reindex(books):
    made = books.post("/v1/items", {"code": "OLD-1", "name": "Old item"})
    record = Item.get(*Item.key(books.tenant_id, made["id"]))
    Item._get_connection().update_item(record.pk, record.sk, actions=[
        Item.gsi6pk.remove(), Item.gsi6sk.remove(), Item.gsi4pk.remove(), Item.gsi4sk.remove(),
        Item.search_name.remove()])
    assert ids(books.get("/v1/items?code=OLD-1")) == []
    assert ids(books.get("/v1/items?search=item")) == []
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get("/v1/items?code=OLD-1")) == [made["id"]]
    assert ids(books.get("/v1/items?search=item")) == [made["id"]]
    assert books.get(f"/v1/items/{made['id']}")["version"] == made["version"]
