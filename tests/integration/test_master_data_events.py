"""Master data, API keys and the tenant emit events (issue 11.24), written in the same transaction as the
change, carrying the object as the API shows it and never a secret; webhooks can subscribe to them."""

from __future__ import annotations

import json

from ledgerline.domain.webhooks import EVENT_TYPES, unknown_event_types
from ledgerline.store.events import list_events


def events_of(tenant_id: str, object_id: str) -> list[tuple[str, int, dict]]:
    found = [e for e in list_events(tenant_id, limit=1000) if e.object_id == object_id]
    return [(e.type, int(e.sequence), e.payload()) for e in found]


def test_a_party_is_created_updated_and_archived_with_events(api, tenant):
    h = tenant.headers
    party = api.post("/v1/parties", json={"name": "Globex", "email": "ap@globex.example"}, headers=h).json()
    changed = api.patch(f"/v1/parties/{party['id']}", json={"name": "Globex Corp"}, headers=h).json()
    archived = api.delete(f"/v1/parties/{party['id']}", headers=h).json()
    assert [(t, s) for t, s, _ in events_of(tenant.tenant_id, party["id"])] == [
        ("party.created", 1), ("party.updated", 2), ("party.archived", 3)]
    # each event carries the object exactly as the API answered
    assert [d for _, _, d in events_of(tenant.tenant_id, party["id"])] == [party, changed, archived]
    # and the event log serves them like any other
    logged = api.get(f"/v1/events?object_id={party['id']}&type=party.archived", headers=h).json()["data"]
    assert [e["type"] for e in logged] == ["party.archived"]


def test_items_accounts_and_tax_codes_emit_events_with_the_api_representation(api, tenant):
    h = tenant.headers
    sales_tax = next(a for a in api.get("/v1/accounts?subtype=tax&limit=100", headers=h).json()["data"]
                     if a["code"] == "2200")
    tax = api.post("/v1/tax-codes", json={"code": "EVT5", "name": "Five", "rate": "5",
                                          "account_id": sales_tax["id"]}, headers=h).json()
    item = api.post("/v1/items", json={"code": "EVT-1", "name": "Widget", "unit_price": "150",
                                       "tax_code_id": tax["id"]}, headers=h).json()
    account = api.post("/v1/accounts", json={"code": "4990", "name": "Misc", "type": "revenue",
                                             "subtype": "other_income"}, headers=h).json()
    api.patch(f"/v1/items/{item['id']}", json={"code": "EVT-2"}, headers=h)
    api.delete(f"/v1/tax-codes/{tax['id']}", headers=h)
    assert [t for t, _, _ in events_of(tenant.tenant_id, tax["id"])] == ["tax_code.created", "tax_code.archived"]
    assert [t for t, _, _ in events_of(tenant.tenant_id, item["id"])] == ["item.created", "item.updated"]
    assert events_of(tenant.tenant_id, account["id"]) == [("account.created", 1, account)]
    created = events_of(tenant.tenant_id, item["id"])[0][2]
    assert created == item and created["unit_price"] == "150.00"
    assert events_of(tenant.tenant_id, item["id"])[1][2]["code"] == "EVT-2"


def test_a_refused_change_writes_no_event(api, tenant):
    h = tenant.headers
    assert api.post("/v1/items", json={"code": "DUP", "name": "x"}, headers=h).status_code == 201
    assert api.post("/v1/items", json={"code": "DUP", "name": "y"}, headers=h).status_code == 409
    party = api.post("/v1/parties", json={"name": "Stale"}, headers=h).json()
    stale = api.patch(f"/v1/parties/{party['id']}", json={"name": "x"}, headers={**h, "If-Match": '"7"'})
    assert stale.status_code == 412
    types = [e.type for e in list_events(tenant.tenant_id, limit=1000)]
    assert types.count("item.created") == 1 and types.count("party.updated") == 0


def test_api_keys_emit_created_and_revoked_without_secrets(api, tenant):
    h = tenant.headers
    created = api.post("/v1/api-keys", json={"name": "CRM sync", "scopes": ["parties:read"]}, headers=h).json()
    api.delete(f"/v1/api-keys/{created['id']}", headers=h)
    api.delete(f"/v1/api-keys/{created['id']}", headers=h)  # revoking again changes nothing and emits nothing
    events = events_of(tenant.tenant_id, created["id"])
    assert [(t, s) for t, s, _ in events] == [("api_key.created", 1), ("api_key.revoked", 2)]
    shown = {k: v for k, v in created.items() if k != "secret"}
    assert events[0][2] == shown
    assert events[1][2]["status"] == "revoked" and events[1][2]["revoked_at"]
    raw = json.dumps([d for _, _, d in events])
    assert created["secret"] not in raw and "secret" not in raw and "KEY#" not in raw and "digest" not in raw


def test_the_tenant_emits_created_updated_and_deactivated(api, make_tenant):
    from ledgerline.services.tenants import deactivate_tenant

    tenant = make_tenant()
    changed = api.patch("/v1/tenant", json={"name": "Renamed Pty Ltd"}, headers=tenant.headers).json()
    deactivate_tenant(tenant.tenant_id)
    events = events_of(tenant.tenant_id, tenant.tenant_id)
    assert [(t, s) for t, s, _ in events] == [("tenant.created", 1), ("tenant.updated", 2), ("tenant.deactivated", 3)]
    assert events[1][2] == changed
    assert events[2][2]["status"] == "deactivated"
    # the admin key made with the tenant, and its revocation on deactivation
    types = [e.type for e in list_events(tenant.tenant_id, limit=1000)]
    assert types.count("api_key.created") == 1 and types.count("api_key.revoked") == 1


def test_webhooks_can_subscribe_to_the_new_types(api, tenant):
    new = ["party.created", "party.updated", "party.archived", "item.*", "account.*", "tax_code.archived",
           "api_key.created", "api_key.revoked", "tenant.updated"]
    assert unknown_event_types(new) == []
    assert {"party.archived", "api_key.revoked", "tenant.deactivated"} <= EVENT_TYPES
    response = api.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/crm", "events": new}, headers=tenant.headers)
    assert response.status_code == 201, response.text
