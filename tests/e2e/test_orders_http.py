"""A sales order over real HTTP (issue 14): order → confirm → two deliveries → invoice → post → pay."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def auth(server) -> dict[str, str]:
    tenant = server.create_tenant(name="Order Co Pty Ltd")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def test_an_order_is_delivered_twice_invoiced_posted_and_paid(http, auth):
    def call(method: str, path: str, expect: int, **body):  # noqa: ANN202
        response = http.request(method, path, headers=auth, json=body or None)
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response.json()

    customer = call("POST", "/v1/parties", 201, name="Globex", kind="customer")["id"]
    tax = {t["code"]: t["id"] for t in call("GET", "/v1/tax-codes", 200)["data"]}["GST10"]
    bank = {a["code"]: a["id"] for a in call("GET", "/v1/accounts?limit=100", 200)["data"]}["1010"]

    # Given a confirmed order of 10 widgets and 2 gadgets
    order = call("POST", "/v1/orders", 201, customer_id=customer, lines=[
        {"description": "Widget", "quantity": "10", "unit_price": "25.00", "tax_code_id": tax},
        {"description": "Gadget", "quantity": "2", "unit_price": "100.00", "tax_code_id": tax}])
    assert (order["status"], order["total"]) == ("draft", "495.00")
    order = call("POST", f"/v1/orders/{order['id']}/confirm", 200)
    assert order["number"].startswith("SO-")

    # When 4 widgets are delivered, then the rest
    first = call("POST", f"/v1/orders/{order['id']}/deliveries", 201, lines=[{"line": 1, "quantity": "4"}])
    assert call("GET", f"/v1/orders/{order['id']}", 200)["status"] == "partially_delivered"
    second = call("POST", f"/v1/orders/{order['id']}/deliveries", 201)
    assert [line["quantity"] for line in second["lines"]] == ["6", "2"]
    for note in (first, second):
        issued = call("POST", f"/v1/deliveries/{note['id']}/issue", 200)
        assert issued["number"].startswith("DN-")
        pdf = http.get(f"/v1/deliveries/{note['id']}/pdf", headers=auth)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        call("POST", f"/v1/deliveries/{note['id']}/deliver", 200)

    # And what is delivered is invoiced, posted and paid
    invoice = call("POST", f"/v1/orders/{order['id']}/invoice", 201)
    assert invoice["source"] == {"kind": "order", "id": order["id"]}
    assert invoice["total"] == "495.00"
    posted = call("POST", f"/v1/invoices/{invoice['id']}/post", 200)
    call("POST", "/v1/receipts", 201, customer_id=customer, amount="495.00", account_id=bank,
         allocations=[{"invoice_id": posted["id"], "amount": "495.00"}])

    # Then the order is delivered and invoiced, and nothing can be delivered or invoiced again
    done = call("GET", f"/v1/orders/{order['id']}", 200)
    assert (done["status"], done["invoicing_status"]) == ("delivered", "invoiced")
    assert call("GET", f"/v1/invoices/{invoice['id']}", 200)["status"] == "paid"
    assert call("POST", f"/v1/orders/{order['id']}/deliveries", 409)["error"]["code"] == "nothing_to_deliver"
    assert call("POST", f"/v1/orders/{order['id']}/invoice", 409)["error"]["code"] == "nothing_to_invoice"
    assert [d["status"] for d in call("GET", "/v1/deliveries", 200)["data"]] == ["delivered", "delivered"]
