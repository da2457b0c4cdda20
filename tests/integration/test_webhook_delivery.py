"""Webhooks end to end in one process: API → outbox → DynamoDB Local's stream → the relay (wired by
template.yaml) → the dispatcher function → the in-process queue → the sender function → real HTTP
POSTs to a receiver on loopback that verifies signatures with `standardwebhooks`.

Retries are driven by moving the pipeline's clock, not by waiting.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from ledgerline.domain.webhooks import DISABLE_AFTER, JITTER, RETRY_WINDOW, nominal_delay
from ledgerline.local.event_pipeline import delivery_worker
from ledgerline.local.queue import LocalQueue
from ledgerline.local.relay import OutboxRelay
from ledgerline.webhooks import runtime
from ledgerline.webhooks.http import HttpxPoster
from ledgerline.webhooks.ports import Outbound
from ledgerline.webhooks.resolver import system_resolver
from tests.integration.books import Books
from tests.integration.webhook_receiver import Clock, Receiver


@dataclass
class Pipeline:
    clock: Clock
    queue: LocalQueue

    def run_until(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        """Let the relay and the worker run; whenever nothing is due, move the clock to the next retry."""
        deadline = time.monotonic() + timeout
        quiet_since, checked = None, time.monotonic()
        while time.monotonic() < deadline:
            if not self.queue.idle():
                quiet_since = None
                if time.monotonic() - checked > 0.5:  # conditions read the API: not too often
                    checked = time.monotonic()
                    if condition():
                        return
            else:
                quiet_since = quiet_since or time.monotonic()
                # give the relay a moment to bring events committed just now before jumping ahead
                if time.monotonic() - quiet_since > 0.03:
                    if condition():
                        return
                    due = self.queue.next_due()
                    if due is not None:
                        self.clock.move_to(due)
                    quiet_since = None
            time.sleep(0.005)
        raise AssertionError("the condition did not hold in time")


@pytest.fixture(scope="module")
def pipeline() -> Iterator[Pipeline]:
    clock = Clock()
    queue = LocalQueue(clock.now)
    runtime.use(Outbound(queue=queue, http=HttpxPoster(timeout=2.0), resolve=system_resolver, now=clock.now,
                         random=random.Random(5).random))
    worker = delivery_worker(queue).start()
    relay = OutboxRelay(poll_seconds=0.02).start()
    try:
        yield Pipeline(clock, queue)
    finally:
        relay.stop()
        worker.stop()
        runtime.use(None)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def subscribe(books: Books, receiver: Receiver, events: list[str] | None = None) -> dict:
    endpoint = books.post("/v1/webhooks", {"url": receiver.url, "events": events or ["*"]})
    receiver.secrets.append(endpoint["secret"])
    return endpoint


def lifecycle(books: Books) -> str:
    """Draft, change, post, send and get paid for an invoice; returns the invoice id."""
    customer = books.customer()
    draft = books.draft(customer)
    books.call("PATCH", f"/v1/invoices/{draft['id']}", {"reference": "PO-7"}, expect=200)
    posted = books.post(f"/v1/invoices/{draft['id']}/post", expect=200)
    books.post(f"/v1/invoices/{draft['id']}/send", expect=200)
    books.receipt(customer, posted["total"], [(draft["id"], posted["total"])])
    return draft["id"]


def logged_events(books: Books, earlier: frozenset[str] | set[str] = frozenset(), **params: str) -> list[dict]:
    """The event log, newest first, without the `earlier` events (logged before an endpoint subscribed)."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return [e for e in books.get(f"/v1/events?limit=100&{query}")["data"] if e["id"] not in earlier]


def deliveries(books: Books, endpoint_id: str) -> list[dict]:
    return books.get(f"/v1/webhooks/{endpoint_id}/deliveries?limit=100")["data"]


# ----------------------------------------------------------------------------------- no failures


def test_every_event_of_an_invoice_lifecycle_arrives_once_signed_and_as_the_log_shows_it(pipeline, books, receiver):
    # Given an endpoint subscribed to everything (the tenant's creation events came before it: not sent)
    earlier = {e["id"] for e in logged_events(books)}
    subscribe(books, receiver)
    # When an invoice goes from draft to paid
    invoice_id = lifecycle(books)
    events = logged_events(books, earlier=earlier)
    assert {"invoice.created", "invoice.updated", "invoice.posted", "invoice.sent", "receipt.posted",
            "invoice.paid"} <= {e["type"] for e in events}
    # Then each event arrives exactly once, verified by standardwebhooks, with the body the log shows
    receiver.wait_for({e["id"] for e in events})
    time.sleep(0.5)  # anything extra would arrive now, and so would events other consumers emit (PDFs)
    events = logged_events(books, earlier=earlier)
    receiver.wait_for({e["id"] for e in events})
    assert len(receiver.all()) == len(events)
    assert receiver.accepted_ids() == Counter({e["id"]: 1 for e in events})
    by_id = {r.webhook_id: r for r in receiver.accepted()}
    for event in events:
        received = by_id[event["id"]]
        assert received.verified_with == [0]
        assert received.event == event == books.get(f"/v1/events/{event['id']}")
        assert abs(int(received.headers["webhook-timestamp"]) - time.time()) < 60
    # And an object's events carry increasing sequences
    invoice_events = [e for e in reversed(events) if e["object_id"] == invoice_id]
    assert [e["sequence"] for e in invoice_events] == sorted({e["sequence"] for e in invoice_events})
    assert invoice_events[-1]["data"]["status"] == "paid"


