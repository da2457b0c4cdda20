"""The query planner (issue 18): filter operators, sorts, lookups, search and `updated_since`, planned on the
table's indexes, with a read budget per request.

A list declares a `ListSpec`: its fields (type, operators), the `Access` paths its entity's keys give it (an
index partition and the field its sort key orders by) and which of them serve a sort or an equality lookup.
`plan` picks one access path for a `Query`:

1. `sort=` asks for an order: the access path that orders by that field (a narrower one when the filters
   allow it, e.g. open invoices by due date from the open-invoice index); a field without one is refused by
   the API layer before anything is read;
2. without a sort, an equality on a lookup field (`number=`, `reference=`) reads that index, else
   `updated_since` reads the changes index, else the list's default order;
3. a range or equality on the chosen path's field becomes the key condition; every predicate (that one
   too, so the result never depends on how the key was built) goes into the FilterExpression; what DynamoDB
   cannot express (`endswith`) is checked here on the items read, within the same budget.

`run` pages through the chosen path with the signed cursor's key and stops at `READ_BUDGET` items read
(DynamoDB's ScannedCount, what a request pays for): it then answers what it found with a cursor and says
the budget was hit. No request reads an unbounded set; `include=total_count` is a COUNT query over the same
path and filter (it reads every matching key: documented as such).

Nothing outside `store/` sees a key string or an expression: the API hands typed `Predicate`s over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import BooleanAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path

from ledgerline.domain.query import METADATA, READ_BUDGET, Field, ListFields, Predicate, Query, normalise
from ledgerline.store.records import check_start_key
from ledgerline.store.table import TableModel, connection, key_of

TOMBSTONE = "TOMBSTONE"
TOMBSTONE_DAYS = 30


class Tombstone(TableModel):
    """A deleted record as `updated_since` shows it for 30 days (`deleted: true`): in the record's own partition
    (`<its PK>` / `TOMBSTONE`), in its list's changes partition of GSI5, and gone by TTL. Put in the transaction
    that deletes the record (one more item in it, no round trip)."""

    NOUN = "deleted record"

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    object_type = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    deleted = BooleanAttribute(default=True)
    expires_at = TTLAttribute()

    @classmethod
    def of(cls, record: Any, changes_partition: str, at: datetime) -> Tombstone:
        tombstone = cls(id=record.id, tenant_id=record.tenant_id, object_type=record.NOUN.replace(" ", "_"),
                        updated_at=at, deleted=True, expires_at=at + timedelta(days=TOMBSTONE_DAYS))
        tombstone.pk, tombstone.sk = record.pk, TOMBSTONE
        tombstone.gsi5pk, tombstone.gsi5sk = changes_partition, f"{moment_key(at)}#{record.id}"
        return tombstone


def is_tombstone(raw: dict[str, Any]) -> bool:
    return raw.get("SK", {}).get("S") == TOMBSTONE


def searchable(name: str) -> str:
    """The attribute that holds a field's normalised copy (`search_<field>`)."""
    return f"search_{name}"


@dataclass(frozen=True)
class Access:
    """One way to read a list: an index (the model's attribute name, `None` for the table), its partition for
    a tenant, and the field its sort key starts with (`<value>#<id>`; None: ordered by id only)."""

    name: str
    index: str | None
    partition: Callable[[str], str]
    orders_by: str | None
    key_value: Callable[[Any], str] = str
    unique: bool = False  # an equality on `orders_by` finds at most one record
    prefix: bool = False  # the sort key holds the field's normalised copy: `startswith` is a key range


@dataclass(frozen=True)
class ListSpec:
    """How the store answers a list (`domain/query.ListFields`): its model, its access paths, which one serves
    each sort, the default one, the fields it turns into a condition itself (a derived status: field →
    builder of the condition for a non-empty set of values, given the context such as today), and a narrower
    access path for a sort when the predicates allow it (sort field → chooser)."""

    fields: ListFields
    model: Any
    accesses: dict[str, Access]
    sorts: dict[str, str]
    default: str
    derived: dict[str, Callable[[frozenset[str], Any], Condition]] = field(default_factory=dict)
    narrower: dict[str, Callable[[list[Predicate]], str | None]] = field(default_factory=dict)


@dataclass
class Plan:
    access: Access
    key_condition: Condition | None
    filter_condition: Condition | None
    residual: Callable[[Any], bool] | None
    forward: bool
    empty: bool = False  # a key range that can hold nothing (from after to)


@dataclass
class Result:
    items: list[Any]
    next_key: dict[str, Any] | None
    items_read: int
    budget_exhausted: bool
    total_count: int | None
    access: str
    total_exact: bool = True  # False: counting hit the read budget, `total_count` is what it counted so far


# ------------------------------------------------------------------------------------------- planning


