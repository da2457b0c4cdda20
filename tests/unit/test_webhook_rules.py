"""Webhook rules without I/O: the retry schedule, disabling, subscriptions, destinations, signatures
(checked with the `standardwebhooks` library), the pipe's shaping of stream records, secrets at rest."""

from __future__ import annotations

import ipaddress
import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from ledgerline import settings as settings_module
from ledgerline.domain import webhook_signing
from ledgerline.domain.webhooks import (
    DISABLE_AFTER,
    FIRST_RETRY,
    MAX_RETRY_DELAY,
    RETRY_WINDOW,
    address_refusal,
    destination_refusal,
    next_attempt_at,
    nominal_delay,
    parse_destination,
    retry_delay,
    schedule,
    should_disable,
    subscribes_to,
    unknown_event_types,
)
from ledgerline.local.event_patterns import UnsupportedPattern, matches
from ledgerline.local.relay import pipe_event, render_input_template
from ledgerline.local.template import outbox_pipe
from ledgerline.schemas.events import EventOut
from ledgerline.settings import configure, get_settings
from tests.conftest import load_event

AWS_CURSOR = "a-cursor-secret-as-long-as-a-real-one-0123456789"
T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def ip(text: str):
    return ipaddress.ip_address(text)


# ----------------------------------------------------------------------------------- schedule


def test_the_nominal_schedule_doubles_from_30_seconds_to_at_most_8_hours_within_3_days():
    delays = schedule()
    assert delays[:4] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert all(b == min(2 * a, MAX_RETRY_DELAY) for a, b in zip(delays, delays[1:], strict=False))
    assert delays[-1] == MAX_RETRY_DELAY
    assert sum(delays, timedelta()) <= RETRY_WINDOW < sum(delays, timedelta()) + MAX_RETRY_DELAY
    assert len(delays) == 17  # 18 attempts in all: the first and 17 retries


@pytest.mark.parametrize("failures", [1, 2, 5, 10, 11, 30, 100])
def test_jitter_keeps_each_delay_within_a_quarter_of_its_nominal_value(failures):
    nominal = nominal_delay(failures)
    assert retry_delay(failures, 0.0) == nominal * 0.75
    assert nominal * 0.75 <= retry_delay(failures, 0.5) <= nominal * 1.25
    assert retry_delay(failures, 0.999999) < nominal * 1.25
    assert nominal_delay(1) == FIRST_RETRY


def test_no_retry_is_scheduled_past_three_days_after_creation():
    assert next_attempt_at(T0, T0, 1, 0.5) == T0 + FIRST_RETRY
    late = T0 + RETRY_WINDOW - timedelta(hours=1)
    assert next_attempt_at(T0, late, 17, 0.0) is None
    with pytest.raises(ValueError):
        nominal_delay(0)


def test_an_endpoint_is_disabled_after_five_days_of_failures_only():
    assert not should_disable(None, T0)
    assert not should_disable(T0, T0 + DISABLE_AFTER - timedelta(seconds=1))
    assert should_disable(T0, T0 + DISABLE_AFTER)


# ------------------------------------------------------------------------------- subscriptions


def test_subscriptions_match_types_families_and_everything():
    assert subscribes_to(["*"], "invoice.paid")
    assert subscribes_to(["invoice.*"], "invoice.paid") and not subscribes_to(["invoice.*"], "receipt.posted")
    assert subscribes_to(["receipt.posted"], "receipt.posted") and not subscribes_to(["receipt.posted"], "ping")
    assert unknown_event_types(["*", "invoice.*", "invoice.paid", "webhook_endpoint.disabled"]) == []
    assert unknown_event_types(["invoice.payed", "bogus.*", "ping"]) == ["invoice.payed", "bogus.*", "ping"]


# -------------------------------------------------------------------------------- destinations


@pytest.mark.parametrize("address", ["10.0.0.1", "169.254.169.254", "::1", "127.0.0.1", "192.168.0.10",
                                     "172.16.5.4", "::ffff:10.0.0.1", "fd00:ec2::254", "fe80::1", "100.64.0.1",
                                     "0.0.0.0", "224.0.0.1", "240.0.0.1", "2002:0a00:0001::1"])
def test_non_public_addresses_are_refused_in_production(address):
    assert address_refusal(ip(address), allow_loopback=False) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:85e5", "8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert address_refusal(ip(address), allow_loopback=False) is None


