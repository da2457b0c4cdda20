"""The clock is passed in from the edge (issue 12, item 7): an app built with a clock serves its requests,
and the services they call, on that clock; responses and events read derived states as of a given moment."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from ledgerline.api.app import create_app
from ledgerline.clock import FixedClock
from ledgerline.local.server import ROUTERS
from ledgerline.store.events import list_events
from tests.conftest import TenantKey
from tests.integration.books import Books

ISSUE, DUE = date(2031, 3, 10), date(2031, 3, 31)


def test_an_app_serves_its_requests_and_their_services_on_the_clock_it_was_given(tenant: TenantKey):
    fixed = FixedClock(datetime(2031, 3, 20, 9, tzinfo=UTC))
    books = Books(TestClient(create_app(*ROUTERS, clock=fixed), raise_server_exceptions=False),
                  tenant.tenant_id, tenant.headers)
    customer = books.customer()
    invoice = books.posted(customer, issue_date=str(ISSUE), due_date=str(DUE))
    # A default date is the app clock's day (services read the clock the edge installed)
    receipt = books.receipt(customer, "100.00", [(invoice["id"], "100.00")])
    assert receipt["date"] == "2031-03-20"
    assert books.invoice(invoice["id"])["status"] == "awaiting_payment"
    # The day after the due date, by the app's clock, the invoice reads overdue (GET and the list)
    fixed.travel_to(date(2031, 4, 1))
    assert books.invoice(invoice["id"])["status"] == "overdue"
    assert [i["id"] for i in books.get("/v1/invoices?status=overdue")["data"]] == [invoice["id"]]
    assert books.get("/v1/invoices")["data"][0]["status"] == "overdue"
    # A payment now: the invoice.updated event carries the status as of the payment, overdue
    books.receipt(customer, "100.00", [(invoice["id"], "100.00")])
    updated = [e for e in list_events(tenant.tenant_id, limit=100) if e.type == "invoice.updated"]
    assert [json.loads(e.data)["status"] for e in updated] == ["awaiting_payment", "overdue"]


def test_api_keys_expire_by_the_apps_clock(tenant: TenantKey):
    fixed = FixedClock(datetime(2031, 1, 1, tzinfo=UTC))
    api = TestClient(create_app(*ROUTERS, clock=fixed), raise_server_exceptions=False)
    created = api.post("/v1/api-keys", headers=tenant.headers, json={
        "name": "until February", "scopes": ["invoices:read"], "expires_at": "2031-02-01T00:00:00Z"})
    assert created.status_code == 201 and created.json()["status"] == "active"
    key = {"Authorization": f"Bearer {created.json()['secret']}"}
    assert api.get("/v1/invoices", headers=key).status_code == 200
    fixed.travel_to(date(2031, 2, 2))
    assert api.get("/v1/invoices", headers=key).status_code == 401
    shown = api.get(f"/v1/api-keys/{created.json()['id']}", headers=tenant.headers).json()
    assert shown["status"] == "expired"
    listed = {k["id"]: k["status"] for k in api.get("/v1/api-keys", headers=tenant.headers).json()["data"]}
    assert listed[created.json()["id"]] == "expired"
