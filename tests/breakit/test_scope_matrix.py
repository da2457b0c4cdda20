"""Scope matrix: every route of template.yaml against keys that lack its scope, are revoked or expired.

Each route's scope is read from its router (the `require(scope)` dependency), not written here. A key
holding every scope but the ones that grant it gets 403 `missing_scope`; a key holding just that
scope gets past authorization; revoked and expired keys get 401 everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ledgerline.domain.scopes import ADMIN, ALL_SCOPES, grants
from ledgerline.services.api_keys import new_key
from ledgerline.store import api_keys as key_store
from tests.breakit.conftest import new_tenant
from tests.breakit.routes import path_params, required_scope, route_id, template_routes

ROUTES = template_routes()
# Path parameters: ids that do not exist, and a year the route refuses, so nothing is changed.
PLACEHOLDERS = {"id": "obj_01AAAAAAAAAAAAAAAAAAAAAAAA", "year": "1000"}


def concrete(path: str) -> str:
    for name in path_params(path):
        path = path.replace(f"{{{name}}}", PLACEHOLDERS.get(name, "x"))
    return path


class Keys:
    """Keys of one tenant, issued on demand through the API with its admin key."""

    def __init__(self, api) -> None:  # type: ignore[no-untyped-def]
        self.api = api
        self.tenant = new_tenant("Scopes Pty Ltd")
        self.issued: dict[frozenset[str], dict[str, str]] = {}

    def holding(self, scopes: set[str]) -> dict[str, str]:
        wanted = frozenset(scopes)
        if wanted not in self.issued:
            response = self.api.post("/v1/api-keys", json={"name": "matrix", "scopes": sorted(wanted)},
                                     headers=self.tenant.headers)
            assert response.status_code == 201, response.text
            self.issued[wanted] = {"Authorization": f"Bearer {response.json()['secret']}"}
        return self.issued[wanted]

    def lacking(self, scope: str) -> dict[str, str]:
        """Every scope except admin and the ones that grant `scope` (its resource's write, for a read)."""
        return self.holding({s for s in ALL_SCOPES if s != ADMIN and not grants([s], scope)})


@pytest.fixture(scope="module")
def keys(api) -> Keys:  # type: ignore[no-untyped-def]
    return Keys(api)


@pytest.fixture(scope="module")
def dead_keys(api, keys) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """An admin key revoked through the API, and one whose expiry has passed (written through the store)."""
    created = api.post("/v1/api-keys", json={"name": "to revoke", "scopes": [ADMIN]}, headers=keys.tenant.headers)
    assert created.status_code == 201, created.text
    revoked = api.delete(f"/v1/api-keys/{created.json()['id']}", headers=keys.tenant.headers)
    assert revoked.status_code == 200, revoked.text
    key, secret = new_key(keys.tenant.tenant_id, "expired", [ADMIN], datetime.now(UTC) - timedelta(seconds=1))
    key_store.insert(key)
    return {"api_key_revoked": {"Authorization": f"Bearer {created.json()['secret']}"},
            "api_key_expired": {"Authorization": f"Bearer {secret}"}}


def test_every_route_declares_one_scope_that_exists(app):
    scopes = {route_id(r): required_scope(app, r) for r in ROUTES}
    assert set(scopes.values()) <= ALL_SCOPES - {ADMIN}, scopes


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_a_key_without_the_routes_scope_is_403(api, app, keys, route):
    scope = required_scope(app, route)
    response = api.request(route.method, concrete(route.path), headers=keys.lacking(scope))
    assert response.status_code == 403, f"{route_id(route)} needs {scope}: {response.status_code} {response.text}"
    error = response.json()["error"]
    assert (error["code"], error["type"], error["param"]) == ("missing_scope", "permission_error", scope)
    # While a key with just that scope is let through (to a 404 or a 422 here, never a 401 or 403)
    allowed = api.request(route.method, concrete(route.path), headers=keys.holding({scope}))
    assert allowed.status_code not in (401, 403), f"{route_id(route)} with {scope}: {allowed.text}"
    assert allowed.status_code < 500, allowed.text


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
@pytest.mark.parametrize("code", ["api_key_revoked", "api_key_expired"])
def test_a_revoked_or_expired_key_is_401_everywhere(api, dead_keys, route, code):
    response = api.request(route.method, concrete(route.path), headers=dead_keys[code])
    assert response.status_code == 401, f"{route_id(route)}: {response.status_code} {response.text}"
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["type"] == "authentication_error"
