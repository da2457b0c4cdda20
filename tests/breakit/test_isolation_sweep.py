"""Isolation sweep: tenant B tries every route of template.yaml with tenant A's real ids.

Every route with an object id answers B exactly as it answers an id that never existed (404
`resource_missing`), shows nothing of A beyond the id B itself sent, and changes nothing of A.
Every route without an id (lists, reports, settings) shows B nothing of A, also when B filters by
A's ids.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.breakit.conftest import new_tenant
from tests.breakit.objects import FACTORIES, ID_QUERY_PARAMETERS, NOT_OBJECT_IDS, TenantObjects
from tests.breakit.routes import (
    minimal_body,
    path_params,
    query_parameters,
    resource_prefix,
    route_id,
    template_routes,
)

ROUTES = template_routes()
ID_ROUTES = [r for r in ROUTES if any((resource_prefix(r.path), p) not in NOT_OBJECT_IDS for p in path_params(r.path))]
OPEN_ROUTES = [r for r in ROUTES if r.method == "GET" and not path_params(r.path)]


@pytest.fixture(scope="module")
def spec(app) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return app.openapi()


@pytest.fixture(scope="module")
def world(api) -> tuple[TenantObjects, TenantObjects]:  # type: ignore[no-untyped-def]
    """Tenants A and B, each with one object of every kind the template's routes serve."""
    a, b = TenantObjects(api, new_tenant("Tenant A"), "A"), TenantObjects(api, new_tenant("Tenant B"), "B")
    prefixes = sorted({resource_prefix(r.path) for r in ID_ROUTES})
    for tenant in (a, b):
        for prefix in prefixes:
            tenant.ids_for(prefix)
    return a, b


def leaked(text: str, a: TenantObjects, allowed: str | None = None) -> set[str]:
    """A's ids (and A's names) found in a response, apart from the one id the caller sent."""
    found = {i for i in a.all_ids() if i in text and i != allowed}
    return found | {name for name in a.names() if name in text}


def never_existed(object_id: str) -> str:
    return f"{object_id.split('_', 1)[0]}_01AAAAAAAAAAAAAAAAAAAAAAAA"


def comparable(response: Any, object_id: str) -> tuple[int, Any]:
    body = response.json()
    body.get("error", {}).pop("request_id", None)
    return response.status_code, re.sub(re.escape(object_id), "<id>", str(body))


def test_every_factory_and_exemption_is_still_needed():
    # Keeps FACTORIES and NOT_OBJECT_IDS honest as routes come and go.
    prefixes = {resource_prefix(r.path) for r in ROUTES}
    assert {p for p, _ in NOT_OBJECT_IDS} <= prefixes
    assert set(FACTORIES) >= {resource_prefix(r.path) for r in ID_ROUTES}


@pytest.mark.parametrize("route", ID_ROUTES, ids=route_id)
def test_tenant_b_cannot_reach_tenant_a_objects_by_id(api, spec, world, route):
    a, b = world
    prefix = resource_prefix(route.path)
    params = path_params(route.path)
    assert len(params) == 1, f"{route_id(route)}: teach the sweep which factory makes each of {params}"
    readable = any(r.method == "GET" and r.path == f"{prefix}/{{{params[0]}}}" for r in ROUTES)
    body = minimal_body(spec, route)
    for object_id in a.ids_for(prefix):
        before = a.get(f"{prefix}/{object_id}") if readable else None
        # When B calls the route with A's id, and with an id that never existed
        theirs = api.request(route.method, route.path.replace(f"{{{params[0]}}}", object_id), json=body,
                             headers=b.tenant.headers)
        missing_id = never_existed(object_id)
        nothing = api.request(route.method, route.path.replace(f"{{{params[0]}}}", missing_id), json=body,
                              headers=b.tenant.headers)
        # Then B gets 404 resource_missing, the very answer it gets for the id that never existed
        assert theirs.status_code == 404, f"{route_id(route)} with A's {object_id}: {theirs.status_code} {theirs.text}"
        assert theirs.json()["error"]["code"] == "resource_missing", theirs.text
        assert comparable(theirs, object_id) == comparable(nothing, missing_id)
        # And nothing of A beyond the id B sent
        assert not leaked(theirs.text, a, allowed=object_id), theirs.text
        # And A's object is as it was
        if readable:
            assert a.get(f"{prefix}/{object_id}") == before, f"{route_id(route)} by B changed A's {object_id}"


