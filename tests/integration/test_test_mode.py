"""Test mode (issue 20) against DynamoDB Local: `ll_test_` keys reach a test twin whose data is fully separate
from the live data of the same tenant: own number series, ids, keys, events and webhooks."""

from __future__ import annotations

import pytest

from ledgerline.domain import test_mode
from ledgerline.domain.api_keys import digest
from ledgerline.provisioning import tenants as provisioning
from ledgerline.services import tenants, webhook_delivery
from ledgerline.services.api_keys import new_key
from ledgerline.store.table import connection
from ledgerline.webhooks import runtime
from tests.integration.books import Books
from tests.integration.factories import assert_error
from tests.integration.test_einvoice_delivery import access_point, settings_restored  # noqa: F401 - fixtures

RECEIVER = "http://127.0.0.1:9/hook"  # loopback; nothing is sent


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def modes(api) -> tuple[Books, Books]:
    """A tenant provisioned as the CLI does it: its live books and its test books, each with its admin key."""
    made = provisioning.provision(provisioning.spec(name="Modes Pty Ltd", base_currency="AUD", country="AU",
                                                   plan="enterprise"))
    assert made.api_key.startswith("ll_live_") and made.test_api_key.startswith("ll_test_")
    live = Books(api, made.tenant.id, bearer(made.api_key))
    test = Books(api, test_mode.test_twin(made.tenant.id), bearer(made.test_api_key))
    return live, test


def test_the_tenant_and_its_keys_say_which_mode_they_are(modes):
    live, test = modes
    assert (live.get("/v1/tenant")["livemode"], test.get("/v1/tenant")["livemode"]) == (True, False)
    assert test.get("/v1/tenant")["name"] == live.get("/v1/tenant")["name"] == "Modes Pty Ltd"
    assert [k["livemode"] for k in live.get("/v1/api-keys")["data"]] == [True]
    assert [k["livemode"] for k in test.get("/v1/api-keys")["data"]] == [False]


def test_a_test_keys_invoice_gets_number_1_of_its_own_series_and_live_keeps_its_own(modes):
    live, test = modes
    live_customer, test_customer = live.customer(), test.customer()
    first_live = live.posted(live_customer)["number"]
    second_live = live.posted(live_customer)["number"]
    first_test = test.posted(test_customer)["number"]
    assert first_test == first_live and first_test.endswith("0001") and second_live.endswith("0002")
    assert live.posted(live_customer)["number"].endswith("0003")
    # the books are separate: each lists its own invoices, and the test invoice moved no live balance
    assert sorted(i["number"][-4:] for i in live.get("/v1/invoices?limit=100")["data"]) == ["0001", "0002", "0003"]
    assert [i["number"] for i in test.get("/v1/invoices?limit=100")["data"]] == [first_test]
    assert live.trial_balance()["accounts"] != test.trial_balance()["accounts"]


def test_a_live_id_is_a_404_to_a_test_key_and_a_test_id_to_a_live_key(modes):
    live, test = modes
    for own, other in ((live, test), (test, live)):
        customer = own.customer(name="Only mine")
        invoice = own.draft(customer)
        webhook = own.post("/v1/webhooks", {"url": RECEIVER, "events": ["*"]})
        key = own.post("/v1/api-keys", {"name": "Reader", "scopes": ["parties:read"]})
        for path in (f"/v1/parties/{customer}", f"/v1/invoices/{invoice['id']}", f"/v1/webhooks/{webhook['id']}",
                     f"/v1/api-keys/{key['id']}"):
            assert_error(other.call("GET", path), 404, "resource_missing")
        assert_error(other.call("POST", f"/v1/invoices/{invoice['id']}/post"), 404, "resource_missing")
        assert_error(other.call("DELETE", f"/v1/api-keys/{key['id']}"), 404, "resource_missing")
        assert own.get(f"/v1/invoices/{invoice['id']}")["status"] == "draft"
        assert own.get(f"/v1/api-keys/{key['id']}")["status"] == "active"
        assert customer not in str(other.get("/v1/parties?limit=100"))


