"""Dated API versions (issue 20, item 4) against DynamoDB Local: a key pinned to the older version sees the old
name, the `Ledgerline-Version` header overrides the key's default, a bad version is a 400 that changes nothing,
and webhook endpoints pinned to the older version receive event payloads in it.

The one real change: API version 2026-12-05 renamed an API key's `last4` to `key_last4`.
"""

from __future__ import annotations

import pytest

from ledgerline.domain.api_versions import KNOWN, LATEST, ORIGINAL
from ledgerline.store.api_keys import ApiKey, find_by_id
from tests.integration.books import Books
from tests.integration.test_webhook_delivery import pipeline, receiver  # noqa: F401  (fixtures)
from tests.integration.webhook_receiver import Receiver

HEADER = "Ledgerline-Version"


def issue_key(books: Books, version: str | None = None, **headers: str) -> dict:
    body = {"name": "versioned", "scopes": ["admin"], **({"api_version": version} if version else {})}
    return books.post("/v1/api-keys", body, **headers)


def as_key(secret: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **headers}


def test_a_new_key_is_pinned_to_the_newest_version_and_answered_in_it(books):
    created = issue_key(books)
    assert created["api_version"] == LATEST and "key_last4" in created and "last4" not in created
    response = books.api.get(f"/v1/api-keys/{created['id']}", headers=as_key(created["secret"]))
    assert response.status_code == 200 and response.headers[HEADER] == LATEST
    assert response.json()["key_last4"] == created["secret"][-4:] and "last4" not in response.json()


def test_a_key_pinned_to_the_older_version_sees_the_old_name_everywhere(books):
    created = issue_key(books, ORIGINAL)
    headers = as_key(created["secret"])
    read = books.api.get(f"/v1/api-keys/{created['id']}", headers=headers)
    listed = books.api.get("/v1/api-keys", headers=headers)
    events = books.api.get("/v1/events?type=api_key.created", headers=headers)
    for response in (read, listed, events):
        assert response.status_code == 200 and response.headers[HEADER] == ORIGINAL
    assert read.json()["last4"] == created["secret"][-4:] and "key_last4" not in read.json()
    assert read.json()["api_version"] == ORIGINAL
    assert all("last4" in key and "key_last4" not in key for key in listed.json()["data"])
    shown = [event["data"] for event in events.json()["data"]]
    assert shown and all("last4" in key and "key_last4" not in key for key in shown)


def test_the_header_overrides_the_keys_default_both_ways(books):
    older = issue_key(books, ORIGINAL)
    newer = books.api.get(f"/v1/api-keys/{older['id']}", headers=as_key(older["secret"], **{HEADER: LATEST}))
    assert newer.headers[HEADER] == LATEST and "key_last4" in newer.json() and "last4" not in newer.json()
    # the tenant's admin key is pinned to the newest version; asking for the original answers in it
    back = books.api.get(f"/v1/api-keys/{older['id']}", headers={**books.headers, HEADER: ORIGINAL})
    assert back.headers[HEADER] == ORIGINAL and "last4" in back.json() and "key_last4" not in back.json()


def test_a_key_made_before_versions_existed_answers_in_the_original(books):
    created = issue_key(books)
    record = find_by_id(books.tenant_id, created["id"])
    record.update(actions=[ApiKey.api_version.remove()])  # as keys stored before this change are
    response = books.api.get(f"/v1/api-keys/{created['id']}", headers=as_key(created["secret"]))
    assert response.headers[HEADER] == ORIGINAL and response.json()["api_version"] == ORIGINAL
    assert "last4" in response.json()


@pytest.mark.parametrize("value", ["2020-01-01", "yesterday", "2026-12-05T00:00:00Z"])
def test_an_unknown_or_malformed_version_is_a_400_naming_the_header_and_changes_nothing(books, value):
    before = books.get("/v1/api-keys?limit=100")["data"]
    response = books.call("POST", "/v1/api-keys", {"name": "x", "scopes": ["admin"]}, **{HEADER: value})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == HEADER and all(date in error["message"] for date in KNOWN)
    assert response.headers[HEADER] == LATEST
    assert books.get("/v1/api-keys?limit=100")["data"] == before


def test_an_unknown_version_in_a_body_is_a_422_naming_the_field(books):
    for path, body in (("/v1/api-keys", {"name": "x", "scopes": ["admin"], "api_version": "2020-01-01"}),
                       ("/v1/webhooks", {"url": "https://example.com/hook", "events": ["*"],
                                         "api_version": "2020-01-01"})):
        response = books.call("POST", path, body)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["param"] == "api_version" or "api_version" in response.text


def test_a_webhook_endpoint_defaults_to_the_version_of_the_request_that_creates_it(books, receiver):  # noqa: F811
    newest = books.post("/v1/webhooks", {"url": receiver.url, "events": ["*"]})
    older = books.post("/v1/webhooks", {"url": receiver.url, "events": ["*"]}, **{HEADER: ORIGINAL})
    pinned = books.post("/v1/webhooks", {"url": receiver.url, "events": ["*"], "api_version": ORIGINAL})
    assert (newest["api_version"], older["api_version"], pinned["api_version"]) == (LATEST, ORIGINAL, ORIGINAL)
    changed = books.call("PATCH", f"/v1/webhooks/{pinned['id']}", {"api_version": LATEST}, expect=200).json()
    assert changed["api_version"] == LATEST


def test_events_reach_each_endpoint_in_its_own_version(pipeline, books):  # noqa: F811
    old_receiver, new_receiver = Receiver(), Receiver()
    try:
        old = books.post("/v1/webhooks", {"url": old_receiver.url, "events": ["api_key.created"],
                                          "api_version": ORIGINAL})
        new = books.post("/v1/webhooks", {"url": new_receiver.url, "events": ["api_key.created"]})
        old_receiver.secrets.append(old["secret"])
        new_receiver.secrets.append(new["secret"])
        created = issue_key(books)
        [event] = books.get(f"/v1/events?type=api_key.created&object_id={created['id']}")["data"]
        old_receiver.wait_for({event["id"]})
        new_receiver.wait_for({event["id"]})
        [at_old] = [r.event for r in old_receiver.accepted()]  # signatures verified by the receiver
        [at_new] = [r.event for r in new_receiver.accepted()]
        assert at_old["data"]["last4"] == created["secret"][-4:] and "key_last4" not in at_old["data"]
        assert at_new["data"]["key_last4"] == created["secret"][-4:] and "last4" not in at_new["data"]
        assert {k: v for k, v in at_old.items() if k != "data"} == {k: v for k, v in at_new.items() if k != "data"}
    finally:
        old_receiver.stop()
        new_receiver.stop()
