"""Query parameters of a planned list (issue 18): `field=value` and `field[op]=value` on the fields the list
declares (`domain/query.ListFields`), `sort=field:asc|desc`, `search=` with `search_fields=`,
`updated_since=<timestamp>` and `include=total_count`, parsed into a typed `domain/query.Query`.

A field or operator the list does not declare is a 400 naming it and listing what the list supports; a value
that is not of the field's type (a date, a decimal, a timestamp, one of an enum's values) is a 422 naming the
parameter, as a body's field would be. The route's other declared parameters (`limit`, `cursor`, a list's
older filters such as `from_date`) are left to the route: `check_query_parameters` defers to this parser for
the routes that use it (`accepts_filters`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, Literal

from fastapi import Query as QueryParam
from fastapi import Request
from pydantic import BaseModel, TypeAdapter, ValidationError

from ledgerline.api.pagination import ListResponse, T
from ledgerline.api.query_parameters import declared_query_parameters
from ledgerline.domain.errors import FieldIssue, InvalidRequest, ValidationFailed
from ledgerline.domain.metadata import key_problem, value_problem
from ledgerline.domain.money import MAX_AMOUNT
from ledgerline.domain.query import (
    OPERATORS,
    READ_BUDGET,
    Field,
    ListFields,
    Predicate,
    Query,
    described,
    metadata_predicate,
    normalise,
)

NAME = re.compile(r"^(?P<field>[a-z_][a-z0-9_]*)(?:\[(?P<op>[a-z]+)\])?$")
METADATA_NAME = re.compile(r"^metadata\[(?P<key>[^\[\]]*)\]$")  # issue 20: `metadata[order_id]=42`
RESERVED = ("sort", "search", "search_fields", "updated_since", "include")
MAX_VALUES = 100  # DynamoDB's IN takes at most 100 operands
MAX_TEXT = 200
_MOMENT = TypeAdapter(datetime)


class DeletedOut(BaseModel):
    """A record deleted in the last 30 days, as `updated_since` lists it (issue 18): a deleted draft."""

    id: str
    object: str
    deleted: Literal[True] = True
    updated_at: datetime


def shown(record: Any, present: Any) -> Any:
    """A planned list's item: the record as `present` shows it, or its tombstone."""
    if getattr(record, "deleted", None) is True:
        return DeletedOut(id=record.id, object=record.object_type, updated_at=record.updated_at)
    return present(record)


class QueryListResponse(ListResponse[T], Generic[T]):
    """A planned list's page: the envelope, plus whether the read budget ended the page early and, with
    `include=total_count`, how many items match and whether that count is exact (`total_count_exact`: false when
    counting spent the read budget first; `total_count` is then how many it found so far)."""

    read_budget_exhausted: bool = False
    total_count: int | None = None
    total_count_exact: bool | None = None  # with `include=total_count`: false when counting hit the read budget