def test_loopback_is_allowed_only_when_asked_and_private_ranges_never():
    assert address_refusal(ip("127.0.0.1"), allow_loopback=True) is None
    assert address_refusal(ip("::1"), allow_loopback=True) is None
    assert address_refusal(ip("10.0.0.1"), allow_loopback=True) is not None


def test_a_hostname_is_judged_by_every_address_it_resolves_to():
    localhost = parse_destination("https://localhost/hook")
    assert "resolves to 127.0.0.1" in destination_refusal(localhost, [ip("127.0.0.1")], allow_loopback=False)
    mixed = parse_destination("https://hooks.example.com/x")
    assert destination_refusal(mixed, [ip("93.184.215.14"), ip("10.1.2.3")], allow_loopback=False)
    assert destination_refusal(mixed, [ip("93.184.215.14")], allow_loopback=False) is None
    assert "does not resolve" in destination_refusal(mixed, [], allow_loopback=False)


def test_plain_http_only_reaches_loopback_and_only_locally():
    public = parse_destination("http://hooks.example.com/x")
    assert "https" in destination_refusal(public, [ip("93.184.215.14")], allow_loopback=True)
    local = parse_destination("http://localhost:4000/x")
    assert destination_refusal(local, [ip("127.0.0.1")], allow_loopback=True) is None
    assert destination_refusal(local, [ip("127.0.0.1")], allow_loopback=False) is not None


@pytest.mark.parametrize("url", ["ftp://x.example/a", "https:///nohost", "https://u:p@x.example/",
                                 "https://x.example/#frag", "https://x.example:99999/", "x" * 3000])
def test_malformed_urls_are_refused(url):
    with pytest.raises(ValueError):
        parse_destination(url)


def test_a_destination_keeps_its_host_port_and_target():
    destination = parse_destination("https://Hooks.Example.com:8443/in?x=1")
    assert (destination.host, destination.port, destination.target) == ("hooks.example.com", 8443, "/in?x=1")
    assert destination.host_header == "hooks.example.com:8443"
    assert parse_destination("https://[2606:4700::1]/").host_header == "[2606:4700::1]"


# ---------------------------------------------------------------------------------- signatures


def test_our_signatures_verify_with_the_standardwebhooks_library_for_every_secret():
    old, new = webhook_signing.new_secret(), webhook_signing.new_secret()
    body = json.dumps({"id": "evt_1", "type": "invoice.paid"})
    timestamp = int(datetime.now(UTC).timestamp())
    headers = webhook_signing.headers("evt_1", timestamp, body, [new, old])
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhook_signing.new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(body.replace("paid", "void"), headers)
    assert old.startswith("whsec_") and len(webhook_signing._key(old)) == 32


# ------------------------------------------------------------------------- the pipe, locally


def test_event_patterns_match_like_eventbridge():
    event = {"source": "ledgerline", "detail-type": "invoice.paid", "detail": {"tenant_id": "ten_1", "n": 3}}
    assert matches({"source": ["ledgerline"]}, event)
    assert matches({"detail-type": [{"prefix": "invoice."}], "detail": {"tenant_id": [{"exists": True}]}}, event)
    assert matches({"detail-type": [{"suffix": ".paid"}, "receipt.posted"]}, event)
    assert not matches({"detail-type": [{"anything-but": ["invoice.paid"]}]}, event)
    assert not matches({"detail": {"missing": [{"exists": True}]}}, event)
    assert matches({"detail": {"missing": [{"exists": False}]}}, event)
    with pytest.raises(UnsupportedPattern):
        matches({"detail": {"n": [{"numeric": [">", 1]}]}}, event)


def test_the_pipe_from_template_yaml_turns_an_outbox_record_into_the_bus_event():
    record = load_event("dynamodb/outbox_insert.json")
    event = pipe_event(record, outbox_pipe(), "eu-central-1")
    assert event["detail-type"] == "invoice.posted" and event["source"] == "ledgerline"
    detail = event["detail"]
    assert detail["id"] == "evt_01KBBBBBBBBBBBBBBBBBBBBBBB" and detail["sequence"] == "2"
    parsed = EventOut.model_validate(detail)
    assert parsed.sequence == 2 and parsed.data["notes"] == 'say "hi"'
    assert parsed.created_at == datetime(2026, 11, 21, 10, tzinfo=UTC)


