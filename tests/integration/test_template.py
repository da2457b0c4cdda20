"""template.yaml is the one source of wiring: it lints, its routes are what the functions serve, its table is ours."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from ledgerline.local.server import create_local_app
from ledgerline.local.template import TEMPLATE, api_routes, load_template, ttl_attribute
from ledgerline.settings import get_settings
from ledgerline.store.table import connection
from tests.conftest import ROOT

BIN = Path(sys.executable).parent
NOT_API = {"/", "/health", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/redoc"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


# ------------------------------------------------------------------ (a) linters


@pytest.fixture(scope="module")
def linters() -> dict[str, subprocess.CompletedProcess[str]]:
    """cfn-lint and `sam validate --lint`, run side by side (each takes a couple of seconds)."""
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}
    commands = {
        "cfn-lint": [str(BIN / "cfn-lint"), str(TEMPLATE)],
        "sam validate": [str(BIN / "sam"), "validate", "--lint", "--template-file", str(TEMPLATE)],
    }
    running = {name: subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True) for name, command in commands.items()}
    results = {}
    for name, process in running.items():
        output, _ = process.communicate(timeout=120)
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, output)
    return results


@pytest.mark.parametrize("linter", ["cfn-lint", "sam validate"])
def test_the_template_passes_the_linters(linters, linter):
    result = linters[linter]
    assert result.returncode == 0, result.stdout


# ------------------------------------------------------------------ (b) routes


def served_by(router_module: str) -> set[tuple[str, str]]:
    router = importlib.import_module(router_module).router
    return {(method, route.path) for route in router.routes if isinstance(route, APIRoute)
            for method in route.methods - IGNORED_METHODS}


def declared() -> dict[str, set[tuple[str, str]]]:
    routes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for route in api_routes():
        routes[route.function].add((route.method, route.path))
    return dict(routes)


def api_functions() -> list[str]:
    """Code folders of the template's functions that API Gateway routes to."""
    return sorted(declared())


def test_the_template_declares_api_routes():
    routes = declared()
    assert {"tenant", "api_keys", "parties", "items", "accounts", "tax_codes"} <= set(routes)
    assert ("POST", "/v1/parties") in routes["parties"]


@pytest.mark.parametrize("function", api_functions())
def test_each_function_serves_exactly_the_routes_the_template_gives_it(function):
    # Given the routes the template sends to this function, and the router its folder names
    expected = declared()[function]
    served = served_by(f"ledgerline.api.routers.{function}")
    # Then every declared route is served (else API Gateway forwards to a 404)...
    assert not expected - served, f"declared in template.yaml but not served: {sorted(expected - served)}"
    # ...and every served route is declared (else it is unreachable in AWS)
    assert not served - expected, f"served but missing from template.yaml: {sorted(served - expected)}"


@pytest.mark.parametrize("function", api_functions())
def test_each_function_adapter_serves_its_own_router_and_no_other(function):
    source = (ROOT / "functions" / function / "app.py").read_text()
    routers = re.findall(r"ledgerline\.api\.routers(?:\.(\w+))?\s+import\s+([\w, ]+)", source)
    assert routers == [(function, "router")], routers
    assert "Mangum(create_app(router)" in source


def test_every_function_folder_is_in_the_template_and_every_code_uri_exists():
    resources = load_template()["Resources"].values()
    functions = [r for r in resources if r.get("Type") == "AWS::Serverless::Function"]
    code_uris = {Path(r["Properties"]["CodeUri"]).name for r in functions}
    folders = {p.parent.name for p in (ROOT / "functions").glob("*/app.py")}
    assert folders == code_uris
    assert set(api_functions()) <= folders


def test_every_router_module_belongs_to_a_function():
    modules = {p.stem for p in (ROOT / "shared" / "ledgerline" / "api" / "routers").glob("*.py")} - {"__init__"}
    assert modules == set(api_functions())


def test_the_local_server_documents_exactly_the_union_of_the_template_routes():
    schema = create_local_app().openapi()
    documented = {(method.upper(), path) for path, operations in schema["paths"].items() if path not in NOT_API
                  for method in operations if method.upper() not in IGNORED_METHODS}
    union = set().union(*declared().values())
    assert documented == union, {"not served locally": sorted(union - documented),
                                 "not in template": sorted(documented - union)}


@pytest.mark.parametrize("route", sorted(api_routes(), key=lambda r: (r.path, r.method)),
                         ids=lambda r: f"{r.method} {r.path}")
def test_the_local_server_answers_every_template_route(api, route):
    # Without a key the route's own auth answers 401; an unserved route would be 404 or 405 instead
    path = re.sub(r"\{[^}]+\}", "x", route.path)
    response = api.request(route.method, path, json={} if route.method in ("POST", "PATCH", "PUT") else None)
    assert response.status_code == 401, (response.status_code, response.text)


# ------------------------------------------------------------------ (c) the table


def test_the_test_table_was_built_from_the_template():
    props = load_template()["Resources"]["Table"]["Properties"]
    client = connection().connection.client
    table = client.describe_table(TableName=get_settings().table_name)["Table"]

    def by_name(definitions):
        return {d["AttributeName"]: d.get("AttributeType", d.get("KeyType")) for d in definitions}

    assert table["KeySchema"] == props["KeySchema"]
    assert by_name(table["AttributeDefinitions"]) == by_name(props["AttributeDefinitions"])
    assert table["BillingModeSummary"]["BillingMode"] == props["BillingMode"]
    indexes = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}
    expected = {i["IndexName"]: i for i in props.get("GlobalSecondaryIndexes", [])}
    assert set(indexes) == set(expected)
    for name, index in expected.items():
        assert indexes[name]["KeySchema"] == index["KeySchema"], name
        assert indexes[name]["Projection"]["ProjectionType"] == index["Projection"]["ProjectionType"], name
    assert table["StreamSpecification"] == {"StreamEnabled": True,
                                            "StreamViewType": props["StreamSpecification"]["StreamViewType"]}
    ttl = client.describe_time_to_live(TableName=get_settings().table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == ttl_attribute() == props["TimeToLiveSpecification"]["AttributeName"]
    assert ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING")
