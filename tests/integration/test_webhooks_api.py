"""The event log and webhook endpoints over the API: contract, validation, destinations refused in
production mode, secrets never stored in the clear, tenant isolation and scopes."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from ledgerline.settings import configure, get_settings
from ledgerline.store.table import connection
from ledgerline.webhooks import runtime
from ledgerline.webhooks.ports import Outbound, Response
from tests.conftest import raw_json
from tests.integration.factories import assert_error, detail_fields

RECEIVER = "http://127.0.0.1:9/hook"  # loopback; nothing is sent in these tests


def subscribe(books, **fields) -> dict:
    return books.post("/v1/webhooks", {"url": RECEIVER, "events": ["*"], **fields})


def key_with(api, tenant, *scopes: str) -> dict[str, str]:
    response = api.post("/v1/api-keys", json={"name": "limited", "scopes": list(scopes)}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['secret']}"}


class Recorder:
    """HTTP port that records instead of sending (nothing in this module leaves the process)."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def post(self, **request) -> Response:
        self.calls.append(request)
        return Response(204, 1)


@pytest.fixture
def production_mode(monkeypatch) -> Iterator[dict[str, list[str]]]:
    """Loopback refused as in AWS, and a DNS we control: names map to the addresses the test says."""
    dns: dict[str, list[str]] = {"hooks.example.com": ["93.184.215.14"], "localhost": ["127.0.0.1", "::1"]}

    def resolve(host: str, port: int):
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            return [ipaddress.ip_address(a) for a in dns.get(host, [])]

    configure(webhooks_allow_loopback=False)
    default = runtime.outbound()
    runtime.use(Outbound(queue=default.queue, http=Recorder(), resolve=resolve))
    try:
        yield dns
    finally:
        runtime.use(None)
        configure(webhooks_allow_loopback=None)


# ------------------------------------------------------------------------------------- events


def test_the_event_log_lists_filters_and_pages_newest_first(books):
    customer = books.customer()
    first = books.draft(customer)
    second = books.draft(customer)
    books.post(f"/v1/invoices/{first['id']}/post", expect=200)
    everything = books.get("/v1/events?limit=100")["data"]
    # newest first; before the invoices, the tenant's own creation, its admin key and the customer (issue 11.24)
    assert [e["type"] for e in everything] == ["invoice.posted", "invoice.created", "invoice.created",
                                               "party.created", "api_key.created", "tenant.created"]
    event = everything[0]
    assert set(event) == {"object", "id", "type", "created_at", "tenant_id", "object_type", "object_id", "sequence",
                          "data", "livemode"}  # `livemode`: test mode, issue 20
    assert (event["object"], event["tenant_id"], event["object_type"]) == ("event", books.tenant_id, "invoice")
    assert event["data"]["number"] and event["sequence"] == 2 and event["data"]["version"] == 2
    assert books.get(f"/v1/events/{event['id']}") == event
    # filters
    assert [e["type"] for e in books.get("/v1/events?type=invoice.created")["data"]] == ["invoice.created"] * 2
    assert len(books.get("/v1/events?type=invoice.created&type=invoice.posted")["data"]) == 3
    assert {e["object_id"] for e in books.get(f"/v1/events?object_id={second['id']}")["data"]} == {second["id"]}
    today = event["created_at"][:10]
    assert len(books.get(f"/v1/events?from_date={today}&to_date={today}")["data"]) == 6
    assert books.get("/v1/events?to_date=2020-01-01")["data"] == []
    # pages
    page = books.get("/v1/events?limit=3")
    assert page["has_more"] and len(page["data"]) == 3
    rest = books.get(f"/v1/events?limit=3&cursor={page['next_cursor']}")
    assert [e["id"] for e in page["data"] + rest["data"]] == [e["id"] for e in everything]
    assert not rest["has_more"]


def test_events_bad_input(api, books):
    error = assert_error(books.call("GET", "/v1/events?from_date=yesterday"), 422, "validation_error")
    assert error["param"] == "from_date"
    assert_error(books.call("GET", "/v1/events?limit=0"), 422, "validation_error")
    assert_error(books.call("GET", "/v1/events/evt_nope"), 404, "resource_missing")
    assert_error(books.call("GET", "/v1/events/inv_01K00000000000000000000000"), 404, "resource_missing")


# ----------------------------------------------------------------------------------- endpoints


