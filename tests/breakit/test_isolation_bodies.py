"""Isolation sweep, request bodies: tenant B sends a body that is valid with its own ids, with one of them
swapped for tenant A's id of the same kind (A's customer, invoice, account with the same code, …).

Every swap is refused (4xx; in a bulk request every item fails), shows nothing of A beyond the id B
sent, and changes nothing of A; the unswapped body, sent last, succeeds, so the refusals are about
the ids. Every write route whose request schema takes an `…_id` field must have a body here: a new one
fails `test_every_write_route_with_ids_has_a_body` until it gets one.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from ledgerline.local.template import Route
from tests.breakit.conftest import new_tenant
from tests.breakit.objects import TenantObjects
from tests.breakit.routes import _resolve, operation, route_id, template_routes

_serial = itertools.count(1)
ROUTES = template_routes()
WRITE_ROUTES = [r for r in ROUTES if r.method in ("POST", "PUT", "PATCH")]


def _invoice_body(b: TenantObjects) -> dict[str, Any]:
    return {"customer_id": b.customer(), "lines": [{"description": "Work", "unit_price": "10.00",
                                                     "tax_code_id": b.tax_codes["GST10"],
                                                     "account_id": b.accounts["4000"]}]}


def _receipt_body(b: TenantObjects) -> dict[str, Any]:
    return {"customer_id": b.customer(), "amount": "10.00", "account_id": b.accounts["1010"],
            "allocations": [{"invoice_id": b.posted()["id"], "amount": "10.00"}]}


def _journal_body(b: TenantObjects) -> dict[str, Any]:
    return {"lines": [{"account_id": b.accounts["1010"], "debit": "1.00"},
                      {"account_id": b.accounts["1000"], "credit": "1.00"}],
            "attachment_ids": b.ids_for("/v1/files")}


def _bill_body(b: TenantObjects) -> dict[str, Any]:
    if "supplier" not in b.made:
        b.made["supplier"] = [b.post("/v1/parties", {"name": "Supplier of B", "kind": "supplier"})["id"]]
    return {"supplier_id": b.made["supplier"][0], "supplier_reference": f"R-{next(_serial)}",
            "lines": [{"description": "Rent", "unit_price": "10.00", "account_id": b.accounts["6000"],
                       "tax_code_id": b.tax_codes["GST10"],
                       "location_id": b.ids_for("/v1/stock-locations")[0]}]}  # issue 19: a bill line's location


def _supplier_payment_body(b: TenantObjects) -> dict[str, Any]:
    bill = b.post(f"/v1/bills/{b.post('/v1/bills', _bill_body(b))['id']}/post")
    return {"supplier_id": bill["supplier_id"], "amount": "1.00", "account_id": b.accounts["1010"],
            "allocations": [{"bill_id": bill["id"], "amount": "1.00"}]}


def _payment_run_body(b: TenantObjects) -> dict[str, Any]:
    """A run of B's CHF bank account paying a posted CHF bill of a supplier with an IBAN (as the factory makes)."""
    supplier = b.post("/v1/parties", {"name": f"Run Supplier {next(_serial)}", "kind": "supplier",
                                      "iban": "CH5604835012345678009"})["id"]
    bill = b.post("/v1/bills", {**_bill_body(b), "supplier_id": supplier, "currency": "CHF", "exchange_rate": "1.7"})
    return {"bank_account_id": b.ids_for("/v1/bank-accounts")[0],
            "bills": [{"bill_id": b.post(f"/v1/bills/{bill['id']}/post")["id"]}]}


def _credit_note_excess(b: TenantObjects) -> str:
    """A supplier credit note of B holding an excess (1400): its bill is paid in full, then credited."""
    bill = b.post(f"/v1/bills/{b.post('/v1/bills', _bill_body(b))['id']}/post")
    b.post("/v1/supplier-payments", {"supplier_id": bill["supplier_id"], "amount": bill["total"],
                                     "account_id": b.accounts["1010"],
                                     "allocations": [{"bill_id": bill["id"], "amount": bill["total"]}]})
    return b.post("/v1/supplier-credit-notes", {"bill_id": bill["id"], "amount": "5.00"})["id"]


