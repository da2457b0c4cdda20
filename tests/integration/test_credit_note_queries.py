"""Issue 18 (part QD): `GET /v1/credit-notes` on the query planner: the number lookup from GSI4, operators,
sorts by date / number / `updated_at`, search over customer name, number and invoice number, `updated_since`,
`include=total_count`, and the older filters (`invoice_id`, `from_date`, `to_date`) unchanged."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.test_invoice_queries import everything, ids


@pytest.fixture
def notes(books):
    acme, bolt = books.customer("ACME Trading"), books.customer("Bolt & Co")
    line = [{"description": "Work", "unit_price": "2000.00", "account_id": books.accounts["4000"]}]
    first = books.posted(acme, lines=line, issue_date="2026-01-05", due_date="2026-02-05")
    second = books.posted(bolt, lines=line, issue_date="2026-01-06", due_date="2026-02-06")
    small = books.post("/v1/credit-notes", {"invoice_id": first["id"], "amount": "10.00", "date": "2026-01-20"})
    big = books.post("/v1/credit-notes", {"invoice_id": second["id"], "amount": "500.00", "date": "2026-01-10"})
    other = books.post("/v1/credit-notes", {"invoice_id": first["id"], "amount": "50.00", "date": "2026-01-15"})
    return first, second, small, big, other


def test_a_number_lookup_finds_the_credit_note_from_its_index(books, notes):
    *_, small, big, other = notes
    page = books.get(f"/v1/credit-notes?number={big['number']}")
    assert ids(page) == [big["id"]] and page["has_more"] is False
    assert ids(books.get("/v1/credit-notes?number=CN-1999-0001")) == []
    # lowercase: the lookup is exact, the text operators are case-insensitive
    assert ids(books.get(f"/v1/credit-notes?number={big['number'].lower()}")) == []
    assert ids(books.get(f"/v1/credit-notes?number[contains]={big['number'].lower()}")) == [big["id"]]


def test_the_older_filters_keep_their_meaning(books, notes):
    first, second, small, big, other = notes
    assert ids(books.get("/v1/credit-notes")) == [big["id"], other["id"], small["id"]]  # by date, oldest first
    assert ids(books.get(f"/v1/credit-notes?invoice_id={first['id']}")) == [other["id"], small["id"]]
    assert ids(books.get("/v1/credit-notes?from_date=2026-01-11&to_date=2026-01-15")) == [other["id"]]
    assert everything(books, "/v1/credit-notes", limit=1) == [big["id"], other["id"], small["id"]]


def test_operators_sorts_and_search(books, notes):
    first, second, small, big, other = notes
    assert ids(books.get("/v1/credit-notes?total[gte]=50&sort=date:desc")) == [other["id"], big["id"]]
    assert ids(books.get("/v1/credit-notes?sort=number:asc")) == [small["id"], big["id"], other["id"]]
    assert ids(books.get("/v1/credit-notes?sort=number:desc&limit=1")) == [other["id"]]
    assert ids(books.get("/v1/credit-notes?search=acme")) == [other["id"], small["id"]]
    assert ids(books.get(f"/v1/credit-notes?search={second['number'].lower()}&search_fields=invoice_number")) \
        == [big["id"]]
    assert ids(books.get(f"/v1/credit-notes?invoice_number[ne]={first['number']}")) == [big["id"]]
    assert ids(books.get("/v1/credit-notes?customer_name[endswith]=co")) == [big["id"]]
    assert ids(books.get("/v1/credit-notes?status=posted&date[lt]=2026-01-15")) == [big["id"]]
    counted = books.get("/v1/credit-notes?unallocated_amount[eq]=0&include=total_count&limit=1")
    assert counted["total_count"] == 3 and len(counted["data"]) == 1 and counted["has_more"] is True


def test_changes_since_are_ordered_by_updated_at(books, notes):
    *_, small, big, other = notes
    since = books.get(f"/v1/credit-notes/{big['id']}")["updated_at"]
    assert ids(books.get(f"/v1/credit-notes?updated_since={quote(since)}")) == [big["id"], other["id"]]
    assert ids(books.get("/v1/credit-notes?sort=updated_at:desc")) == [other["id"], big["id"], small["id"]]


@pytest.mark.parametrize("params, named", [
    ("sort=total:asc", "total"), ("reference=PO-1", "reference"), ("due_date[gte]=2026-01-01", "due_date"),
    ("number[gt]=CN", "gt"), ("search=a&search_fields=reason", "reason"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, notes, params, named):
    refused = books.call("GET", f"/v1/credit-notes?{params}", expect=400)
    assert named in refused.text


def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(books, notes):
    refused = books.call("GET", "/v1/credit-notes?date[gte]=yesterday", expect=422)
    assert "date[gte]" in refused.text


def test_credit_notes_saved_before_the_query_indexes_are_indexed_by_reindex(books, notes):
    from ledgerline.store.documents import CreditNote
    from ledgerline.store.lists import index_query_keys

    *_, small, big, other = notes
    # Given a credit note as it was stored before its list moved onto the planner (no GSI4/5 keys, no copies)
    record = CreditNote.get(*CreditNote.key(books.tenant_id, big["id"]))
    CreditNote._get_connection().update_item(record.pk, record.sk, actions=[
        CreditNote.gsi4pk.remove(), CreditNote.gsi4sk.remove(), CreditNote.gsi5pk.remove(),
        CreditNote.gsi5sk.remove(), CreditNote.search_customer_name.remove()])
    assert ids(books.get(f"/v1/credit-notes?number={big['number']}")) == []
    assert ids(books.get("/v1/credit-notes?search=bolt")) == []
    # When it is reindexed, it is found again; a second run changes nothing; its version is untouched
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get(f"/v1/credit-notes?number={big['number']}")) == [big["id"]]
    assert ids(books.get("/v1/credit-notes?search=bolt")) == [big["id"]]
    assert books.get(f"/v1/credit-notes/{big['id']}")["version"] == big["version"]
