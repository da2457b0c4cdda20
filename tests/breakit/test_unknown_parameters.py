"""Unknown query parameters (issue 11.22): every route of template.yaml refuses one with 400
`unknown_parameter` naming it, instead of ignoring it (a typo such as `?customer=` for `customer_id`
listed every invoice). Declared parameters are read from the routers, not listed here."""

from __future__ import annotations

import pytest

from tests.breakit.conftest import new_tenant
from tests.breakit.routes import route_id, template_routes
from tests.breakit.test_scope_matrix import concrete

ROUTES = template_routes()


@pytest.fixture(scope="module")
def admin() -> dict[str, str]:
    return new_tenant("Unknown Params Pty Ltd").headers


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_every_route_refuses_an_unknown_query_parameter(api, admin, route):
    # Issue 18 made `total[gte]` a real filter of the invoice list: the probe is a field no list declares.
    response = api.request(route.method, concrete(route.path) + "?no_such_field[gte]=1000&limit=10", headers=admin)
    assert response.status_code == 400, f"{route_id(route)}: {response.status_code} {response.text}"
    error = response.json()["error"]
    assert (error["type"], error["code"], error["param"]) == ("invalid_request_error", "unknown_parameter",
                                                              "no_such_field[gte]"), route_id(route)


def test_a_typo_of_a_filter_is_refused_and_the_filter_itself_works(api, admin):
    response = api.get("/v1/invoices?customer=pty_01AAAAAAAAAAAAAAAAAAAAAAAA", headers=admin)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "customer"
    assert "customer_id" in response.json()["error"]["message"]  # the message lists what the route takes
    listed = api.get("/v1/invoices?customer_id=pty_01AAAAAAAAAAAAAAAAAAAAAAAA&limit=5", headers=admin)
    assert listed.status_code == 200 and listed.json()["data"] == []


def test_parameters_of_dependencies_and_aliases_are_known(api, admin):
    # `limit`/`cursor` come from the pagination dependency, `from` is an alias, `type` repeats
    assert api.get("/v1/parties?limit=1&kind=customer&archived=false", headers=admin).status_code == 200
    assert api.get("/v1/reports/profit-and-loss?from=2026-01-01&to=2026-01-31&format=csv",
                   headers=admin).status_code == 200
    assert api.get("/v1/events?type=invoice.posted&type=party.created", headers=admin).status_code == 200
    # A bad value of a known parameter stays a 422
    assert api.get("/v1/parties?limit=abc", headers=admin).status_code == 422