def test_events_and_webhooks_of_test_data_carry_livemode_false_and_reach_only_test_endpoints(modes):
    live, test = modes
    live_hook = live.post("/v1/webhooks", {"url": RECEIVER, "events": ["invoice.created"]})
    test_hook = test.post("/v1/webhooks", {"url": RECEIVER, "events": ["invoice.created"]})
    test.draft(test.customer())
    (event,) = test.get("/v1/events?type=invoice.created")["data"]
    assert event["livemode"] is False and event["tenant_id"] == test.tenant_id
    assert live.get("/v1/events?type=invoice.created")["data"] == []
    assert all(e["livemode"] for e in live.get("/v1/events")["data"])
    # the test event is delivered to the endpoint registered with a test key, never to the live one
    ports = runtime.outbound()
    assert webhook_delivery.dispatch({"tenant_id": test.tenant_id, "id": event["id"]}, ports) == 1
    (delivery,) = test.get(f"/v1/webhooks/{test_hook['id']}/deliveries")["data"]
    assert delivery["event_id"] == event["id"]
    assert live.get(f"/v1/webhooks/{live_hook['id']}/deliveries")["data"] == []
    drained = []
    while batch := ports.queue.take_due(10):
        for envelope in batch:
            ports.queue.done(envelope)
            drained.append(envelope.body)
    # the session's delivery queue is shared by every test: only this test's two tenants matter here
    ours = [message for message in drained if message.get("tenant_id") in (test.tenant_id, live.tenant_id)]
    assert ours and all(message["tenant_id"] == test.tenant_id for message in ours)


