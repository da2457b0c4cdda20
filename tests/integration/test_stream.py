"""The real-time stream in AWS shape (issue 20, item 6), against DynamoDB Local: the connection store, the
WebSocket function with API Gateway's sample events (events/websocket/), and the bus consumer.

The Management API is a recording fake injected at the boundary (services/stream.Poster) for the flows; the
real boto3 `apigatewaymanagementapi` client behind `ManagementApiPoster` is checked with moto (posts), and
with botocore's Stubber for the GoneException moto never raises."""

from __future__ import annotations

import importlib
import json
from datetime import timedelta

import pytest
from botocore.stub import Stubber
from moto import mock_aws

from ledgerline.store import stream as store
from ledgerline.stream import handlers, runtime
from ledgerline.stream.management import ManagementApiPoster, callback_url, management_client
from tests.conftest import load_event
from tests.lambda_context import LambdaContext


class Recorder:
    """The Management API as the use cases see it: connection id → messages; `gone` answers False."""

    def __init__(self, gone: set[str] | None = None) -> None:
        self.sent: dict[str, list[dict]] = {}
        self.gone = gone or set()

    def post(self, connection_id: str, data: str) -> bool:
        if connection_id in self.gone:
            return False
        self.sent.setdefault(connection_id, []).append(json.loads(data))
        return True

    def events(self, connection_id: str) -> list[dict]:
        return [m for m in self.sent.get(connection_id, []) if m.get("object") == "event"]


@pytest.fixture
def poster():
    recorder = Recorder()
    runtime.use(recorder)
    yield recorder
    runtime.use(None)


def handler(function: str):
    return importlib.import_module(f"functions.{function}.app").handler


def connect(connection_id: str, secret: str, **query: str) -> dict:
    event = load_event("websocket/connect.json", api_key=secret, connection_id=connection_id)
    if query:
        del event["headers"]["Authorization"]
        event["queryStringParameters"] = query
    return handler("stream")(event, LambdaContext())


def send(connection_id: str, message) -> dict:
    event = load_event("websocket/subscribe.json", connection_id=connection_id, body="")
    event["body"] = message if isinstance(message, str) else json.dumps(message)
    return handler("stream")(event, LambdaContext())


def bus_event(books, event: dict) -> dict:
    return load_event("eventbridge/invoice_posted.json", event_id=event["id"], tenant_id=books.tenant_id,
                      invoice_id=event["object_id"])


def unique_connection(name: str) -> str:
    from ledgerline.ids import new_id

    return f"{name}-{new_id('c')}"


# ------------------------------------------------------------------------------ the connection store


def test_a_connection_is_stored_with_its_pointer_and_ttl_and_listed_per_tenant(books, make_tenant):
    other = make_tenant()
    a1, a2, b1 = unique_connection("a1"), unique_connection("a2"), unique_connection("b1")
    assert connect(a1, books.headers["Authorization"].removeprefix("Bearer "))["statusCode"] == 200
    assert connect(a2, books.headers["Authorization"].removeprefix("Bearer "))["statusCode"] == 200
    assert connect(b1, other.secret)["statusCode"] == 200

    found = store.find_connection(a1)
    assert found is not None and found.tenant_id == books.tenant_id and found.events is None
    assert timedelta(hours=2) < found.expires_at - found.connected_at <= store.LIFETIME  # TTL: whole seconds
    assert {c.connection_id for c in store.tenant_connections(books.tenant_id)} == {a1, a2}
    assert {c.connection_id for c in store.tenant_connections(other.tenant_id)} == {b1}

    disconnect = load_event("websocket/disconnect.json", connection_id=a1)
    assert handler("stream")(disconnect, LambdaContext()) == {"statusCode": 200}
    assert store.find_connection(a1) is None
    assert {c.connection_id for c in store.tenant_connections(books.tenant_id)} == {a2}
    assert handler("stream")(disconnect, LambdaContext()) == {"statusCode": 200}  # twice: nothing to do


