"""Rich positions on quotes, sales orders and recurring-invoice templates, and copying quotes and orders
(issue 14, part L), through the API against DynamoDB Local."""

from __future__ import annotations

from types import SimpleNamespace

from ledgerline.clock import today
from tests.integration.books import Books
from tests.unit.services.test_position_use_cases import every_type

TOTALS = ("subtotal", "tax_total", "total")


def body(books: Books, customer_id: str) -> dict:
    fields = every_type(SimpleNamespace(customer_id=customer_id, accounts=books.accounts, tax_codes=books.tax_codes))
    fields.pop("issue_date")
    return fields


def priced_alike(left: dict, right: dict) -> None:
    assert (left["positions"], left["allowances"], left["charges"]) == (
        right["positions"], right["allowances"], right["charges"])
    assert [tuple(line[k] for k in ("description", "quantity", "net_amount")) for line in left["lines"]] == \
        [tuple(line[k] for k in ("description", "quantity", "net_amount")) for line in right["lines"]]
    assert tuple(left[name] for name in TOTALS) == tuple(right[name] for name in TOTALS)


def test_a_quote_with_positions_converts_into_an_order_invoiced_with_them_and_paid(books: Books):
    customer = books.customer()
    quote = books.post("/v1/quotes", body(books, customer))
    assert tuple(quote[name] for name in TOTALS) == ("1342.50", "117.58", "1460.08")
    assert books.get(f"/v1/quotes/{quote['id']}")["positions"] == quote["positions"]
    books.post(f"/v1/quotes/{quote['id']}/issue", expect=200)
    converted = books.post(f"/v1/quotes/{quote['id']}/convert", {"to": "order"}, expect=200)
    order = books.get(f"/v1/orders/{converted['converted_to'][0]['id']}")
    priced_alike(order, quote)
    books.post(f"/v1/orders/{order['id']}/confirm", expect=200)
    books.post(f"/v1/orders/{order['id']}/deliveries", {})
    invoice = books.post(f"/v1/orders/{order['id']}/invoice", {})
    priced_alike(invoice, quote)
    posted = books.post(f"/v1/invoices/{invoice['id']}/post", expect=200)
    assert posted["total"] == "1460.08"


def test_copy_a_quote_and_an_order_once_per_idempotency_key(books: Books):
    customer = books.customer()
    for path in ("/v1/quotes", "/v1/orders"):
        source = books.post(path, body(books, customer))
        first = books.post(f"{path}/{source['id']}/copy", **{"Idempotency-Key": f"copy{path}"})
        again = books.post(f"{path}/{source['id']}/copy", **{"Idempotency-Key": f"copy{path}"})
        assert first["id"] == again["id"] != source["id"]
        assert (first["status"], first["number"]) == ("draft", None)
        priced_alike(first, source)
        books.call("POST", f"{path}/unknown_1/copy", expect=404)
    created = books.events()
    assert (created.count("quote.created"), created.count("order.created")) == (2, 2)


def test_copy_keeps_the_quotes_validity_days_and_dates_it_today(books: Books):
    quote = books.post("/v1/quotes", body(books, books.customer()) | {"issue_date": "2026-01-05",
                                                                      "valid_until": "2026-01-19"})
    copied = books.post(f"/v1/quotes/{quote['id']}/copy")
    assert (copied["issue_date"], copied["valid_until"]) == (
        str(today()), str(today().fromordinal(today().toordinal() + 14)))


def test_copy_of_another_tenants_quote_or_order_is_a_404(books: Books, make_tenant, api):
    quote = books.post("/v1/quotes", body(books, books.customer()))
    order = books.post("/v1/orders", body(books, books.customer()))
    other = Books(api, *(lambda key: (key.tenant_id, key.headers))(make_tenant()))
    other.call("POST", f"/v1/quotes/{quote['id']}/copy", expect=404)
    other.call("POST", f"/v1/orders/{order['id']}/copy", expect=404)