def _bad_value(param: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{param}: {message}", param=param, details=[FieldIssue(param, message)])


def parse_value(f: Field, param: str, raw: str) -> Any:
    """One value of a field, typed and checked like a body's."""
    if f.type in ("string", "enum"):
        if f.type == "enum" and raw not in f.values and raw not in f.aliases:
            raise _bad_value(param, f"'{raw}' is not one of {', '.join([*f.values, *f.aliases])}")
        if len(raw) > MAX_TEXT:
            raise _bad_value(param, f"at most {MAX_TEXT} characters")
        return raw
    if f.type == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                raise ValueError
            return date.fromisoformat(raw)
        except ValueError:
            raise _bad_value(param, "a date as YYYY-MM-DD") from None
    if f.type == "datetime":
        return parse_moment(param, raw)
    if f.type == "decimal":
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise _bad_value(param, "a decimal number such as 1000.00") from None
        if not value.is_finite() or abs(value) > MAX_AMOUNT or not re.fullmatch(r"-?\d+(\.\d+)?", raw):
            raise _bad_value(param, "a decimal number such as 1000.00")
        return value
    if f.type == "integer":  # a count such as a file's size in bytes (issue 18, part QB)
        if not re.fullmatch(r"-?\d{1,15}", raw):
            raise _bad_value(param, "a whole number such as 1024")
        return int(raw)
    if f.type == "bool":
        if raw not in ("true", "false"):
            raise _bad_value(param, "true or false")
        return raw == "true"
    raise AssertionError(f.type)


def parse_moment(param: str, raw: str) -> datetime:
    """An ISO 8601 timestamp; one without an offset is UTC."""
    try:
        moment = _MOMENT.validate_python(raw)
    except ValidationError:
        raise _bad_value(param, "a timestamp in ISO 8601, such as 2026-03-01T00:00:00Z") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def predicate(f: Field, op: str, param: str, raw: str) -> Predicate:
    if op in ("in", "nin"):
        parts = [part for part in raw.split(",") if part != ""]
        if not parts or len(parts) > MAX_VALUES:
            raise _bad_value(param, f"1 to {MAX_VALUES} comma-separated values")
        values = tuple(parse_value(f, param, part) for part in parts)
    else:
        values = (parse_value(f, param, raw),)
    if op in ("contains", "startswith", "endswith") and not normalise(values[0]):
        raise _bad_value(param, "a text of at least one character")
    if f.aliases:  # an enum value that stands for several (`open`): eq/in ask for any of them, ne/nin for none
        values = tuple(dict.fromkeys(v for value in values for v in f.aliases.get(value, (value,))))
        if len(values) > 1 or op in ("in", "nin"):
            op = {"eq": "in", "ne": "nin"}.get(op, op)
            return Predicate(f.name, op, values)
    return Predicate(f.name, op, values if op in ("in", "nin") else values[0])


class ListQuery:
    """The dependency a planned list's route takes: `Depends(ListQuery(INVOICES))`."""

    accepts_filters = True

    def __init__(self, fields: ListFields) -> None:
        self.fields = fields

    def description(self) -> str:
        return described(self.fields)

    def openapi_extra(self) -> dict[str, Any]:
        """The list's query language, machine-readable (`x-ledgerline-query`), for generated clients."""
        return {"x-ledgerline-query": {
            "filters": {f.name: {"type": f.type, "operators": list(f.operators),
                                 **({"values": [*f.values, *f.aliases]} if f.values else {}),
                                 "case_insensitive": f.normalised} for f in self.fields.fields.values()},
            "sorts": list(self.fields.sorts),
            "sort_combinations": self.fields.sort_combinations(),
            "lookups": list(self.fields.lookups),
            "search_fields": list(self.fields.search_fields),
            "default_search_fields": list(self.fields.default_search_fields),
            "read_budget": READ_BUDGET,
        }}

    def __call__(
        self,
        request: Request,
        sort: str | None = QueryParam(None, description="`field:asc` or `field:desc` on a sortable field, or a "
                                                        "field and its tie-breaker (`due_date:asc,id:asc`)"),
        search: str | None = QueryParam(None, max_length=MAX_TEXT,
                                        description="Case-insensitive substring over `search_fields`"),
        search_fields: str | None = QueryParam(None, description="Comma-separated fields `search` looks in"),
        updated_since: str | None = QueryParam(None, description="Changed at or after this ISO 8601 timestamp; "
                                                                 "ordered by `updated_at`"),
        include: str | None = QueryParam(None, description="`total_count`: also count every matching item"),
    ) -> Query:
        route: Any = request.scope.get("route")
        declared = declared_query_parameters(route.dependant) if route is not None else frozenset()
        predicates: list[Predicate] = []
        for param, raw in request.query_params.multi_items():
            if param in declared:
                continue
            predicates.append(self._filter(param, raw))
        named = {p.field for p in predicates}
        predicates += [p for p in self.fields.defaults if p.field not in named]
        field_sort, descending = self._sort(sort)
        return Query(
            predicates=tuple(predicates),
            sort=field_sort,
            descending=descending,
            search=self._search(search),
            search_fields=self._search_fields(search_fields),
            updated_since=None if updated_since is None else parse_moment("updated_since", updated_since),
            include_total=self._include(include),
        )

    def _filter(self, param: str, raw: str) -> Predicate:
        by_metadata = METADATA_NAME.match(param)
        if by_metadata is not None:
            return _metadata_filter(param, by_metadata["key"], raw)
        match = NAME.match(param)
        f = self.fields.fields.get(match["field"]) if match else None
        if f is None:
            supported = ", ".join(self.fields.fields)
            raise InvalidRequest(
                f"Unknown query parameter '{param}'; this list filters on: {supported} (as `field=value` or "
                f"`field[op]=value`)", param=param, code="unknown_parameter",
                details=[FieldIssue(param, "unknown query parameter")])
        op = match["op"] or "eq"
        if op not in f.operators:
            what = "unknown operator" if op not in OPERATORS else f"operator not supported on {f.name}"
            raise InvalidRequest(
                f"{what} '{op}' in '{param}'; {f.name} takes: {', '.join(f.operators)}", param=param,
                code="unsupported_operator", details=[FieldIssue(param, what)])
        return predicate(f, op, param, raw)

    def _sort(self, sort: str | None) -> tuple[str | None, bool]:
        """`field:dir`, or `field:dir,tie:dir` where the field's index orders ties by `tie` (same direction)."""
        if sort is None:
            return None, False
        parts = [part.strip() for part in sort.split(",") if part.strip()]
        sortable = ", ".join(self.fields.sorts)
        fields = [part.partition(":") for part in parts]
        first = fields[0][0] if fields else ""
        if not parts or first not in self.fields.sorts or any(d not in ("", "asc", "desc") for _, _, d in fields):
            raise InvalidRequest(f"cannot sort by '{sort}'; sortable: {sortable} (as field:asc or field:desc)",
                                 param="sort", code="unsupported_sort")
        directions = {d or "asc" for _, _, d in fields}
        names = tuple(name for name, _, _ in fields[1:])
        ties = self.fields.ties_of(first)
        if len(directions) != 1 or names != ties[:len(names)]:
            served = ", ".join(combo for combo in self.fields.sort_combinations() if "," in combo)
            raise InvalidRequest(
                f"cannot sort by '{sort}': an index orders ties by the second field only as {served}; sortable "
                f"alone: {sortable}", param="sort", code="unsupported_sort")
        return first, directions == {"desc"}

    def _search(self, search: str | None) -> str | None:
        if search is None:
            return None
        if not normalise(search):
            raise _bad_value("search", "a text of at least one character")
        return search

    def _search_fields(self, search_fields: str | None) -> tuple[str, ...]:
        if search_fields is None:
            return ()
        names = tuple(dict.fromkeys(name.strip() for name in search_fields.split(",") if name.strip()))
        unknown = [name for name in names if name not in self.fields.search_fields]
        if unknown or not names:
            raise InvalidRequest(
                f"cannot search '{unknown[0] if unknown else search_fields}'; search_fields takes: "
                f"{', '.join(self.fields.search_fields)}", param="search_fields", code="unsupported_search_field")
        return names

    def _include(self, include: str | None) -> bool:
        if include is None:
            return False
        if include != "total_count":
            raise InvalidRequest("include takes: total_count", param="include", code="invalid_request")
        return True


def _metadata_filter(param: str, key: str, raw: str) -> Predicate:
    """`metadata[key]=value`: the objects whose metadata holds `value` under `key` (equality)."""
    problem = key_problem(key) or (value_problem(raw) if raw else "a value of at least one character")
    if problem is not None:
        raise _bad_value(param, problem)
    return metadata_predicate(key, raw)


def respond(page: Any, items: list[Any], result: Any, tenant_id: str, query: Query) -> dict[str, Any]:
    """The envelope of a planned list's page (`QueryListResponse`)."""
    body = page.respond(items, result.next_key, tenant_id)
    body["read_budget_exhausted"] = result.budget_exhausted
    if query.include_total:
        body["total_count"] = result.total_count
        body["total_count_exact"] = result.total_exact
    return body


def with_older_filters(query: Query, statuses: frozenset[str] | None, party_field: str, party_id: str | None,
                       date_field: str, from_date: Any, to_date: Any) -> Query:
    """A planned query with a document list's older parameters (`status`, `<party>_id`, `from_date`, `to_date`
    on its document date) as predicates ahead of the request's own (issue 18, part Q1)."""
    older = [Predicate("status", "in", tuple(sorted(statuses))) if statuses is not None else None,
             Predicate(party_field, "eq", party_id) if party_id is not None else None,
             Predicate(date_field, "gte", from_date) if from_date is not None else None,
             Predicate(date_field, "lte", to_date) if to_date is not None else None]
    return replace(query, predicates=(*[p for p in older if p is not None], *query.predicates))