def _credit_receipt(b: TenantObjects) -> str:
    return b.post("/v1/receipts", {"customer_id": b.customer(), "amount": "100.00",
                                   "account_id": b.accounts["1010"]})["id"]


def _purchase_order_body(b: TenantObjects) -> dict[str, Any]:
    supplier = b.post("/v1/parties", {"name": "Supplier", "kind": "supplier"})["id"]
    return {"supplier_id": supplier, "lines": [{"description": "Paper", "unit_price": "10.00",
                                                "tax_code_id": b.tax_codes["GST10"], "account_id": b.accounts["6000"]}]}


def _bank_transaction(b: TenantObjects, amount: str) -> str:
    """A new unmatched bank transaction of B's (an AUD bank account; no text a bank rule could match)."""
    from tests.camt_builder import Entry, camt053

    serial = next(_serial)
    account = b.post("/v1/bank-accounts", {"name": f"Sweep {serial}"})["id"]
    content = camt053([Entry(amount, date.today().isoformat())], currency="AUD", statement_id=f"SWEEP-{serial}")
    response = b.api.post(f"/v1/bank-accounts/{account}/statements", headers=b.tenant.headers,
                          files={"file": ("s.xml", content, "application/xml")})
    assert response.status_code == 201, response.text
    return response.json()["transaction_ids"][0]


def _bank_rule_body(b: TenantObjects) -> dict[str, Any]:
    return {"name": "Fees", "value": "sweep fee", "account_id": b.accounts["6000"],
            "tax_code_id": b.tax_codes["GST10"], "bank_account_id": b.ids_for("/v1/bank-accounts")[0]}


