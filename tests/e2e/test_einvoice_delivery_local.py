"""E-invoice delivery over real HTTP (issue 17, item 6): `ledgerline dev` runs the Peppol access point stand-in;
an invoice posted and sent with `channel: peppol` goes through the outbox, the local relay and the e-invoice
sender to the stand-in, which validates it with the Peppol rules and answers delivered; by email the XML arrives
in the local mail folder beside the PDF."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest


def wait_for(check: Any, what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"no {what} within {timeout}s")


@pytest.fixture(scope="module")
def auth(server, http) -> dict[str, str]:
    tenant = server.create_tenant(name="Delivery Demo GmbH", currency="EUR", country="DE")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    changed = http.patch("/v1/tenant", headers=headers, json={
        "email": "billing@demo.example",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "bank_details": {"iban": "DE75512108001245126199", "bic": "SOGEDEFFXXX"},
        "einvoicing": {"electronic_address": "9930:DE123456788", "vat_id": "DE123456788",
                       "contact_phone": "+49 30 123456"}})
    assert changed.status_code == 200, changed.text
    return headers


def posted_invoice(http, auth) -> dict[str, Any]:
    buyer = http.post("/v1/parties", headers=auth, json={
        "name": "Globex AG", "email": "ap@globex.example",
        "address": {"line1": "Marktplatz 2", "city": "München", "postal_code": "80331", "country": "DE"},
        "electronic_address": "0088:4000001000005", "vat_id": "DE811569869", "leitweg_id": "04011000-12345-34"})
    assert buyer.status_code == 201, buyer.text
    codes = {t["code"]: t["id"] for t in http.get("/v1/tax-codes", headers=auth).json()["data"]}
    draft = http.post("/v1/invoices", headers=auth, json={"customer_id": buyer.json()["id"], "lines": [
        {"description": "Consulting", "quantity": "10", "unit_price": "100.00", "tax_code_id": codes["VAT19"]}]})
    assert draft.status_code == 201, draft.text
    posted = http.post(f"/v1/invoices/{draft.json()['id']}/post", headers=auth)
    assert posted.status_code == 200, posted.text
    return posted.json()


def submission(http, auth, invoice_id: str, status: str) -> Any:
    found = http.get(f"/v1/invoices/{invoice_id}/einvoice/submissions", headers=auth).json()["data"]
    return found if found and found[0]["status"] == status else None


def test_an_invoice_sent_over_peppol_is_delivered_by_the_local_access_point(http, auth):
    invoice = posted_invoice(http, auth)
    queued = http.post(f"/v1/invoices/{invoice['id']}/einvoice/send", headers={**auth, "Idempotency-Key": "peppol-1"},
                       json={"channel": "peppol", "format": "peppol"})
    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] == "queued"

    [delivered] = wait_for(lambda: submission(http, auth, invoice["id"], "delivered"), "delivered submission")
    assert delivered["id"] == queued.json()["id"] and delivered["transmission_id"].startswith("tx_")
    assert delivered["response"] == "accepted by the receiver's access point" and delivered["findings"] == []
    events = http.get("/v1/events?limit=100", headers=auth).json()["data"]
    assert {"einvoice.queued", "einvoice.sent", "einvoice.delivered"} <= {e["type"] for e in events}


def test_an_invoice_sent_by_email_carries_its_xml(server, http, auth):
    invoice = posted_invoice(http, auth)
    to = f"einvoices-{uuid.uuid4().hex[:12]}@globex.example"  # the mail folder outlives a test run
    queued = http.post(f"/v1/invoices/{invoice['id']}/einvoice/send", headers=auth,
                       json={"channel": "email", "format": "cii", "to": [to]})
    assert queued.status_code == 202, queued.text
    wait_for(lambda: submission(http, auth, invoice["id"], "sent"), "sent submission")

    def listed() -> Any:
        result = server.cli("mail", "list")
        return [m for m in json.loads(result.stdout or "[]") if m["to"] == to]

    [message] = wait_for(listed, "message in `ledgerline mail list`")
    assert f"{invoice['number']}-cii.xml" in message["attachments"], message
