"""What the sweeps iterate over: every route template.yaml declares, the route serving it, its scope.

Nothing here lists routes by hand: new routes in template.yaml are swept as soon as they appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from ledgerline.local.template import Route, api_routes

PARAM = re.compile(r"\{(\w+)\}")


def template_routes() -> list[Route]:
    return sorted(api_routes(), key=lambda r: (r.path, r.method))


def route_id(route: Route) -> str:
    return f"{route.method} {route.path}"


def path_params(path: str) -> list[str]:
    return PARAM.findall(path)


def resource_prefix(path: str) -> str:
    """The part of the path before its first parameter: `/v1/invoices/{id}/post` → `/v1/invoices`."""
    return path.split("/{", 1)[0].rstrip("/")


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for candidate in routes:
        if isinstance(candidate, APIRoute):
            yield candidate
        elif hasattr(candidate, "original_router"):  # FastAPI keeps included routers as branches
            yield from _api_routes(candidate.original_router.routes)


def served_route(app: FastAPI, route: Route) -> APIRoute:
    for candidate in _api_routes(app.routes):
        if candidate.path == route.path and route.method in candidate.methods:
            return candidate
    raise AssertionError(f"{route_id(route)} is in template.yaml but the local app does not serve it")


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependencies(sub)


def required_scope(app: FastAPI, route: Route) -> str:
    """The scope the route's `require(...)` dependency checks, read from the router itself."""
    scopes = {getattr(d.call, "scope", None) for d in _dependencies(served_route(app, route).dependant)} - {None}
    assert len(scopes) == 1, f"{route_id(route)} must depend on exactly one require(scope), found {scopes or 'none'}"
    return scopes.pop()


# ------------------------------------------------------------------------------ OpenAPI helpers


def operation(spec: dict[str, Any], route: Route) -> dict[str, Any]:
    return spec["paths"][route.path][route.method.lower()]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def minimal_instance(spec: dict[str, Any], schema: dict[str, Any], name: str = "") -> Any:
    """The smallest value the schema accepts: required properties only, simple valid scalars."""
    schema = _resolve(spec, schema)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            options = [o for o in schema[combinator] if _resolve(spec, o).get("type") != "null"]
            return minimal_instance(spec, options[0], name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {key: minimal_instance(spec, schema["properties"][key], key) for key in schema.get("required", [])}
    if kind == "array":
        return [minimal_instance(spec, schema.get("items", {}), name) for _ in range(schema.get("minItems", 0))]
    if kind in ("number", "integer"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date":
        return date.today().isoformat()
    if fmt == "date-time":
        return f"{date.today().isoformat()}T00:00:00Z"
    if name in ("url",) or fmt == "uri":
        return "http://127.0.0.1:9/hook"
    if name == "email":
        return "someone@example.com"
    if name.endswith("amount") or name in ("quantity", "unit_price", "rate"):
        return "1.00"
    return "x"


def minimal_body(spec: dict[str, Any], route: Route) -> Any:
    """A body that passes validation for a route that requires one (None when the body is optional)."""
    body = operation(spec, route).get("requestBody")
    if not body or not body.get("required"):
        return None
    return minimal_instance(spec, body["content"]["application/json"]["schema"])


def query_parameters(spec: dict[str, Any], route: Route) -> list[dict[str, Any]]:
    return [p for p in operation(spec, route).get("parameters", []) if p["in"] == "query"]