def test_an_endpoint_is_created_read_changed_and_deleted_and_its_secret_is_shown_once(books):
    created = subscribe(books, description="ERP sync", events=["invoice.posted", "invoice.*"])
    assert created["secret"].startswith("whsec_") and created["events"] == ["invoice.*", "invoice.posted"]
    assert created["object"] == "webhook_endpoint" and created["enabled"] and created["version"] == 1
    read = books.get(f"/v1/webhooks/{created['id']}")
    assert "secret" not in read and read == {k: v for k, v in created.items() if k != "secret"}
    assert [w["id"] for w in books.get("/v1/webhooks")["data"]] == [created["id"]]
    changed = books.call("PATCH", f"/v1/webhooks/{created['id']}", {"enabled": False, "description": None},
                         expect=200, **{"If-Match": '"1"'})
    assert changed.headers["ETag"] == '"2"'
    assert changed.json()["enabled"] is False and changed.json()["description"] is None
    assert_error(books.call("PATCH", f"/v1/webhooks/{created['id']}", {"enabled": True}, **{"If-Match": '"1"'}),
                 412, "version_mismatch")
    assert books.call("DELETE", f"/v1/webhooks/{created['id']}", expect=200).json()["deleted"] is True
    assert_error(books.call("GET", f"/v1/webhooks/{created['id']}"), 404, "resource_missing")


@pytest.mark.parametrize(("body", "field"), [
    ({"events": ["*"]}, "url"),
    ({"url": RECEIVER}, "events"),
    ({"url": RECEIVER, "events": []}, "events"),
    ({"url": RECEIVER, "events": ["invoice.posted", "invoice.psoted"]}, "events.1"),
    ({"url": RECEIVER, "events": ["*"], "secret": "mine"}, "secret"),
    ({"url": "ftp://example.com/x", "events": ["*"]}, "url"),
    ({"url": "https://user:pw@hooks.example.com/x", "events": ["*"]}, "url"),
    ({"url": "not a url", "events": ["*"]}, "url"),
    ({"url": RECEIVER, "events": ["*"], "enabled": "perhaps"}, "enabled"),
])
def test_bad_bodies_are_422_naming_the_field(books, body, field):
    error = assert_error(books.call("POST", "/v1/webhooks", body), 422, "validation_error")
    assert error["param"] == field and field in detail_fields(error) | {error["param"]}


def test_a_replay_needs_a_moment_with_a_time_zone(books):
    endpoint = subscribe(books)
    for body, field in (({}, "since"), ({"since": "2026-01-01T00:00:00"}, "since"),
                        ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "since")):
        error = assert_error(books.call("POST", f"/v1/webhooks/{endpoint['id']}/replay", body), 422,
                             "validation_error")
        assert error["param"] == field


# ------------------------------------------------------------------------------- destinations


@pytest.mark.parametrize("url", [
    "https://10.0.0.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hook",
    "https://localhost/hook",
    "http://localhost:8080/hook",
    "https://192.168.1.20/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://[fd00:ec2::254]/hook",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://nowhere.invalid/hook",
    "http://hooks.example.com/hook",
])
def test_production_refuses_destinations_that_are_not_public_https(books, production_mode, url):
    error = assert_error(books.call("POST", "/v1/webhooks", {"url": url, "events": ["*"]}), 422, "validation_error")
    assert error["param"] == "url"


def test_production_accepts_a_public_https_destination(books, production_mode):
    assert subscribe(books, url="https://hooks.example.com/ledgerline")["url"] == "https://hooks.example.com/ledgerline"


def test_a_host_that_resolves_to_a_private_address_at_delivery_time_is_not_called(books, production_mode):
    # Given an endpoint accepted while its name resolved to a public address
    endpoint = subscribe(books, url="https://hooks.example.com/ledgerline", events=["invoice.created"])
    # When the name now resolves to the cloud metadata address (DNS rebinding) and an event is delivered
    production_mode["hooks.example.com"] = ["169.254.169.254"]
    books.draft(books.customer())
    from ledgerline.services import webhook_delivery

    ports = runtime.outbound()
    (event,) = books.get("/v1/events?type=invoice.created")["data"]
    assert webhook_delivery.dispatch({"tenant_id": books.tenant_id, "id": event["id"]}, ports) == 1
    message = None
    while (batch := ports.queue.take_due(10)):
        for envelope in batch:
            ports.queue.done(envelope)
            if envelope.body["delivery_id"].startswith("whd_") and envelope.body.get("trigger") == "dispatch":
                message = envelope.body
    assert webhook_delivery.attempt(message, ports) == "failed"
    # Then nothing was sent, and the attempt says why
    assert ports.http.calls == []
    (delivery,) = books.get(f"/v1/webhooks/{endpoint['id']}/deliveries")["data"]
    assert delivery["attempts"][0]["error"].startswith("destination refused") and "169.254.169.254" in \
        delivery["attempts"][0]["error"]
    assert delivery["status"] == "pending" and delivery["attempts"][0]["status_code"] is None