def _query_variants(spec, route, a: TenantObjects, b: TenantObjects) -> list[dict[str, str]]:
    """B's own required parameters, then the same with each id filter set to one of A's ids."""
    base: dict[str, str] = {}
    for parameter in query_parameters(spec, route):
        if not parameter.get("required"):
            continue
        name = parameter["name"]
        if name in ID_QUERY_PARAMETERS:
            base[name] = b.ids_for(ID_QUERY_PARAMETERS[name])[0]
        elif name in ("from", "from_date", "to", "to_date", "as_of", "since", "until"):
            base[name] = "2020-01-01" if name.startswith(("from", "since")) else "2099-12-31"
        elif name == "period":  # a month (the revaluation report)
            base[name] = "2020-01"
        else:
            pytest.fail(f"{route_id(route)}: the sweep does not know how to fill the required parameter {name!r}")
    variants = [base]
    for parameter in query_parameters(spec, route):
        if parameter["name"] in ID_QUERY_PARAMETERS:
            for foreign in a.ids_for(ID_QUERY_PARAMETERS[parameter["name"]]):
                variants.append({**base, parameter["name"]: foreign})
    return variants


@pytest.mark.parametrize("route", OPEN_ROUTES, ids=route_id)
def test_what_tenant_b_lists_and_reports_holds_nothing_of_tenant_a(api, spec, world, route):
    a, b = world
    for params in _query_variants(spec, route, a, b):
        response = api.get(route.path, params={**params, "limit": 100} if _paginated(spec, route) else params,
                           headers=b.tenant.headers)
        foreign = next((v for v in params.values() if v in a.all_ids()), None)
        if foreign is None:
            assert response.status_code == 200, f"{route_id(route)} {params}: {response.text}"
        else:  # filtering by A's id finds nothing, or says the id does not exist
            assert response.status_code in (200, 404), f"{route_id(route)} {params}: {response.text}"
            if response.status_code == 404:
                assert response.json()["error"]["code"] == "resource_missing"
        assert not leaked(response.text, a, allowed=foreign), f"{route_id(route)} {params}: {response.text}"
    # And B does see its own objects there (the sweep is not vacuous)
    if _paginated(spec, route) and route.path in FACTORIES:
        own = api.get(route.path, params={"limit": 100}, headers=b.tenant.headers).json()["data"]
        # (stock levels, issue 19, are rows of an item at a location: they name the item rather than have an id)
        assert {o.get("id", o.get("item_id")) for o in own} & set(b.ids_for(route.path)), route_id(route)


def _paginated(spec, route) -> bool:
    return any(p["name"] == "limit" for p in query_parameters(spec, route))


# Issue 18: the planned lists' operators, sorts, lookups, search and changes never reach another tenant.
PLANNED_LISTS = ["/v1/invoices", "/v1/parties", "/v1/items", "/v1/accounts", "/v1/tax-codes"]
PLANNED_LISTS += ["/v1/credit-notes", "/v1/bills", "/v1/quotes"]  # issue 18, part QD: the document lists
PLANNED_LISTS += ["/v1/orders", "/v1/purchase-orders", "/v1/deliveries"]  # issue 18, part Q1
PLANNED_LISTS += ["/v1/receipts", "/v1/refunds", "/v1/supplier-payments"]  # issue 18, part Q1
PLANNED_LISTS += ["/v1/expenses", "/v1/supplier-credit-notes"]  # issue 18, part Q1


def _query_probes(a: TenantObjects) -> list[dict[str, str]]:
    names = sorted(a.names())
    ids = sorted(a.all_ids())
    probes: list[dict[str, str]] = [
        {"updated_since": "2000-01-01T00:00:00Z"},
        {"sort": "updated_at:desc"},
        {"created_at[gte]": "2000-01-01T00:00:00Z"},
    ]
    for name in names[:3]:
        probes += [{"search": name}, {"search": name[:4]}]
    for object_id in ids[:5]:
        probes.append({"search": object_id})
    return probes