def test_a_tenant_made_before_test_mode_gets_its_twin_with_its_first_test_key(api, tenant):
    # Given a tenant created without a twin (as every tenant before issue 20)
    assert tenants.find_test_twin(tenant.tenant_id) is None
    # When its live admin key asks for a test key
    response = api.post("/v1/api-keys", json={"name": "Sandbox", "scopes": ["admin"], "livemode": False},
                        headers=tenant.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["livemode"] is False and created["secret"].startswith("ll_test_")
    # Then the key works, on the twin, with the live tenant's settings and its own chart
    test = Books(api, test_mode.test_twin(tenant.tenant_id), bearer(created["secret"]))
    assert test.get("/v1/tenant")["livemode"] is False and test.get("/v1/tenant")["base_currency"] == "AUD"
    assert set(test.accounts) and not set(test.accounts.values()) & set(Books(api, tenant.tenant_id,
                                                                               tenant.headers).accounts.values())
    # and the live key's list does not show it; a second one joins the same twin
    assert created["id"] not in str(api.get("/v1/api-keys", headers=tenant.headers).json())
    again = api.post("/v1/api-keys", json={"name": "Sandbox 2", "scopes": ["parties:read"], "livemode": False},
                     headers=tenant.headers).json()
    assert {k["id"] for k in test.get("/v1/api-keys")["data"]} == {created["id"], again["id"]}
    # A test key makes test keys only
    assert_error(test.call("POST", "/v1/api-keys", {"name": "Live", "scopes": ["parties:read"], "livemode": True}),
                 403, "test_mode_key")
    made = test.post("/v1/api-keys", {"name": "By test", "scopes": ["parties:read"]})
    assert made["livemode"] is False and made["secret"].startswith("ll_test_")


def test_a_key_whose_prefix_claims_the_other_mode_is_refused(api, tenant):
    # A live key's secret stored under a test prefix (never made so, but the check is the only thing between)
    key, secret = new_key(tenant.tenant_id, "Odd", ["admin"], None)
    forged = "ll_test_" + secret.removeprefix("ll_live_")
    key.assign_keys(digest(forged))
    connection()
    key.save()
    assert_error(api.get("/v1/tenant", headers=bearer(forged)), 401, "invalid_api_key")
    assert api.get("/v1/tenant", headers=tenant.headers).status_code == 200


def test_deactivating_a_tenant_refuses_its_test_keys_too(api, modes):
    live, test = modes
    provisioning.deprovision(live.tenant_id)
    for books in (live, test):
        error = assert_error(books.call("GET", "/v1/tenant"), 401, "tenant_deactivated")
        assert error


def test_an_email_of_test_data_is_recorded_as_sent_and_goes_nowhere(modes, monkeypatch):
    from ledgerline.mail import consumer, transport

    live, test = modes
    sent: list[object] = []
    monkeypatch.setattr(transport.SmtpTransport, "send", lambda self, *args: sent.append(args))
    monkeypatch.setattr(transport.SesTransport, "send", lambda self, *args: sent.append(args))
    invoice = test.posted(test.customer(email="ap@globex.example"))
    queued = test.post(f"/v1/invoices/{invoice['id']}/send", {}, expect=202)
    event = {"detail-type": "email.queued", "detail": {"type": "email.queued", "tenant_id": test.tenant_id,
                                                       "object_id": queued["id"], "object_type": "email"}}
    assert consumer.on_bus_event(event) == {"sent": True, "status": "sent"}
    assert sent == []  # no transport was called
    assert test.get(f"/v1/invoices/{invoice['id']}")["sent_at"] is not None


@pytest.mark.usefixtures("settings_restored")
def test_an_einvoice_of_test_data_is_delivered_at_once_and_never_transmitted(api, make_tenant, access_point):  # noqa: F811
    from tests.integration.test_einvoice_delivery import buyer, posted, run_sender, send, submissions

    tenant = make_tenant(country="DE", currency="EUR", name="Ledgerline Demo GmbH")
    twin, secret = tenants.create_test_twin(tenant.tenant_id)
    test = Books(api, twin.id, bearer(secret))
    test.call("PATCH", "/v1/tenant", {
        "email": "billing@demo.example",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "bank_details": {"iban": "DE75 5121 0800 1245 1261 99", "bic": "SOGEDEFFXXX"},
        "einvoicing": {"electronic_address": "9930:DE123456788", "vat_id": "DE 123 456 788",
                       "contact_phone": "+49 30 123456"}}, expect=200)
    invoice = posted(test, buyer(test))
    path = f"/v1/invoices/{invoice['id']}"
    queued = send(test, path, {"channel": "peppol", "format": "peppol"})
    assert run_sender(test, queued["id"]) == {"delivered": True, "status": "delivered"}
    assert access_point.received() == []  # the access point (the stand-in here) was never called
    [shown] = submissions(test, path)
    assert shown["status"] == "delivered" and shown["transmission_id"] == f"test_mode:{queued['id']}"


def test_the_authorizer_passes_the_twin_and_counts_it_in_the_live_tenants_usage_plan(tenant):
    import importlib

    from tests.conftest import load_event
    from tests.lambda_context import LambdaContext

    twin, secret = tenants.create_test_twin(tenant.tenant_id)
    authorize = importlib.import_module("functions.authorizer.app").handler
    policy = authorize(load_event("authorizer/request.json", api_key=secret), LambdaContext())
    assert policy["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert policy["context"]["tenant_id"] == twin.id and policy["context"]["plan"] == "enterprise"
    live = authorize(load_event("authorizer/request.json", api_key=tenant.secret), LambdaContext())
    assert policy["usageIdentifierKey"] == live["usageIdentifierKey"]
    assert policy["usageIdentifierKey"].endswith(tenant.tenant_id)
    with pytest.raises(PermissionError):  # a test key's secret with the live prefix is no key
        authorize(load_event("authorizer/request.json", api_key="ll_live_" + secret.removeprefix("ll_test_")),
                  LambdaContext())
