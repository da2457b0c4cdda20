"""Issue 18, property-based: for random data sets and random filter/sort/search combinations, a planned list's
result (every page concatenated, whatever the page size and read budget) equals a reference implementation
in plain Python over the same data. Invoices and parties; records are written straight into DynamoDB Local
with the entities' own keys (as the use cases would write them), then read through the HTTP API."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ledgerline.domain.documents.invoice import effective_status
from ledgerline.domain.query import (
    ACCOUNTS,
    BANK_ACCOUNTS,
    BANK_RULES,
    BANK_TRANSACTIONS,
    BILLS,
    CREDIT_NOTES,
    EXCHANGE_RATES,
    FILES,
    INVOICES,
    ITEMS,
    JOURNAL_ENTRIES,
    PARTIES,
    PAYMENT_RUNS,
    QUOTES,
    RECURRING_INVOICES,
    STOCK_LOCATIONS,
    TAX_CODES,
    WEBHOOK_ENDPOINTS,
    normalise,
)
from ledgerline.services.tenants import create_tenant
from ledgerline.store import query as planner
from ledgerline.store.accounts import Account
from ledgerline.store.bills import Bill
from ledgerline.store.documents import CreditNote, Invoice
from ledgerline.store.items import Item
from ledgerline.store.parties import Party
from ledgerline.store.query import moment_key
from ledgerline.store.quotes import Quote
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import connection
from ledgerline.store.tax_codes import TaxCode
from tests.conftest import TenantKey
from tests.integration.books import Books

SETTINGS = settings(max_examples=int(os.environ.get("QUERY_EXAMPLES", "12")), deadline=None, derandomize=True,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target] if os.environ.get(
                        "QUERY_EXAMPLES") else list(Phase),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NAMES = ["Acme", "ACME Trading", "acme ltd", "Bolt & Co", "bolt", "Zeta GmbH", "Ärzte AG"]
REFERENCES = [None, "PO-1", "po-10", "PO-2", "X9", "Po-1a"]
BASE = datetime(2026, 3, 1, tzinfo=UTC)
STATUSES = ["draft", "awaiting_payment", "overdue", "paid", "voided"]


@dataclass
class Row:
    id: str
    values: dict[str, Any]


# --------------------------------------------------------------------------------- data sets

invoice_rows = st.lists(
    st.fixed_dictionaries({
        "status": st.sampled_from(STATUSES),
        "customer": st.integers(0, 3),
        "customer_name": st.sampled_from(NAMES),
        "reference": st.sampled_from(REFERENCES),
        "issue_day": st.integers(0, 40),
        "due_days": st.integers(0, 60),
        "total": st.sampled_from(["0", "99.99", "100.00", "999.50", "1000.00", "1000.01", "2500.00"]),
        "paid_part": st.sampled_from(["0", "0.5", "1"]),
        "currency": st.sampled_from(["AUD", "EUR"]),
        "updated": st.integers(0, 500),
    }),
    min_size=6,
    max_size=24,
)

party_rows = st.lists(
    st.fixed_dictionaries({
        "name": st.sampled_from(NAMES),
        "email": st.sampled_from([None, "a@acme.test", "B@Bolt.test", "billing@zeta.test"]),
        "kind": st.sampled_from(["customer", "supplier", "both"]),
        "tax_id": st.sampled_from([None, "DE123", "de999", "CHE-1"]),
        "archived": st.booleans(),
        "updated": st.integers(0, 500),
    }),
    min_size=5,
    max_size=16,
)


item_rows = st.lists(
    st.fixed_dictionaries({
        "code": st.sampled_from(["SKU-1", "sku-10", "SKU-2", "A1", "a-9", "Widget"]),
        "name": st.sampled_from(NAMES),
        "description": st.sampled_from([None, "Blue widget", "ACME part", "bolt"]),
        "unit_price": st.sampled_from([None, "0", "9.99", "100.00", "1000.00"]),
        "tax_code_id": st.sampled_from([None, "txc_1", "txc_2"]),
        "track_stock": st.booleans(),
        "archived": st.booleans(),
        "updated": st.integers(0, 500),
    }),
    min_size=5,
    max_size=16,
)


def write_items(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    """Items with unique codes (a code guard would refuse a second one): the n-th row's code gets `-<n>`."""
    connection()
    made = []
    for n, row in enumerate(rows):
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        price = None if row["unit_price"] is None else Decimal(row["unit_price"])
        item = Item(id=f"itm_{n:026d}", tenant_id=tenant_id, code=f"{row['code']}-{n}", name=row["name"],
                    description=row["description"], unit_price=price, tax_code_id=row["tax_code_id"],
                    track_stock=row["track_stock"], archived=row["archived"],
                    created_at=BASE + timedelta(seconds=n), updated_at=updated)
        item.assign_keys()
        item.save()
        made.append(Row(item.id, {**{k: row[k] for k in ("name", "description", "tax_code_id", "track_stock",
                                                           "archived")},
                                  "code": item.code, "unit_price": price, "created_at": item.created_at,
                                  "updated_at": updated}))
    return made


coded_rows = st.lists(
    st.fixed_dictionaries({
        "code": st.sampled_from(["1200", "12", "4000", "GST", "gst10", "Z"]),
        "name": st.sampled_from(NAMES),
        "type": st.sampled_from(["asset", "liability", "revenue", "expense"]),
        "subtype": st.sampled_from([None, "bank", "current", "other"]),
        "rate": st.sampled_from(["0", "7.7", "10", "19"]),
        "active": st.booleans(),
        "archived": st.booleans(),
        "updated": st.integers(0, 500),
    }),
    min_size=3,
    max_size=12,
)


