"""Keys at rest: a raw dump of the table holds no API key secret and no webhook signing secret.

Secrets are shown once, in the response that creates them; the table keeps a digest (API keys) or
ciphertext (webhook secrets). The check scans every item of the table, every attribute, for the
secrets as issued and for their random part alone.
"""

from __future__ import annotations

from ledgerline.local.template import api_routes
from ledgerline.settings import get_settings
from ledgerline.store.table import connection
from tests.breakit.conftest import new_tenant
from tests.conftest import raw_json


def raw_items() -> list[str]:
    client = connection().connection.client
    return [raw_json(item) for page in client.get_paginator("scan").paginate(TableName=get_settings().table_name)
            for item in page["Items"]]


def forms(secret: str) -> set[str]:
    """The secret and its random part (without the `ll_live_` / `whsec_` prefix)."""
    for prefix in (get_settings().api_key_prefix, get_settings().test_api_key_prefix, "whsec_"):
        if secret.startswith(prefix):
            return {secret, secret[len(prefix):]}
    return {secret}


def test_no_secret_is_stored_in_plain_text(api):
    # Given a tenant (its admin key), keys issued through the API, and a rotated key's secrets
    tenant = new_tenant("Secrets Pty Ltd")
    secrets = [tenant.secret]
    for scopes in (["parties:read"], ["invoices:write", "reports:read"], ["admin"]):
        created = api.post("/v1/api-keys", json={"name": "at rest", "scopes": scopes}, headers=tenant.headers)
        assert created.status_code == 201, created.text
        secrets.append(created.json()["secret"])
    # And webhook signing secrets, once the webhook endpoints exist: on creation and after a rotation
    if any(route.path == "/v1/webhooks" and route.method == "POST" for route in api_routes()):
        for n in range(2):
            hook = api.post("/v1/webhooks", json={"url": f"http://127.0.0.1:9/at-rest-{n}", "events": ["*"]},
                            headers=tenant.headers)
            assert hook.status_code == 201, hook.text
            secrets.append(hook.json()["secret"])
            rotated = api.post(f"/v1/webhooks/{hook.json()['id']}/rotate-secret", headers=tenant.headers)
            assert rotated.status_code == 200, rotated.text
            secrets.append(rotated.json()["secret"])
    assert len(set(secrets)) == len(secrets)
    # When the whole table is dumped
    items = raw_items()
    assert any(tenant.tenant_id in item for item in items)
    # Then no secret appears in any attribute of any item
    for secret in secrets:
        for form in forms(secret):
            assert len(form) >= 20
            found = [item[:200] for item in items if form in item]
            assert not found, f"a secret is stored in plain text: {found}"
