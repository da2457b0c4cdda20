"""The issue's sales pipeline over real HTTP (issue 14): quote (rich positions) → issue → accept → order →
two deliveries (a third drafted and deleted) → invoice → post → pay."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def auth(server) -> dict[str, str]:
    tenant = server.create_tenant(name="Pipeline Co Pty Ltd")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def test_a_quote_is_accepted_ordered_delivered_twice_invoiced_posted_and_paid(http, auth):
    def call(method: str, path: str, expect: int, **body):  # noqa: ANN202
        response = http.request(method, path, headers=auth, json=body or None)
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    customer = call("POST", "/v1/parties", 201, name="Globex", kind="customer")["id"]
    tax = {t["code"]: t["id"] for t in call("GET", "/v1/tax-codes", 200)["data"]}["GST10"]
    bank = {a["code"]: a["id"] for a in call("GET", "/v1/accounts?limit=100", 200)["data"]}["1010"]

    # Given a quote of 10 widgets and a group of 2 gadgets with 10 % off, issued and accepted
    quote = call("POST", "/v1/quotes", 201, customer_id=customer, positions=[
        {"type": "item", "description": "Widget", "quantity": "10", "unit_price": "25.00", "tax_code_id": tax},
        {"type": "text", "text": "Gadgets come assembled"},
        {"type": "group", "title": "Gadgets", "positions": [
            {"type": "item", "description": "Gadget", "quantity": "2", "unit_price": "100.00", "tax_code_id": tax},
            {"type": "discount", "percent": "10", "reason": "Bundle"}]}])
    assert quote["total"] == "473.00"  # 250 + (200 - 10 %) = 430 net, 43 GST
    call("POST", f"/v1/quotes/{quote['id']}/issue", 200)
    assert call("POST", f"/v1/quotes/{quote['id']}/accept", 200)["status"] == "accepted"

    # When it becomes an order, confirmed, delivered in two notes (a third drafted by mistake and deleted)
    converted = call("POST", f"/v1/quotes/{quote['id']}/convert", 200, to="order")
    order_id = converted["converted_to"][0]["id"]
    order = call("POST", f"/v1/orders/{order_id}/confirm", 200)
    assert (order["positions"], order["total"]) == (quote["positions"], quote["total"])
    first = call("POST", f"/v1/orders/{order_id}/deliveries", 201, lines=[{"line": 1, "quantity": "4"}])
    mistake = call("POST", f"/v1/orders/{order_id}/deliveries", 201)
    call("DELETE", f"/v1/deliveries/{mistake['id']}", 200)
    second = call("POST", f"/v1/orders/{order_id}/deliveries", 201)
    assert [line["quantity"] for line in second["lines"]] == ["6", "2"]
    for note in (first, second):
        call("POST", f"/v1/deliveries/{note['id']}/issue", 200)
        call("POST", f"/v1/deliveries/{note['id']}/deliver", 200)

    # Then what is delivered is invoiced with the quote's positions, posted and paid
    invoice = call("POST", f"/v1/orders/{order_id}/invoice", 201)
    assert (invoice["positions"], invoice["total"]) == (quote["positions"], quote["total"])
    posted = call("POST", f"/v1/invoices/{invoice['id']}/post", 200)
    call("POST", "/v1/receipts", 201, customer_id=customer, amount=posted["total"], account_id=bank,
         allocations=[{"invoice_id": posted["id"], "amount": posted["total"]}])
    assert call("GET", f"/v1/invoices/{invoice['id']}", 200)["status"] == "paid"
    done = call("GET", f"/v1/orders/{order_id}", 200)
    assert (done["status"], done["invoicing_status"]) == ("delivered", "invoiced")
    assert call("GET", f"/v1/quotes/{quote['id']}", 200)["status"] == "converted"