def test_a_test_ping_reaches_only_that_endpoint_and_is_not_logged(pipeline, books, receiver):
    other = Receiver()
    try:
        endpoint = subscribe(books, receiver)
        subscribe(books, other)
        before = logged_events(books)
        # When the endpoint is tested
        delivery = books.post(f"/v1/webhooks/{endpoint['id']}/test", expect=202)
        assert delivery["event_type"] == "ping" and delivery["trigger"] == "test"
        # Then a signed ping arrives there, and nowhere else, and the event log is unchanged
        receiver.wait_for({delivery["event_id"]})
        ping = receiver.accepted()[0].event
        assert ping["type"] == "ping" and ping["object_id"] == endpoint["id"] and ping["data"]["url"] == receiver.url
        assert other.all() == [] and logged_events(books) == before
    finally:
        other.stop()


# ---------------------------------------------------------------------------------------- failures


def test_with_30_percent_of_requests_failing_every_event_is_delivered_and_duplicates_share_their_id(
        pipeline, books):
    flaky = Receiver(failure_rate=0.3, seed=11)
    try:
        earlier = {e["id"] for e in logged_events(books)}
        endpoint = subscribe(books, flaky)
        lifecycle(books)
        lifecycle(books)
        events = {e["id"] for e in logged_events(books, earlier=earlier)}
        # When the pipeline runs (its clock jumping to each retry) until everything got through
        pipeline.run_until(lambda: events <= set(flaky.accepted_ids()))
        # Then nothing was lost, failures happened and were retried with the same id and body
        arrivals = flaky.all()
        assert len(arrivals) > len(events), "the seed should have made some requests fail"
        bodies: dict[str, set[str]] = {}
        for arrival in arrivals:
            bodies.setdefault(arrival.webhook_id, set()).add(arrival.body)
            assert arrival.event["id"] == arrival.webhook_id
        assert events <= set(bodies) and all(len(b) == 1 for b in bodies.values())
        # And every delivery succeeded, having recorded each attempt it took
        pipeline.run_until(lambda: all(d["status"] == "succeeded" for d in deliveries(books, endpoint["id"])))
        # (counted now: events written after the snapshot above, such as document.rendered by the PDF
        # renderer under a slow machine, may have been attempted since)
        tries = Counter(a.webhook_id for a in flaky.all())
        for delivery in deliveries(books, endpoint["id"]):
            assert delivery["attempt_count"] == len(delivery["attempts"]) == tries[delivery["event_id"]]
            assert [a["status_code"] for a in delivery["attempts"]][-1] == 204
            assert all(a["latency_ms"] >= 0 for a in delivery["attempts"])
    finally:
        flaky.stop()


def test_a_delivery_retries_on_the_backoff_schedule_for_three_days_then_is_dead_and_can_be_retried(
        pipeline, books, receiver):
    receiver.always_fail = True
    endpoint = subscribe(books, receiver, ["invoice.created"])
    books.draft(books.customer())
    # When every attempt fails
    pipeline.run_until(lambda: [d["status"] for d in deliveries(books, endpoint["id"])] == ["dead"])
    (delivery,) = deliveries(books, endpoint["id"])
    attempts = delivery["attempts"]
    # Then it was tried again and again, with growing, jittered delays, within three days of its creation
    assert delivery["attempt_count"] == len(attempts) >= 15
    assert delivery["next_attempt_at"] is None and delivery["last_error"] == "HTTP 500"
    moments = [datetime.fromisoformat(a["at"]) for a in attempts]
    for failures, (before, after) in enumerate(zip(moments, moments[1:], strict=False), start=1):
        ratio = (after - before) / nominal_delay(failures)
        assert 1 - JITTER - 0.01 <= ratio <= 1 + JITTER + 0.01, (failures, ratio)
    assert moments[-1] - datetime.fromisoformat(delivery["created_at"]) <= RETRY_WINDOW
    assert all(a["status_code"] == 500 for a in attempts)
    # When the endpoint recovers and the dead delivery is retried by hand
    receiver.always_fail = False
    retried = books.post(f"/v1/webhook-deliveries/{delivery['id']}/retry", expect=202)
    assert retried["status"] == "pending"
    pipeline.run_until(lambda: deliveries(books, endpoint["id"])[0]["status"] == "succeeded")
    last = deliveries(books, endpoint["id"])[0]["attempts"][-1]
    assert (last["status_code"], last["trigger"]) == (204, "manual_retry")
    assert receiver.accepted_ids() == Counter({delivery["event_id"]: 1})


