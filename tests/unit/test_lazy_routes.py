"""Cold start: routes are built on first use (api/lazy_routes.py), and nothing else about them changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

import pytest
from fastapi import APIRouter, FastAPI, Query
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from ledgerline.api import lazy_routes
from ledgerline.api.app import create_app
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.local import server
from ledgerline.local.template import api_routes
from tests.conftest import ROOT


def _eager_include(app: FastAPI, router: APIRouter, *, responses, dependencies) -> None:  # type: ignore[no-untyped-def]
    """FastAPI's own include of eager copies of the router's routes: how the app factory included them before."""
    eager = APIRouter()
    for route in router.routes:
        if isinstance(route, LazyRoute):
            path, endpoint, kwargs = route.arguments()
            eager.routes.append(APIRoute(path, endpoint, **kwargs))
        else:
            eager.routes.append(route)
    app.include_router(eager, responses=responses, dependencies=dependencies)


def _function_routers() -> dict[str, list[APIRouter]]:
    """Each API function's routers, as its handler module passes them to the app factory."""
    found: dict[str, list[APIRouter]] = {}
    for function in sorted({route.function for route in api_routes()}):
        module = import_module(f"functions.{function}.app")
        found[function] = [value for value in vars(module).values() if isinstance(value, APIRouter)]
    return found


def test_the_openapi_document_is_the_one_eager_routes_make(monkeypatch):
    # The local server's app (every router) and each function's app: the same document, byte for byte
    lazy = {"local": server.create_local_app().openapi()}
    lazy.update({name: create_app(*routers).openapi() for name, routers in _function_routers().items()})
    monkeypatch.setattr(lazy_routes, "include", _eager_include)
    eager = {"local": server.create_local_app().openapi()}
    eager.update({name: create_app(*routers).openapi() for name, routers in _function_routers().items()})
    assert len(lazy) == len(eager) > 30
    for name in eager:
        assert json.dumps(lazy[name], sort_keys=True, default=str) == json.dumps(eager[name], sort_keys=True,
                                                                                 default=str), name


def test_every_router_declares_lazy_routes():
    for routers in _function_routers().values():
        for router in routers:
            # HTTP routes (a WebSocket route is FastAPI's own kind: such a router is included by FastAPI)
            http = [route for route in router.routes if isinstance(route, APIRoute)]
            assert http and all(isinstance(route, LazyRoute) for route in http), router.prefix


def _things(route_class: type[APIRoute]) -> APIRouter:
    router = APIRouter(prefix="/things", tags=["things"], route_class=route_class)

    @router.get("/{thing_id}", responses={404: {"description": "Not found"}})
    def get_thing(thing_id: int, detail: bool = Query(False)) -> dict[str, object]:
        return {"id": thing_id, "detail": detail}

    @router.post("", status_code=201)
    def create_thing(body: dict[str, int]) -> dict[str, int]:
        return body

    return router


def test_a_lazy_route_answers_as_the_eager_one_and_is_built_on_its_first_request():
    lazy_app, eager_app = create_app(_things(LazyRoute)), create_app(_things(APIRoute))
    routes = [route for route in lazy_app.routes if isinstance(route, LazyRoute)]
    assert [(route.path, route.methods) for route in routes] == [("/things/{thing_id}", {"GET"}),
                                                                 ("/things", {"POST"})]
    assert [route.built for route in routes] == [False, False]
    lazy, eager = (TestClient(app, raise_server_exceptions=False) for app in (lazy_app, eager_app))
    requests = [("GET", "/things/7", {"params": {"detail": "true"}}), ("GET", "/things/x", {}),
                ("GET", "/things/7", {"params": {"colour": "red"}}), ("DELETE", "/things/7", {}),
                ("GET", "/nothing", {})]
    for method, path, options in requests:
        answers = [client.request(method, path, headers={"X-Request-ID": "r"}, **options) for client in (lazy, eager)]
        assert answers[0].status_code == answers[1].status_code, (method, path)
        assert answers[0].json() == answers[1].json(), (method, path)
    assert [route.built for route in routes] == [True, False]  # only the route that was requested
    answers = [client.post("/things", json={"a": 1}) for client in (lazy, eager)]
    assert [a.status_code for a in answers] == [201, 201] and answers[0].json() == answers[1].json() == {"a": 1}
    # The include's settings, as FastAPI's include gives them: its dependency first, its responses under the route's
    assert routes[0].tags == ["things"] and {404, 400, 422} <= set(routes[0].responses)
    assert routes[0].dependencies[0].dependency.__name__ == "check_query_parameters"


PROBE = """
import json, sys
import {module} as function
from ledgerline.api.lazy_routes import LazyRoute
from fastapi import APIRouter
routers = [value for value in vars(function).values() if isinstance(value, APIRouter)]
print(json.dumps({{"built": sum(not isinstance(r, LazyRoute) or r.built for router in routers for r in router.routes),
                  "routes": sum(len(router.routes) for router in routers)}}))
"""


@pytest.mark.parametrize("function", ["bills", "reports", "bank_accounts", "invoices"])
def test_importing_a_function_builds_none_of_its_routes(function):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_", "LAMBDA_"))}
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'shared'}"
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=f"functions.{function}.app")], cwd=ROOT,
                         env=env, capture_output=True, text=True, check=True, timeout=60)
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    assert counts["routes"] > 1 and counts["built"] == 0


def test_threads_reading_an_unbuilt_route_all_see_it_built_once(monkeypatch):
    built: list[int] = []
    init = APIRoute.__init__

    def counting_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(1)
        init(self, *args, **kwargs)

    monkeypatch.setattr(APIRoute, "__init__", counting_init)
    route = _things(LazyRoute).routes[0]
    assert isinstance(route, LazyRoute) and not built
    with ThreadPoolExecutor(8) as pool:
        apps = list(pool.map(lambda _: route.app, range(32)))
    assert len(built) == 1 and all(app is apps[0] for app in apps) and route.dependant is not None
