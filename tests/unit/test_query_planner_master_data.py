"""Issue 18 (part QM): the planner's choices on the other lists (pure: no database) and the index keys their
entities write."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledgerline.api.list_query import ListQuery
from ledgerline.domain.errors import InvalidRequest
from ledgerline.domain.query import ITEMS, Predicate, Query
from ledgerline.store.items import Item
from ledgerline.store.lists import ITEM_LIST, QUERY_ATTRIBUTES
from ledgerline.store.query import plan


def access(spec, query):
    return plan(spec, query).access.name


def test_items_a_code_lookup_reads_the_code_index_in_one_key_range():
    chosen = plan(ITEM_LIST, Query((Predicate("code", "eq", "SKU-1"),)))
    assert chosen.access.name == "code" and chosen.access.unique
    assert chosen.key_condition is not None and not chosen.empty


def test_items_sorts_changes_and_the_default_order():
    assert access(ITEM_LIST, Query(sort="code")) == "code"
    assert access(ITEM_LIST, Query(sort="name")) == "name"
    assert access(ITEM_LIST, Query(sort="updated_at")) == "updated_at"
    assert access(ITEM_LIST, Query(updated_since=datetime(2026, 1, 1, tzinfo=UTC))) == "updated_at"
    assert access(ITEM_LIST, Query((Predicate("code", "startswith", "SKU"),))) == "id"
    assert access(ITEM_LIST, Query()) == "id"
    # a case-insensitive name prefix is a key range on the casefolded name
    assert plan(ITEM_LIST, Query((Predicate("name", "startswith", "Wid"),), sort="name")).key_condition is not None


def test_items_every_declared_sort_and_lookup_has_an_index_path():
    for name in ITEMS.sorts:
        assert ITEM_LIST.sorts[name] in ITEM_LIST.accesses
    for name in ITEMS.lookups:
        assert any(a.orders_by == name and a.index for a in ITEM_LIST.accesses.values())
    for name in ITEMS.search_fields:
        assert ITEMS.fields[name].normalised and hasattr(Item, f"search_{name}")


def test_an_item_writes_its_index_keys_and_searchable_copies():
    item = Item(id="itm_1", tenant_id="ten_1", code="SKU-1", name="  Big  WIDGET ", description="Blue",
                created_at=datetime(2026, 1, 1, tzinfo=UTC), updated_at=datetime(2026, 1, 2, tzinfo=UTC))
    item.assign_keys()
    assert (item.pk, item.sk) == ("T#ten_1", "ITEM#itm_1")
    assert (item.gsi6pk, item.gsi6sk) == ("T#ten_1#ITEMS#CODE", "SKU-1#itm_1")
    assert (item.gsi4pk, item.gsi4sk) == ("T#ten_1#ITEMS#NAME", "big widget#itm_1")
    assert item.gsi5pk == "T#ten_1#ITEMS#UPDATED" and item.gsi5sk.endswith("#itm_1")
    assert (item.search_code, item.search_name, item.search_description) == ("sku-1", "big widget", "blue")
    assert set(QUERY_ATTRIBUTES[Item]) >= {"gsi4pk", "gsi5pk", "gsi6pk", "search_code", "search_name"}


def test_items_unknown_sorts_and_fields_are_400s():
    query = ListQuery(ITEMS)
    with pytest.raises(InvalidRequest, match="sortable: code, name, updated_at"):
        query._sort("unit_price:asc")
    with pytest.raises(InvalidRequest, match="this list filters on: code, name"):
        query._filter("colour", "red")
    with pytest.raises(InvalidRequest, match="archived takes: eq, ne"):
        query._filter("archived[gt]", "true")


def test_each_coded_kind_has_partitions_of_its_own():
    from ledgerline.store.accounts import Account
    from ledgerline.store.tax_codes import TaxCode

    lists = {model.LIST for model in (Item, Account, TaxCode)}
    assert len(lists) == 3 and "" not in lists
    assert Account.index_partition("t", "CODE") != TaxCode.index_partition("t", "CODE")
