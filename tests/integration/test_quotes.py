"""Quotes against DynamoDB Local (issue 14): issue numbering, expiry, lists, convert once under concurrency,
the PDF rendered on `quote.issued`."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from ledgerline.api.app import create_app
from ledgerline.clock import FixedClock, today
from ledgerline.domain.errors import LedgerlineError
from ledgerline.local.server import ROUTERS
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import quotes
from ledgerline.store.ledger import last_number
from ledgerline.store.table import connection
from tests.conftest import TenantKey, load_event
from tests.integration.books import Books
from tests.lambda_context import LambdaContext


def quote(books: Books, customer: str | None = None, **fields) -> dict:  # noqa: ANN003
    lines = [{"description": "Consulting", "quantity": "10", "unit_price": "100.00",
              "tax_code_id": books.tax_codes["GST10"]},
             {"description": "Setup", "unit_price": "250.00", "tax_code_id": books.tax_codes["GST10"]}]
    return books.post("/v1/quotes", {"customer_id": customer or books.customer(), "lines": lines, **fields})


def issued(books: Books, customer: str | None = None, **fields) -> dict:  # noqa: ANN003
    return books.post(f"/v1/quotes/{quote(books, customer, **fields)['id']}/issue", expect=200)


@pytest.fixture
def store() -> Iterator[MemoryBlobStore]:
    memory = MemoryBlobStore()
    blobs.use(memory)
    yield memory
    blobs.use(None)


def test_issue_numbers_from_the_quote_series_and_revert_keeps_the_number(books: Books):
    customer = books.customer()
    first = issued(books, customer)
    year = today().year
    assert (first["status"], first["number"], first["version"]) == ("open", f"QUO-{year}-0001", 2)
    reverted = books.post(f"/v1/quotes/{first['id']}/revert-issue", expect=200)
    assert (reverted["status"], reverted["number"]) == ("draft", f"QUO-{year}-0001")
    books.call("PATCH", f"/v1/quotes/{first['id']}", {"notes": "Revised"}, expect=200)
    books.call("DELETE", f"/v1/quotes/{first['id']}", expect=409)  # it has a number
    again = books.post(f"/v1/quotes/{first['id']}/issue", expect=200)
    assert (again["number"], again["notes"]) == (f"QUO-{year}-0001", "Revised")
    assert issued(books, customer)["number"] == f"QUO-{year}-0002"
    assert last_number(books.tenant_id, "QUO", year) == 2 and last_number(books.tenant_id, "INV", year) == 0
    books.post(f"/v1/quotes/{first['id']}/issue", expect=409)
    assert books.get("/v1/tenant")["number_formats"]["quote"] == "QUO-{YYYY}-{SEQ:4}"
    assert all(not e.startswith("invoice.") for e in books.events())


def test_concurrent_issues_take_consecutive_quote_numbers(books: Books):
    customer = books.customer()
    drafts = [quote(books, customer)["id"] for _ in range(12)]
    connection().connection.client  # noqa: B018 - build the shared client before the threads use it
    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(lambda quote_id: quotes.issue(books.tenant_id, quote_id)["number"], drafts))
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 13))


def test_two_concurrent_conversions_of_one_quote_create_one_invoice(books: Books):
    customer = books.customer()
    made = [issued(books, customer)["id"] for _ in range(3)]
    connection().connection.client  # noqa: B018
    for quote_id in made:
        def convert(_: int, quote_id: str = quote_id) -> str:
            try:
                return quotes.convert(books.tenant_id, quote_id, "invoice")["converted_to"][0]["id"]
            except LedgerlineError as exc:
                return exc.code
        with ThreadPoolExecutor(max_workers=4) as pool:
            outcomes = list(pool.map(convert, range(4)))
        invoices_made = [o for o in outcomes if o.startswith("inv_")]
        assert len(invoices_made) == 1, outcomes
        assert sorted(set(outcomes) - set(invoices_made)) == ["already_converted"]
        shown = books.get(f"/v1/quotes/{quote_id}")
        assert shown["status"] == "converted" and shown["converted_to"] == [{"kind": "invoice",
                                                                              "id": invoices_made[0]}]
    sources = [i["source"] for i in books.get(f"/v1/invoices?customer_id={customer}")["data"]]
    assert sorted(s["id"] for s in sources) == sorted(made)
    assert books.events().count("quote.converted") == 3 and books.events().count("invoice.created") == 3


def test_convert_answers_the_quote_linked_to_a_draft_invoice_and_an_unknown_target_is_a_422(books: Books):
    made = issued(books, reference="RFQ-9")
    books.post(f"/v1/quotes/{made['id']}/accept", expect=200)
    books.call("POST", f"/v1/quotes/{made['id']}/convert", {"to": "receipt"}, expect=422)
    converted = books.post(f"/v1/quotes/{made['id']}/convert", {"to": "invoice"}, expect=200,
                           **{"Idempotency-Key": "convert-1"})
    replay = books.post(f"/v1/quotes/{made['id']}/convert", {"to": "invoice"}, expect=200,
                        **{"Idempotency-Key": "convert-1"})
    assert replay["converted_to"] == converted["converted_to"]
    invoice = books.invoice(converted["converted_to"][0]["id"])
    assert invoice["source"] == {"kind": "quote", "id": made["id"]}
    assert (invoice["status"], invoice["total"], invoice["reference"]) == ("draft", made["total"], "RFQ-9")
    again = books.call("POST", f"/v1/quotes/{made['id']}/convert", {"to": "invoice"}, expect=409).json()
    assert again["error"]["code"] == "already_converted"
    plain = books.draft(books.customer())
    assert plain["source"] is None


def test_an_open_quote_past_valid_until_reads_and_lists_expired_without_a_write(tenant: TenantKey):
    fixed = FixedClock(datetime(2031, 3, 10, 9, tzinfo=UTC))
    books = Books(TestClient(create_app(*ROUTERS, clock=fixed), raise_server_exceptions=False),
                  tenant.tenant_id, tenant.headers)
    customer = books.customer()
    expiring = issued(books, customer, valid_until="2031-03-20")
    lasting = issued(books, customer, valid_until="2031-04-30")
    draft = quote(books, customer, valid_until="2031-03-20")
    fixed.travel_to(date(2031, 3, 21))
    shown = books.get(f"/v1/quotes/{expiring['id']}")
    assert (shown["status"], shown["version"]) == ("expired", expiring["version"])
    assert [q["id"] for q in books.get("/v1/quotes?status=expired")["data"]] == [expiring["id"]]
    assert [q["id"] for q in books.get("/v1/quotes?status=open")["data"]] == [lasting["id"]]
    assert [q["id"] for q in books.get("/v1/quotes?status=open,expired")["data"]] == [expiring["id"], lasting["id"]]
    assert [q["id"] for q in books.get("/v1/quotes?status=draft")["data"]] == [draft["id"]]
    assert {q["status"] for q in books.get("/v1/quotes")["data"]} == {"expired", "open", "draft"}
    refused = books.call("POST", f"/v1/quotes/{expiring['id']}/accept", expect=409).json()["error"]
    assert refused["code"] == "invalid_state" and "expired" in refused["message"]
    books.call("POST", f"/v1/quotes/{expiring['id']}/convert", {"to": "invoice"}, expect=409)
    books.call("POST", f"/v1/quotes/{draft['id']}/issue", expect=422)  # validity already over
    declined = books.post(f"/v1/quotes/{expiring['id']}/decline", {"reason": "Too late"}, expect=200)
    assert (declined["status"], declined["decline_reason"]) == ("declined", "Too late")


def test_lists_filter_by_customer_and_dates_and_refuse_unknown_parameters(books: Books, make_tenant, api):
    one, two = books.customer("One"), books.customer("Two")
    early = quote(books, one, issue_date="2030-01-10")
    late = quote(books, two, issue_date="2030-02-10")
    assert [q["id"] for q in books.get(f"/v1/quotes?customer_id={one}")["data"]] == [early["id"]]
    assert [q["id"] for q in books.get("/v1/quotes?from_date=2030-02-01&to_date=2030-02-28")["data"]] == [late["id"]]
    page = books.get("/v1/quotes?limit=1")
    assert len(page["data"]) == 1 and page["has_more"]
    books.call("GET", "/v1/quotes?colour=red", expect=400)
    books.call("GET", "/v1/quotes?status=lost", expect=422)
    other = make_tenant()
    assert api.get(f"/v1/quotes/{early['id']}", headers=other.headers).status_code == 404
    assert api.post(f"/v1/quotes/{early['id']}/issue", headers=other.headers).status_code == 404


def test_an_issued_quote_has_a_pdf_rendered_on_quote_issued_and_a_draft_has_none(books: Books, store):
    draft = quote(books)
    assert books.call("GET", f"/v1/quotes/{draft['id']}/pdf", expect=409).json()["error"]["code"] == \
        "document_not_posted"
    made = books.post(f"/v1/quotes/{draft['id']}/issue", expect=200)
    event = load_event("eventbridge/invoice_posted.json", tenant_id=books.tenant_id, invoice_id=made["id"])
    event["detail-type"] = "quote.issued"
    rendered = importlib.import_module("functions.pdf_renderer.app").handler(event, LambdaContext())
    response = books.call("GET", f"/v1/quotes/{made['id']}/pdf", expect=200)
    assert response.headers["content-type"] == "application/pdf"
    assert rendered["sha256"] == response.headers["x-content-sha256"]
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert made["number"] in text and "AUD 1,375.00" in text and "VALID UNTIL" in text
    assert f"This offer holds until {made['valid_until']}" in text


def test_a_quote_issued_again_after_a_change_has_the_pdf_of_what_it_says_now(books: Books, store):
    made = issued(books)
    first = books.call("GET", f"/v1/quotes/{made['id']}/pdf", expect=200)
    books.post(f"/v1/quotes/{made['id']}/revert-issue", expect=200)
    books.call("PATCH", f"/v1/quotes/{made['id']}", {"lines": [{"description": "Less", "unit_price": "99.00"}]},
               expect=200)
    again = books.post(f"/v1/quotes/{made['id']}/issue", expect=200)
    second = books.call("GET", f"/v1/quotes/{made['id']}/pdf", expect=200)
    assert again["number"] == made["number"] and second.content != first.content
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(second.content)).pages)
    assert "AUD 99.00" in text and "1,375.00" not in text
    # and the same issue's PDF stays the same bytes
    assert books.call("GET", f"/v1/quotes/{made['id']}/pdf", expect=200).content == second.content


def test_a_quote_issued_then_reverted_before_its_render_renders_nothing_and_is_not_retried(books: Books, store):
    made = issued(books)
    books.post(f"/v1/quotes/{made['id']}/revert-issue", expect=200)
    event = load_event("eventbridge/invoice_posted.json", tenant_id=books.tenant_id, invoice_id=made["id"])
    event["detail-type"] = "quote.issued"
    answer = importlib.import_module("functions.pdf_renderer.app").handler(event, LambdaContext())
    assert answer == {"rendered": False, "reason": "not_issued"} and store.objects == {}


def test_bulk_quotes_create_and_update_drafts_each_on_its_own(books: Books):
    customer = books.customer()
    existing = quote(books, customer)
    body = {"operations": [
        {"operation": "create", "idempotency_key": "bq-1",
         "data": {"customer_id": customer, "lines": [{"description": "A", "unit_price": "10.00"}]}},
        {"operation": "create", "data": {"customer_id": "pty_nobody", "lines": [{"description": "B",
                                                                                 "unit_price": "1.00"}]}},
        {"operation": "update", "id": existing["id"], "version": 1, "data": {"notes": "Changed"}}]}
    result = books.post("/v1/bulk/quotes", body, expect=200)
    assert [(r["success"], r["status"]) for r in result["results"]] == [(True, 201), (False, 422), (True, 200)]
    assert result["results"][1]["error"]["param"] == "customer_id"
    assert books.get(f"/v1/quotes/{existing['id']}")["notes"] == "Changed"
    again = books.post("/v1/bulk/quotes", {"operations": body["operations"][:1]}, expect=200)
    assert again["results"][0]["data"]["id"] == result["results"][0]["data"]["id"]
    assert books.events().count("quote.created") == 2


def test_a_quote_converts_into_a_draft_order_with_its_lines_linked_both_ways(books: Books):
    made = issued(books, reference="RFQ-10")
    converted = books.post(f"/v1/quotes/{made['id']}/convert", {"to": "order"}, expect=200,
                           **{"Idempotency-Key": "convert-order-1"})
    assert converted["status"] == "converted" and [link["kind"] for link in converted["converted_to"]] == ["order"]
    order = books.get(f"/v1/orders/{converted['converted_to'][0]['id']}")
    assert order["status"] == "draft" and order["source"] == {"kind": "quote", "id": made["id"]}
    assert order["customer_id"] == made["customer_id"] and order["total"] == made["total"]
    assert [line["description"] for line in order["lines"]] == [line["description"] for line in made["lines"]]
    # converted once: a second conversion (into anything) is refused and makes nothing
    books.call("POST", f"/v1/quotes/{made['id']}/convert", {"to": "invoice"}, expect=409)
    assert books.events().count("order.created") == 1
