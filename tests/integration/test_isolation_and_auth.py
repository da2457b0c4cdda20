"""Tenants cannot see or touch each other's data; keys authenticate, scopes authorise; errors share one shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ledgerline.domain.api_keys import digest
from ledgerline.services.api_keys import new_key
from ledgerline.settings import get_settings
from ledgerline.store import api_keys as key_store
from ledgerline.store.table import connection
from tests.conftest import raw_json
from tests.integration.factories import RESOURCES, assert_error, create, detail_fields, ids, list_all

ALL_LISTS = (*RESOURCES, "api-keys")


def issue_key(api, headers, scopes, **fields):
    response = api.post("/v1/api-keys", json={"name": "test key", "scopes": scopes, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def admin_key_id(api, tenant) -> str:
    return list_all(api, "/v1/api-keys", tenant.headers)[0]["id"]


def first_page_cursor(api, headers, path) -> str:
    page = api.get(path, params={"limit": 1}, headers=headers).json()
    assert page["has_more"] and page["next_cursor"]
    return page["next_cursor"]


# ------------------------------------------------------------------ tenant isolation


@pytest.fixture
def two_tenants(make_tenant):
    return make_tenant(name="Tenant A"), make_tenant(name="Tenant B")


@pytest.mark.parametrize("resource", RESOURCES)
def test_another_tenants_record_is_indistinguishable_from_a_missing_one(api, two_tenants, resource):
    # Given a record of tenant A
    a, b = two_tenants
    record = create(api, a.headers, resource)
    prefix = record["id"].split("_")[0]
    missing = f"{prefix}_01AAAAAAAAAAAAAAAAAAAAAAAA"

    def shape(response):
        error = response.json()["error"]
        return response.status_code, error["type"], error["code"], error["param"]

    # When tenant B reads, changes or archives it by id
    for method, body in (("GET", None), ("PATCH", {"name": "Hijacked"}), ("DELETE", None)):
        theirs = api.request(method, f"/v1/{resource}/{record['id']}", json=body, headers=b.headers)
        nothing = api.request(method, f"/v1/{resource}/{missing}", json=body, headers=b.headers)
        # Then B gets the very answer it gets for an id that does not exist
        assert_error(theirs, 404, "resource_missing", type="invalid_request_error")
        assert shape(theirs) == shape(nothing)
    # And A's record is untouched
    assert api.get(f"/v1/{resource}/{record['id']}", headers=a.headers).json() == record


def test_another_tenants_api_key_is_indistinguishable_from_a_missing_one(api, two_tenants):
    a, b = two_tenants
    a_key = admin_key_id(api, a)
    missing = "key_01AAAAAAAAAAAAAAAAAAAAAAAA"
    for method in ("GET", "DELETE"):
        theirs = api.request(method, f"/v1/api-keys/{a_key}", headers=b.headers)
        nothing = api.request(method, f"/v1/api-keys/{missing}", headers=b.headers)
        assert_error(theirs, 404, "resource_missing")
        assert (theirs.status_code, theirs.json()["error"]["code"]) == (nothing.status_code,
                                                                        nothing.json()["error"]["code"])
    # Keys cannot be patched at all; the answer does not depend on whose id it is either
    theirs = api.patch(f"/v1/api-keys/{a_key}", json={"name": "x"}, headers=b.headers)
    nothing = api.patch(f"/v1/api-keys/{missing}", json={"name": "x"}, headers=b.headers)
    assert_error(theirs, 405, "method_not_allowed")
    assert theirs.status_code == nothing.status_code
    # And B's DELETE did not revoke A's key
    assert api.get("/v1/tenant", headers=a.headers).status_code == 200
    assert api.get(f"/v1/api-keys/{a_key}", headers=a.headers).json()["status"] == "active"


def test_lists_only_ever_hold_the_callers_records(api, two_tenants):
    # Given both tenants with records of every kind
    a, b = two_tenants
    for resource in RESOURCES:
        create(api, a.headers, resource)
        create(api, b.headers, resource)
    issue_key(api, a.headers, ["parties:read"])
    # Then no list of B holds an id of A, whatever the filter or page size
    for path in ALL_LISTS:
        a_ids = set(ids(list_all(api, f"/v1/{path}", a.headers)))
        b_ids = set(ids(list_all(api, f"/v1/{path}", b.headers, limit=3)))
        assert a_ids and b_ids and not a_ids & b_ids, path
    for path, params in (("parties", {"archived": "true"}), ("parties", {"kind": "customer"}),
                         ("accounts", {"subtype": "tax"}), ("tax-codes", {"active": "true"})):
        a_ids = set(ids(list_all(api, f"/v1/{path}", a.headers, **params)))
        assert not a_ids & set(ids(list_all(api, f"/v1/{path}", b.headers, **params)))


@pytest.mark.parametrize(("resource", "field", "target"), [("items", "tax_code_id", "tax-codes"),
                                                      ("items", "revenue_account_id", "accounts"),
                                                      ("tax-codes", "account_id", "accounts")])
def test_a_record_cannot_reference_another_tenants_record(api, two_tenants, resource, field, target):
    a, b = two_tenants
    theirs = list_all(api, f"/v1/{target}", a.headers)[0]["id"]
    before = list_all(api, f"/v1/{resource}", b.headers)
    body = {**{"items": {"code": "REF1", "name": "Ref"},
               "tax-codes": {"code": "REF1", "name": "Ref", "rate": "5"}}[resource], field: theirs}
    error = assert_error(api.post(f"/v1/{resource}", json=body, headers=b.headers), 422, "validation_error")
    assert detail_fields(error) == {field}
    assert list_all(api, f"/v1/{resource}", b.headers) == before


def test_api_keys_list_walks_every_key_once(api, tenant):
    issued = [issue_key(api, tenant.headers, ["parties:read"])["id"] for _ in range(4)]
    everything = ids(list_all(api, "/v1/api-keys", tenant.headers))
    walked = ids(list_all(api, "/v1/api-keys", tenant.headers, limit=2))
    assert walked == everything and len(set(walked)) == 5 and set(issued) < set(walked)


@pytest.mark.parametrize("path", ["/v1/accounts", "/v1/tax-codes", "/v1/api-keys"])
def test_a_cursor_of_another_tenant_is_an_invalid_cursor(api, two_tenants, path):
    a, b = two_tenants
    if path == "/v1/api-keys":
        issue_key(api, a.headers, ["parties:read"])
    cursor = first_page_cursor(api, a.headers, path)
    response = api.get(path, params={"cursor": cursor}, headers=b.headers)
    error = assert_error(response, 400, "invalid_cursor", type="invalid_request_error")
    assert error["param"] == "cursor"
    # While A can use it
    assert api.get(path, params={"cursor": cursor}, headers=a.headers).status_code == 200


def test_a_cursor_of_another_list_is_an_invalid_cursor(api, tenant):
    for _ in range(2):
        create(api, tenant.headers, "parties")
        create(api, tenant.headers, "items")
    cursor = first_page_cursor(api, tenant.headers, "/v1/parties")
    assert_error(api.get("/v1/items", params={"cursor": cursor}, headers=tenant.headers), 400, "invalid_cursor")
    assert_error(api.get("/v1/accounts", params={"cursor": cursor}, headers=tenant.headers), 400, "invalid_cursor")


@pytest.mark.parametrize("tamper", ["flip_payload", "flip_signature", "drop_signature", "garbage"])
def test_a_tampered_cursor_is_an_invalid_cursor(api, tenant, tamper):
    cursor = first_page_cursor(api, tenant.headers, "/v1/accounts")
    body, signature = cursor.split(".")
    swap = {"A": "B"}.get
    changed = {
        "flip_payload": (body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]) + "." + signature,
        "flip_signature": body + "." + (swap(signature[0]) or "A") + signature[1:],
        "drop_signature": body,
        "garbage": "not-a-cursor",
    }[tamper]
    assert changed != cursor
    response = api.get("/v1/accounts", params={"cursor": changed}, headers=tenant.headers)
    assert_error(response, 400, "invalid_cursor")


# ------------------------------------------------------------------ authentication


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Token ll_live_" + "x" * 43},
        {"Authorization": "Bearer ll_live_" + "x" * 43},
        {"Authorization": "Bearer sk_live_" + "x" * 43},
        {"X-Api-Key": "ll_live_" + "x" * 43},
    ],
    ids=["none", "empty", "bearer-only", "bearer-blank", "basic", "token-scheme", "unknown-key",
         "other-prefix", "wrong-header"],
)
def test_requests_without_a_valid_key_are_401(api, tenant, headers):
    for method, path in (("GET", "/v1/parties"), ("POST", "/v1/parties"), ("GET", "/v1/tenant"),
                         ("DELETE", "/v1/api-keys/key_x")):
        response = api.request(method, path, json={"name": "x"} if method == "POST" else None, headers=headers)
        assert_error(response, 401, "invalid_api_key", type="authentication_error")
    assert list_all(api, "/v1/parties", tenant.headers) == []


def test_a_revoked_key_is_refused_at_once(api, tenant):
    # Given a working key
    key = issue_key(api, tenant.headers, ["parties:read"])
    assert api.get("/v1/parties", headers=bearer(key["secret"])).status_code == 200
    # When it is revoked
    revoked = api.delete(f"/v1/api-keys/{key['id']}", headers=tenant.headers)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"]
    # Then it no longer authenticates
    error = assert_error(api.get("/v1/parties", headers=bearer(key["secret"])), 401, "api_key_revoked",
                         type="authentication_error")
    assert "secret" not in error["message"]
    # And revoking again keeps the first revocation time
    again = api.delete(f"/v1/api-keys/{key['id']}", headers=tenant.headers)
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]


def test_an_expired_key_is_refused(api, tenant):
    # Given a key whose expiry has passed (written through the store: the API refuses past expiries)
    key, secret = new_key(tenant.tenant_id, "expired", ["parties:read"], datetime.now(UTC) - timedelta(seconds=1))
    key_store.insert(key)
    # Then it is refused as expired, and listed as such
    assert_error(api.get("/v1/parties", headers=bearer(secret)), 401, "api_key_expired", type="authentication_error")
    assert api.get(f"/v1/api-keys/{key.id}", headers=tenant.headers).json()["status"] == "expired"


def test_a_key_with_a_future_expiry_works_and_a_past_expiry_cannot_be_issued(api, tenant):
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    key = issue_key(api, tenant.headers, ["parties:read"], expires_at=soon)
    assert key["status"] == "active" and key["expires_at"]
    assert api.get("/v1/parties", headers=bearer(key["secret"])).status_code == 200
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    response = api.post("/v1/api-keys", json={"name": "late", "scopes": ["parties:read"], "expires_at": past},
                        headers=tenant.headers)
    assert detail_fields(assert_error(response, 422, "validation_error")) == {"expires_at"}


# ------------------------------------------------------------------ scopes


def test_a_read_key_reads_but_cannot_write(api, tenant):
    reader = bearer(issue_key(api, tenant.headers, ["parties:read"])["secret"])
    assert api.get("/v1/parties", headers=reader).status_code == 200
    error = assert_error(api.post("/v1/parties", json={"name": "Nope"}, headers=reader), 403, "missing_scope",
                         type="permission_error")
    assert error["param"] == "parties:write"
    party = create(api, tenant.headers, "parties")
    assert api.get(f"/v1/parties/{party['id']}", headers=reader).status_code == 200
    assert_error(api.patch(f"/v1/parties/{party['id']}", json={"name": "x"}, headers=reader), 403, "missing_scope")
    assert_error(api.delete(f"/v1/parties/{party['id']}", headers=reader), 403, "missing_scope")
    # Other resources are out of reach altogether
    for path in ("/v1/items", "/v1/accounts", "/v1/tax-codes", "/v1/api-keys", "/v1/tenant"):
        assert_error(api.get(path, headers=reader), 403, "missing_scope")
    assert ids(list_all(api, "/v1/parties", tenant.headers)) == [party["id"]]


def test_a_write_key_can_also_read(api, tenant):
    writer = bearer(issue_key(api, tenant.headers, ["parties:write"])["secret"])
    created = api.post("/v1/parties", json={"name": "Writer Co"}, headers=writer)
    assert created.status_code == 201, created.text
    assert api.get(f"/v1/parties/{created.json()['id']}", headers=writer).status_code == 200
    assert ids(list_all(api, "/v1/parties", writer)) == [created.json()["id"]]
    assert_error(api.get("/v1/items", headers=writer), 403, "missing_scope")


def test_a_key_cannot_hand_out_more_than_it_holds(api, tenant):
    # Given a key that manages keys but only reads parties
    manager = bearer(issue_key(api, tenant.headers, ["api-keys:write", "parties:read"])["secret"])
    before = ids(list_all(api, "/v1/api-keys", tenant.headers))
    # When it tries to issue scopes it lacks, it is forbidden
    for scopes in (["parties:write"], ["admin"], ["items:read"], ["parties:read", "invoices:write"]):
        response = api.post("/v1/api-keys", json={"name": "escalate", "scopes": scopes}, headers=manager)
        assert_error(response, 403, "missing_scope", type="permission_error")
    # And scopes that do not exist are a validation error naming the field
    for scopes in (["parties:delete"], ["root"], ["parties:read", "everything"]):
        response = api.post("/v1/api-keys", json={"name": "odd", "scopes": scopes}, headers=manager)
        assert detail_fields(assert_error(response, 422, "validation_error")) == {"scopes"}
    assert ids(list_all(api, "/v1/api-keys", tenant.headers)) == before
    # While scopes it holds (or reads it may pass on) are fine
    allowed = api.post("/v1/api-keys", json={"name": "ok", "scopes": ["parties:read"]}, headers=manager)
    assert allowed.status_code == 201, allowed.text


def test_a_key_cannot_revoke_a_key_that_holds_more(api, tenant):
    # Given a key manager without admin, and the tenant's admin key
    manager = bearer(issue_key(api, tenant.headers, ["api-keys:write", "parties:read"])["secret"])
    # When it tries to revoke the admin key, it is forbidden and the admin key keeps working
    response = api.delete(f"/v1/api-keys/{admin_key_id(api, tenant)}", headers=manager)
    assert_error(response, 403, "missing_scope", type="permission_error")
    assert api.get("/v1/tenant", headers=tenant.headers).status_code == 200
    # While a key within its own scopes can be revoked
    reader = issue_key(api, tenant.headers, ["parties:read"])
    assert api.delete(f"/v1/api-keys/{reader['id']}", headers=manager).json()["status"] == "revoked"


def test_api_key_bodies_are_validated(api, tenant):
    for body, fields in (({"name": "x", "scopes": []}, {"scopes"}), ({"scopes": ["parties:read"]}, {"name"}),
                         ({"name": "x", "scopes": ["parties:read"], "secret": "mine"}, {"secret"}),
                         ({"name": "x", "scopes": "parties:read"}, {"scopes"})):
        response = api.post("/v1/api-keys", json=body, headers=tenant.headers)
        assert detail_fields(assert_error(response, 422, "validation_error")) == fields


# ------------------------------------------------------------------ secrets are shown once and stored hashed


def test_the_secret_is_shown_once_and_stored_only_as_a_hash(api, tenant):
    # When a key is created
    created = issue_key(api, tenant.headers, ["invoices:read", "parties:read"])
    secret = created["secret"]
    # Then the response carries its secret, once
    assert secret.startswith(get_settings().api_key_prefix) and created["key_last4"] == secret[-4:]
    assert created["scopes"] == ["invoices:read", "parties:read"] and created["status"] == "active"
    # And no later read shows it
    read = api.get(f"/v1/api-keys/{created['id']}", headers=tenant.headers)
    listed = api.get("/v1/api-keys", headers=tenant.headers)
    for response in (read, listed):
        assert response.status_code == 200
        assert secret not in response.text and tenant.secret not in response.text
        assert "secret" not in response.text
    assert read.json() == {k: v for k, v in created.items() if k != "secret"}
    # And the table holds its hash, never the secret, anywhere
    client = connection().connection.client
    stored = client.get_item(TableName=get_settings().table_name,
                             Key={"PK": {"S": f"KEY#{digest(secret)}"}, "SK": {"S": "KEY"}})["Item"]
    assert stored["id"] == {"S": created["id"]} and stored["tenant_id"] == {"S": tenant.tenant_id}
    scanned = 0
    for page in client.get_paginator("scan").paginate(TableName=get_settings().table_name):
        for item in page["Items"]:
            scanned += 1
            raw = raw_json(item)
            assert secret not in raw and tenant.secret not in raw
    assert scanned > 20


# ------------------------------------------------------------------ tenant settings


def test_tenant_settings_read_and_conditional_update(api, tenant):
    read = api.get("/v1/tenant", headers=tenant.headers)
    assert read.status_code == 200
    settings = read.json()
    assert settings["id"] == tenant.tenant_id and settings["base_currency"] == "AUD" and settings["country"] == "AU"
    assert settings["invoice_number_format"] == "INV-{YYYY}-{SEQ:4}"
    assert read.headers["ETag"] == f'"{settings["version"]}"'
    version = settings["version"]

    changes = {"name": "Renamed Pty Ltd", "timezone": "Australia/Sydney", "invoice_number_format": "AU/{YY}/{SEQ:5}",
               "payment_terms_days": 14, "lock_date": "2026-06-30", "email": "accounts@renamed.example",
               "address": {"line1": "1 George St", "city": "Sydney", "country": "au"}}
    updated = api.patch("/v1/tenant", json=changes, headers={**tenant.headers, "If-Match": f'"{version}"'})
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == version + 1
    assert updated.headers["ETag"] == f'"{version + 1}"'
    assert updated.json()["address"]["country"] == "AU"
    assert {k: updated.json()[k] for k in changes if k != "address"} == {k: v for k, v in changes.items()
                                                                        if k != "address"}
    assert api.get("/v1/tenant", headers=tenant.headers).json() == updated.json()

    stale = api.patch("/v1/tenant", json={"name": "Lost"}, headers={**tenant.headers, "If-Match": f'"{version}"'})
    assert_error(stale, 412, "version_mismatch")
    assert_error(api.patch("/v1/tenant", json={"name": "Lost"}, headers={**tenant.headers, "If-Match": "v2"}),
                 400, "invalid_if_match")
    assert api.get("/v1/tenant", headers=tenant.headers).json() == updated.json()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"invoice_number_format": "INV-{YYYY}"}, "invoice_number_format", "{SEQ}"),
        ({"invoice_number_format": "INV-{MM}-{SEQ}"}, "invoice_number_format", "placeholders"),
        ({"credit_note_number_format": "CN#{SEQ}"}, "credit_note_number_format", "letters, digits"),
        ({"base_currency": "USD"}, "base_currency", "unknown field"),
        ({"country": "NZ"}, "country", "unknown field"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "unknown time zone"),
        ({"timezone": "UTC+10"}, "timezone", "unknown time zone"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month", ""),
        ({"lock_date": "30/06/2026"}, "lock_date", ""),
        ({"email": "nope"}, "email", ""),
    ],
)
def test_invalid_tenant_settings_are_a_422_naming_the_field_and_change_nothing(api, tenant, body, field, message):
    before = api.get("/v1/tenant", headers=tenant.headers).json()
    error = assert_error(api.patch("/v1/tenant", json=body, headers=tenant.headers), 422, "validation_error")
    assert detail_fields(error) == {field} and error["param"] == field
    assert message in error["details"][0]["message"]
    assert api.get("/v1/tenant", headers=tenant.headers).json() == before


# ------------------------------------------------------------------ the error envelope


def error_requests(api, tenant):
    """One request per kind of error the API answers, built on the tenant's data."""
    item = create(api, tenant.headers, "items")
    reader = bearer(issue_key(api, tenant.headers, ["parties:read"])["secret"])
    h = tenant.headers
    as_json = {"Content-Type": "application/json"}
    return [
        (400, lambda rid: api.post("/v1/parties", content=b"{", headers={**h, **rid, **as_json})),
        (400, lambda rid: api.get("/v1/parties", params={"cursor": "x.y"}, headers={**h, **rid})),
        (400, lambda rid: api.patch(f"/v1/items/{item['id']}", json={}, headers={**h, **rid, "If-Match": "?"})),
        (401, lambda rid: api.get("/v1/parties", headers=rid)),
        (403, lambda rid: api.post("/v1/parties", json={"name": "x"}, headers={**reader, **rid})),
        (404, lambda rid: api.get("/v1/parties/pty_missing", headers={**h, **rid})),
        (404, lambda rid: api.get("/v1/nowhere", headers={**h, **rid})),
        (405, lambda rid: api.put("/v1/parties", json={}, headers={**h, **rid})),
        (409, lambda rid: api.post("/v1/items", json={"code": item["code"], "name": "x"}, headers={**h, **rid})),
        (412, lambda rid: api.patch(f"/v1/items/{item['id']}", json={}, headers={**h, **rid, "If-Match": '"9"'})),
        (422, lambda rid: api.post("/v1/parties", json={}, headers={**h, **rid})),
    ]


def test_every_error_has_the_envelope_and_echoes_the_request_id(api, tenant):
    for number, (status, send) in enumerate(error_requests(api, tenant)):
        # When a request id is sent, the error carries it in the body and the header
        rid = f"req-{number}-abc"
        response = send({"X-Request-ID": rid})
        assert response.status_code == status, (status, response.text)
        error = response.json()["error"]
        assert set(error) >= {"type", "code", "message", "param", "details", "request_id"}
        assert all(isinstance(error[k], str) and error[k] for k in ("type", "code", "message"))
        assert error["type"] in {"invalid_request_error", "authentication_error", "permission_error"}
        assert error["request_id"] == rid and response.headers["X-Request-ID"] == rid
        # And without one, a fresh id is made and still appears in both places
        anonymous = send({})
        generated = anonymous.json()["error"]["request_id"]
        assert generated and generated != rid and anonymous.headers["X-Request-ID"] == generated


def test_successful_responses_echo_the_request_id_too(api, tenant):
    response = api.get("/v1/parties", headers={**tenant.headers, "X-Request-ID": "ok-123"})
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "ok-123"