def write_coded(model: Any, tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    """Accounts or tax codes (unique codes: `<code>-<n>`) next to the tenant's own default ones; the rows are
    every record of the kind as stored, the defaults included."""
    connection()
    for n, row in enumerate(rows):
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        common = {"id": f"{model.PREFIX.lower()[:3]}_{n:026d}", "tenant_id": tenant_id, "code": f"{row['code']}-{n}",
                  "name": row["name"], "archived": row["archived"], "created_at": BASE + timedelta(seconds=n),
                  "updated_at": updated}
        if model is Account:
            record = Account(**common, type=row["type"], subtype=row["subtype"])
        else:
            record = TaxCode(**common, rate=Decimal(row["rate"]), account_id="acc_tax", active=row["active"])
        record.assign_keys()
        record.save()
    fields = ("code", "name", "type", "subtype", "currency", "archived", "created_at", "updated_at") \
        if model is Account else ("code", "name", "rate", "account_id", "active", "archived", "created_at",
                                  "updated_at")
    return [Row(r.id, {f: getattr(r, f) for f in fields})
            for r in model.query(tenant_partition(tenant_id), model.sk.startswith(f"{model.PREFIX}#"))]


def write_invoices(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    connection()
    made = []
    numbers = iter(range(1, 100))
    for n, row in enumerate(rows):
        total = Decimal(row["total"])
        status = row["status"]
        due = (Decimal(0) if status in ("paid", "voided")
               else total - (total * Decimal(row["paid_part"])).quantize(Decimal("0.01")))
        issue = date(2026, 1, 1) + timedelta(days=row["issue_day"])
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        invoice = Invoice(
            id=f"inv_{n:026d}", tenant_id=tenant_id, status=status,
            number=None if status == "draft" else f"INV-2026-{next(numbers):04d}",
            customer_id=f"pty_{row['customer']}", customer_name=row["customer_name"], currency=row["currency"],
            exchange_rate=Decimal(1), lines=[], tax_breakdown=[], subtotal=total, tax_total=Decimal(0),
            rounding_adjustment=Decimal(0), total=total, issue_date=issue,
            due_date=issue + timedelta(days=row["due_days"]), reference=row["reference"],
            prices_include_tax=False, amount_paid=total - due, amount_credited=Decimal(0), amount_due=due,
            created_at=BASE + timedelta(seconds=n), updated_at=updated,
            closed_on=issue if status in ("paid", "voided") else None,
        )
        invoice.assign_keys()
        invoice.save()
        made.append(Row(invoice.id, {
            "status": status, "customer_id": invoice.customer_id, "customer_name": invoice.customer_name,
            "number": invoice.number, "reference": invoice.reference, "issue_date": invoice.issue_date,
            "due_date": invoice.due_date, "total": total, "amount_due": due, "currency": invoice.currency,
            "created_at": invoice.created_at, "updated_at": updated,
        }))
    return made


def write_parties(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    connection()
    made = []
    for n, row in enumerate(rows):
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        party = Party(id=f"pty_{n:026d}", tenant_id=tenant_id, name=row["name"], kind=row["kind"],
                      email=row["email"], tax_id=row["tax_id"], archived=row["archived"],
                      created_at=BASE + timedelta(seconds=n), updated_at=updated)
        party.assign_keys()
        party.save()
        made.append(Row(party.id, {**{k: row[k] for k in ("name", "email", "kind", "tax_id", "archived")},
                                   "created_at": party.created_at, "updated_at": updated}))
    return made


# ---------------------------------------------------------------------------------- queries


def values_for(field: str) -> st.SearchStrategy[str]:
    return {
        "status": st.sampled_from([*STATUSES, "open"]),
        "customer_id": st.sampled_from(["pty_0", "pty_1", "pty_9"]),
        "customer_name": st.sampled_from(["acme", "ACME", "Bolt & Co", "co", "ä", "zeta gmbh"]),
        "number": st.sampled_from(["INV-2026-0001", "INV-2026-0003", "inv-2026", "0002", "INV"]),
        "reference": st.sampled_from(["PO-1", "po-1", "po", "1", "X9", "a"]),
        "issue_date": st.sampled_from(["2026-01-01", "2026-01-15", "2026-02-01", "2026-02-10"]),
        "due_date": st.sampled_from(["2026-01-10", "2026-02-01", "2026-03-01", "2026-04-01"]),
        "total": st.sampled_from(["0", "100", "999.5", "1000", "1000.00", "2500"]),
        "amount_due": st.sampled_from(["0", "50", "500", "1000"]),
        "currency": st.sampled_from(["AUD", "EUR", "USD"]),
        "created_at": st.sampled_from(["2026-03-01T00:00:05Z", "2026-03-01T00:00:10Z"]),
        "updated_at": st.sampled_from(["2026-03-01T01:00:00Z", "2026-03-01T04:00:00+00:00"]),
        "name": st.sampled_from(["acme", "ACME", "Bolt & Co", "co", "ä", "zeta gmbh", "ltd"]),
        "email": st.sampled_from(["a@acme.test", "acme", "b@bolt.test", ".test"]),
        "kind": st.sampled_from(["customer", "supplier", "both"]),
        "tax_id": st.sampled_from(["DE123", "de", "9", "CHE-1"]),
        "archived": st.sampled_from(["true", "false"]),
        "code": st.sampled_from(["SKU-1-0", "sku", "SKU-2-2", "-1", "a-9-4", "widget"]),
        "description": st.sampled_from(["blue", "ACME", "part", "t"]),
        "unit_price": st.sampled_from(["0", "9.99", "100", "1000.00"]),
        "tax_code_id": st.sampled_from(["txc_1", "txc_2", "txc_9"]),
        "track_stock": st.sampled_from(["true", "false"]),
        "type": st.sampled_from(["asset", "revenue", "equity"]),
        "subtype": st.sampled_from(["bank", "current", "receivable"]),
        "rate": st.sampled_from(["0", "7.7", "10"]),
        "account_id": st.sampled_from(["acc_tax", "acc_other"]),
        "active": st.sampled_from(["true", "false"]),
    }[field]


@st.composite
def queries(draw, spec, values=values_for):
    params: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, 3))):
        f = spec.fields[draw(st.sampled_from(list(spec.fields)))]
        op = draw(st.sampled_from(f.operators))
        if op in ("in", "nin"):
            value = ",".join(draw(st.lists(values(f.name), min_size=1, max_size=3)))
        else:
            value = draw(values(f.name))
        params.append((f.name if op == "eq" else f"{f.name}[{op}]", value))
    params = list(dict(params).items())  # one value per parameter (a list's older filters take one)
    if draw(st.booleans()):
        name, direction = draw(st.sampled_from(spec.sorts)), draw(st.sampled_from(["asc", "desc"]))
        ties = "".join(f",{tie}:{direction}" for tie in spec.ties_of(name)) if draw(st.booleans()) else ""
        params.append(("sort", f"{name}:{direction}{ties}"))  # a second field: the index's tie-breaker
    if draw(st.integers(0, 3)) == 0:
        params.append(("search", draw(st.sampled_from(["acme", "CO", "po-1", "0001", "zz", "ä", "@"]))))
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(spec.search_fields), min_size=1, max_size=2, unique=True))
            params.append(("search_fields", ",".join(chosen)))
    if draw(st.integers(0, 3)) == 0:
        params.append(("updated_since", draw(st.sampled_from(["2026-03-01T02:00:00Z", "2026-03-01T00:00:00Z"]))))
    return params


# ------------------------------------------------------------------------ the reference


