"""Issue 18: `GET /v1/invoices` answers filter operators, sorts, lookups, search, `updated_since` and
`include=total_count` through the query planner, within a read budget, against DynamoDB Local."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from ledgerline.store import query as planner


def ids(page):
    return [item["id"] for item in page["data"]]


def everything(books, path, *, limit=2, rounds=200):
    """Every page of a list, following cursors (the budget may end pages early)."""
    found, cursor = [], None
    for _ in range(rounds):
        sep = "&" if "?" in path else "?"
        url = f"{path}{sep}limit={limit}" + (f"&cursor={quote(cursor)}" if cursor else "")
        page = books.get(url)
        found += ids(page)
        if not page["has_more"]:
            return found
        cursor = page["next_cursor"]
    raise AssertionError("the list did not end")


@pytest.fixture
def three(books):
    acme, bolt = books.customer("ACME Trading"), books.customer("Bolt & Co")
    small = books.posted(acme, lines=[{"description": "Small", "unit_price": "100.00",
                                       "account_id": books.accounts["4000"]}],
                         issue_date="2026-01-10", due_date="2026-02-10", reference="PO-77")
    big = books.posted(bolt, lines=[{"description": "Big", "unit_price": "1500.00",
                                     "account_id": books.accounts["4000"]}],
                       issue_date="2026-01-20", due_date="2026-01-25", reference="po-99")
    draft = books.draft(acme, lines=[{"description": "Draft", "unit_price": "2500.00",
                                      "account_id": books.accounts["4000"]}],
                        issue_date="2026-01-15", due_date="2026-03-01")
    return small, big, draft


def test_a_number_lookup_finds_the_invoice_from_its_index(books, three):
    small, big, _ = three
    page = books.get(f"/v1/invoices?number={big['number']}")
    assert ids(page) == [big["id"]] and page["has_more"] is False
    assert ids(books.get("/v1/invoices?number=INV-1999-0001")) == []
    # a reference lookup ignores case in the index, and the filter keeps exact equality
    assert ids(books.get("/v1/invoices?reference=PO-77")) == [small["id"]]
    assert ids(books.get("/v1/invoices?reference[startswith]=po-")) == sorted([small["id"], big["id"]])


def test_operators_sort_and_search(books, three):
    small, big, draft = three
    over = books.get("/v1/invoices?total[gte]=1000&sort=due_date:asc")
    assert ids(over) == [big["id"], draft["id"]]
    unpaid_over = books.get("/v1/invoices?status=open&amount_due[gt]=1000&sort=due_date:asc")
    assert ids(unpaid_over) == [big["id"]]
    assert ids(books.get("/v1/invoices?status[ne]=draft&sort=issue_date:desc")) == [big["id"], small["id"]]
    assert ids(books.get("/v1/invoices?status[nin]=draft,awaiting_payment,overdue")) == []
    assert ids(books.get("/v1/invoices?search=acme")) == [small["id"], draft["id"]]
    assert ids(books.get("/v1/invoices?search=bolt&search_fields=customer_name")) == [big["id"]]
    assert ids(books.get("/v1/invoices?customer_name[endswith]=co")) == [big["id"]]
    assert ids(books.get("/v1/invoices?sort=number:asc")) == [small["id"], big["id"], draft["id"]]
    counted = books.get("/v1/invoices?total[lt]=2000&include=total_count&limit=1")
    assert counted["total_count"] == 2 and len(counted["data"]) == 1 and counted["has_more"] is True


def test_changes_since_are_ordered_by_updated_at(books, three):
    small, big, draft = three
    since = books.invoice(big["id"])["updated_at"]
    books.call("PATCH", f"/v1/invoices/{draft['id']}", {"notes": "changed"}, expect=200)
    changed = books.get(f"/v1/invoices?updated_since={quote(since)}")
    assert ids(changed) == [big["id"], draft["id"]]
    assert changed["total_count"] is None and changed["read_budget_exhausted"] is False


@pytest.mark.parametrize(("query", "status", "param", "says"), [
    ("totl[gte]=1", 400, "totl[gte]", "total"),
    ("total[like]=1", 400, "total[like]", "gte"),
    ("customer_id[contains]=x", 400, "customer_id[contains]", "nin"),
    ("sort=total:desc", 400, "sort", "due_date"),
    ("sort=due_date:asc,number:desc", 400, "sort", "due_date:asc,id:asc"),
    ("search=x&search_fields=notes", 400, "search_fields", "customer_name"),
    ("include=everything", 400, "include", "total_count"),
    ("total[gte]=lots", 422, "total[gte]", "decimal"),
    ("due_date[lt]=2026-13-01", 422, "due_date[lt]", "YYYY-MM-DD"),
    ("status=unpaid", 422, "status", "awaiting_payment"),
    ("status[in]=paid,unpaid", 422, "status[in]", "awaiting_payment"),
    ("updated_since=yesterday", 422, "updated_since", "ISO 8601"),
    ("number[startswith]=", 422, "number[startswith]", "at least one"),
])
def test_a_bad_query_is_refused_naming_the_parameter(books, query, status, param, says):
    error = books.call("GET", f"/v1/invoices?{query}", expect=status).json()["error"]
    assert error["param"] == param and says in error["message"], error


def test_the_read_budget_ends_a_page_early_with_a_cursor(books, monkeypatch):
    customer = books.customer("Budget")
    made = [books.draft(customer, issue_date=f"2026-02-{day:02d}")["id"] for day in range(1, 9)]
    last = books.call("PATCH", f"/v1/invoices/{made[-1]}", {"reference": "needle"}, expect=200).json()
    monkeypatch.setattr(planner, "READ_BUDGET", 3)
    first = books.get("/v1/invoices?reference[contains]=needle")
    assert first["data"] == [] and first["has_more"] is True and first["read_budget_exhausted"] is True
    assert everything(books, "/v1/invoices?reference[contains]=needle") == [last["id"]]
    # without a filter the budget is never the limit of a full page
    assert everything(books, "/v1/invoices", limit=3) == made


def test_total_count_stops_at_the_read_budget_and_says_it_is_not_exact(books, monkeypatch):
    customer = books.customer("Counted")
    for day in range(1, 8):
        books.draft(customer, issue_date=f"2026-03-{day:02d}")
    exact = books.get("/v1/invoices?total[gte]=0&include=total_count&limit=1")
    assert exact["total_count"] == 7 and exact["total_count_exact"] is True
    monkeypatch.setattr(planner, "READ_BUDGET", 3)
    for query in ("total[gte]=0", "reference[endswith]=x", "sort=due_date:asc", ""):
        bounded = books.get(f"/v1/invoices?{query}&include=total_count&limit=1")
        assert bounded["total_count_exact"] is False, query
        assert bounded["total_count"] <= 3 and len(bounded["data"]) <= 1, query
    few = books.get("/v1/invoices?number=INV-1999-0001&include=total_count")
    assert few["total_count"] == 0 and few["total_count_exact"] is True
    assert books.get("/v1/invoices?limit=1").get("total_count_exact") is None


def test_another_tenants_invoices_never_match(books, make_tenant, api, three):
    from tests.integration.books import Books

    small, big, _ = three
    other = Books(api, *(lambda t: (t.tenant_id, t.headers))(make_tenant()))
    for query in (f"number={big['number']}", "reference[startswith]=po", "search=acme", "total[gte]=0",
                  "sort=due_date:desc", "sort=number:asc", "updated_since=2000-01-01T00:00:00Z",
                  "status=open&sort=due_date:asc"):
        page = other.get(f"/v1/invoices?{query}&include=total_count")
        assert page["data"] == [] and page["total_count"] == 0, query
    # a cursor of one tenant's list is refused on another's
    cursor = books.get("/v1/invoices?sort=number:asc&limit=1")["next_cursor"]
    assert other.call("GET", f"/v1/invoices?sort=number:asc&cursor={quote(cursor)}").status_code == 400


def test_a_deleted_draft_is_a_tombstone_in_changes_for_30_days(books, three):
    from ledgerline.store.query import TOMBSTONE_DAYS

    _, big, draft = three
    since = books.invoice(big["id"])["updated_at"]
    books.call("DELETE", f"/v1/invoices/{draft['id']}", expect=200)
    changed = books.get(f"/v1/invoices?updated_since={quote(since)}&include=total_count")
    assert [(i["id"], i.get("deleted")) for i in changed["data"]][-1] == (draft["id"], True)
    assert changed["total_count"] == len(changed["data"])
    tombstone = changed["data"][-1]
    assert tombstone["object"] == "invoice" and tombstone["updated_at"] >= since
    # only `updated_since` shows it: the lists and sorts do not
    assert draft["id"] not in ids(books.get("/v1/invoices?sort=updated_at:asc"))
    assert draft["id"] not in ids(books.get("/v1/invoices"))
    books.call("GET", f"/v1/invoices/{draft['id']}", expect=404)
    assert TOMBSTONE_DAYS == 30  # its TTL (`expires_at`) is 30 days after the delete


def test_records_saved_before_the_query_indexes_are_indexed_by_reindex(books, three):
    from ledgerline.store.documents import Invoice
    from ledgerline.store.lists import index_query_keys

    small, _, _ = three
    # Given an invoice as it was stored before issue 18 (no GSI4-7 keys, no searchable copies)
    record = Invoice.get(*Invoice.key(books.tenant_id, small["id"]))
    Invoice._get_connection().update_item(record.pk, record.sk, actions=[
        Invoice.gsi4pk.remove(), Invoice.gsi4sk.remove(), Invoice.gsi5pk.remove(), Invoice.gsi5sk.remove(),
        Invoice.search_customer_name.remove()])
    assert ids(books.get(f"/v1/invoices?number={small['number']}")) == []
    assert small["id"] not in ids(books.get("/v1/invoices?search=acme"))
    # When it is reindexed, it is found again; a second run changes nothing
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get(f"/v1/invoices?number={small['number']}")) == [small["id"]]
    assert small["id"] in ids(books.get("/v1/invoices?search=acme"))
    assert books.invoice(small["id"])["version"] == small["version"]