LIST_PROBES = {
    "/v1/invoices": [{"sort": "number:asc"}, {"sort": "due_date:desc"}, {"total[gte]": "0"},
                     {"status[ne]": "voided"}, {"status": "open", "sort": "due_date:asc"},
                     {"number[startswith]": "INV"}, {"reference[contains]": "a"}, {"customer_name[contains]": "a"}],
    "/v1/parties": [{"sort": "name:asc"}, {"name[startswith]": "a"}, {"archived[eq]": "true"},
                    {"kind[ne]": "supplier"}, {"email[contains]": "@"}],
    "/v1/items": [{"sort": "code:asc"}, {"sort": "name:desc"}, {"code[startswith]": "a"}, {"unit_price[gte]": "0"},
                  {"archived[ne]": "true"}, {"track_stock": "false"}, {"description[contains]": "a"}],
    "/v1/accounts": [{"sort": "code:asc"}, {"sort": "name:desc"}, {"code[startswith]": "1"},
                     {"type[in]": "asset,revenue"}, {"archived[ne]": "true"}, {"name[contains]": "a"}],
    "/v1/tax-codes": [{"sort": "code:desc"}, {"rate[gte]": "0"}, {"code[contains]": "a"}, {"active": "true"},
                      {"archived[ne]": "true"}],
}
NUMBERED_LISTS = ["/v1/invoices", "/v1/credit-notes", "/v1/bills", "/v1/quotes"]
LIST_PROBES |= {  # issue 18, part QD: the document lists
    "/v1/credit-notes": [{"sort": "number:asc"}, {"sort": "date:desc"}, {"total[gte]": "0"},
                         {"number[startswith]": "CN"}, {"invoice_number[contains]": "inv"},
                         {"customer_name[contains]": "a"}, {"status": "posted"}],
    "/v1/bills": [{"sort": "number:asc"}, {"sort": "due_date:desc"}, {"total[gte]": "0"},
                  {"status[ne]": "voided"}, {"status": "open", "sort": "due_date:asc"},
                  {"number[startswith]": "BILL"}, {"supplier_reference[contains]": "a"},
                  {"supplier_reference[startswith]": "r"}, {"supplier_name[contains]": "a"}],
    "/v1/quotes": [{"sort": "number:asc"}, {"sort": "valid_until:desc"}, {"total[gte]": "0"},
                   {"status[ne]": "draft"}, {"status": "expired"}, {"number[startswith]": "QUO"},
                   {"reference[contains]": "a"}, {"reference": "x"}, {"customer_name[contains]": "a"}],
}
NUMBERED_LISTS += ["/v1/orders", "/v1/purchase-orders", "/v1/deliveries"]  # issue 18, part Q1
LIST_PROBES |= {  # issue 18, part Q1: the order-like document lists
    path: [{"sort": "number:asc"}, {"sort": f"{date}:desc"}, {"status[ne]": "draft"}, {"number[startswith]": "a"},
           {"reference[contains]": "a"}, {"reference": "x"}, {f"{party}_name[contains]": "a"},
           {f"{party}_id[ne]": "x"}]
    for path, party, date in [("/v1/orders", "customer", "order_date"),
                              ("/v1/purchase-orders", "supplier", "order_date"),
                              ("/v1/deliveries", "customer", "delivery_date")]
}
LIST_PROBES |= {  # issue 18, part Q1: the payment-like lists (no number)
    path: [{"sort": "date:desc"}, {"amount[gte]": "0"}, {"status[ne]": "reversed"}, {"reference[contains]": "a"},
           {"reference": "x"}, {f"{party}_name[contains]": "a"}, {f"{party}_id[ne]": "x"}, {"currency[ne]": "x"}]
    for path, party in [("/v1/receipts", "customer"), ("/v1/refunds", "customer"),
                        ("/v1/supplier-payments", "supplier")]
}
LIST_PROBES |= {  # issue 18, part Q1: expenses and supplier credit notes (no number)
    "/v1/expenses": [{"sort": "date:desc"}, {"total[gte]": "0"}, {"status[ne]": "reversed"},
                     {"reference[contains]": "a"}, {"reference": "x"}, {"payee_name[contains]": "a"},
                     {"supplier_id[ne]": "x"}],
    "/v1/supplier-credit-notes": [{"sort": "date:desc"}, {"total[gte]": "0"}, {"status": "posted"},
                                  {"supplier_reference[contains]": "a"}, {"supplier_reference": "x"},
                                  {"bill_number[startswith]": "b"}, {"supplier_name[contains]": "a"}],
}

# issue 18, part Q2: the non-document lists
PLANNED_LISTS += ["/v1/bank-accounts", "/v1/bank-transactions", "/v1/exchange-rates"]
LIST_PROBES |= {
    "/v1/bank-accounts": [{"sort": "name:asc"}, {"sort": "name:desc,id:desc"}, {"name[startswith]": "bank"},
                          {"iban[contains]": "ch93"}, {"archived": "true"}, {"currency": "CHF"},
                          {"is_default[ne]": "true"}],
    "/v1/bank-transactions": [{"sort": "date:desc"}, {"sort": "date:asc,id:asc"}, {"amount[gte]": "0"},
                              {"status[ne]": "matched"}, {"reference[startswith]": "rf"}, {"reference": "x"},
                              {"counterparty_name[contains]": "a"}, {"remittance_information[contains]": "a"}],
    "/v1/exchange-rates": [{"currency": "EUR"}, {"sort": "currency:asc,date:asc"}, {"sort": "date:desc"},
                           {"rate[gte]": "0"}, {"source[contains]": "e"}, {"date[gte]": "2000-01-01"}],
}