def typed(field, raw: str) -> Any:
    if field.type == "date":
        return date.fromisoformat(raw)
    if field.type == "decimal":
        return Decimal(raw)
    if field.type == "datetime":
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if field.type == "bool":
        return raw == "true"
    if field.type == "integer":
        return int(raw)
    return raw


def holds(field, value: Any, op: str, raw: str) -> bool:
    if op in ("contains", "startswith", "endswith"):
        text, needle = (normalise(value), normalise(raw)) if field.normalised else (value or "", raw)
        return value is not None and getattr(text, {"contains": "__contains__"}.get(op, op))(needle)
    wanted = [typed(field, part) for part in (raw.split(",") if op in ("in", "nin") else [raw])]
    wanted = [v for w in wanted for v in field.aliases.get(w, (w,))] if field.aliases else wanted
    if op in ("eq", "in"):
        return value in wanted
    if op in ("ne", "nin"):
        return value not in wanted
    if value is None:
        return False
    return {"gt": value > wanted[0], "gte": value >= wanted[0], "lt": value < wanted[0],
            "lte": value <= wanted[0]}[op]


def sort_key(field: str, values: dict[str, Any], row_id: str) -> str:
    value = values[field]
    text = {"issue_date": lambda: value.isoformat(), "due_date": lambda: value.isoformat(),
            "date": lambda: value.isoformat(), "bill_date": lambda: value.isoformat(),
            "valid_until": lambda: value.isoformat(),
            "order_date": lambda: value.isoformat(), "delivery_date": lambda: value.isoformat(),
            "number": lambda: value or "~", "updated_at": lambda: moment_key(value),
            "name": lambda: normalise(value), "reference": lambda: normalise(value),
            "code": lambda: value,
            "supplier_reference": lambda: normalise(value)}[field]()
    return f"{text}#{row_id}"


def reference(spec, rows: list[Row], params: list[tuple[str, str]], shown, sort_key=sort_key) -> list[str]:
    kept = []
    for row in rows:
        values = shown(row.values)
        ok = True
        for name, raw in params:
            if name in ("sort", "search", "search_fields"):
                continue
            if name == "updated_since":
                ok &= values["updated_at"] >= typed(spec.fields["updated_at"], raw)
                continue
            field_name, _, op = name.partition("[")
            ok &= holds(spec.fields[field_name], values[field_name], op.rstrip("]") or "eq", raw)
        given = dict(params)
        if "search" in given:
            fields = given.get("search_fields", ",".join(spec.default_search_fields)).split(",")
            ok &= any(normalise(given["search"]) in normalise(values[f]) for f in fields if values[f])
        if ok:
            kept.append(row)
    given = dict(params)
    if "sort" in given:
        fields = [part.partition(":") for part in given["sort"].split(",")]
        field, _, direction = fields[0]
        assert [name for name, _, _ in fields[1:]] in ([], list(spec.ties_of(field)))  # as `sort_key` orders
        return [r.id for r in sorted(kept, key=lambda r: sort_key(field, r.values, r.id),
                                     reverse=direction == "desc")]
    lookups = [f for f in spec.lookups if f in given]
    if lookups:
        return [r.id for r in sorted(kept, key=lambda r: sort_key(lookups[0], r.values, r.id))]
    if "updated_since" in given:
        return [r.id for r in sorted(kept, key=lambda r: sort_key("updated_at", r.values, r.id))]
    if spec.default_sort:
        return [r.id for r in sorted(kept, key=lambda r: sort_key(spec.default_sort, r.values, r.id))]
    return [r.id for r in sorted(kept, key=lambda r: r.id)]


def through_api(books: Books, path: str, params: list[tuple[str, str]], limit: int) -> list[str]:
    found, cursor = [], None
    for _ in range(500):
        url = f"{path}?{urlencode([*params, ('limit', str(limit))])}" + (f"&cursor={quote(cursor)}" if cursor else "")
        page = books.get(url)
        found += [item["id"] for item in page["data"]]
        if not page["has_more"]:
            return found
        cursor = page["next_cursor"]
    raise AssertionError("the list did not end")


def new_books(api) -> Books:
    tenant, secret = create_tenant(name="Query Pty Ltd", base_currency="AUD", country="AU", plan="enterprise")
    key = TenantKey(tenant.id, secret)
    return Books(api, key.tenant_id, key.headers)


def invoice_shown(today: date):
    def shown(values: dict[str, Any]) -> dict[str, Any]:
        status = effective_status(values["status"], values["due_date"], values["amount_due"] > 0, today)
        return {**values, "status": status.value}
    return shown


def as_stored(values: Any) -> Any:
    """A list whose rows show what is stored (no status derived at read time)."""
    return values


def assert_lists_equal_the_reference(books: Books, path: str, spec: Any, made: Any, asked: Any, shown: Any, *,
                                     archived_default: bool = False, key: Any = sort_key) -> None:
    """Every asked query, all pages through the API within its read budget, equals the plain-Python reference."""
    for params, limit, budget in asked:
        if archived_default and not any(name.startswith("archived") for name, _ in params):
            params = [*params, ("archived[eq]", "false")]  # what the list shows when archived is not asked for
        with budget_of(budget):
            got = through_api(books, path, params, limit)
        assert got == reference(spec, made, params, shown, key), params