def plan(spec: ListSpec, query: Query, context: Any = None) -> Plan:
    predicates = query.all_predicates()
    access = spec.accesses[choose_access(spec, query, predicates)]
    key_condition, empty = _key_condition(spec, access, predicates)
    filter_condition, nothing = _filter(spec, predicates, context)
    search = _search_condition(spec, query)
    if search is not None:
        filter_condition = search if filter_condition is None else filter_condition & search
    if access.index == "gsi5" and query.updated_since is None:  # tombstones are for `updated_since` only
        filter_condition = _and(filter_condition, Path("deleted").does_not_exist())
    return Plan(access, key_condition, filter_condition, _residual(spec, predicates), not query.descending,
                empty or nothing)


def choose_access(spec: ListSpec, query: Query, predicates: list[Predicate]) -> str:
    if query.sort is not None:
        narrower = spec.narrower.get(query.sort)
        chosen = narrower(predicates) if narrower else None
        return chosen or spec.sorts[query.sort]
    for name in spec.fields.lookups:
        if any(p.field == name and p.op == "eq" for p in predicates):
            return next(a.name for a in spec.accesses.values() if a.orders_by == name and a.index is not None)
    if query.updated_since is not None and "updated_at" in spec.sorts:
        return spec.sorts["updated_at"]
    return spec.default


def _key_condition(spec: ListSpec, access: Access, predicates: list[Predicate]) -> tuple[Condition | None, bool]:
    """The range of the access path's sort key that the predicates on its field allow (`<value>#<id>`)."""
    if access.orders_by is None or access.index is None:
        return _sort_key(spec, access).startswith(_table_prefix(spec)), False
    low: str | None = None
    high: str | None = None
    for p in predicates:
        if p.field != access.orders_by or p.op not in ("eq", "gt", "gte", "lt", "lte", "startswith"):
            continue
        value = access.key_value(p.value)
        if p.op in ("eq", "startswith"):
            if p.op == "startswith" and not access.prefix:
                continue  # a case-sensitive prefix of a normalised key would miss; the filter does it
            lo, hi = (f"{value}#", f"{value}#~") if p.op == "eq" else (value, f"{value}\U0010ffff")
        elif p.op in ("gt", "gte"):
            lo, hi = (f"{value}#~" if p.op == "gt" else value), None
        else:
            lo, hi = None, (value if p.op == "lt" else f"{value}#~")
        low = lo if lo is not None and (low is None or lo > low) else low
        high = hi if hi is not None and (high is None or hi < high) else high
    sort_key = _sort_key(spec, access)
    if low is not None and high is not None:
        if low > high:
            return None, True
        return sort_key.between(low, high), False
    if low is not None:
        return sort_key >= low, False
    if high is not None:
        return sort_key <= high, False
    return None, False


def _table_prefix(spec: ListSpec) -> str:
    return f"{spec.model.PREFIX}#"


def _sort_key(spec: ListSpec, access: Access) -> Any:
    return getattr(spec.model, f"{access.index}sk") if access.index else spec.model.sk


def _filter(spec: ListSpec, predicates: list[Predicate], context: Any) -> tuple[Condition | None, bool]:
    """Every predicate as a condition; True when a derived field allows no value at all (nothing matches)."""
    condition: Condition | None = None
    for name, build in spec.derived.items():
        wanted = _derived_values(spec.fields.fields[name], [p for p in predicates if p.field == name])
        if wanted is not None:
            if not wanted:
                return None, True
            condition = _and(condition, build(wanted, context))
    for p in predicates:
        if p.field in spec.derived:
            continue
        if p.field == METADATA:  # issue 20: `metadata[key]=value` on every planned list
            key, value = p.value
            condition = _and(condition, spec.model.metadata[key] == value)
            continue
        condition = _and(condition, _condition(spec.model, spec.fields.fields[p.field], p))
    return condition, False


def _derived_values(f: Field, predicates: list[Predicate]) -> frozenset[Any] | None:
    if not predicates:
        return None
    wanted = set(f.values)
    for p in predicates:
        values = set(p.value) if isinstance(p.value, tuple) else {p.value}
        wanted = wanted & values if p.op in ("eq", "in") else wanted - values
    return frozenset(wanted)


def _condition(model: Any, f: Field, p: Predicate) -> Condition:
    if p.op in ("contains", "startswith", "endswith"):
        attribute = getattr(model, searchable(f.name) if f.normalised else f.name)
        needle = normalise(p.value) if f.normalised else p.value
        if p.op == "contains":
            return attribute.contains(needle)
        if p.op == "startswith":
            return attribute.startswith(needle)
        return attribute.exists()  # endswith: checked on the items read (`_residual`)
    attribute = getattr(model, f.name)
    if p.op in ("in", "nin"):
        values = list(p.value)
        inside = attribute.is_in(*values)
        return inside if p.op == "in" else (~inside | attribute.does_not_exist())
    value = p.value
    if p.op == "eq":
        return attribute == value
    if p.op == "ne":
        return (attribute != value) | attribute.does_not_exist()
    return {"gt": attribute > value, "gte": attribute >= value, "lt": attribute < value,
            "lte": attribute <= value}[p.op]


