"""A purchase order over HTTP against `ledgerline dev` (issue 15): draft → send (numbered; the relay renders
its PDF on purchase_order.sent and the email sender mails it to the SMTP sink) → two goods receipts."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.test_documents_local import wait_for_render
from tests.e2e.test_emails_local import wait_for


def test_a_purchase_order_is_emailed_to_the_supplier_and_received_in_two_parts(server, http):
    tenant = server.create_tenant(name="Buyer Pty Ltd")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}

    def call(method: str, path: str, expect: int, **body: Any) -> Any:
        response = http.request(method, path, headers=headers, json=body or None)
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response.json()

    supplier = call("POST", "/v1/parties", 201, name="Paper Supplies", kind="supplier",
                    email="orders@paper.example")["id"]
    expense = {a["code"]: a["id"] for a in call("GET", "/v1/accounts?limit=100", 200)["data"]}["6000"]

    # Given a draft order of 20 boxes of paper and 2 toners
    draft = call("POST", "/v1/purchase-orders", 201, supplier_id=supplier, expected_date="2099-01-31", lines=[
        {"description": "Paper A4, box", "quantity": "20", "unit_price": "24.50", "account_id": expense},
        {"description": "Toner", "quantity": "2", "unit_price": "80.00", "account_id": expense}])
    assert (draft["status"], draft["number"], draft["total"]) == ("draft", None, "650.00")

    # When it is sent
    queued = call("POST", f"/v1/purchase-orders/{draft['id']}/send", 202)
    order = call("GET", f"/v1/purchase-orders/{draft['id']}", 200)
    assert order["status"] == "sent" and order["number"].startswith("PO-")

    # Then its PDF is rendered and the supplier gets it by email
    wait_for_render(http, headers, draft["id"])
    pdf = http.get(f"/v1/purchase-orders/{draft['id']}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    def listed() -> dict[str, Any] | None:
        result = server.cli("mail", "list")
        assert result.returncode == 0, result.stderr
        return next((m for m in json.loads(result.stdout) if m["message_id"] == queued["message_id"]), None)

    message = wait_for(listed, "purchase order email in `ledgerline mail list`")
    assert message["to"] == "orders@paper.example" and message["attachments"] == [f"{order['number']}.pdf"]
    assert message["subject"] == f"Purchase order {order['number']} from Buyer Pty Ltd"

    # And the goods arrive in two parts, never more than was ordered
    first = call("POST", f"/v1/purchase-orders/{draft['id']}/receive", 200, lines=[{"line": 1, "quantity": "12"}])
    assert first["status"] == "partially_received"
    too_much = call("POST", f"/v1/purchase-orders/{draft['id']}/receive", 422, lines=[{"line": 1, "quantity": "9"}])
    assert too_much["error"]["param"] == "lines[0].quantity"
    rest = call("POST", f"/v1/purchase-orders/{draft['id']}/receive", 200)
    assert rest["status"] == "received"
    assert [line["received_quantity"] for line in rest["lines"]] == ["20", "2"]
    assert call("POST", f"/v1/purchase-orders/{draft['id']}/receive", 409)["error"]["code"] == "nothing_to_receive"
    types = [e["type"] for e in call("GET", "/v1/events?limit=100", 200)["data"]]
    assert {"purchase_order.created", "purchase_order.sent", "purchase_order.received", "email.queued"} <= set(types)