@SETTINGS
@given(rows=invoice_rows, asked=st.lists(st.tuples(queries(INVOICES), st.integers(1, 4),
                                                   st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_invoice_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_invoices(books.tenant_id, rows)
    today = datetime.now(UTC).date()
    assert_lists_equal_the_reference(books, "/v1/invoices", INVOICES, made, asked, invoice_shown(today))


@SETTINGS
@given(rows=party_rows, asked=st.lists(st.tuples(queries(PARTIES), st.integers(1, 4),
                                                 st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_party_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_parties(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/parties", PARTIES, made, asked, as_stored, archived_default=True)


@SETTINGS
@given(rows=item_rows, asked=st.lists(st.tuples(queries(ITEMS), st.integers(1, 4),
                                               st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_item_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_items(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/items", ITEMS, made, asked, as_stored, archived_default=True)


@SETTINGS
@given(rows=coded_rows, asked=st.lists(st.tuples(st.sampled_from([(ACCOUNTS, Account, "/v1/accounts"),
                                                                  (TAX_CODES, TaxCode, "/v1/tax-codes")]),
                                                 st.data(), st.integers(1, 4), st.sampled_from([None, 2, 7])),
                                       min_size=1, max_size=4))
def test_account_and_tax_code_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = {model: write_coded(model, books.tenant_id, rows) for model in (Account, TaxCode)}
    for (spec, model, path), data, limit, budget in asked:
        params = data.draw(queries(spec))
        if not any(name.startswith("archived") for name, _ in params):
            params = [*params, ("archived[eq]", "false")]  # what the list shows when archived is not asked for
        with budget_of(budget):
            got = through_api(books, path, params, limit)
        expected = reference(spec, made[model], params, lambda values: values)
        assert got == expected, (path, params)


class budget_of:
    """Run with a smaller read budget (None: the default)."""

    def __init__(self, budget: int | None) -> None:
        self.budget, self.saved = budget, planner.READ_BUDGET

    def __enter__(self) -> None:
        if self.budget is not None:
            planner.READ_BUDGET = self.budget

    def __exit__(self, *exc: object) -> None:
        planner.READ_BUDGET = self.saved


# ------------------------------------------------------------- document lists (issue 18, part QD)

credit_note_rows = st.lists(
    st.fixed_dictionaries({
        "invoice": st.integers(0, 3),
        "customer": st.integers(0, 3),
        "customer_name": st.sampled_from(NAMES),
        "day": st.integers(0, 40),
        "total": st.sampled_from(["0.05", "99.99", "100.00", "999.50", "1000.00", "2500.00"]),
        "excess": st.sampled_from(["0", "0.5"]),
        "currency": st.sampled_from(["AUD", "EUR"]),
        "updated": st.integers(0, 500),
    }),
    min_size=5,
    max_size=20,
)


def write_credit_notes(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    connection()
    made = []
    for n, row in enumerate(rows):
        total = Decimal(row["total"])
        excess = (total * Decimal(row["excess"])).quantize(Decimal("0.01"))
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        note = CreditNote(
            id=f"cn_{n:026d}", tenant_id=tenant_id, status="posted", number=f"CN-2026-{n + 1:04d}",
            invoice_id=f"inv_{row['invoice']}", invoice_number=f"INV-2026-{row['invoice'] + 1:04d}",
            customer_id=f"pty_{row['customer']}", customer_name=row["customer_name"], currency=row["currency"],
            exchange_rate=Decimal(1), lines=[], tax_breakdown=[], subtotal=total, tax_total=Decimal(0),
            rounding_adjustment=Decimal(0), total=total, date=date(2026, 1, 1) + timedelta(days=row["day"]),
            amount_applied=total - excess, unallocated_amount=excess, journal_entry_id=f"je_{n}",
            created_at=BASE + timedelta(seconds=n), updated_at=updated,
        )
        note.assign_keys()
        note.save()
        made.append(Row(note.id, {name: getattr(note, name) for name in CREDIT_NOTES.fields}))
    return made


def credit_note_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "status": st.sampled_from(["posted"]),
        "invoice_id": st.sampled_from(["inv_0", "inv_1", "inv_9"]),
        "invoice_number": st.sampled_from(["INV-2026-0001", "inv-2026-0002", "0003", "INV"]),
        "number": st.sampled_from(["CN-2026-0001", "CN-2026-0003", "cn-2026", "0002", "CN"]),
        "date": st.sampled_from(["2026-01-01", "2026-01-15", "2026-02-01", "2026-02-10"]),
        "unallocated_amount": st.sampled_from(["0", "0.02", "50", "500", "1250.00"]),
    }
    return own[field] if field in own else values_for(field)


@SETTINGS
@given(rows=credit_note_rows,
       asked=st.lists(st.tuples(queries(CREDIT_NOTES, credit_note_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_credit_note_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_credit_notes(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/credit-notes", CREDIT_NOTES, made, asked, as_stored)


def write_bills(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    """Bills from the invoice rows' shape: the supplier is the row's customer, its reference the supplier's
    invoice number (every bill has one; unique per supplier, so the row number is added)."""
    connection()
    made = []
    numbers = iter(range(1, 100))
    for n, row in enumerate(rows):
        total = Decimal(row["total"])
        status = row["status"]
        due = (Decimal(0) if status in ("paid", "voided")
               else total - (total * Decimal(row["paid_part"])).quantize(Decimal("0.01")))
        day = date(2026, 1, 1) + timedelta(days=row["issue_day"])
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        bill = Bill(
            id=f"bill_{n:026d}", tenant_id=tenant_id, status=status,
            number=None if status == "draft" else f"BILL-2026-{next(numbers):04d}",
            supplier_id=f"pty_{row['customer']}", supplier_name=row["customer_name"],
            supplier_reference=f"{row['reference'] or 'R'}-{n}", currency=row["currency"], exchange_rate=Decimal(1),
            prices_include_tax=False, lines=[], tax_breakdown=[], subtotal=total, tax_total=Decimal(0),
            rounding_adjustment=Decimal(0), total=total, bill_date=day,
            due_date=day + timedelta(days=row["due_days"]), amount_paid=total - due, amount_credited=Decimal(0),
            amount_due=due, created_at=BASE + timedelta(seconds=n), updated_at=updated,
            closed_on=day if status in ("paid", "voided") else None,
        )
        bill.assign_keys()
        bill.save()
        made.append(Row(bill.id, {name: getattr(bill, name) for name in BILLS.fields}))
    return made


def bill_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "supplier_id": st.sampled_from(["pty_0", "pty_1", "pty_9"]),
        "supplier_name": values_for("customer_name"),
        "number": st.sampled_from(["BILL-2026-0001", "BILL-2026-0003", "bill-2026", "0002", "BILL"]),
        "supplier_reference": st.sampled_from(["PO-1-0", "po-1-2", "po", "-1", "X9-3", "r-", "a"]),
        "bill_date": values_for("issue_date"),
    }
    return own[field] if field in own else values_for(field)


@SETTINGS
@given(rows=invoice_rows, asked=st.lists(st.tuples(queries(BILLS, bill_values), st.integers(1, 4),
                                                   st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_bill_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_bills(books.tenant_id, rows)
    today = datetime.now(UTC).date()
    assert_lists_equal_the_reference(books, "/v1/bills", BILLS, made, asked, invoice_shown(today))


QUOTE_STATUSES = ["draft", "open", "accepted", "declined", "converted"]


def write_quotes(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    """Quotes from the invoice rows' shape (its due days are the validity; an open quote past it is expired)."""
    connection()
    made = []
    numbers = iter(range(1, 100))
    for n, row in enumerate(rows):
        total = Decimal(row["total"])
        status = QUOTE_STATUSES[STATUSES.index(row["status"])]
        day = date(2026, 1, 1) + timedelta(days=row["issue_day"])
        valid = day + timedelta(days=row["due_days"] * 200)  # some past today, some not
        record = Quote(
            id=f"quo_{n:026d}", tenant_id=tenant_id, status=status,
            number=None if status == "draft" else f"QUO-2026-{next(numbers):04d}",
            customer_id=f"pty_{row['customer']}", customer_name=row["customer_name"], currency=row["currency"],
            exchange_rate=Decimal(1), lines=[], tax_breakdown=[], subtotal=total, tax_total=Decimal(0),
            rounding_adjustment=Decimal(0), total=total, issue_date=day, valid_until=valid,
            reference=row["reference"], prices_include_tax=False, issue_count=1, expiry_noted=1,
            created_at=BASE + timedelta(seconds=n), updated_at=BASE + timedelta(minutes=row["updated"], microseconds=n),
        )
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in QUOTES.fields}))
    return made


def quote_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "status": st.sampled_from(["draft", "open", "accepted", "declined", "expired", "converted"]),
        "number": st.sampled_from(["QUO-2026-0001", "QUO-2026-0003", "quo-2026", "0002", "QUO"]),
        "valid_until": st.sampled_from(["2026-01-10", "2026-06-01", "2027-01-01", "2030-01-01"]),
    }
    return own[field] if field in own else values_for(field)


def quote_shown(today: date):
    def shown(values: dict[str, Any]) -> dict[str, Any]:
        expired = values["status"] == "open" and values["valid_until"] < today
        return {**values, "status": "expired" if expired else values["status"]}
    return shown


@SETTINGS
@given(rows=invoice_rows, asked=st.lists(st.tuples(queries(QUOTES, quote_values), st.integers(1, 4),
                                                   st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_quote_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_quotes(books.tenant_id, rows)
    today = datetime.now(UTC).date()
    assert_lists_equal_the_reference(books, "/v1/quotes", QUOTES, made, asked, quote_shown(today))


# ------------------------------------------------------ the non-document lists (issue 18, part Q2)

bank_account_rows = st.lists(
    st.fixed_dictionaries({
        "name": st.sampled_from(NAMES),
        "iban": st.sampled_from([None, "CH9300762011623852957", "DE89370400440532013000", "GB29NWBK60161331926819"]),
        "currency": st.sampled_from(["CHF", "EUR"]),
        "account": st.integers(0, 2),
        "is_default": st.booleans(),
        "archived": st.booleans(),
        "updated": st.integers(0, 500),
    }),
    min_size=3,
    max_size=12,
)


def write_bank_accounts(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    from ledgerline.store.banking import BankAccount

    connection()
    made = []
    for n, row in enumerate(rows):
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        record = BankAccount(id=f"bacc_{n:026d}", tenant_id=tenant_id, name=row["name"], iban=row["iban"],
                             currency=row["currency"], account_id=f"acc_{row['account']}",
                             opening_balance=Decimal(0), is_default=row["is_default"], archived=row["archived"],
                             created_at=BASE + timedelta(seconds=n), updated_at=updated)
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in BANK_ACCOUNTS.fields}))
    return made


def bank_account_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "iban": st.sampled_from(["CH93", "ch9300762011623852957", "de", "819", "GB29NWBK60161331926819"]),
        "currency": st.sampled_from(["CHF", "EUR", "USD"]),
        "account_id": st.sampled_from(["acc_0", "acc_1", "acc_9"]),
        "is_default": st.sampled_from(["true", "false"]),
    }
    return own[field] if field in own else values_for(field)


@SETTINGS
@given(rows=bank_account_rows,
       asked=st.lists(st.tuples(queries(BANK_ACCOUNTS, bank_account_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_bank_account_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_bank_accounts(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/bank-accounts", BANK_ACCOUNTS, made, asked, as_stored,
                                     archived_default=True)


bank_transaction_rows = st.lists(
    st.fixed_dictionaries({
        "status": st.sampled_from(["unmatched", "matched", "ignored", "importing"]),
        "account": st.integers(0, 2),
        "day": st.integers(0, 40),
        "amount": st.sampled_from(["-2500.00", "-0.05", "0.05", "99.99", "1000.00"]),
        "currency": st.sampled_from(["CHF", "EUR"]),
        "counterparty_name": st.sampled_from([None, *NAMES]),
        "reference": st.sampled_from(REFERENCES),
        "remittance_information": st.sampled_from([None, "Invoice INV-2026-0001", "acme rent", "PO-1 bolt"]),
        "matched_by": st.sampled_from([None, "receipt", "booking"]),
        "updated": st.integers(0, 500),
    }),
    min_size=4,
    max_size=16,
)


def write_bank_transactions(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    """Bank transactions as an import writes them; those of a statement still importing are never listed (the
    reference leaves them out)."""
    from ledgerline.store.banking import BankTransaction

    connection()
    made = []
    for n, row in enumerate(rows):
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        record = BankTransaction(
            id=f"btx_{n:026d}", tenant_id=tenant_id, status=row["status"], bank_account_id=f"bacc_{row['account']}",
            statement_id="bstmt_1", date=date(2026, 1, 1) + timedelta(days=row["day"]),
            amount=Decimal(row["amount"]), currency=row["currency"], counterparty_name=row["counterparty_name"],
            remittance_information=row["remittance_information"], reference=row["reference"],
            matched_by=row["matched_by"], dedupe_key=f"d{n}", created_at=BASE + timedelta(seconds=n),
            updated_at=updated)
        record.assign_keys()
        record.save()
        if row["status"] != "importing":
            made.append(Row(record.id, {name: getattr(record, name) for name in BANK_TRANSACTIONS.fields}))
    return made


def bank_transaction_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "status": st.sampled_from(["unmatched", "matched", "ignored"]),
        "bank_account_id": st.sampled_from(["bacc_0", "bacc_1", "bacc_9"]),
        "date": values_for("issue_date"),
        "amount": st.sampled_from(["-2500", "-0.05", "0", "0.05", "1000.00"]),
        "currency": st.sampled_from(["CHF", "EUR", "USD"]),
        "counterparty_name": values_for("customer_name"),
        "remittance_information": st.sampled_from(["invoice", "INV-2026", "rent", "bolt", "1"]),
        "matched_by": st.sampled_from(["receipt", "booking", "transfer"]),
    }
    return own[field] if field in own else values_for(field)


@SETTINGS
@given(rows=bank_transaction_rows,
       asked=st.lists(st.tuples(queries(BANK_TRANSACTIONS, bank_transaction_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_bank_transaction_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_bank_transactions(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/bank-transactions", BANK_TRANSACTIONS, made, asked, as_stored)


exchange_rate_rows = st.lists(
    st.tuples(st.sampled_from(["EUR", "USD", "CHF"]), st.integers(0, 30), st.sampled_from(["0.5", "1", "1.65", "2"]),
              st.sampled_from(["ecb", "ECB", "bank", "manual"]), st.integers(0, 500)),
    min_size=3, max_size=14, unique_by=lambda row: (row[0], row[1]),
)


def write_exchange_rates(tenant_id: str, rows: list[tuple[Any, ...]]) -> list[Row]:
    from ledgerline.store.exchange_rates import ExchangeRate

    connection()
    made = []
    for n, (currency, day, rate, source, minutes) in enumerate(rows):
        on = date(2026, 1, 1) + timedelta(days=day)
        record = ExchangeRate(id=f"{currency}-{on.isoformat()}", tenant_id=tenant_id, currency=currency, date=on,
                              rate=Decimal(rate), source=source, created_at=BASE + timedelta(seconds=n),
                              updated_at=BASE + timedelta(minutes=minutes, microseconds=n))
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in EXCHANGE_RATES.fields}))
    return made


def exchange_rate_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "currency": st.sampled_from(["EUR", "USD", "GBP"]),
        "date": values_for("issue_date"),
        "rate": st.sampled_from(["0.5", "1", "1.650", "3"]),
        "source": st.sampled_from(["ecb", "EC", "b", "manual"]),
    }
    return own[field] if field in own else values_for(field)


def exchange_rate_key(field: str, values: dict[str, Any], row_id: str) -> str:
    if field == "currency":  # the index orders a currency's rates by date, then id
        return f"{values['currency']}#{values['date'].isoformat()}#{row_id}"
    return sort_key(field, values, row_id)


@SETTINGS
@given(rows=exchange_rate_rows,
       asked=st.lists(st.tuples(queries(EXCHANGE_RATES, exchange_rate_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_exchange_rate_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_exchange_rates(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/exchange-rates", EXCHANGE_RATES, made, asked, as_stored,
                                     key=exchange_rate_key)


# ------------------------------------------- inventory, banking and key lists (issue 18, part QC)

stock_location_rows = st.lists(
    st.fixed_dictionaries({
        "name": st.sampled_from(NAMES),
        "description": st.sampled_from([None, "Shelves A-F", "back ROOM", "cold store", "Ärzte Lager"]),
        "is_default": st.booleans(),
        "archived": st.booleans(),
        "updated": st.integers(0, 500),
    }),
    min_size=3,
    max_size=12,
)


def write_stock_locations(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    from ledgerline.store.stock import StockLocation

    connection()
    made = []
    for n, row in enumerate(rows):
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        record = StockLocation(id=f"sloc_{n:026d}", tenant_id=tenant_id, name=row["name"],
                               description=row["description"], is_default=row["is_default"],
                               archived=row["archived"], created_at=BASE + timedelta(seconds=n), updated_at=updated)
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in STOCK_LOCATIONS.fields}))
    return made


def stock_location_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "description": st.sampled_from(["shelves", "ROOM", "a-f", "cold store", "ärzte", "x"]),
        "is_default": st.sampled_from(["true", "false"]),
    }
    return own[field] if field in own else values_for(field)


@SETTINGS
@given(rows=stock_location_rows,
       asked=st.lists(st.tuples(queries(STOCK_LOCATIONS, stock_location_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_stock_location_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_stock_locations(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/stock-locations", STOCK_LOCATIONS, made, asked, as_stored,
                                     archived_default=True)


bank_rule_rows = st.lists(
    st.fixed_dictionaries({
        "name": st.sampled_from(NAMES),
        "field": st.sampled_from(["counterparty", "text", "any"]),
        "operator": st.sampled_from(["contains", "equals"]),
        "value": st.sampled_from(["Account fee", "SWISSCOM", "miete", "Ärzte"]),
        "direction": st.sampled_from(["in", "out", "any"]),
        "bank_account": st.sampled_from([None, "bacc_0", "bacc_1"]),
        "account": st.integers(0, 2),
        "tax_code": st.sampled_from([None, "txc_1"]),
        "description": st.sampled_from([None, "Monthly phone", "rent of the office"]),
        "active": st.booleans(),
        "updated": st.integers(0, 500),
    }),
    min_size=3,
    max_size=12,
)


def write_bank_rules(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    from ledgerline.store.banking import BankRule

    connection()
    made = []
    for n, row in enumerate(rows):
        updated = BASE + timedelta(minutes=row["updated"], microseconds=n)
        record = BankRule(id=f"brl_{n:026d}", tenant_id=tenant_id, name=row["name"], field=row["field"],
                          operator=row["operator"], value=row["value"], direction=row["direction"],
                          bank_account_id=row["bank_account"], account_id=f"acc_{row['account']}",
                          tax_code_id=row["tax_code"], description=row["description"], priority=100,
                          active=row["active"], created_at=BASE + timedelta(seconds=n), updated_at=updated)
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in BANK_RULES.fields}))
    return made


def bank_rule_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "field": st.sampled_from(["counterparty", "text", "any"]),
        "operator": st.sampled_from(["contains", "equals"]),
        "value": st.sampled_from(["fee", "SWISSCOM", "Miete", "ä", "Account fee"]),
        "direction": st.sampled_from(["in", "out", "any"]),
        "bank_account_id": st.sampled_from(["bacc_0", "bacc_1", "bacc_9"]),
        "account_id": st.sampled_from(["acc_0", "acc_1", "acc_9"]),
        "tax_code_id": st.sampled_from(["txc_1", "txc_9"]),
        "description": st.sampled_from(["phone", "RENT", "office", "x"]),
    }
    return own[field] if field in own else values_for(field)


@SETTINGS
@given(rows=bank_rule_rows,
       asked=st.lists(st.tuples(queries(BANK_RULES, bank_rule_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_bank_rule_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_bank_rules(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/bank-rules", BANK_RULES, made, asked, as_stored)


# ------------------------------------------------- files, events and webhook endpoints (issue 18, part QB)

file_rows = st.lists(
    st.fixed_dictionaries({
        "filename": st.sampled_from(["Acme invoice.pdf", "acme.PDF", "scan 1.jpg", "Ärzte.png", "bolt.xml"]),
        "content_type": st.sampled_from(["application/pdf", "image/jpeg", "image/png", "application/xml"]),
        "purpose": st.sampled_from([None, "bill", "receipt"]),
        "size": st.sampled_from([0, 1, 1024, 4096, 10485760]),
        "sha256": st.sampled_from(["a" * 64, "b" * 64]),
        "attached": st.booleans(),
        "updated": st.integers(0, 500),
    }),
    min_size=3,
    max_size=14,
)


def write_files(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    from ledgerline.store.files import UploadedFile

    connection()
    made = []
    for n, row in enumerate(rows):
        record = UploadedFile(id=f"file_{n:026d}", tenant_id=tenant_id, filename=row["filename"],
                              content_type=row["content_type"], size=row["size"], sha256=row["sha256"],
                              purpose=row["purpose"], blob_key=f"{tenant_id}/files/{n}",
                              attached_to=["je_1"] if row["attached"] else [], created_at=BASE + timedelta(seconds=n),
                              updated_at=BASE + timedelta(minutes=row["updated"], microseconds=n))
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in FILES.fields}))
    return made


def file_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "filename": st.sampled_from(["acme", "ACME.pdf", ".pdf", "scan", "ä", "x"]),
        "content_type": st.sampled_from(["application/pdf", "image/", "image/png", "pdf", "IMAGE"]),
        "purpose": st.sampled_from(["bill", "receipt", "other"]),
        "size": st.sampled_from(["0", "1", "1024", "5000", "10485760"]),
        "sha256": st.sampled_from(["a" * 64, "c" * 64]),
        "attached": st.sampled_from(["true", "false"]),
    }
    return own[field] if field in own else values_for(field)


def file_key(field: str, values: dict[str, Any], row_id: str) -> str:
    if field == "created_at":  # GSI1: the moment of upload
        return f"{moment_key(values['created_at'])}#{row_id}"
    if field == "filename":
        return f"{normalise(values['filename'])}#{row_id}"
    return sort_key(field, values, row_id)


@SETTINGS
@given(rows=file_rows,
       asked=st.lists(st.tuples(queries(FILES, file_values), st.integers(1, 4), st.sampled_from([None, 2, 7])),
                      min_size=1, max_size=5))
def test_file_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_files(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/files", FILES, made, asked, as_stored, key=file_key)


webhook_rows = st.lists(
    st.fixed_dictionaries({
        "url": st.sampled_from(["https://acme.test/hook", "https://ACME.test/Hook2", "https://bolt.test/x",
                                "https://ärzte.test/h"]),
        "description": st.sampled_from([None, "Billing sync", "acme CRM", "co"]),
        "enabled": st.booleans(),
        "disabled_reason": st.sampled_from([None, "failing", "manual"]),
        "api_version": st.sampled_from([None, "2026-01-01", "2026-12-05"]),
        "updated": st.integers(0, 500),
    }),
    min_size=3,
    max_size=12,
)


def write_webhook_endpoints(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    from ledgerline.store.webhooks import WebhookEndpoint

    connection()
    made = []
    for n, row in enumerate(rows):
        record = WebhookEndpoint(id=f"we_{n:026d}", tenant_id=tenant_id, url=row["url"], events=["*"],
                                 description=row["description"], enabled=row["enabled"],
                                 disabled_reason=row["disabled_reason"], api_version=row["api_version"], secrets=[],
                                 created_at=BASE + timedelta(seconds=n),
                                 updated_at=BASE + timedelta(minutes=row["updated"], microseconds=n))
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in WEBHOOK_ENDPOINTS.fields}))
    return made


def webhook_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "url": st.sampled_from(["acme", "HTTPS://ACME.test/hook", "/h", "hook2", "x"]),
        "description": st.sampled_from(["billing", "ACME", "co", "sync"]),
        "enabled": st.sampled_from(["true", "false"]),
        "disabled_reason": st.sampled_from(["failing", "manual", "other"]),
        "api_version": st.sampled_from(["2026-01-01", "2026-12-05"]),
    }
    return own[field] if field in own else values_for(field)


def webhook_key(field: str, values: dict[str, Any], row_id: str) -> str:
    if field == "url":
        return f"{normalise(values['url'])}#{row_id}"
    return sort_key(field, values, row_id)


@SETTINGS
@given(rows=webhook_rows,
       asked=st.lists(st.tuples(queries(WEBHOOK_ENDPOINTS, webhook_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_webhook_endpoint_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_webhook_endpoints(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/webhooks", WEBHOOK_ENDPOINTS, made, asked, as_stored,
                                     key=webhook_key)


# --------------------------- recurring invoices, journal entries, payment runs (issue 18, part QA)

recurring_rows = st.lists(
    st.fixed_dictionaries({
        "status": st.sampled_from(["active", "paused", "finished"]),
        "customer": st.integers(0, 3),
        "customer_name": st.sampled_from(NAMES),
        "reference": st.sampled_from(REFERENCES),
        "start_day": st.integers(0, 40),
        "next_days": st.sampled_from([None, 0, 5, 30, 90]),
        "currency": st.sampled_from(["AUD", "EUR"]),
        "auto_post": st.booleans(),
        "updated": st.integers(0, 500),
    }),
    min_size=3,
    max_size=12,
)


def write_recurring_invoices(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    from ledgerline.domain.recurrence import Interval, Schedule
    from ledgerline.store.recurring_invoices import RecurringInvoice, ScheduleAttribute

    connection()
    made = []
    for n, row in enumerate(rows):
        start = date(2026, 1, 1) + timedelta(days=row["start_day"])
        finished = row["status"] == "finished" or row["next_days"] is None
        record = RecurringInvoice(
            id=f"rinv_{n:026d}", tenant_id=tenant_id, status="finished" if finished else row["status"],
            customer_id=f"pty_{row['customer']}", customer_name=row["customer_name"], currency=row["currency"],
            reference=row["reference"], lines=[],
            schedule=ScheduleAttribute.of(Schedule(Interval("monthly"), 1, start, None, None, None)),
            auto_post=row["auto_post"], auto_send=False, period=0, invoices_created=0,
            next_run_date=None if finished else start + timedelta(days=row["next_days"]),
            last_run_date=None if row["next_days"] in (None, 0) else start,
            created_at=BASE + timedelta(seconds=n), updated_at=BASE + timedelta(minutes=row["updated"], microseconds=n),
        )
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in RECURRING_INVOICES.fields}))
    return made


def recurring_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "status": st.sampled_from(["active", "paused", "finished"]),
        "start_date": st.sampled_from(["2026-01-01", "2026-01-15", "2026-02-01", "2026-02-10"]),
        "next_run_date": st.sampled_from(["2026-01-10", "2026-02-01", "2026-03-01", "2026-05-01"]),
        "last_run_date": st.sampled_from(["2026-01-10", "2026-02-01"]),
        "auto_post": st.sampled_from(["true", "false"]),
        "auto_send": st.sampled_from(["true", "false"]),
    }
    return own[field] if field in own else values_for(field)


def recurring_key(field: str, values: dict[str, Any], row_id: str) -> str:
    if field in ("start_date", "next_run_date"):  # a finished template (no next run) sorts last
        return f"{values[field].isoformat() if values[field] is not None else '~'}#{row_id}"
    return sort_key(field, values, row_id)


@SETTINGS
@given(rows=recurring_rows,
       asked=st.lists(st.tuples(queries(RECURRING_INVOICES, recurring_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_recurring_invoice_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_recurring_invoices(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/recurring-invoices", RECURRING_INVOICES, made, asked, as_stored,
                                     key=recurring_key)


journal_rows = st.lists(
    st.fixed_dictionaries({
        "status": st.sampled_from(["posted", "reversed"]),
        "source_type": st.sampled_from(["manual", "invoice", "receipt", "bill"]),
        "source": st.integers(0, 2),
        "day": st.integers(0, 40),
        "reference": st.sampled_from(REFERENCES),
        "description": st.sampled_from([None, "Accrued rent", "ACME fee", "bank fee", "Ärzte"]),
        "currency": st.sampled_from(["AUD", "EUR"]),
        "total": st.sampled_from(["0.01", "99.99", "100.00", "1000.00", "2500.00"]),
        "updated": st.integers(0, 500),
    }),
    min_size=3,
    max_size=12,
)


def write_journal_entries(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    from ledgerline.store.ledger import EntryLine, JournalEntry

    connection()
    made = []
    for n, row in enumerate(rows):
        total = Decimal(row["total"])
        record = JournalEntry(
            id=f"je_{n:026d}", tenant_id=tenant_id, status=row["status"], date=date(2026, 1, 1) + timedelta(
                days=row["day"]), description=row["description"], reference=row["reference"],
            source_type=row["source_type"],
            source_id=None if row["source_type"] == "manual" else f"src_{row['source']}",
            currency=row["currency"], base_currency="AUD", exchange_rate=Decimal(1), total=total,
            lines=[EntryLine(account_id=account, debit=debit, credit=credit, currency=row["currency"],
                             amount=debit - credit)
                   for account, debit, credit in (("acc_a", total, Decimal(0)), ("acc_b", Decimal(0), total))],
            reversed_by_id=f"je_{(n + 1):026d}" if row["status"] == "reversed" else None,
            created_at=BASE + timedelta(seconds=n), updated_at=BASE + timedelta(minutes=row["updated"], microseconds=n),
        )
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in JOURNAL_ENTRIES.fields}))
    return made


def journal_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "status": st.sampled_from(["posted", "reversed"]),
        "source_type": st.sampled_from(["manual", "invoice", "receipt", "refund"]),
        "source_id": st.sampled_from(["src_0", "src_1", "src_9"]),
        "date": st.sampled_from(["2026-01-01", "2026-01-15", "2026-02-01", "2026-02-10"]),
        "description": st.sampled_from(["accrued", "ACME", "fee", "ä", "rent"]),
        "total": st.sampled_from(["0.01", "100", "999.5", "1000.00", "2500"]),
        "reverses_id": st.sampled_from([f"je_{1:026d}", "je_x"]),
        "reversed_by_id": st.sampled_from([f"je_{1:026d}", f"je_{2:026d}"]),
    }
    return own[field] if field in own else values_for(field)


@SETTINGS
@given(rows=journal_rows,
       asked=st.lists(st.tuples(queries(JOURNAL_ENTRIES, journal_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_journal_entry_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_journal_entries(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/journal-entries", JOURNAL_ENTRIES, made, asked, as_stored)


payment_run_rows = st.lists(
    st.fixed_dictionaries({
        "status": st.sampled_from(["scheduled", "completed", "cancelled"]),
        "bank_account": st.integers(0, 1),
        "suppliers": st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
        "day": st.integers(0, 40),
        "due_days": st.sampled_from([None, 0, 10]),
        "currency": st.sampled_from(["AUD", "EUR"]),
        "total": st.sampled_from(["99.99", "100.00", "1000.00", "2500.00"]),
        "file_format": st.sampled_from(["pain.001.001.09", "pain.001.001.03"]),
        "updated": st.integers(0, 500),
    }),
    min_size=3,
    max_size=12,
)


def write_payment_runs(tenant_id: str, rows: list[dict[str, Any]]) -> list[Row]:
    from ledgerline.store.payment_runs import PaymentRun

    connection()
    made = []
    for n, row in enumerate(rows):
        executed = date(2026, 1, 1) + timedelta(days=row["day"])
        record = PaymentRun(
            id=f"prun_{n:026d}", tenant_id=tenant_id, status=row["status"],
            bank_account_id=f"bac_{row['bank_account']}",
            currency=row["currency"], execution_date=executed,
            due_by=None if row["due_days"] is None else executed + timedelta(days=row["due_days"]),
            file_format=row["file_format"], message_id=f"MSG-{n:04d}-{NAMES[n % len(NAMES)]}", payments=[],
            supplier_ids=[f"pty_{s}" for s in row["suppliers"]], total=Decimal(row["total"]), file_key="k",
            file_sha256="0" * 64, file_size=1,
            created_at=BASE + timedelta(seconds=n), updated_at=BASE + timedelta(minutes=row["updated"], microseconds=n),
        )
        record.assign_keys()
        record.save()
        made.append(Row(record.id, {name: getattr(record, name) for name in PAYMENT_RUNS.fields}))
    return made


def payment_run_values(field: str) -> st.SearchStrategy[str]:
    own = {
        "status": st.sampled_from(["scheduled", "completed", "cancelled"]),
        "bank_account_id": st.sampled_from(["bac_0", "bac_1", "bac_9"]),
        "supplier_ids": st.sampled_from(["pty_0", "pty_1", "pty_3", "pty_9"]),
        "execution_date": st.sampled_from(["2026-01-01", "2026-01-15", "2026-02-01", "2026-02-10"]),
        "due_by": st.sampled_from(["2026-01-10", "2026-02-01", "2026-03-01"]),
        "total": st.sampled_from(["100", "999.5", "1000.00", "2500"]),
        "file_format": st.sampled_from(["pain.001.001.09", "pain.001.001.03", "x"]),
        "message_id": st.sampled_from(["msg", "0001", "acme", "MSG-0002", "bolt"]),
    }
    return own[field] if field in own else values_for(field)


def payment_run_key(field: str, values: dict[str, Any], row_id: str) -> str:
    if field == "execution_date":
        return f"{values[field].isoformat()}#{row_id}"
    return sort_key(field, values, row_id)


@SETTINGS
@given(rows=payment_run_rows,
       asked=st.lists(st.tuples(queries(PAYMENT_RUNS, payment_run_values), st.integers(1, 4),
                                st.sampled_from([None, 2, 7])), min_size=1, max_size=5))
def test_payment_run_lists_equal_the_reference(api, rows, asked):
    books = new_books(api)
    made = write_payment_runs(books.tenant_id, rows)
    assert_lists_equal_the_reference(books, "/v1/payment-runs", PAYMENT_RUNS, made, asked, as_stored,
                                     key=payment_run_key)
