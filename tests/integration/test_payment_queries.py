"""Issue 18 (part Q1): the payment-like lists on the query planner — `GET /v1/receipts`, `/v1/refunds` and
`/v1/supplier-payments` (no number): the reference lookup (GSI7), operators, sorts by date and `updated_at`,
search over party name and reference, `updated_since`, `include=total_count`, and the older filters (`status`,
party id, `from_date`, `to_date`) unchanged."""

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

    def party_id(self, books, name: str) -> str:
        if self.party == "supplier":
            return books.post("/v1/parties", {"name": name, "kind": "supplier"})["id"]
        party = books.customer(name)
        if self.path == "/v1/refunds":  # credit to pay back out
            books.receipt(party, "1000.00", date="2026-01-01")
        return party

    def make(self, books, party_id: str, day: str, amount: str, reference: str | None = None) -> dict[str, Any]:
        body = {f"{self.party}_id": party_id, "date": day, "amount": amount, "account_id": books.accounts["1010"],
                **({"reference": reference} if reference else {})}
        return books.post(self.path, body)


KINDS = [Kind("/v1/receipts", "customer"), Kind("/v1/refunds", "customer"),
         Kind("/v1/supplier-payments", "supplier")]


@pytest.fixture(params=KINDS, ids=lambda kind: kind.path)
def kind(request) -> Kind:
    return request.param


@pytest.fixture
def three(books, kind):
    acme, bolt = kind.party_id(books, "ACME Trading"), kind.party_id(books, "Bolt & Co")
    # receipts: the credit receipts of the refunds' fixture are listed too (dated 2026-01-01, first)
    before = ids(books.get(kind.path))
    old = kind.make(books, acme, "2026-01-10", "100.00", reference="RF-77")
    later = kind.make(books, bolt, "2026-01-12", "250.00", reference="rf-99")
    middle = kind.make(books, acme, "2026-01-11", "40.00")
    return before, old, later, middle


def test_the_reference_lookup_reads_its_index(books, kind, three):
    _, old, later, middle = three
    page = books.get(f"{kind.path}?reference=RF-77")
    assert ids(page) == [old["id"]] and page["has_more"] is False
    assert ids(books.get(f"{kind.path}?reference=RF-1")) == []
    assert ids(books.get(f"{kind.path}?reference[startswith]=RF-")) == sorted([old["id"], later["id"]])


def test_the_older_filters_keep_their_meaning(books, kind, three):
    before, old, later, middle = three
    party = f"{kind.party}_id"
    assert ids(books.get(kind.path)) == [*before, old["id"], middle["id"], later["id"]]
    assert ids(books.get(f"{kind.path}?{party}={later[party]}&from_date=2026-01-02")) == [later["id"]]
    assert ids(books.get(f"{kind.path}?from_date=2026-01-11&to_date=2026-01-11")) == [middle["id"]]
    assert ids(books.get(f"{kind.path}?status=reversed")) == []
    assert ids(books.get(f"{kind.path}?status=posted&from_date=2026-01-02")) == [old["id"], middle["id"], later["id"]]
    assert everything(books, f"{kind.path}?from_date=2026-01-02", limit=1) == [old["id"], middle["id"], later["id"]]


def test_operators_sorts_search_and_total_count(books, kind, three):
    _, old, later, middle = three
    mine = "from_date=2026-01-02"
    assert ids(books.get(f"{kind.path}?{mine}&sort=date:desc")) == [later["id"], middle["id"], old["id"]]
    assert ids(books.get(f"{kind.path}?amount[gte]=100&amount[lt]=250")) == [old["id"]]
    assert ids(books.get(f"{kind.path}?{mine}&search=acme")) == [old["id"], middle["id"]]
    assert ids(books.get(f"{kind.path}?search=rf")) == [old["id"], later["id"]]
    assert ids(books.get(f"{kind.path}?{kind.party}_name[endswith]=co")) == [later["id"]]
    assert ids(books.get(f"{kind.path}?date[gt]=2026-01-10")) == [middle["id"], later["id"]]
    counted = books.get(f"{kind.path}?date[gte]=2026-01-02&include=total_count&limit=1")
    assert counted["total_count"] == 3 and len(counted["data"]) == 1 and counted["has_more"] is True


def test_changes_since_are_ordered_by_updated_at_and_a_reversal_is_a_change(books, kind, three):
    _, old, later, middle = three
    since = books.get(f"{kind.path}/{later['id']}")["updated_at"]
    assert ids(books.get(f"{kind.path}?updated_since={quote(since)}")) == [later["id"], middle["id"]]
    books.post(f"{kind.path}/{old['id']}/reverse", expect=200)
    assert ids(books.get(f"{kind.path}?updated_since={quote(since)}")) == [later["id"], middle["id"], old["id"]]
    assert ids(books.get(f"{kind.path}?status=reversed")) == [old["id"]]
    assert ids(books.get(f"{kind.path}?status[ne]=posted")) == [old["id"]]


@pytest.mark.parametrize("params, named", [
    ("sort=amount:asc", "amount"), ("number=X", "number"), ("reference[gt]=X", "gt"),
    ("search=a&search_fields=notes", "notes"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, kind, three, params, named):
    assert named in books.call("GET", f"{kind.path}?{params}", expect=400).text


def test_a_bad_value_is_a_422_naming_the_parameter(books, kind, three):
    refused = books.call("GET", f"{kind.path}?amount[gte]=lots", expect=422).json()
    assert refused["error"]["param"] == "amount[gte]"


def test_payments_saved_before_the_query_indexes_are_indexed_by_reindex(books, kind, three):
    from ledgerline.store.bills import SupplierPayment
    from ledgerline.store.documents import Receipt
    from ledgerline.store.lists import index_query_keys
    from ledgerline.store.refunds import Refund

    model = {"/v1/receipts": Receipt, "/v1/refunds": Refund, "/v1/supplier-payments": SupplierPayment}[kind.path]
    _, old, _, _ = three
    record = model.get(*model.key(books.tenant_id, old["id"]))
    model._get_connection().update_item(record.pk, record.sk, actions=[
        model.gsi7pk.remove(), model.gsi7sk.remove(), model.search_reference.remove()])
    assert ids(books.get(f"{kind.path}?reference=RF-77")) == []
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get(f"{kind.path}?reference=RF-77")) == [old["id"]]
