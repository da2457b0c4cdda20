"""Issue 18 (part QB): `GET /v1/webhooks` on the query planner: operators on URL, description, `enabled`,
`disabled_reason` and `api_version`, sorts by casefolded URL and `updated_at`, search, `updated_since` and
`include=total_count`; every write of an endpoint (create, PATCH, rotation, the sender switching it off) keeps
its index keys current."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from tests.integration.books import Books
from tests.integration.test_invoice_queries import everything, ids


def endpoint(books: Books, url: str, **fields) -> dict:
    return books.post("/v1/webhooks", {"url": url, "events": ["*"], **fields})


@pytest.fixture
def three(books: Books):
    billing = endpoint(books, "http://127.0.0.1:9/Billing", description="Billing sync")
    crm = endpoint(books, "http://127.0.0.1:9/crm", description="CRM")
    audit = endpoint(books, "http://127.0.0.1:9/audit")
    audit = books.call("PATCH", f"/v1/webhooks/{audit['id']}", {"enabled": False}, expect=200).json()
    return billing, crm, audit


def test_the_list_keeps_its_order_and_pages(books: Books, three):
    billing, crm, audit = three
    assert ids(books.get("/v1/webhooks")) == [billing["id"], crm["id"], audit["id"]]
    assert everything(books, "/v1/webhooks", limit=1) == [billing["id"], crm["id"], audit["id"]]


def test_operators_sorts_search_and_changes(books: Books, three):
    billing, crm, audit = three
    assert ids(books.get("/v1/webhooks?sort=url:asc")) == [audit["id"], billing["id"], crm["id"]]
    assert ids(books.get("/v1/webhooks?sort=url:desc")) == [crm["id"], billing["id"], audit["id"]]
    assert ids(books.get("/v1/webhooks?enabled=false")) == [audit["id"]]
    assert ids(books.get("/v1/webhooks?enabled[ne]=false")) == [billing["id"], crm["id"]]
    assert ids(books.get("/v1/webhooks?url[endswith]=/BILLING")) == [billing["id"]]
    assert ids(books.get("/v1/webhooks?description[startswith]=crm")) == [crm["id"]]
    assert ids(books.get("/v1/webhooks?search=sync")) == [billing["id"]]
    assert ids(books.get("/v1/webhooks?search=crm&search_fields=url")) == [crm["id"]]
    assert ids(books.get(f"/v1/webhooks?api_version={billing['api_version']}")) == [billing["id"], crm["id"],
                                                                                    audit["id"]]
    changed = books.get(f"/v1/webhooks?updated_since={quote(audit['updated_at'])}&include=total_count")
    assert ids(changed) == [audit["id"]] and changed["total_count"] == 1 and changed["total_count_exact"] is True


def test_every_write_of_an_endpoint_moves_its_index_keys(books: Books, three):
    from ledgerline.store.table import transaction
    from ledgerline.store.webhooks import disable_endpoint, load_endpoint

    billing, crm, _ = three
    moved = books.call("PATCH", f"/v1/webhooks/{crm['id']}", {"url": "http://127.0.0.1:9/aaa"}, expect=200).json()
    assert ids(books.get("/v1/webhooks?sort=url:asc"))[0] == crm["id"]
    assert ids(books.get(f"/v1/webhooks?updated_since={quote(moved['updated_at'])}")) == [crm["id"]]
    rotated = books.post(f"/v1/webhooks/{billing['id']}/rotate-secret", expect=200)
    assert rotated["id"] == billing["id"]
    after = books.get(f"/v1/webhooks/{billing['id']}")["updated_at"]
    assert ids(books.get(f"/v1/webhooks?updated_since={quote(after)}")) == [billing["id"]]
    # the sender switches a failing endpoint off inside its own transaction
    record = load_endpoint(books.tenant_id, billing["id"])
    later = datetime(2100, 1, 1, tzinfo=UTC)
    with transaction() as tx:
        disable_endpoint(tx, record, "failing for 5 days", later)
    assert ids(books.get("/v1/webhooks?updated_since=2099-12-31T00:00:00Z")) == [billing["id"]]
    assert ids(books.get("/v1/webhooks?enabled=false&sort=updated_at:desc"))[0] == billing["id"]


@pytest.mark.parametrize("params, named", [
    ("sort=events:asc", "events"), ("number=1", "number"), ("enabled[gt]=true", "gt"),
    ("search=a&search_fields=secret", "secret"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books: Books, three, params, named):
    assert named in books.call("GET", f"/v1/webhooks?{params}", expect=400).text


def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(books: Books, three):
    assert "enabled" in books.call("GET", "/v1/webhooks?enabled=maybe", expect=422).text


def test_endpoints_saved_before_the_query_indexes_are_indexed_by_reindex(books: Books, three):
    from ledgerline.store.lists import index_query_keys
    from ledgerline.store.webhooks import WebhookEndpoint

    billing, crm, audit = three
    record = WebhookEndpoint.get(*WebhookEndpoint.key(books.tenant_id, crm["id"]))
    WebhookEndpoint._get_connection().update_item(record.pk, record.sk, actions=[
        WebhookEndpoint.gsi4pk.remove(), WebhookEndpoint.gsi4sk.remove(), WebhookEndpoint.search_url.remove()])
    assert ids(books.get("/v1/webhooks?sort=url:asc")) == [audit["id"], billing["id"]]
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get("/v1/webhooks?sort=url:asc")) == [audit["id"], billing["id"], crm["id"]]