def test_connect_refuses_a_bad_key_and_stores_nothing(books, api):
    bad = unique_connection("bad")
    refused = connect(bad, "ll_live_" + "x" * 40)
    assert refused["statusCode"] == 401
    assert json.loads(refused["body"])["error"]["code"] == "invalid_api_key"
    assert connect(bad, "")["statusCode"] == 401
    assert store.find_connection(bad) is None
    # A key without events:read is refused too (403)
    key = books.post("/v1/api-keys", {"name": "parties only", "scopes": ["parties:read"]})
    assert connect(bad, key["secret"])["statusCode"] == 403
    assert store.find_connection(bad) is None


def test_the_key_may_come_as_the_api_key_query_parameter(books):
    browser = unique_connection("browser")
    assert connect(browser, "", api_key=books.headers["Authorization"].removeprefix("Bearer "))["statusCode"] == 200
    assert store.find_connection(browser).tenant_id == books.tenant_id


# ------------------------------------------------------------------------------ subscribe and the consumer


def test_the_consumer_posts_each_event_to_the_subscribed_connections_of_its_tenant_only(books, make_tenant,
                                                                                        poster):
    secret = books.headers["Authorization"].removeprefix("Bearer ")
    invoices, receipts, other_tenant = (unique_connection(n) for n in ("inv", "rct", "other"))
    connect(invoices, secret)
    connect(receipts, secret)
    other = make_tenant()
    connect(other_tenant, other.secret)
    for connection_id, patterns in ((invoices, ["invoice.*"]), (receipts, ["receipt.posted"]),
                                    (other_tenant, ["*"])):
        assert send(connection_id, {"action": "subscribe", "events": patterns}) == {"statusCode": 200}
        (ack,) = poster.sent[connection_id]
        assert ack["object"] == "stream.subscribed" and ack["events"] == patterns and ack["replayed"] == 0

    invoice = books.posted(books.customer())
    (event,) = books.get("/v1/events?type=invoice.posted")["data"]
    assert handler("stream_dispatcher")(bus_event(books, event), LambdaContext()) == {"posted": 1}

    (pushed,) = poster.events(invoices)
    assert pushed == event  # the body a webhook delivery carries (and /v1/events shows)
    assert pushed["data"]["id"] == invoice["id"]
    assert poster.events(receipts) == [] and poster.events(other_tenant) == []


def test_a_gone_connection_is_forgotten_by_the_consumer(books, poster):
    secret = books.headers["Authorization"].removeprefix("Bearer ")
    gone = unique_connection("gone")
    connect(gone, secret)
    send(gone, {"action": "subscribe", "events": ["*"]})
    books.posted(books.customer())
    (event,) = books.get("/v1/events?type=invoice.posted")["data"]
    poster.gone.add(gone)
    assert handler("stream_dispatcher")(bus_event(books, event), LambdaContext()) == {"posted": 0}
    assert store.find_connection(gone) is None
    assert store.tenant_connections(books.tenant_id) == []


def test_subscribe_with_last_event_id_replays_what_was_missed_once_then_only_newer_events_live(books, poster,
                                                                                               monkeypatch):
    from ledgerline import settings

    monkeypatch.setenv("LEDGERLINE_STREAM_SETTLE_SECONDS", "0")
    settings.get_settings.cache_clear()
    try:
        customer = books.customer()
        first = books.posted(customer)
        missed = [books.posted(customer), books.posted(customer)]
        posted = {e["object_id"]: e for e in books.get("/v1/events?type=invoice.posted")["data"]}
        resume_from = posted[first["id"]]["id"]

        connection_id = unique_connection("resume")
        connect(connection_id, books.headers["Authorization"].removeprefix("Bearer "))
        send(connection_id, {"action": "subscribe", "events": ["invoice.posted"], "last_event_id": resume_from})
        replayed = poster.events(connection_id)
        assert [e["data"]["id"] for e in replayed] == [m["id"] for m in missed]  # oldest first, not the first
        ack = poster.sent[connection_id][-1]
        assert ack["object"] == "stream.subscribed" and ack["replayed"] == 2 and ack["replay_complete"] is True

        # The bus delivering a replayed event late (it was committed before subscribe) sends nothing more
        for invoice in missed:
            event = posted[invoice["id"]]
            assert handler("stream_dispatcher")(bus_event(books, event), LambdaContext()) == {"posted": 0}
        # A newer event goes out live
        newer = books.posted(customer)
        (event,) = [e for e in books.get("/v1/events?type=invoice.posted")["data"] if e["object_id"] == newer["id"]]
        assert handler("stream_dispatcher")(bus_event(books, event), LambdaContext()) == {"posted": 1}
        ids = [e["id"] for e in poster.events(connection_id)]
        assert len(ids) == len(set(ids)) == 3
    finally:
        settings.get_settings.cache_clear()


