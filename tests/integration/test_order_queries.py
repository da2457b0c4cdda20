"""Issue 18 (part Q1): the order-like document lists on the query planner — `GET /v1/orders`,
`/v1/purchase-orders` and `/v1/deliveries`: lookups by number (GSI4) and reference (GSI7), operators, sorts by
document date / number / `updated_at`, search over party name, number and reference, `updated_since` with deleted
drafts as tombstones, `include=total_count`, and the older filters (`status`, party id, `from_date`, `to_date`)
unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from tests.integration.test_invoice_queries import everything, ids


@dataclass(frozen=True)
class Kind:
    path: str
    party: str  # customer | supplier
    date_field: str
    finish: str  # the action that numbers a draft
    object: str
    prefix: str

    def party_id(self, books, name: str) -> str:
        kind = {"supplier": {"kind": "supplier"}}.get(self.party, {})
        return books.post("/v1/parties", {"name": name, **kind})["id"]

    def draft(self, books, party_id: str, day: str, reference: str | None = None) -> dict[str, Any]:
        line: dict[str, Any] = {"description": "Thing", "quantity": "2"}
        if self.path != "/v1/deliveries":
            line |= {"unit_price": "10.00", "tax_code_id": books.tax_codes["GST10"]}
        if self.path == "/v1/purchase-orders":
            line |= {"account_id": books.accounts["6000"]}
        body = {f"{self.party}_id": party_id, self.date_field: day, "lines": [line],
                **({"reference": reference} if reference else {})}
        return books.post(self.path, body)

    def numbered(self, books, party_id: str, day: str, reference: str | None = None) -> dict[str, Any]:
        made = self.draft(books, party_id, day, reference)
        return books.post(f"{self.path}/{made['id']}/{self.finish}", expect=200)


KINDS = [
    Kind("/v1/orders", "customer", "order_date", "confirm", "order", "SO-"),
    Kind("/v1/purchase-orders", "supplier", "order_date", "issue", "purchase_order", "PO-"),
    Kind("/v1/deliveries", "customer", "delivery_date", "issue", "delivery", "DN-"),
]


@pytest.fixture(params=KINDS, ids=lambda kind: kind.path)
def kind(request) -> Kind:
    return request.param


@pytest.fixture
def three(books, kind):
    acme, bolt = kind.party_id(books, "ACME Trading"), kind.party_id(books, "Bolt & Co")
    old = kind.numbered(books, acme, "2026-01-10", reference="PO-77")
    later = kind.numbered(books, bolt, "2026-01-12", reference="po-99")
    draft = kind.draft(books, acme, "2026-01-11")
    return old, later, draft


def test_lookups_by_number_and_reference_read_their_indexes(books, kind, three):
    old, later, draft = three
    assert later["number"].startswith(kind.prefix)
    page = books.get(f"{kind.path}?number={later['number']}")
    assert ids(page) == [later["id"]] and page["has_more"] is False
    assert ids(books.get(f"{kind.path}?number={kind.prefix}1999-0001")) == []
    assert ids(books.get(f"{kind.path}?reference=PO-77")) == [old["id"]]
    assert ids(books.get(f"{kind.path}?reference[startswith]=po-")) == sorted([old["id"], later["id"]])


def test_the_older_filters_keep_their_meaning(books, kind, three):
    old, later, draft = three
    party = f"{kind.party}_id"
    assert ids(books.get(kind.path)) == [old["id"], draft["id"], later["id"]]
    assert ids(books.get(f"{kind.path}?status=draft")) == [draft["id"]]
    assert ids(books.get(f"{kind.path}?status={old['status']},draft")) == [old["id"], draft["id"], later["id"]]
    assert ids(books.get(f"{kind.path}?{party}={later[party]}")) == [later["id"]]
    assert ids(books.get(f"{kind.path}?from_date=2026-01-11&to_date=2026-01-11")) == [draft["id"]]
    assert everything(books, kind.path, limit=1) == [old["id"], draft["id"], later["id"]]


def test_operators_sorts_search_and_total_count(books, kind, three):
    old, later, draft = three
    assert ids(books.get(f"{kind.path}?sort={kind.date_field}:desc")) == [later["id"], draft["id"], old["id"]]
    assert ids(books.get(f"{kind.path}?status[ne]=draft&sort={kind.date_field}:desc")) == [later["id"], old["id"]]
    assert ids(books.get(f"{kind.path}?sort=number:asc")) == [old["id"], later["id"], draft["id"]]
    assert ids(books.get(f"{kind.path}?search=acme")) == [old["id"], draft["id"]]
    assert ids(books.get(f"{kind.path}?{kind.party}_name[endswith]=co")) == [later["id"]]
    assert ids(books.get(f"{kind.path}?{kind.date_field}[gt]=2026-01-10")) == [draft["id"], later["id"]]
    counted = books.get(f"{kind.path}?status[nin]=draft&include=total_count&limit=1")
    assert counted["total_count"] == 2 and len(counted["data"]) == 1 and counted["has_more"] is True


def test_changes_since_list_a_deleted_draft_as_a_tombstone(books, kind, three):
    old, later, draft = three
    since = books.get(f"{kind.path}/{later['id']}")["updated_at"]
    assert ids(books.get(f"{kind.path}?updated_since={quote(since)}")) == [later["id"], draft["id"]]
    books.call("DELETE", f"{kind.path}/{draft['id']}", expect=200)
    after = books.get(f"{kind.path}?updated_since={quote(since)}")["data"]
    assert [item["id"] for item in after] == [later["id"], draft["id"]]
    assert after[1] == {"id": draft["id"], "object": kind.object, "deleted": True,
                        "updated_at": after[1]["updated_at"]}
    assert draft["id"] not in ids(books.get(kind.path))
    assert draft["id"] not in ids(books.get(f"{kind.path}?sort=updated_at:asc"))


@pytest.mark.parametrize("params, named", [
    ("sort=amount_due:asc", "amount_due"), ("due_date[gte]=2026-01-01", "due_date"), ("number[gt]=X", "gt"),
    ("search=a&search_fields=notes", "notes"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, kind, three, params, named):
    assert named in books.call("GET", f"{kind.path}?{params}", expect=400).text


def test_a_bad_value_is_a_422_naming_the_parameter(books, kind, three):
    refused = books.call("GET", f"{kind.path}?{kind.date_field}[gte]=yesterday", expect=422).json()
    assert refused["error"]["param"] == f"{kind.date_field}[gte]"


def test_documents_saved_before_the_query_indexes_are_indexed_by_reindex(books, kind, three):
    from ledgerline.store.lists import index_query_keys
    from ledgerline.store.purchase_orders import PurchaseOrder
    from ledgerline.store.sales import Delivery, Order

    model = {"/v1/orders": Order, "/v1/purchase-orders": PurchaseOrder, "/v1/deliveries": Delivery}[kind.path]
    old, _, _ = three
    record = model.get(*model.key(books.tenant_id, old["id"]))
    model._get_connection().update_item(record.pk, record.sk, actions=[
        model.gsi4pk.remove(), model.gsi4sk.remove(), model.gsi7pk.remove(), model.gsi7sk.remove(),
        model.search_reference.remove()])
    assert ids(books.get(f"{kind.path}?number={old['number']}")) == []
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get(f"{kind.path}?number={old['number']}")) == [old["id"]]
    assert ids(books.get(f"{kind.path}?reference=PO-77")) == [old["id"]]
