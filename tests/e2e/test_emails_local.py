"""`ledgerline dev` end to end: sending an invoice by email goes through the outbox, the local relay and the
email sender to the SMTP sink, which keeps the message as an .eml file that `ledgerline mail list` shows."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest


def wait_for(check: Any, what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"no {what} within {timeout}s")


def posted_invoice(http: httpx.Client, headers: dict[str, str], customer: dict[str, Any]) -> dict[str, Any]:
    customer_id = http.post("/v1/parties", json=customer, headers=headers).json()["id"]
    draft = http.post("/v1/invoices", headers=headers, json={
        "customer_id": customer_id, "lines": [{"description": "Consulting", "quantity": "3", "unit_price": "120.00"}]})
    return http.post(f"/v1/invoices/{draft.json()['id']}/post", headers=headers).json()


def test_sending_an_invoice_puts_the_eml_in_the_mail_folder_and_mail_list_shows_it(server, http):
    tenant = server.create_tenant(name="Mail Pty Ltd")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    http.patch("/v1/tenant", json={"email_sender": "billing@mail.example"}, headers=headers).raise_for_status()
    invoice = posted_invoice(http, headers, {"name": "Globex", "email": "ap@globex.example"})

    response = http.post(f"/v1/invoices/{invoice['id']}/send", json={"cc": ["boss@globex.example"]}, headers=headers)
    assert response.status_code == 202
    queued = response.json()
    assert queued["status"] == "queued" and queued["to"] == ["ap@globex.example"]

    def listed() -> dict[str, Any] | None:
        result = server.cli("mail", "list")
        assert result.returncode == 0, result.stderr
        return next((m for m in json.loads(result.stdout) if m["message_id"] == queued["message_id"]), None)

    message = wait_for(listed, "message in `ledgerline mail list`")
    assert message["from"] == "billing@mail.example" and message["to"] == "ap@globex.example"
    assert message["cc"] == "boss@globex.example" and message["attachments"] == [f"{invoice['number']}.pdf"]
    assert message["subject"] == f"Invoice {invoice['number']} from Mail Pty Ltd"

    shown = server.cli("mail", "show", message["id"])
    assert shown.returncode == 0 and f"Message-ID: {queued['message_id']}" in shown.stdout
    assert "Content-Type: application/pdf" in shown.stdout

    emails = wait_for(lambda: [e for e in http.get(f"/v1/invoices/{invoice['id']}/emails", headers=headers).json()
                               ["data"] if e["status"] == "sent"], "sent email")
    assert [e["id"] for e in emails] == [queued["id"]]
    assert http.get(f"/v1/invoices/{invoice['id']}", headers=headers).json()["sent_at"] is not None


def test_a_bounce_address_makes_the_email_bounced(server, http):
    tenant = server.create_tenant(name="Bounce Pty Ltd")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    invoice = posted_invoice(http, headers, {"name": "Nobody"})
    queued = http.post(f"/v1/invoices/{invoice['id']}/send", json={"to": ["nobody@bounce.invalid"],
                                                                   "attach_pdf": False}, headers=headers).json()
    bounced = wait_for(lambda: (e := http.get(f"/v1/emails/{queued['id']}", headers=headers).json())["status"]
                       == "bounced" and e, "bounced email")
    assert "550" in bounced["error"]
