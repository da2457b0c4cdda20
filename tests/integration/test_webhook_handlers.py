"""The dispatcher and sender Lambda adapters, invoked with the sample events in events/ (as
`sam local invoke -e` would), against DynamoDB Local, with an in-process queue and a recording HTTP port."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator

import pytest
from moto import mock_aws
from standardwebhooks import Webhook

from ledgerline.local.queue import LocalQueue
from ledgerline.webhooks import runtime
from ledgerline.webhooks.ports import Outbound, Response
from ledgerline.webhooks.resolver import system_resolver
from ledgerline.webhooks.sqs import SqsQueue
from tests.conftest import load_event
from tests.lambda_context import LambdaContext


class Recorder:
    def __init__(self) -> None:
        self.requests: list[dict] = []

    def post(self, **request) -> Response:
        self.requests.append(request)
        return Response(204, 3)


@pytest.fixture
def ports() -> Iterator[Outbound]:
    chosen = Outbound(queue=LocalQueue(), http=Recorder(), resolve=system_resolver)
    runtime.use(chosen)
    yield chosen
    runtime.use(None)


def handler(function: str):
    return importlib.import_module(f"functions.{function}.app").handler


def test_the_dispatcher_and_the_sender_deliver_a_posted_invoice(books, ports):
    # Given an endpoint and a posted invoice (its invoice.posted event is in the outbox)
    endpoint = books.post("/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["invoice.posted"]})
    invoice = books.posted(books.customer())
    (event,) = books.get("/v1/events?type=invoice.posted")["data"]
    bus_event = load_event("eventbridge/invoice_posted.json", event_id=event["id"], tenant_id=books.tenant_id,
                           invoice_id=invoice["id"])
    # When the bus hands the event to the dispatcher (twice: EventBridge delivers at least once)
    assert handler("webhook_dispatcher")(bus_event, LambdaContext()) == {"deliveries": 1}
    handler("webhook_dispatcher")(bus_event, LambdaContext())
    # Then there is one delivery, queued
    (delivery,) = books.get(f"/v1/webhooks/{endpoint['id']}/deliveries")["data"]
    assert delivery["status"] == "pending" and delivery["event_id"] == event["id"]
    messages = ports.queue.take_due()
    assert {m.body["delivery_id"] for m in messages} == {delivery["id"]}
    # When the sender gets the delivery message in a batch with a broken record
    batch = load_event("sqs/delivery.json", tenant_id=books.tenant_id, delivery_id=delivery["id"])
    result = handler("webhook_sender")(batch, LambdaContext())
    # Then only the broken record goes back to the queue, and the good one was POSTed, signed
    assert result == {"batchItemFailures": [{"itemIdentifier": "2e1424d4-f796-459a-8184-9c92662be6da"}]}
    (request,) = ports.http.requests
    assert Webhook(endpoint["secret"]).verify(request["body"], request["headers"]) == event
    assert request["headers"]["webhook-id"] == event["id"]
    (delivery,) = books.get(f"/v1/webhooks/{endpoint['id']}/deliveries")["data"]
    assert delivery["status"] == "succeeded" and delivery["attempts"][0]["status_code"] == 204
    # And the same message again (SQS delivers at least once) sends nothing more
    again = handler("webhook_sender")(batch, LambdaContext())
    assert [f["itemIdentifier"] for f in again["batchItemFailures"]] == ["2e1424d4-f796-459a-8184-9c92662be6da"]
    assert len(ports.http.requests) == 1


def test_an_event_missing_from_the_outbox_is_dropped(books, ports):
    bus_event = load_event("eventbridge/invoice_posted.json", event_id="evt_01KZZZZZZZZZZZZZZZZZZZZZZZ",
                           tenant_id=books.tenant_id, invoice_id="inv_x")
    assert handler("webhook_dispatcher")(bus_event, LambdaContext()) == {"deliveries": 0}


@mock_aws
def test_the_sqs_queue_sends_json_and_caps_delays_at_sqs_limit(monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    from ledgerline.webhooks import sqs

    sqs._client.cache_clear()
    client = boto3.client("sqs", region_name="us-east-1")
    url = client.create_queue(QueueName="deliveries")["QueueUrl"]
    try:
        SqsQueue(url).send({"tenant_id": "ten_1", "delivery_id": "whd_1", "attempt": 0})
        SqsQueue(url).send({"tenant_id": "ten_1", "delivery_id": "whd_2", "attempt": 3}, delay_seconds=6 * 3600)
        (message,) = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        assert json.loads(message["Body"]) == {"tenant_id": "ten_1", "delivery_id": "whd_1", "attempt": 0}
    finally:
        sqs._client.cache_clear()