def test_an_endpoint_failing_for_five_days_is_disabled_and_that_is_an_event(pipeline, books, receiver):
    watcher = Receiver()
    try:
        receiver.always_fail = True
        failing = subscribe(books, receiver, ["invoice.*"])
        watching = subscribe(books, watcher, ["webhook_endpoint.disabled"])
        start = pipeline.clock.now()
        customer = books.customer()
        # Given deliveries that keep failing, day after day
        while pipeline.clock.now() - start < DISABLE_AFTER + timedelta(days=1):
            books.draft(customer)
            pipeline.run_until(lambda: all(d["status"] == "dead" for d in deliveries(books, failing["id"]))
                               or not books.get(f"/v1/webhooks/{failing['id']}")["enabled"])
            if not books.get(f"/v1/webhooks/{failing['id']}")["enabled"]:
                break
        # Then the endpoint is switched off once five days of attempts have failed
        endpoint = books.get(f"/v1/webhooks/{failing['id']}")
        assert endpoint["enabled"] is False and "5 days" in endpoint["disabled_reason"]
        assert datetime.fromisoformat(endpoint["disabled_at"]) - start >= DISABLE_AFTER
        # And a webhook_endpoint.disabled event is logged and delivered to whoever subscribed to it
        (event,) = logged_events(books, type="webhook_endpoint.disabled")
        assert event["object_id"] == failing["id"] and event["data"]["enabled"] is False
        assert not any(secret in json.dumps(event) for secret in receiver.secrets)
        watcher.wait_for({event["id"]})
        # And nothing more is sent to it
        sent = len(receiver.all())
        books.draft(customer)
        time.sleep(0.5)
        assert len(receiver.all()) == sent
        assert watching["enabled"]
    finally:
        watcher.stop()


# ------------------------------------------------------------------------------ secrets and replay


def test_after_a_rotation_both_secrets_verify_for_24_hours_then_only_the_new_one(pipeline, books, receiver):
    endpoint = subscribe(books, receiver, ["invoice.created"])
    rotated = books.post(f"/v1/webhooks/{endpoint['id']}/rotate-secret", expect=200)
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != endpoint["secret"]
    receiver.secrets.append(rotated["secret"])
    customer = books.customer()
    # Within the overlap, messages carry two signatures and either secret verifies them
    first = books.draft(customer)
    receiver.wait_for({logged_events(books, object_id=first["id"])[0]["id"]})
    arrival = receiver.accepted()[-1]
    assert len(arrival.headers["webhook-signature"].split(" ")) == 2
    assert arrival.verified_with == [0, 1]
    # A day later only the new secret signs
    pipeline.clock.advance(timedelta(hours=24, minutes=1))
    second = books.draft(customer)
    receiver.wait_for({logged_events(books, object_id=second["id"])[0]["id"]})
    arrival = receiver.accepted()[-1]
    assert len(arrival.headers["webhook-signature"].split(" ")) == 1
    assert arrival.verified_with == [1]


def test_replay_resends_the_events_an_endpoint_subscribes_to_with_their_ids(pipeline, books, receiver):
    endpoint = subscribe(books, receiver, ["invoice.*"])
    since = datetime.now().astimezone().isoformat()
    lifecycle(books)
    invoice_events = {e["id"] for e in logged_events(books) if e["type"].startswith("invoice.")}
    receiver.wait_for(invoice_events)
    # When the endpoint asks for everything since before the invoice
    replay = books.post(f"/v1/webhooks/{endpoint['id']}/replay", {"since": since}, expect=202)
    # Then each invoice event (and no receipt event) is queued and arrives again, with the same webhook-id
    assert replay["deliveries"] == len(invoice_events) and replay["has_more"] is False
    pipeline.run_until(lambda: set(receiver.accepted_ids().values()) == {2})
    assert set(receiver.accepted_ids()) == invoice_events
    triggers = Counter(d["trigger"] for d in deliveries(books, endpoint["id"]))
    assert triggers == {"dispatch": len(invoice_events), "replay": len(invoice_events)}