def test_a_bad_subscribe_message_is_answered_with_an_error_naming_the_field(books, poster):
    connection_id = unique_connection("bad-message")
    connect(connection_id, books.headers["Authorization"].removeprefix("Bearer "))
    send(connection_id, {"action": "subscribe", "events": ["invoice.nope"]})
    send(connection_id, "not json")
    first, second = poster.sent[connection_id]
    assert first["object"] == "stream.error" and first["status"] == 422
    assert first["error"]["param"] == "events.0" and first["error"]["code"] == "validation_error"
    assert second["error"]["param"] == "action"
    assert store.find_connection(connection_id).events is None  # nothing changed


def test_a_replay_of_another_tenants_event_id_sends_nothing_of_that_tenant(books, make_tenant, poster,
                                                                          monkeypatch):
    from ledgerline import settings

    monkeypatch.setenv("LEDGERLINE_STREAM_SETTLE_SECONDS", "0")
    settings.get_settings.cache_clear()
    try:
        other = make_tenant()
        from tests.integration.books import Books

        other_books = Books(books.api, other.tenant_id, other.headers)
        before = other_books.posted(other_books.customer())
        (other_event,) = other_books.get("/v1/events?type=invoice.posted")["data"]
        other_books.posted(other_books.customer())
        connection_id = unique_connection("probe")
        connect(connection_id, books.headers["Authorization"].removeprefix("Bearer "))
        send(connection_id, {"action": "subscribe", "events": ["*"], "last_event_id": other_event["id"]})
        assert all(e["tenant_id"] == books.tenant_id for e in poster.events(connection_id))
        assert before["id"] not in {e["object_id"] for e in poster.events(connection_id)}

        # An id from the future (made up) replays nothing, and is no error
        future = unique_connection("future")
        connect(future, books.headers["Authorization"].removeprefix("Bearer "))
        send(future, {"action": "subscribe", "events": ["*"], "last_event_id": "evt_" + "7" + "Z" * 25})
        (ack,) = poster.sent[future]
        assert ack["object"] == "stream.subscribed" and ack["replayed"] == 0
    finally:
        settings.get_settings.cache_clear()


# ------------------------------------------------------------------------------ the Management API client


@mock_aws
def test_the_management_api_poster_posts_through_boto3(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends

    url = callback_url({"domainName": "abc123.execute-api.us-east-1.amazonaws.com", "stage": "dev"})
    assert url == "https://abc123.execute-api.us-east-1.amazonaws.com/dev"
    assert ManagementApiPoster(management_client(url)).post("conn-1", '{"object":"event"}') is True
    backend = apigatewaymanagementapi_backends["123456789012"]["us-east-1"]
    assert backend.connections["conn-1"].data == b'{"object":"event"}'


def test_a_gone_exception_answers_false():
    client = management_client("https://abc123.execute-api.us-east-1.amazonaws.com/dev")
    with Stubber(client) as stub:
        stub.add_client_error("post_to_connection", service_error_code="GoneException", http_status_code=410)
        assert ManagementApiPoster(client).post("conn-1", "{}") is False


def test_the_handlers_poster_is_the_management_api_when_the_callback_url_is_set(monkeypatch):
    from ledgerline import settings

    monkeypatch.setenv("LEDGERLINE_STREAM_CALLBACK_URL", "https://abc123.execute-api.us-east-1.amazonaws.com/dev")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.get_settings.cache_clear()
    try:
        assert isinstance(runtime.poster(), ManagementApiPoster)
        assert handlers.HANDLERS
    finally:
        settings.get_settings.cache_clear()