def test_loopback_http_is_allowed_only_when_the_local_runtime_says_so(books):
    assert get_settings().webhooks_allow_loopback is True
    assert subscribe(books, url="http://localhost:4000/hook")["url"] == "http://localhost:4000/hook"
    error = assert_error(books.call("POST", "/v1/webhooks", {"url": "http://10.0.0.1/hook", "events": ["*"]}),
                         422, "validation_error")
    assert "private" in error["message"]


# ------------------------------------------------------------------------------------- secrets


def test_a_table_dump_holds_no_signing_secret_in_the_clear(books):
    created = subscribe(books)
    rotated = books.post(f"/v1/webhooks/{created['id']}/rotate-secret", expect=200)
    client = connection().connection.client
    items = []
    for page in client.get_paginator("scan").paginate(TableName=get_settings().table_name):
        items.extend(page["Items"])
    dump = raw_json(items)
    assert created["id"] in dump  # the endpoint is in the dump...
    for secret in (created["secret"], rotated["secret"]):  # ...its secrets are not, in any form
        assert secret not in dump and secret.removeprefix("whsec_") not in dump
        assert secret.removeprefix("whsec_")[:16] not in dump


# ------------------------------------------------------------------------------ isolation, scopes


def test_another_tenants_events_endpoints_and_deliveries_are_404(api, books, make_tenant):
    endpoint = subscribe(books)
    books.draft(books.customer())
    delivery = books.post(f"/v1/webhooks/{endpoint['id']}/test", expect=202)
    (event,) = books.get("/v1/events?type=invoice.created")["data"]
    other = make_tenant()
    for method, path, body in [
        ("GET", f"/v1/events/{event['id']}", None),
        ("GET", f"/v1/webhooks/{endpoint['id']}", None),
        ("PATCH", f"/v1/webhooks/{endpoint['id']}", {"enabled": False}),
        ("DELETE", f"/v1/webhooks/{endpoint['id']}", None),
        ("POST", f"/v1/webhooks/{endpoint['id']}/rotate-secret", None),
        ("GET", f"/v1/webhooks/{endpoint['id']}/deliveries", None),
        ("POST", f"/v1/webhooks/{endpoint['id']}/test", None),
        ("POST", f"/v1/webhooks/{endpoint['id']}/replay", {"since": "2020-01-01T00:00:00Z"}),
        ("POST", f"/v1/webhook-deliveries/{delivery['id']}/retry", None),
    ]:
        assert_error(api.request(method, path, json=body, headers=other.headers), 404, "resource_missing")
    # the other tenant's log holds only its own creation (tenant.created, api_key.created)
    assert {e["object_id"] for e in api.get("/v1/events", headers=other.headers).json()["data"]} <= {
        other.tenant_id, *(k["id"] for k in api.get("/v1/api-keys", headers=other.headers).json()["data"])}
    assert api.get("/v1/webhooks", headers=other.headers).json()["data"] == []
    assert books.get(f"/v1/webhooks/{endpoint['id']}")["enabled"] is True


def test_routes_need_their_scopes(api, tenant, books):
    endpoint = subscribe(books)
    reader = key_with(api, tenant, "webhooks:read")
    invoices_only = key_with(api, tenant, "invoices:write")
    assert api.get("/v1/webhooks", headers=reader).status_code == 200
    for method, path in [("POST", "/v1/webhooks"), ("PATCH", f"/v1/webhooks/{endpoint['id']}"),
                         ("POST", f"/v1/webhooks/{endpoint['id']}/rotate-secret"),
                         ("POST", f"/v1/webhooks/{endpoint['id']}/test")]:
        assert_error(api.request(method, path, json={}, headers=reader), 403, "missing_scope")
    for path in ("/v1/webhooks", "/v1/events"):
        assert_error(api.get(path, headers=invoices_only), 403, "missing_scope")
    assert api.get("/v1/events", headers=key_with(api, tenant, "events:read")).status_code == 200
