"""Routes that build their FastAPI machinery on first use (cold start, issue 13 target 3).

FastAPI builds every route when it is declared: the dependant (each parameter's field), the body field, the
response model's TypeAdapter and the per-status response fields. An included router builds all of that again,
for every one of its routes, on its first request (FastAPI's effective route contexts). A Lambda function
serving one request of one route paid both for every route of its router.

`LazyRoute` registers what routing needs at declaration (path, methods, name, the compiled path regex) and runs
`APIRoute.__init__` with the same arguments the first time anything else is read: when a request matches it,
or when the OpenAPI document is generated. `include` adds a router's routes to an app as lazy routes, with the
same settings `app.include_router` gives them (the include's dependencies first, its responses overridden by
the route's). The routes, their behaviour and the OpenAPI document are the same as eager ones
(tests/unit/test_lazy_routes.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, params
from fastapi.routing import APIRoute, APIRouter
from starlette.routing import compile_path, get_name

# Re-entrant: building a route may read its own attributes not set yet (an AttributeError, as for an eager route)
_BUILDING = threading.RLock()


class LazyRoute(APIRoute):
    """An `APIRoute` built on first use; until then it only matches paths and methods."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        self._arguments = self._lazy_arguments = (path, endpoint, kwargs)
        self.path = path
        self.endpoint = endpoint
        self.name = get_name(endpoint) if kwargs.get("name") is None else kwargs["name"]
        self.path_regex, self.path_format, self.param_convertors = compile_path(path)
        self.methods = {method.upper() for method in kwargs.get("methods") or ["GET"]}

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not set yet: build the route once (one thread builds, others wait for it),
        # then answer from it
        if name.startswith("__"):
            raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")
        with _BUILDING:
            arguments = self.__dict__.pop("_lazy_arguments", None)
            if arguments is not None:
                path, endpoint, kwargs = arguments
                try:
                    APIRoute.__init__(self, path, endpoint, **kwargs)
                except BaseException:
                    self._lazy_arguments = arguments  # the next use raises the same error, as declaring it would
                    raise
        return object.__getattribute__(self, name)

    @property
    def built(self) -> bool:
        """Whether FastAPI's machinery of the route exists yet."""
        return "_lazy_arguments" not in self.__dict__

    def arguments(self) -> tuple[str, Any, dict[str, Any]]:
        """The constructor's arguments (path, endpoint, keyword arguments), without building the route."""
        return self.__dict__["_arguments"]


def include(app: FastAPI, router: APIRouter, *, responses: dict[int | str, dict[str, Any]],
            dependencies: Sequence[params.Depends]) -> None:
    """Add `router`'s routes to `app` as lazy routes, as `app.include_router(router, responses=…,
    dependencies=…)` would add them (no prefix, tags or other include settings: the app factory passes none).
    A router with a route that is not a lazy route is included by FastAPI itself."""
    if not router.routes or not all(isinstance(r, LazyRoute) for r in router.routes):
        app.include_router(router, responses=responses, dependencies=dependencies)
        return
    for route in router.routes:
        assert isinstance(route, LazyRoute)
        path, endpoint, kwargs = route.arguments()
        app.router.routes.append(LazyRoute(path, endpoint, **{
            **kwargs,
            "dependencies": [*dependencies, *(kwargs.get("dependencies") or [])],
            "responses": {**responses, **(kwargs.get("responses") or {})},
            "dependency_overrides_provider": app.router.dependency_overrides_provider,
        }))
    app.router._mark_routes_changed()  # noqa: SLF001 - FastAPI's cache of included routes, as include_router does