# (method, path) → B's object for the path parameter (or None) and a body valid for B
BODIES: dict[tuple[str, str], Callable[[TenantObjects], tuple[str | None, dict[str, Any]]]] = {
    ("POST", "/v1/items"): lambda b: (None, {"code": f"B{next(_serial)}", "name": "x", "unit_price": "1.00",
                                             "tax_code_id": b.tax_codes["GST10"],
                                             "revenue_account_id": b.accounts["4000"]}),
    ("PATCH", "/v1/items/{id}"): lambda b: (b.ids_for("/v1/items")[0], {"tax_code_id": b.tax_codes["GST10"],
                                                                        "revenue_account_id": b.accounts["4000"]}),
    ("POST", "/v1/tax-codes"): lambda b: (None, {"code": f"B{next(_serial)}", "name": "x", "rate": "5",
                                                 "account_id": b.accounts["2200"]}),
    ("PATCH", "/v1/tax-codes/{id}"): lambda b: (b.ids_for("/v1/tax-codes")[0], {"account_id": b.accounts["2200"]}),
    ("POST", "/v1/invoices"): lambda b: (None, _invoice_body(b)),
    ("PATCH", "/v1/invoices/{id}"): lambda b: (b.draft()["id"], _invoice_body(b)),
    ("POST", "/v1/orders"): lambda b: (None, _invoice_body(b)),
    ("PATCH", "/v1/orders/{id}"): lambda b: (b.post("/v1/orders", _invoice_body(b))["id"], _invoice_body(b)),
    ("POST", "/v1/deliveries"): lambda b: (None, {"customer_id": b.customer(), "lines": [
        {"item_id": b.ids_for("/v1/items")[0], "quantity": "1"}]}),
    ("POST", "/v1/receipts"): lambda b: (None, _receipt_body(b)),
    ("POST", "/v1/receipts/{id}/allocations"): lambda b: (
        _credit_receipt(b), {"allocations": [{"invoice_id": b.posted()["id"], "amount": "10.00"}]}),
    ("POST", "/v1/bank-accounts"): lambda b: (None, {"name": "x", "account_id": b.accounts["1010"],
                                                     "opening_balance": "1.00", "opening_date": "2026-01-05",
                                                     "opening_account_id": b.accounts["3000"]}),
    ("POST", "/v1/refunds"): lambda b: (None, {"customer_id": b.customer(), "amount": "1.00",
                                               "account_id": b.accounts["1010"], "receipt_id": _credit_receipt(b)}),
    ("POST", "/v1/credit-notes"): lambda b: (None, {"invoice_id": b.posted()["id"], "amount": "1.00"}),
    ("POST", "/v1/recurring-invoices"): lambda b: (None, {**_invoice_body(b), "schedule": {
        "interval": "monthly", "start_date": str(date.today() + timedelta(days=30))}}),
    ("PATCH", "/v1/recurring-invoices/{id}"): lambda b: (b.ids_for("/v1/recurring-invoices")[0], _invoice_body(b)),
    ("POST", "/v1/quotes"): lambda b: (None, _invoice_body(b)),
    ("PATCH", "/v1/quotes/{id}"): lambda b: (b.ids_for("/v1/quotes")[0], _invoice_body(b)),
    ("POST", "/v1/journal-entries"): lambda b: (None, _journal_body(b)),
    ("PATCH", "/v1/journal-entries/{id}"): lambda b: (b.ids_for("/v1/journal-entries")[0],
                                                      {"attachment_ids": b.ids_for("/v1/files")}),
    ("POST", "/v1/parties"): lambda b: (None, {"name": "Supplier", "attachment_ids": b.ids_for("/v1/files")}),
    ("PATCH", "/v1/parties/{id}"): lambda b: (b.customer(), {"attachment_ids": b.ids_for("/v1/files")}),
    ("PUT", "/v1/dunning-policy"): lambda b: (None, {"levels": [{"days_after_due": 7, "title": "Reminder",
                                                                 "message": "Please pay", "fee": "5"}],
                                                     "fee_account_id": b.accounts["4000"]}),
    ("PATCH", "/v1/tenant"): lambda b: (None, {"default_tax_code_id": b.tax_codes["GST10"]}),
    ("POST", "/v1/bulk/invoices"): lambda b: (None, {"items": [{"data": _invoice_body(b)}]}),
    ("POST", "/v1/bulk/receipts"): lambda b: (None, {"items": [{"data": _receipt_body(b)}]}),
    ("POST", "/v1/bulk/journal-entries"): lambda b: (None, {"items": [{"data": _journal_body(b)}]}),
    ("POST", "/v1/bulk/quotes"): lambda b: (None, {"items": [{"data": _invoice_body(b)}]}),
    ("POST", "/v1/purchase-orders"): lambda b: (None, _purchase_order_body(b)),
    ("PATCH", "/v1/purchase-orders/{id}"): lambda b: (b.post("/v1/purchase-orders", _purchase_order_body(b))["id"],
                                                      _purchase_order_body(b)),
    ("POST", "/v1/bulk/orders"): lambda b: (None, {"items": [{"data": _invoice_body(b)}]}),
    ("POST", "/v1/bills"): lambda b: (None, _bill_body(b)),
    ("PATCH", "/v1/bills/{id}"): lambda b: (b.ids_for("/v1/bills")[0], _bill_body(b)),
    ("POST", "/v1/bulk/bills"): lambda b: (None, {"items": [{"data": _bill_body(b)}]}),
    ("POST", "/v1/expenses"): lambda b: (None, {  # an expense's lines name no stock location (bills' do)
        **{k: v for k, v in _bill_body(b).items() if k not in ("supplier_reference", "lines")},
        "lines": [{k: v for k, v in line.items() if k != "location_id"} for line in _bill_body(b)["lines"]],
        "paid_from_account_id": b.accounts["1010"]}),
    ("POST", "/v1/bank-transactions/{id}/match"): lambda b: (
        _bank_transaction(b, "5.00"), {"allocations": [{"invoice_id": b.posted()["id"]}]}),
    ("POST", "/v1/bank-transactions/{id}/book"): lambda b: (
        _bank_transaction(b, "-5.00"), {"account_id": b.accounts["6000"], "tax_code_id": b.tax_codes["GST10"]}),
    ("POST", "/v1/bank-rules"): lambda b: (None, _bank_rule_body(b)),
    ("PATCH", "/v1/bank-rules/{id}"): lambda b: (b.ids_for("/v1/bank-rules")[0], _bank_rule_body(b)),
    ("POST", "/v1/supplier-payments"): lambda b: (None, _supplier_payment_body(b)),
    ("POST", "/v1/supplier-payments/{id}/allocations"): lambda b: (
        b.post("/v1/supplier-payments", {**_supplier_payment_body(b), "allocations": [], "amount": "5.00"})["id"],
        {"allocations": _supplier_payment_body(b)["allocations"]}),
    ("POST", "/v1/supplier-credit-notes"): lambda b: (None, {
        "bill_id": b.post(f"/v1/bills/{b.post('/v1/bills', _bill_body(b))['id']}/post")["id"], "amount": "1.00"}),
    ("POST", "/v1/supplier-payments/{id}/refund"): lambda b: (
        b.post("/v1/supplier-payments", {**_supplier_payment_body(b), "allocations": [], "amount": "5.00"})["id"],
        {"amount": "1.00", "account_id": b.accounts["1010"]}),
    ("POST", "/v1/bulk/supplier-payments"): lambda b: (None, {"items": [{"data": _supplier_payment_body(b)}]}),
    ("POST", "/v1/supplier-credit-notes/{id}/allocations"): lambda b: (
        _credit_note_excess(b), {"allocations": _supplier_payment_body(b)["allocations"]}),
    ("POST", "/v1/supplier-credit-notes/{id}/refund"): lambda b: (
        _credit_note_excess(b), {"amount": "1.00", "account_id": b.accounts["1010"]}),
    ("POST", "/v1/payment-runs"): lambda b: (None, _payment_run_body(b)),  # issue 16
    ("POST", "/v1/stock-adjustments"): lambda b: (None, _stock_adjustment_body(b)),  # issue 19
    ("POST", "/v1/stock-transfers"): lambda b: (None, {
        "item_id": b.ids_for("/v1/stock")[0], "from_location_id": b.ids_for("/v1/stock-locations")[0],
        "to_location_id": b.ids_for("/v1/stock-locations")[1], "quantity": "1"}),
    ("POST", "/v1/bulk/stock-adjustments"): lambda b: (None, {"items": [{"data": _stock_adjustment_body(b)}]}),
}


