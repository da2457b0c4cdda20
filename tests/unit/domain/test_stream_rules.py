"""The real-time stream's rules without I/O (issue 20, item 6): the subscribe message, the key a connection
carries, the webhook matching reused, and the switch from replay to live (no gap, no duplicate)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain import stream as rules
from ledgerline.domain.errors import ValidationFailed
from ledgerline.domain.webhooks import subscribes_to


def eid(n: int) -> str:
    return f"evt_{n:026d}"


# ------------------------------------------------------------------------------ subscribe message


def test_a_subscribe_message_takes_webhook_patterns_and_a_last_event_id():
    sub = rules.parse_subscribe({"action": "subscribe", "events": ["invoice.*", "receipt.posted", "invoice.*"],
                                 "last_event_id": eid(7)})
    assert sub == rules.Subscription(("invoice.*", "receipt.posted"), eid(7))
    assert rules.parse_subscribe({"action": "subscribe", "events": ["*"]}).last_event_id is None


@pytest.mark.parametrize(("message", "param"), [
    (None, "action"),
    ([], "action"),
    ({"action": "listen", "events": ["*"]}, "action"),
    ({"action": "subscribe"}, "events"),
    ({"action": "subscribe", "events": []}, "events"),
    ({"action": "subscribe", "events": "invoice.*"}, "events"),
    ({"action": "subscribe", "events": ["invoice.posted", "invoice.nope"]}, "events.1"),
    ({"action": "subscribe", "events": ["nope.*"]}, "events.0"),
    ({"action": "subscribe", "events": ["*"], "last_event_id": "inv_01"}, "last_event_id"),
    ({"action": "subscribe", "events": ["*"], "last_event_id": 5}, "last_event_id"),
    ({"action": "subscribe", "events": ["*"], "since": "x"}, "since"),
])
def test_a_bad_subscribe_message_is_refused_naming_the_field(message, param):
    with pytest.raises(ValidationFailed) as refused:
        rules.parse_subscribe(message)
    assert refused.value.param == param


def test_matching_is_the_webhook_endpoints_matching():
    for patterns, event_type in [(["invoice.*"], "invoice.posted"), (["*"], "receipt.posted"),
                                 (["invoice.posted"], "invoice.voided"), (["receipt.*"], "invoice.posted")]:
        assert rules.wants(patterns, event_type) == subscribes_to(patterns, event_type)


# ------------------------------------------------------------------------------ the key


@pytest.mark.parametrize(("headers", "query", "secret"), [
    ({"Authorization": "Bearer ll_live_abc"}, None, "ll_live_abc"),
    ({"authorization": "bearer  ll_live_abc "}, {"api_key": "ll_live_other"}, "ll_live_abc"),
    ({}, {"api_key": "ll_live_q"}, "ll_live_q"),
    ({"Authorization": "Basic eA=="}, {"api_key": "ll_live_q"}, None),  # a header of another scheme is not a key
    (None, None, None),
    ({}, {"api_key": ""}, None),
])
def test_the_key_comes_from_the_bearer_header_else_the_query(headers, query, secret):
    assert rules.connect_secret(headers, query) == secret


# ------------------------------------------------------------------------------ the switch

TYPES = ["invoice.posted", "invoice.voided", "receipt.posted"]


@st.composite
def timelines(draw):
    """Events made at increasing moments (ids in that order), each committed up to `max_tx` later, and
    relayed to the consumer some time after its commit; a client that last saw one of them subscribes."""
    count = draw(st.integers(1, 30))
    made = sorted(draw(st.lists(st.integers(0, 100), min_size=count, max_size=count)))
    max_tx = 5
    events = []
    for n, moment in enumerate(made):
        committed = moment + draw(st.integers(0, max_tx))
        relayed = committed + draw(st.integers(0, 20))
        events.append({"id": eid(n * 10 + 1), "made": moment, "committed": committed, "relayed": relayed,
                       "type": draw(st.sampled_from(TYPES))})
    last = draw(st.none() | st.integers(0, count - 1))
    # The client saw its last event, so it was committed before the client subscribes again
    subscribe_at = draw(st.integers(events[last]["committed"] if last is not None else 0, 130))
    patterns = draw(st.lists(st.sampled_from(["invoice.*", "receipt.posted", "*", "invoice.voided"]),
                             min_size=1, max_size=3))
    return events, (events[last]["id"] if last is not None else None), subscribe_at, patterns, max_tx


@settings(max_examples=300)
@given(timelines())
def test_replay_then_live_sends_every_missed_event_once(timeline):
    events, last_event_id, subscribe_at, patterns, max_tx = timeline
    # The boundary: the largest id made up to the subscribe moment (ids sort by the moment they were made)
    made_by_then = [e["id"] for e in events if e["made"] <= subscribe_at]
    live_after = max(made_by_then, default=eid(0))

    class Connection:
        pass

    connection = Connection()
    connection.events, connection.live_after = patterns, live_after  # stored before the replay reads

    sent: list[str] = []
    if last_event_id is not None:
        seen: set[str] = set()
        for read_at in (subscribe_at, subscribe_at + max_tx + 1):  # the replay read, then the settle read
            found = [(e["id"], e["type"]) for e in events if e["committed"] <= read_at]
            sent += rules.settle(seen, found, patterns, last_event_id, live_after)
    for event in sorted(events, key=lambda e: e["relayed"]):  # the consumer, in relay order
        if event["relayed"] >= subscribe_at and rules.live_targets([connection], event["type"], event["id"]):
            sent.append(event["id"])

    expected = {e["id"] for e in events if subscribes_to(patterns, e["type"])
                and (e["id"] > last_event_id if last_event_id else e["made"] > subscribe_at)}
    assert len(sent) == len(set(sent)), "an event was sent twice"
    assert set(sent) == expected, "an event was missed (or one before the resume point sent)"


@given(st.lists(st.integers(1, 50), unique=True), st.integers(0, 50), st.integers(0, 50))
def test_replay_and_live_ranges_are_disjoint_and_cover_everything_after_the_last_id(ids, last, boundary):
    # The boundary is taken at subscribe, after the client saw its last event: never below it
    last_id, live_after = (eid(last) if last else None), eid(max(boundary, last))
    for n in ids:
        replayed = rules.in_replay(eid(n), last_id, live_after)
        live = rules.is_live(eid(n), live_after)
        assert not (replayed and live)
        if last_id is not None:
            assert (replayed or live) == (eid(n) > last_id)


def test_a_connection_not_subscribed_yet_gets_nothing_live():
    assert not rules.is_live(eid(5), None)