def _residual(spec: ListSpec, predicates: list[Predicate]) -> Callable[[Any], bool] | None:
    checks = [p for p in predicates if p.op == "endswith"]
    if not checks:
        return None

    def keep(record: Any) -> bool:
        for p in checks:
            f = spec.fields.fields[p.field]
            text = getattr(record, searchable(f.name) if f.normalised else f.name, None) or ""
            if not text.endswith(normalise(p.value) if f.normalised else p.value):
                return False
        return True

    return keep


def _search_condition(spec: ListSpec, query: Query) -> Condition | None:
    if not query.search:
        return None
    needle = normalise(query.search)
    condition: Condition | None = None
    for name in query.search_fields or spec.fields.default_search_fields:
        part = getattr(spec.model, searchable(name)).contains(needle)
        condition = part if condition is None else condition | part
    return condition


def _and(left: Condition | None, right: Condition) -> Condition:
    return right if left is None else left & right


# -------------------------------------------------------------------------------------------- running


def run(spec: ListSpec, tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None,
        context: Any = None, budget: int | None = None) -> Result:
    """One page of the list as the query asks, reading at most `budget` items (READ_BUDGET)."""
    connection()
    chosen = plan(spec, query, context)
    access = chosen.access
    partition = access.partition(tenant_id)
    check_start_key(start_key, f"{access.index.upper()}PK" if access.index else "PK", partition)
    budget = READ_BUDGET if budget is None else budget
    total, exact = count(spec, tenant_id, chosen, budget=budget) if query.include_total else (None, True)
    if chosen.empty:
        return Result([], None, 0, False, total, access.name, exact)
    items: list[Any] = []
    read = 0
    key = start_key
    while True:
        size = min(budget - read, limit + 1 if chosen.filter_condition is None and chosen.residual is None
                   else max(limit + 1, 100))
        page = _query_page(spec, access, partition, chosen, key, size)
        read += page.get("ScannedCount", 0)
        for raw in page.get("Items", []):
            record = Tombstone.from_raw_data(raw) if is_tombstone(raw) else spec.model.from_raw_data(raw)
            if chosen.residual is not None and not chosen.residual(record):
                continue
            items.append(record)
            if len(items) == limit + 1:
                index = getattr(spec.model, access.index) if access.index else None
                return Result(items[:limit], key_of(items[limit - 1], index), read, False, total, access.name,
                              exact)
        key = page.get("LastEvaluatedKey")
        if key is None:
            return Result(items, None, read, False, total, access.name, exact)
        if read >= budget:
            return Result(items, key, read, True, total, access.name, exact)


def _query_page(spec: ListSpec, access: Access, partition: str, chosen: Plan, key: dict[str, Any] | None,
                size: int) -> dict[str, Any]:
    """One Query request (`Limit` = `size` items read), as DynamoDB answers it."""
    target = getattr(spec.model, access.index) if access.index else spec.model
    results = target.query(partition, chosen.key_condition, filter_condition=chosen.filter_condition,
                           scan_index_forward=chosen.forward, last_evaluated_key=key, page_size=size,
                           consistent_read=access.index is None)
    return next(iter(results.page_iter))


def count(spec: ListSpec, tenant_id: str, chosen: Plan, *, budget: int | None = None) -> tuple[int, bool]:
    """How many records match, and whether that is all of them: COUNT queries over the path (with an
    `endswith` the items themselves are read), reading at most `budget` items (READ_BUDGET; a budget of its
    own, beside the page's). When the budget is spent first it answers the count so far and False, so counting
    never reads an unbounded set either."""
    if chosen.empty:
        return 0, True
    budget = READ_BUDGET if budget is None else budget
    access = chosen.access
    partition = access.partition(tenant_id)
    counted = read = 0
    key: dict[str, Any] | None = None
    while True:
        if chosen.residual is None:
            page = spec.model._get_connection().query(
                partition, range_key_condition=chosen.key_condition, filter_condition=chosen.filter_condition,
                index_name=access.index.upper() if access.index else None, consistent_read=access.index is None,
                exclusive_start_key=key, limit=budget - read, select="COUNT")
            counted += page.get("Count", 0)
        else:
            page = _query_page(spec, access, partition, chosen, key, budget - read)
            counted += sum(1 for raw in page.get("Items", []) if chosen.residual(
                Tombstone.from_raw_data(raw) if is_tombstone(raw) else spec.model.from_raw_data(raw)))
        read += page.get("ScannedCount", 0)
        key = page.get("LastEvaluatedKey")
        if key is None:
            return counted, True
        if read >= budget:
            return counted, False


# ---------------------------------------------------------------------------------------- key values


def moment_key(value: datetime) -> str:
    """A moment as `UTCDateTimeAttribute` stores it (so the sort key and the attribute compare alike)."""
    return UTCDateTimeAttribute().serialize(value)
