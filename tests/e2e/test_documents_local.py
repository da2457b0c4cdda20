"""`ledgerline dev` end to end: posting renders the PDF through the local relay; the CLI runs the reminders job."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from io import BytesIO

import httpx
import pytest
from pypdf import PdfReader


def wait_for_render(http: httpx.Client, headers: dict[str, str], document_id: str, timeout: float = 20) -> dict:
    """The document.rendered event of a document, once the relay has fed the PDF renderer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = http.get("/v1/events", params={"type": "document.rendered"}, headers=headers).json()["data"]
        for event in events:
            if event["data"]["document_id"] == document_id:
                return event
        time.sleep(0.2)
    pytest.fail(f"no document.rendered event for {document_id} within {timeout}s")


def test_posting_renders_the_pdf_and_the_cli_reminds(server, http):
    tenant = server.create_tenant(name="Zürich Trading AG", currency="CHF", country="CH")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    customer = http.post("/v1/parties", json={"name": "Łódź 東京 GmbH"}, headers=headers).json()["id"]
    today = datetime.now(UTC).date()
    draft = http.post("/v1/invoices", headers=headers, json={
        "customer_id": customer, "issue_date": str(today - timedelta(days=40)),
        "due_date": str(today - timedelta(days=30)),
        "lines": [{"description": "Beratung", "quantity": "2", "unit_price": "500.00"}]}).json()
    invoice = http.post(f"/v1/invoices/{draft['id']}/post", headers=headers).json()

    # The relay hands invoice.posted to the PDF renderer, as EventBridge would in AWS
    rendered = wait_for_render(http, headers, invoice["id"])
    pdf = http.get(f"/v1/invoices/{invoice['id']}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-content-sha256"] == rendered["data"]["sha256"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert invoice["number"] in text and "Łódź 東京 GmbH" in text and "CHF 1,000.00" in text

    # As an operator: a dry run for a later day says what will happen and writes nothing; a later day
    # without --dry-run is refused
    ahead = str(today + timedelta(days=30))
    dry = server.cli("reminders", "run", "--date", ahead, "--tenant", tenant["tenant_id"], "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["dry_run"] is True and json.loads(dry.stdout)["reminders_created"] == 1
    assert server.cli("reminders", "run", "--date", ahead, "--tenant", tenant["tenant_id"]).returncode == 2
    assert http.get(f"/v1/invoices/{invoice['id']}/reminders", headers=headers).json()["data"] == []
    # Today's run marks the invoice overdue and creates the first reminder
    run = server.cli("reminders", "run", "--tenant", tenant["tenant_id"])
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert (report["marked_overdue"], report["reminders_created"]) == (1, 1)
    reminder, = http.get(f"/v1/invoices/{invoice['id']}/reminders", headers=headers).json()["data"]
    assert reminder["level"] == 1 and reminder["amount_due"] == "1000.00"
    wait_for_render(http, headers, reminder["id"])
    assert http.get(f"/v1/invoices/{invoice['id']}", headers=headers).json()["status"] == "overdue"
