"""The real-time stream against `ledgerline dev` (issue 20, item 6): a WebSocket client (the `websockets`
library) on ws://127.0.0.1:<port>/v1/stream gets `invoice.posted` after an invoice is posted over HTTP, resumes
from its last event id without gaps or duplicates, is refused with a bad key, and never sees another tenant's
events. Waits are deadlines ("it arrives"), never timed assertions."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

DEADLINE = 30.0


def stream_url(server: Any) -> str:
    return server.url.replace("http://", "ws://") + "/v1/stream"


@contextmanager
def open_stream(server: Any, key: str, events: list[str], last_event_id: str | None = None,
                via_query: bool = False) -> Iterator[tuple[ClientConnection, list[dict]]]:
    """Connect, subscribe, and read up to the acknowledgement; gives the socket and what came before it
    (the replayed events)."""
    if via_query:
        opened = connect(f"{stream_url(server)}?api_key={key}")
    else:
        opened = connect(stream_url(server), additional_headers={"Authorization": f"Bearer {key}"})
    with opened as socket:
        message: dict[str, Any] = {"action": "subscribe", "events": events}
        if last_event_id:
            message["last_event_id"] = last_event_id
        socket.send(json.dumps(message))
        before: list[dict] = []
        while True:
            received = json.loads(socket.recv(timeout=DEADLINE))
            if received["object"] == "stream.subscribed":
                break
            assert received["object"] == "event", received
            before.append(received)
        yield socket, before


def next_event(socket: ClientConnection, event_type: str, seen: list[dict] | None = None) -> dict:
    """The next event of this type (others of the subscription may come first, kept in `seen`), within the
    deadline."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        received = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        if seen is not None:
            seen.append(received)
        if received.get("type") == event_type:
            return received
    raise AssertionError(f"no {event_type} within {DEADLINE}s")


def post_invoice(http: Any, key: str) -> str:
    auth = {"Authorization": f"Bearer {key}"}
    customer = http.post("/v1/parties", json={"name": "Globex"}, headers=auth).json()["id"]
    invoice = http.post("/v1/invoices", json={"customer_id": customer, "lines": [
        {"description": "Consulting", "quantity": "2", "unit_price": "100.00"}]}, headers=auth).json()["id"]
    assert http.post(f"/v1/invoices/{invoice}/post", headers=auth).status_code == 200
    return invoice


@pytest.fixture
def tenant(server) -> dict[str, str]:
    return server.create_tenant(name="Stream Pty Ltd")


@pytest.fixture
def key(tenant) -> str:
    return tenant["api_key"]


def test_a_client_receives_invoice_posted_after_posting_an_invoice_over_http(server, http, key):
    with open_stream(server, key, ["invoice.*"]) as (socket, replayed):
        assert replayed == []
        invoice = post_invoice(http, key)
        event = next_event(socket, "invoice.posted")
    assert event["data"]["id"] == invoice and event["object"] == "event"
    # The same body /v1/events shows (and a webhook delivery carries)
    shown = http.get(f"/v1/events/{event['id']}", headers={"Authorization": f"Bearer {key}"}).json()
    assert shown == event


def test_the_key_may_come_as_a_query_parameter_for_browsers(server, http, key):
    with open_stream(server, key, ["invoice.posted"], via_query=True) as (socket, _):
        invoice = post_invoice(http, key)
        assert next_event(socket, "invoice.posted")["data"]["id"] == invoice


def test_a_bad_key_is_refused(server):
    with pytest.raises(InvalidStatus) as refused, \
            connect(stream_url(server), additional_headers={"Authorization": "Bearer ll_live_" + "x" * 40}):
        pass
    assert refused.value.response.status_code == 401
    assert json.loads(refused.value.response.body)["error"]["code"] == "invalid_api_key"
    with pytest.raises(InvalidStatus) as missing, connect(stream_url(server)):
        pass
    assert missing.value.response.status_code == 401


def test_resume_with_last_event_id_replays_missed_events_then_goes_live_without_duplicates(server, http, key):
    auth = {"Authorization": f"Bearer {key}"}
    with open_stream(server, key, ["invoice.posted"]) as (socket, _):
        post_invoice(http, key)
        last_seen = next_event(socket, "invoice.posted")
    # While disconnected, two invoices are posted
    missed = [post_invoice(http, key), post_invoice(http, key)]

    with open_stream(server, key, ["invoice.posted"], last_event_id=last_seen["id"]) as (socket, replayed):
        assert [e["data"]["id"] for e in replayed] == missed
        assert all(e["type"] == "invoice.posted" for e in replayed)
        newer = post_invoice(http, key)
        live = next_event(socket, "invoice.posted")
        assert live["data"]["id"] == newer  # the missed ones were not sent again before it
    ids = [e["id"] for e in [*replayed, live]]
    assert len(ids) == len(set(ids))
    listed = [e["id"] for e in http.get("/v1/events?type=invoice.posted", headers=auth).json()["data"]]
    assert set(ids) | {last_seen["id"]} == set(listed)


def test_another_tenants_events_never_arrive(server, http, tenant, key):
    other = server.create_tenant(name="Other Pty Ltd")
    received: list[dict] = []
    with open_stream(server, key, ["*"]) as (mine, _), open_stream(server, other["api_key"], ["*"]) as (theirs, _):
        other_invoice = post_invoice(http, other["api_key"])  # first the other tenant's, then ours
        assert next_event(theirs, "invoice.posted")["data"]["id"] == other_invoice
        invoice = post_invoice(http, key)
        assert next_event(mine, "invoice.posted", received)["data"]["id"] == invoice
    # Everything our socket got, up to our own invoice.posted (relayed after the other's), was ours
    assert {e["tenant_id"] for e in received} == {tenant["tenant_id"]}
    assert other_invoice not in {e["object_id"] for e in received}