def _stock_adjustment_body(b: TenantObjects) -> dict[str, Any]:
    return {"item_id": b.ids_for("/v1/stock")[0], "location_id": b.ids_for("/v1/stock-locations")[0],
            "reason": "other", "quantity": "1", "unit_cost": "1"}


# Identifiers that are not Ledgerline objects' ids (a tenant's or party's tax and e-invoicing identifiers, issue 17)
NOT_OBJECT_IDS = frozenset({"tax_id", "vat_id", "legal_registration_id", "leitweg_id"})


def _takes_ids(spec: dict[str, Any], schema: dict[str, Any], seen: frozenset[str] = frozenset(),
               depth: int = 0) -> bool:
    """True when the schema (or any schema inside it) has a property named like an object id."""
    if depth > 12:
        return False
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return False
        seen = seen | {schema["$ref"]}
    schema = _resolve(spec, schema)
    properties = schema.get("properties", {})
    if any(name.endswith("_id") and name not in NOT_OBJECT_IDS for name in properties):
        return True
    children = [*properties.values(), schema.get("items") or {}, schema.get("additionalProperties") or {},
                *schema.get("anyOf", []), *schema.get("oneOf", []), *schema.get("allOf", [])]
    return any(isinstance(c, dict) and _takes_ids(spec, c, seen, depth + 1) for c in children)


def test_every_write_route_with_ids_has_a_body(app):
    spec = app.openapi()
    missing = []
    for route in WRITE_ROUTES:
        # A bulk item's `data` is the body of the single-item POST: /v1/bulk/x takes what POST /v1/x takes
        single = Route(route.function, "POST", route.path.replace("/bulk/", "/")) if "/bulk/" in route.path else route
        body = operation(spec, single).get("requestBody")
        schema = next(iter(body["content"].values()))["schema"] if body else {}  # JSON, or multipart (files)
        if _takes_ids(spec, schema) and (route.method, route.path) not in BODIES:
            missing.append(route_id(route))
    assert not missing, f"add a body valid for tenant B to BODIES in {__name__}: {missing}"


