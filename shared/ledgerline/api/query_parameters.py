"""Unknown query parameters are refused, on every route: `?customer=…` (for `customer_id`) or
`?total[gte]=1000` must not silently list everything.

The app factory includes every router with `check_query_parameters` as a dependency. It reads the matched
route's declared query parameters from FastAPI's dependant (the endpoint's own and its dependencies',
such as `limit` and `cursor` of `PageRequest`, by their aliases) and answers 400 `unknown_parameter`
naming the first one it does not know. It runs before the route's own dependencies, so before the key is
checked locally (in AWS the authorizer has already run) and before the values of known parameters are
validated (a bad value of a known parameter stays a 422).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant

from ledgerline.domain.errors import FieldIssue, InvalidRequest


def declared_query_parameters(dependant: Dependant) -> frozenset[str]:
    """The query parameter names a route reads, its dependencies' included."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= declared_query_parameters(sub)
    return frozenset(names)


def accepts_filters(dependant: Dependant) -> bool:
    """True when the route parses filters itself (`api/list_query.ListQuery`, issue 18): it answers an unknown
    field or operator with a 400 that lists what the list supports."""
    return getattr(dependant.call, "accepts_filters", False) or any(accepts_filters(sub)
                                                                     for sub in dependant.dependencies)


def unknown_parameters(given: Iterable[str], declared: frozenset[str]) -> list[str]:
    return list(dict.fromkeys(name for name in given if name not in declared))


def check_query_parameters(request: Request) -> None:
    route: Any = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or accepts_filters(dependant):
        return
    declared = declared_query_parameters(dependant)
    unknown = unknown_parameters(request.query_params.keys(), declared)
    if unknown:
        takes = ", ".join(sorted(declared)) or "no query parameters"
        raise InvalidRequest(
            f"Unknown query parameter '{unknown[0]}'; this route takes: {takes}",
            param=unknown[0],
            code="unknown_parameter",
            details=[FieldIssue(name, "unknown query parameter") for name in unknown],
        )