def test_a_recurring_template_with_positions_shows_them_and_refuses_bad_ones(books: Books):
    customer = books.customer()
    schedule = {"interval": "monthly", "start_date": str(today())}
    template = books.post("/v1/recurring-invoices", body(books, customer) | {"schedule": schedule})
    assert template["lines"] == [] and [p["type"] for p in template["positions"]][:3] == ["item", "text", "group"]
    bad = body(books, customer) | {"schedule": schedule, "positions": [{"type": "item", "unit_price": "10"},
                                                                       {"type": "discount", "amount": "10.01"}],
                                   "allowances": [], "charges": []}
    error = books.call("POST", "/v1/recurring-invoices", bad, expect=422).json()["error"]
    assert error["param"] == "positions.1.amount"


def test_delete_a_draft_delivery_note_gives_its_quantities_back_an_issued_one_is_a_409(books: Books, make_tenant,
                                                                                        api):
    customer = books.customer()
    order = books.post("/v1/orders", {"customer_id": customer, "lines": [
        {"description": "Widget", "quantity": "10", "unit_price": "25.00"}]})
    books.post(f"/v1/orders/{order['id']}/confirm", expect=200)
    note = books.post(f"/v1/orders/{order['id']}/deliveries", {"lines": [{"line": 1, "quantity": "4"}]})
    other = Books(api, *(lambda key: (key.tenant_id, key.headers))(make_tenant()))
    other.call("DELETE", f"/v1/deliveries/{note['id']}", expect=404)
    books.call("DELETE", f"/v1/deliveries/{note['id']}", expect=412, **{"If-Match": '"7"'})
    gone = books.call("DELETE", f"/v1/deliveries/{note['id']}", expect=200).json()
    assert gone == {"id": note["id"], "object": "delivery", "deleted": True}
    books.call("GET", f"/v1/deliveries/{note['id']}", expect=404)
    after = books.get(f"/v1/orders/{order['id']}")
    assert (after["status"], after["lines"][0]["delivered_quantity"], after["delivery_ids"]) == ("confirmed", "0", [])
    assert books.events()[-2:] == ["order.updated", "delivery.deleted"]
    issued = books.post(f"/v1/orders/{order['id']}/deliveries", {})
    books.post(f"/v1/deliveries/{issued['id']}/issue", expect=200)
    error = books.call("DELETE", f"/v1/deliveries/{issued['id']}", expect=409).json()["error"]
    assert error["param"] == "status"
    assert books.get(f"/v1/orders/{order['id']}")["lines"][0]["delivered_quantity"] == "10"


def test_bulk_orders_create_and_update_drafts_each_on_its_own(books: Books):
    customer = books.customer()
    existing = books.post("/v1/orders", {"customer_id": customer, "lines": [{"description": "A", "unit_price": "1"}]})
    body = {"operations": [
        {"operation": "create", "idempotency_key": "bo-1", "data": body_of_positions(books, customer)},
        {"operation": "create", "data": {"customer_id": "pty_nobody", "lines": [{"description": "B",
                                                                                 "unit_price": "1.00"}]}},
        {"operation": "update", "id": existing["id"], "version": 1, "data": {"notes": "Changed"}},
        {"operation": "update", "id": existing["id"], "version": 1, "data": {"notes": "Stale"}}]}
    result = books.post("/v1/bulk/orders", body, expect=200)
    assert [(r["success"], r["status"]) for r in result["results"]] == [(True, 201), (False, 422), (True, 200),
                                                                        (False, 412)]
    assert result["results"][1]["error"]["param"] == "customer_id"
    assert result["results"][0]["data"]["total"] == "1460.08"
    assert books.get(f"/v1/orders/{existing['id']}")["notes"] == "Changed"
    again = books.post("/v1/bulk/orders", {"items": [{"idempotency_key": "bo-1",
                                                      "data": body_of_positions(books, customer)}]}, expect=200)
    assert again["results"][0]["data"]["id"] == result["results"][0]["data"]["id"]
    assert books.events().count("order.created") == 2


def body_of_positions(books: Books, customer: str) -> dict:
    return body(books, customer)