# issue 18, part QC: stock locations, bank rules, API keys, VAT periods, stock adjustments and transfers
PLANNED_LISTS += ["/v1/stock-locations", "/v1/bank-rules"]
LIST_PROBES |= {
    "/v1/stock-locations": [{"sort": "name:asc"}, {"sort": "name:desc,id:desc"}, {"name[startswith]": "m"},
                            {"description[contains]": "a"}, {"archived": "true"}, {"is_default": "true"},
                            {"search": "a"}],
    "/v1/bank-rules": [{"sort": "name:asc"}, {"sort": "updated_at:desc"}, {"value[contains]": "a"},
                       {"active": "false"}, {"direction[ne]": "in"}, {"name[startswith]": "b"}, {"search": "e"}],
}


# issue 18, part QB: files, events and webhook endpoints
PLANNED_LISTS += ["/v1/files", "/v1/webhooks"]
LIST_PROBES |= {
    "/v1/files": [{"sort": "filename:asc"}, {"sort": "created_at:desc"}, {"filename[startswith]": "a"},
                  {"content_type[startswith]": "application/"}, {"attached": "false"}, {"size[gte]": "0"},
                  {"purpose[ne]": "x"}, {"sha256[ne]": "x"}, {"search": "pdf"}],
    "/v1/webhooks": [{"sort": "url:asc"}, {"sort": "url:desc,id:desc"}, {"url[contains]": "http"},
                     {"enabled[ne]": "true"}, {"description[startswith]": "a"}, {"api_version[ne]": "x"},
                     {"search": "hook"}],
}


PLANNED_LISTS += ["/v1/recurring-invoices", "/v1/journal-entries", "/v1/payment-runs"]  # issue 18, part QA
LIST_PROBES |= {
    "/v1/recurring-invoices": [{"sort": "next_run_date:asc"}, {"sort": "start_date:desc,id:desc"},
                               {"start_date[gte]": "2000-01-01"}, {"status[ne]": "finished"},
                               {"reference[startswith]": "a"}, {"reference": "x"}, {"customer_name[contains]": "a"}],
    "/v1/journal-entries": [{"sort": "date:desc"}, {"sort": "updated_at:asc,id:asc"}, {"total[gte]": "0"},
                            {"source_type[in]": "manual,invoice"}, {"status[ne]": "reversed"},
                            {"reference[startswith]": "a"}, {"reference": "x"}, {"description[contains]": "a"}],
    "/v1/payment-runs": [{"sort": "execution_date:desc"}, {"sort": "updated_at:asc,id:asc"}, {"total[gte]": "0"},
                         {"supplier_ids[contains]": "pty_x"}, {"status[ne]": "cancelled"},
                         {"message_id[contains]": "a"}, {"execution_date[gte]": "2000-01-01"}],
}


@pytest.mark.parametrize("path", PLANNED_LISTS)
def test_query_operators_never_reach_another_tenants_data(api, world, path):
    a, b = world
    own = {o["id"] for o in api.get(path, params={"limit": 100, "include": "total_count"},
                                    headers=b.tenant.headers).json()["data"]}
    for params in [*_query_probes(a), *LIST_PROBES[path]]:
        response = api.get(path, params={**params, "limit": 100, "include": "total_count"},
                           headers=b.tenant.headers)
        assert response.status_code == 200, f"{path} {params}: {response.text}"
        body = response.json()
        assert not leaked(response.text, a), f"{path} {params}: {response.text}"
        assert {o["id"] for o in body["data"]} <= own | set(b.all_ids()), f"{path} {params}"
        assert body["total_count"] == len(body["data"]), f"{path} {params}"
    # A's own lookups by number find A's document (the probes are not vacuous)
    if path in NUMBERED_LISTS:
        numbered = [i for i in api.get(path, params={"limit": 100}, headers=a.tenant.headers).json()["data"]
                    if i["number"]]
        for invoice in numbered[:1]:
            mine = api.get(path, params={"number": invoice["number"]}, headers=a.tenant.headers).json()["data"]
            assert [i["id"] for i in mine] == [invoice["id"]]
            theirs = api.get(path, params={"number": invoice["number"]}, headers=b.tenant.headers).json()["data"]
            assert invoice["id"] not in {i["id"] for i in theirs}
    if path in ("/v1/items", "/v1/accounts", "/v1/tax-codes"):  # A's record by its code: A finds it, B does not
        for item in api.get(path, params={"limit": 1}, headers=a.tenant.headers).json()["data"]:
            mine = api.get(path, params={"code": item["code"]}, headers=a.tenant.headers).json()["data"]
            assert [i["id"] for i in mine] == [item["id"]]
            theirs = api.get(path, params={"code": item["code"]}, headers=b.tenant.headers).json()["data"]
            assert item["id"] not in {i["id"] for i in theirs}
