"""VAT periods against DynamoDB Local (issue 15, item 7): closing posts the settlement entry and locks the
period; concurrent closes of one period post once; overlapping creates under concurrency make one period;
the API's refusals (overlap 409, another tenant's id 404, unknown parameter 400, scope 403)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal as D

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.documents.vat_period import VatPeriodClosed, VatPeriodOverlaps
from ledgerline.domain.query import Predicate, Query
from ledgerline.services import vat_periods
from ledgerline.store.lists import query_journal_entries
from ledgerline.store.table import connection
from tests.integration.books import Books
from tests.integration.test_vat_return import post_purchase, swiss_books


def test_closing_a_quarter_posts_the_settlement_and_locks_tax_postings_dated_in_it(api, make_tenant):
    books = swiss_books(api, make_tenant)  # Q1: output 81 + 13, input 32.40; Q2: output 8.10, input 8.10
    period = books.post("/v1/vat-periods", {"from": "2026-01-01", "to": "2026-03-31"})
    assert (period["object"], period["status"], period["currency"]) == ("vat_period", "open", "CHF")
    closed = books.post(f"/v1/vat-periods/{period['id']}/close", expect=200)
    assert (closed["status"], closed["output_tax"], closed["input_tax"], closed["net_payable"]) == (
        "closed", "94.00", "32.40", "61.60")
    entry = books.get(f"/v1/journal-entries/{closed['journal_entry_id']}")
    assert (entry["date"], entry["source_type"]) == ("2026-03-31", "vat_settlement")
    # the tax accounts hold Q2 only; VAT settlement owes Q1's net
    assert (books.balance("2200"), books.balance("1300"), books.balance("2300")) == (
        D("-8.10"), D("8.10"), D("-61.60"))
    # the VAT return of Q1 still reads the buckets: the settlement moves accounts, not tax
    assert books.get("/v1/reports/vat-return?from=2026-01-01&to=2026-03-31")["net_payable"] == "61.60"
    # an invoice dated in the closed period: 409 naming the date; the quarter after is open
    customer = books.customer("Spät AG")
    draft = books.draft(customer, [{"description": "Late", "unit_price": "10.00",
                                    "tax_code_id": books.tax_codes["VAT81"]}], issue_date="2026-03-15")
    refused = books.call("POST", f"/v1/invoices/{draft['id']}/post", expect=409).json()["error"]
    assert (refused["code"], refused["param"]) == ("vat_period_closed", "issue_date")
    assert "2026-03-15" in refused["message"]
    assert books.invoice(draft["id"])["status"] == "draft"  # nothing changed
    books.posted(customer, [{"description": "On time", "unit_price": "10.00"}], issue_date="2026-04-01")
    # closing twice: 409; reopening reverses the settlement
    assert books.call("POST", f"/v1/vat-periods/{period['id']}/close", expect=409).json()["error"]["code"] == (
        "invalid_state")
    reopened = books.post(f"/v1/vat-periods/{period['id']}/reopen", expect=200)
    assert reopened["status"] == "open" and books.balance("2300") == D(0)
    books.post(f"/v1/invoices/{draft['id']}/post", expect=200)
    assert "vat_period.closed" in books.events() and "vat_period.reopened" in books.events()


def test_concurrent_closes_of_one_period_post_one_settlement(api, make_tenant):
    books = swiss_books(api, make_tenant)
    period = vat_periods.create(books.tenant_id, date(2026, 1, 1), date(2026, 3, 31))
    connection().connection.client  # noqa: B018 - built before the threads use it

    def close(_: int) -> str:
        try:
            return vat_periods.close(books.tenant_id, period["id"])["status"]
        except InvalidState:
            return "refused"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(close, range(6)))
    assert sorted(outcomes) == ["closed"] + ["refused"] * 5
    settlements = query_journal_entries(books.tenant_id, Query(predicates=(
        Predicate("source_type", "eq", "vat_settlement"),)), limit=100, start_key=None).items
    assert len(settlements) == 1
    assert books.balance("2300") == D("-61.60")


def test_overlapping_creates_under_concurrency_make_one_period(api, make_tenant):
    tenant = make_tenant(country="CH", currency="CHF")
    books = Books(api, tenant.tenant_id, tenant.headers)
    connection().connection.client  # noqa: B018

    def create(month: int) -> str:
        try:
            return vat_periods.create(books.tenant_id, date(2026, month, 1), date(2026, month + 2, 28))["id"]
        except VatPeriodOverlaps:
            return "overlap"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(create, [1, 2, 3, 1]))
    assert sum(outcome != "overlap" for outcome in outcomes) == 1
    assert len(books.get("/v1/vat-periods")["data"]) == 1


def test_the_api_refuses_overlaps_other_tenants_unknown_parameters_and_missing_scopes(api, make_tenant):
    tenant = make_tenant()
    books = Books(api, tenant.tenant_id, tenant.headers)
    q1 = books.post("/v1/vat-periods", {"from": "2026-01-01", "to": "2026-03-31"})
    books.post("/v1/vat-periods", {"from": "2026-04-01", "to": "2026-06-30"})
    overlap = books.call("POST", "/v1/vat-periods", {"from": "2026-03-01", "to": "2026-05-31"}, expect=409)
    assert (overlap.json()["error"]["code"], overlap.json()["error"]["param"]) == ("vat_period_overlaps", "from")
    backwards = books.call("POST", "/v1/vat-periods", {"from": "2026-09-30", "to": "2026-07-01"}, expect=422)
    assert backwards.json()["error"]["param"] == "to"
    assert books.call("POST", "/v1/vat-periods", {"from": "2026-07-01", "to": "2026-09-30", "extra": 1},
                      expect=422).json()["error"]["param"].endswith("extra")
    listed = books.get("/v1/vat-periods?status=open&limit=1")
    assert [p["from"] for p in listed["data"]] == ["2026-01-01"] and listed["has_more"]
    assert books.get(f"/v1/vat-periods?status=open&limit=1&cursor={listed['next_cursor']}")["data"][0]["from"] == (
        "2026-04-01")
    assert [p["from"] for p in books.get("/v1/vat-periods?from_date=2026-02-01")["data"]] == ["2026-04-01"]
    books.call("GET", "/v1/vat-periods?year=2026", expect=400)
    response = books.call("GET", f"/v1/vat-periods/{q1['id']}", expect=200)
    assert response.headers["etag"]
    other = make_tenant()
    assert api.get(f"/v1/vat-periods/{q1['id']}", headers=other.headers).status_code == 404
    assert api.post(f"/v1/vat-periods/{q1['id']}/close", headers=other.headers).status_code == 404
    key = books.post("/v1/api-keys", {"name": "reader", "scopes": ["vat-periods:read"]})["secret"]
    assert api.get("/v1/vat-periods", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert api.post("/v1/vat-periods", json={"from": "2027-01-01", "to": "2027-03-31"},
                    headers={"Authorization": f"Bearer {key}"}).status_code == 403


def test_an_idempotent_close_replays_and_a_purchase_in_a_closed_period_is_refused(api, make_tenant):
    books = swiss_books(api, make_tenant)
    period = books.post("/v1/vat-periods", {"from": "2026-01-01", "to": "2026-03-31"}, **{"Idempotency-Key": "q1"})
    again = books.post("/v1/vat-periods", {"from": "2026-01-01", "to": "2026-03-31"}, **{"Idempotency-Key": "q1"})
    assert again["id"] == period["id"]
    first = books.post(f"/v1/vat-periods/{period['id']}/close", expect=200, **{"Idempotency-Key": "c1"})
    replay = books.call("POST", f"/v1/vat-periods/{period['id']}/close", expect=200, **{"Idempotency-Key": "c1"})
    assert replay.json()["journal_entry_id"] == first["journal_entry_id"]
    assert replay.headers.get("idempotent-replayed") == "true"
    # a bill (here: its document rule) dated in the period is refused like an invoice
    from ledgerline.services.document_rules import open_tax_period
    from ledgerline.store.tenants import load_tenant

    try:
        open_tax_period(load_tenant(books.tenant_id), date(2026, 2, 10), "bill_date")
    except VatPeriodClosed as refused:
        assert refused.param == "bill_date"
    else:
        raise AssertionError("a purchase dated in a closed VAT period must be refused")
    post_purchase(books, date(2026, 4, 20), "VAT81", "10.00", "0.81")  # after it: fine
