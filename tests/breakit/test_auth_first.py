"""Authentication comes first on every route (issue 11.18): without a key the answer is 401, whatever the
body (malformed JSON, wrong content type, invalid fields), the headers (a bad If-Match) or the query say."""

from __future__ import annotations

import pytest

from tests.breakit.routes import path_params, route_id, template_routes

ROUTES = template_routes()
WRITES = [route for route in ROUTES if route.method in ("POST", "PUT", "PATCH", "DELETE")]
BAD_REQUESTS = {
    "malformed json": ("{not json", {"Content-Type": "application/json"}),
    "wrong fields": ('{"unknown": 1, "name": 5, "lines": "x"}', {"Content-Type": "application/json"}),
    "form body": ("a=1", {"Content-Type": "application/x-www-form-urlencoded"}),
    "bad if-match": ("{}", {"Content-Type": "application/json", "If-Match": "not an etag",
                            "Idempotency-Key": "x" * 1000}),
}


def concrete(path: str) -> str:
    for name in path_params(path):
        path = path.replace(f"{{{name}}}", "obj_01AAAAAAAAAAAAAAAAAAAAAAAA" if name != "year" else "x")
    return path


@pytest.mark.parametrize("route", WRITES, ids=route_id)
@pytest.mark.parametrize("case", BAD_REQUESTS)
def test_no_key_and_a_bad_request_is_401_on_every_write_route(api, route, case):
    body, headers = BAD_REQUESTS[case]
    response = api.request(route.method, concrete(route.path) + "?limit=abc&as_of=never", content=body,
                           headers=headers)
    assert response.status_code == 401, f"{route_id(route)} {case}: {response.status_code} {response.text}"
    assert response.json()["error"]["type"] == "authentication_error"


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_a_bad_key_and_a_bad_query_is_401_on_every_route(api, route):
    response = api.request(route.method, concrete(route.path) + "?limit=0&cursor=garbage&as_of=never",
                           headers={"Authorization": "Bearer ll_live_" + "x" * 43, "If-Match": "nope"},
                           content="{")
    assert response.status_code == 401, f"{route_id(route)}: {response.status_code} {response.text}"