def test_the_pipe_lets_only_inserted_outbox_items_through():
    record = load_event("dynamodb/outbox_insert.json")
    other = json.loads(json.dumps(record))
    other["dynamodb"]["NewImage"].pop("item_type")
    removed = {**record, "eventName": "REMOVE"}
    assert pipe_event(other, outbox_pipe(), "x") is None and pipe_event(removed, outbox_pipe(), "x") is None


def test_input_templates_quote_strings_and_embed_values():
    document = {"a": {"s": 'x "y"', "n": 3, "o": {"k": [1, 2]}}}
    assert render_input_template('{"s": "<$.a.s>", "n": <$.a.n>, "o": <$.a.o>, "i": "<$.a.o.k[1]>"}',
                                 document) == {"s": 'x "y"', "n": 3, "o": {"k": [1, 2]}, "i": "2"}


# ---------------------------------------------------------------------------- secrets at rest


@pytest.fixture
def restore_settings():
    saved = dict(settings_module._overrides)
    yield
    settings_module._overrides.clear()
    settings_module._overrides.update(saved)
    get_settings.cache_clear()


def test_secrets_are_sealed_with_the_configured_key(restore_settings):
    from ledgerline.secret_box import SecretBoxError, seal, unseal

    secret = webhook_signing.new_secret()
    configure(webhook_secrets_key="first key material, long and random")
    token = seal(secret)
    assert secret not in token and secret.removeprefix("whsec_") not in token
    assert unseal(token) == secret
    configure(webhook_secrets_key="another key")
    with pytest.raises(SecretBoxError):
        unseal(token)
    configure(environment="aws", webhook_secrets_key=settings_module.LOCAL_WEBHOOK_SECRETS_KEY,
              cursor_secret=AWS_CURSOR, dynamodb_endpoint="http://127.0.0.1:1")
    with pytest.raises(SecretBoxError):
        seal(secret)


def test_loopback_webhooks_default_to_the_local_runtime_and_are_refused_in_aws():
    assert settings_module.Settings(environment="local").webhooks_allow_loopback is True
    assert settings_module.Settings(environment="aws", cursor_secret=AWS_CURSOR).webhooks_allow_loopback is False
    with pytest.raises(ValueError):
        settings_module.Settings(environment="aws", cursor_secret=AWS_CURSOR, webhooks_allow_loopback=True)


@pytest.mark.parametrize("url", [
    "https://x.example/a\r\nX-Injected: 1", "https://x.example/a\nb", "https://x.example/a b", "https://x.example/\x00",
    "https://x.example\x00.evil/", "https://x.example:0/", "https://x.example:00/", "https://x.example:+443/",
    "https://x.example:443x/", "https://x.example:-1/", "https://x.example:/", "https:x.example/", "https:/x.example/",
    "https://x.example\\@evil.example/", "https://exa mple.com/", "https://ex%61mple.com/", "https://-x.example/",
    "https://x_y.example/", "https://x..example/", "https://0x7f.1/", "https://127.1/", "https://2130706433/",
    "https://[::1%25eth0]/", "https://[1.2.3.4]/", "https://x.example/é", "https://x.example/\t", "\thttps://x.example/",
    "https://@x.example/", "HTTPS://x.example/#", "https://x.example:65536/",
])
def test_urls_are_validated_strictly(url):
    # Issue 11.19: controls, spaces, odd ports and hosts are refused rather than passed to the HTTP client.
    with pytest.raises(ValueError):
        parse_destination(url)


@pytest.mark.parametrize("url, normal", [
    ("HTTPS://Hooks.Example.COM:443/In?x=1", "https://hooks.example.com/In?x=1"),
    ("https://hooks.example.com", "https://hooks.example.com/"),
    ("https://hooks.example.com:8443/a%20b", "https://hooks.example.com:8443/a%20b"),
    ("https://[2606:4700::1]:443/x", "https://[2606:4700::1]/x"),
    ("https://93.184.215.14/x", "https://93.184.215.14/x"),
    ("http://localhost:4000/x", "http://localhost:4000/x"),
])
def test_a_valid_url_is_stored_normalised(url, normal):
    from ledgerline.domain.webhooks import normalised_url

    assert normalised_url(url) == normal


def test_a_stored_url_that_is_no_longer_valid_fails_the_attempt_instead_of_crashing_the_sender():
    from types import SimpleNamespace

    from ledgerline.services.webhook_delivery import _send

    response = _send(SimpleNamespace(url="https://hooks.example.com/a b"), None, T0, None)  # type: ignore[arg-type]
    assert response.status_code is None and "destination refused" in response.error