@pytest.fixture(scope="module")
def tenants(api) -> tuple[TenantObjects, TenantObjects]:  # type: ignore[no-untyped-def]
    a, b = TenantObjects(api, new_tenant("Tenant A"), "A"), TenantObjects(api, new_tenant("Tenant B"), "B")
    for prefix in ("/v1/parties", "/v1/items", "/v1/accounts", "/v1/tax-codes", "/v1/invoices", "/v1/receipts"):
        a.ids_for(prefix)
    return a, b


def _swaps(body: Any, a: TenantObjects, b: TenantObjects) -> Iterator[tuple[str, str, Any]]:
    """(B's id, A's id, body with that one occurrence swapped) for every B id in the body."""
    codes_b = {**{v: ("acc", k) for k, v in b.accounts.items()}, **{v: ("txc", k) for k, v in b.tax_codes.items()}}

    def foreign(value: str) -> str | None:
        if value in codes_b:
            kind, code = codes_b[value]
            return (a.accounts if kind == "acc" else a.tax_codes)[code]
        prefix = value.split("_", 1)[0]
        return {"pty": a.customer(), "inv": a.ids_for("/v1/invoices")[1], "itm": a.ids_for("/v1/items")[0],
                "rct": a.ids_for("/v1/receipts")[0], "file": a.ids_for("/v1/files")[0],
                "bill": a.ids_for("/v1/bills")[1], "sloc": a.ids_for("/v1/stock-locations")[0]}.get(prefix)

    def paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from paths(value, (*at, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from paths(value, (*at, index))
        elif isinstance(node, str) and foreign(node):
            yield at, node

    for at, value in paths(body):
        swapped = copy.deepcopy(body)
        target = swapped
        for step in at[:-1]:
            target = target[step]
        target[at[-1]] = foreign(value)
        yield value, foreign(value), swapped  # type: ignore[misc]


def _refused(response: Any) -> bool:
    if 400 <= response.status_code < 500:
        return True
    body = response.json()
    return response.status_code < 300 and body.get("object") == "bulk_result" and body["succeeded"] == 0


@pytest.mark.parametrize("key", sorted(BODIES), ids=lambda k: f"{k[0]} {k[1]}")
def test_tenant_b_cannot_use_tenant_a_ids_in_a_body(api, tenants, key):
    method, path = key
    if not any((r.method, r.path) == key for r in ROUTES):
        pytest.skip(f"{method} {path} is not in template.yaml in this build")
    a, b = tenants
    own, body = BODIES[key](b)
    url = path.replace("{id}", own) if own else path
    swaps = list(_swaps(body, a, b))
    assert swaps, f"{method} {path}: the body holds no id to swap"
    before = {i: a.get(f"/v1/{kind}/{i}") for kind, i in (("parties", a.customer()),
                                                         ("invoices", a.ids_for("/v1/invoices")[1]))}
    for mine, theirs, swapped in swaps:
        response = api.request(method, url, json=swapped, headers=b.tenant.headers)
        assert _refused(response), f"{method} {path} with A's {theirs} for {mine}: {response.status_code} " \
                                   f"{response.text}"
        leaked = {i for i in a.all_ids() - {theirs} if i in response.text}
        leaked |= {n for n in a.names() if n in response.text}
        assert not leaked, f"{method} {path} shows A's {leaked}: {response.text}"
    assert {i: a.get(f"/v1/{kind}/{i}") for kind, i in (("parties", a.customer()),
                                                       ("invoices", a.ids_for("/v1/invoices")[1]))} == before
    # And the same body with B's own ids goes through: the refusals were about A's ids
    control = api.request(method, url, json=body, headers=b.tenant.headers)
    assert 200 <= control.status_code < 300 and not (control.json().get("failed")), control.text
