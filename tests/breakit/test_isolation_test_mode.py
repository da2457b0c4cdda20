"""Test-mode isolation sweep (issue 20): a tenant's test key tries every route of template.yaml with the same
tenant's live ids, and its live key with the test ids.

It is the cross-tenant property of test_isolation_sweep.py, with the tenant's live data and its test twin as
the two tenants: every route with an object id answers exactly as for an id that never existed (404
`resource_missing`) and changes nothing; every list and report of one mode shows nothing of the other. The
one thing the modes share is the tenant: the twin's id is the live tenant's id with `_test`, so tenant ids
are not counted as leaks here.
"""

from __future__ import annotations

import pytest

from ledgerline.domain import test_mode
from ledgerline.services.tenants import create_test_twin
from tests.breakit.conftest import new_tenant
from tests.breakit.objects import TenantObjects
from tests.breakit.routes import minimal_body, path_params, resource_prefix, route_id
from tests.breakit.test_isolation_sweep import (
    ID_ROUTES,
    OPEN_ROUTES,
    ROUTES,
    _paginated,
    _query_variants,
    comparable,
    never_existed,
)
from tests.conftest import TenantKey

DIRECTIONS = ["test-reads-live", "live-reads-test"]


@pytest.fixture(scope="module")
def spec(app):  # type: ignore[no-untyped-def]
    return app.openapi()


@pytest.fixture(scope="module")
def modes(api) -> dict[str, tuple[TenantObjects, TenantObjects]]:  # type: ignore[no-untyped-def]
    """One tenant's live objects and its test twin's, one of every kind the template's routes serve; by
    direction, (owner, caller)."""
    live_key = new_tenant("Mode Tenant")
    _, test_secret = create_test_twin(live_key.tenant_id)
    test_key = TenantKey(test_mode.test_twin(live_key.tenant_id), test_secret)
    # labelled A and B as in the cross-tenant sweep: the factories give codes that are ids (currencies, rates)
    # of their own to A and B
    live, test = TenantObjects(api, live_key, "A"), TenantObjects(api, test_key, "B")
    for objects in (live, test):
        for prefix in sorted({resource_prefix(r.path) for r in ID_ROUTES}):
            objects.ids_for(prefix)
    return {"test-reads-live": (live, test), "live-reads-test": (test, live)}


def leaked(text: str, owner: TenantObjects, allowed: str | None = None) -> set[str]:
    """The owner's object ids and names found in a response (the tenant ids excepted, see above)."""
    tenant_ids = {owner.tenant.tenant_id, test_mode.live_tenant(owner.tenant.tenant_id)}
    found = {i for i in owner.all_ids() - tenant_ids if i in text and i != allowed}
    return found | {name for name in owner.names() if name in text}


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("route", ID_ROUTES, ids=route_id)
def test_one_mode_cannot_reach_the_other_modes_objects_by_id(api, spec, modes, route, direction):
    owner, caller = modes[direction]
    prefix = resource_prefix(route.path)
    (param,) = path_params(route.path)
    readable = any(r.method == "GET" and r.path == f"{prefix}/{{{param}}}" for r in ROUTES)
    body = minimal_body(spec, route)
    for object_id in owner.ids_for(prefix):
        before = owner.get(f"{prefix}/{object_id}") if readable else None
        theirs = api.request(route.method, route.path.replace(f"{{{param}}}", object_id), json=body,
                             headers=caller.tenant.headers)
        missing_id = never_existed(object_id)
        nothing = api.request(route.method, route.path.replace(f"{{{param}}}", missing_id), json=body,
                              headers=caller.tenant.headers)
        assert theirs.status_code == 404, f"{route_id(route)} with {object_id}: {theirs.status_code} {theirs.text}"
        assert theirs.json()["error"]["code"] == "resource_missing", theirs.text
        assert comparable(theirs, object_id) == comparable(nothing, missing_id)
        assert not leaked(theirs.text, owner, allowed=object_id), theirs.text
        if readable:
            assert owner.get(f"{prefix}/{object_id}") == before, f"{route_id(route)} ({direction}) changed {object_id}"


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("route", OPEN_ROUTES, ids=route_id)
def test_what_one_mode_lists_and_reports_holds_nothing_of_the_other(api, spec, modes, route, direction):
    owner, caller = modes[direction]
    for params in _query_variants(spec, route, owner, caller):
        response = api.get(route.path, params={**params, "limit": 100} if _paginated(spec, route) else params,
                           headers=caller.tenant.headers)
        foreign = next((v for v in params.values() if v in owner.all_ids()), None)
        if foreign is None:
            assert response.status_code == 200, f"{route_id(route)} {params}: {response.text}"
        else:
            assert response.status_code in (200, 404), f"{route_id(route)} {params}: {response.text}"
        assert not leaked(response.text, owner, allowed=foreign), f"{route_id(route)} {params}: {response.text}"


def test_the_sweep_covers_both_modes_of_one_tenant(modes):
    live, test = modes["test-reads-live"]
    assert test.tenant.tenant_id == test_mode.test_twin(live.tenant.tenant_id)
    assert live.get("/v1/tenant")["livemode"] and not test.get("/v1/tenant")["livemode"]
