"""Issue 18 (part QA): `GET /v1/journal-entries` on the query planner: operators on what the entry holds at top
level (status, source type and id, date, reference, description, currency, total, reversal links), sorts by
date (GSI1) and `updated_at` (GSI5), the reference lookup (GSI7), search over description and reference,
`updated_since`, `include=total_count`, and the older filters (`source_type`, `status`, `from_date`, `to_date`)
unchanged."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.test_invoice_queries import everything, ids


def entry(books, day: str, amount: str, **fields) -> dict:
    return books.post("/v1/journal-entries", {"date": day, "lines": [
        {"account_id": books.accounts["6000"], "debit": amount},
        {"account_id": books.accounts["1010"], "credit": amount}], **fields})


@pytest.fixture
def entries(books):
    rent = entry(books, "2026-01-31", "1375.00", description="Accrued rent", reference="ACCR-2026-01")
    fee = entry(books, "2026-01-05", "12.50", description="Bank fee")
    big = entry(books, "2026-02-15", "20000.00", description="Accrued bonus", reference="accr-2026-02")
    mirror = books.post(f"/v1/journal-entries/{fee['id']}/reverse", {"date": "2026-02-01"})
    draft = books.draft(books.customer())
    posted = books.post(f"/v1/invoices/{draft['id']}/post", expect=200)
    invoice_entry = books.get(f"/v1/journal-entries/{posted['journal_entry_id']}")
    return rent, fee, big, mirror, invoice_entry


def test_the_older_filters_keep_their_meaning(books, entries):
    rent, fee, big, mirror, invoice_entry = entries
    manual = ids(books.get("/v1/journal-entries?source_type=manual"))
    assert manual == [fee["id"], rent["id"], mirror["id"], big["id"]]
    assert everything(books, "/v1/journal-entries?source_type=manual", limit=1) == manual
    assert ids(books.get("/v1/journal-entries?status=reversed")) == [fee["id"]]
    assert ids(books.get("/v1/journal-entries?source_type=manual&from_date=2026-01-06&to_date=2026-02-01")) == [
        rent["id"], mirror["id"]]
    assert ids(books.get("/v1/journal-entries?source_type=invoice")) == [invoice_entry["id"]]
    books.call("GET", "/v1/journal-entries?status=open", expect=422)


def test_operators_sorts_lookup_search_and_count(books, entries):
    rent, fee, big, mirror, invoice_entry = entries
    assert ids(books.get("/v1/journal-entries?source_type=manual&sort=date:desc")) == [
        big["id"], mirror["id"], rent["id"], fee["id"]]
    assert ids(books.get("/v1/journal-entries?total[gte]=1000&source_type[in]=manual,refund")) == [
        rent["id"], big["id"]]
    page = books.get("/v1/journal-entries?reference=ACCR-2026-01")
    assert ids(page) == [rent["id"]] and page["has_more"] is False
    assert ids(books.get("/v1/journal-entries?reference[startswith]=accr")) == [rent["id"], big["id"]]
    assert ids(books.get("/v1/journal-entries?search=accrued")) == [rent["id"], big["id"]]
    assert ids(books.get("/v1/journal-entries?search=2026-02&search_fields=reference")) == [big["id"]]
    assert ids(books.get(f"/v1/journal-entries?reverses_id={fee['id']}")) == [mirror["id"]]
    assert ids(books.get(f"/v1/journal-entries?source_id={invoice_entry['source_id']}")) == [invoice_entry["id"]]
    assert ids(books.get("/v1/journal-entries?source_type[ne]=manual")) == [invoice_entry["id"]]
    counted = books.get("/v1/journal-entries?source_type=manual&include=total_count")
    assert counted["total_count"] == 4 and counted["total_count_exact"] is True


def test_changes_since_are_ordered_by_updated_at(books, entries):
    rent, fee, big, mirror, invoice_entry = entries
    since = books.get(f"/v1/journal-entries/{big['id']}")["updated_at"]
    changed = ids(books.get(f"/v1/journal-entries?updated_since={quote(since)}"))
    assert changed[0] == big["id"] and set(changed) == {big["id"], mirror["id"], fee["id"], invoice_entry["id"]}
    assert rent["id"] not in changed


@pytest.mark.parametrize("params, named", [
    ("sort=total:asc", "total"), ("number=1", "number"), ("source_type[gt]=manual", "gt"),
    ("search=a&search_fields=lines", "lines"), ("account_id=acc_1", "account_id"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, params, named):
    assert named in books.call("GET", f"/v1/journal-entries?{params}", expect=400).text


def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(books):
    assert "total" in books.call("GET", "/v1/journal-entries?total[gte]=lots", expect=422).text
    assert "source_type" in books.call("GET", "/v1/journal-entries?source_type[in]=bogus", expect=422).text


def test_entries_saved_before_the_query_indexes_are_indexed_by_reindex(books, entries):
    from ledgerline.store.ledger import JournalEntry
    from ledgerline.store.lists import index_query_keys

    rent, _, big, _, _ = entries
    record = JournalEntry.get(*JournalEntry.key(books.tenant_id, rent["id"]))
    JournalEntry._get_connection().update_item(record.pk, record.sk, actions=[
        JournalEntry.gsi7pk.remove(), JournalEntry.gsi7sk.remove(), JournalEntry.search_reference.remove()])
    assert ids(books.get("/v1/journal-entries?reference=ACCR-2026-01")) == []
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get("/v1/journal-entries?reference=ACCR-2026-01")) == [rent["id"]]
