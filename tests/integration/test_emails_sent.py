"""Documents sent by email (issue 14, part M): POST …/send queues an email; the `email.queued` consumer sends
it over SMTP to the local sink (aiosmtpd), once; bounces; SES's bounce notifications through SNS."""

from __future__ import annotations

import email
import email.policy
import importlib
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from ledgerline.local.dynamodb_local import free_port
from ledgerline.local.mail_sink import RunningSink, running
from ledgerline.mail import transport
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.settings import configure, get_settings
from ledgerline.store.events import list_events
from tests.integration.books import Books
from tests.lambda_context import LambdaContext

SAMPLE_BOUNCE = Path(__file__).parents[2] / "events" / "sns" / "ses_bounce.json"


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[RunningSink]:
    """The local SMTP server on a free port, kept messages in tmp_path; the consumer's transport sends to it."""
    port, before = free_port(), get_settings().smtp_port
    configure(smtp_port=port)
    transport.transport.cache_clear()
    blobs.use(MemoryBlobStore())
    with running("127.0.0.1", port, tmp_path / "mail") as server:
        yield server
    blobs.use(None)
    configure(smtp_port=before)
    transport.transport.cache_clear()


def handler(function: str):
    return importlib.import_module(f"functions.{function}.app").handler


def bus_event(tenant_id: str, email_id: str) -> dict:
    return {
        "version": "0",
        "id": "e1",
        "detail-type": "email.queued",
        "source": "ledgerline",
        "detail": {"type": "email.queued", "tenant_id": tenant_id, "object_id": email_id, "object_type": "email"},
    }


def deliver(books: Books, email_id: str) -> dict:
    return handler("email_sender")(bus_event(books.tenant_id, email_id), LambdaContext())


def kept(sink: RunningSink) -> list[email.message.EmailMessage]:
    return [sink.folder.message(i) for i in sink.folder.ids()]


def test_the_sink_receives_the_invoice_with_its_pdf_and_the_right_headers(books: Books, sink: RunningSink):
    books.call("PATCH", "/v1/tenant", {"email_sender": "billing@acme.example"}, expect=200)
    invoice = books.posted(books.customer("Globex", email="ap@globex.example"))

    queued = books.post(
        f"/v1/invoices/{invoice['id']}/send",
        {"cc": ["boss@globex.example"], "message": "Hello {customer_name}, {number} is due {due_date}."},
        expect=202,
    )
    assert queued["status"] == "queued" and queued["to"] == ["ap@globex.example"]
    assert "email.queued" in books.events() and not kept(sink)

    assert deliver(books, queued["id"]) == {"sent": True, "status": "sent"}

    [message] = kept(sink)
    assert message["From"] == "billing@acme.example"
    assert message["To"] == "ap@globex.example" and message["Cc"] == "boss@globex.example"
    assert message["Subject"] == f"Invoice {invoice['number']} from Test Pty Ltd"
    assert message["Message-ID"] == queued["message_id"] and message["Date"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.strip() == f"Hello Globex, {invoice['number']} is due {invoice['due_date']}."
    [pdf] = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_filename() == f"{invoice['number']}.pdf"
    assert pdf.get_content().startswith(b"%PDF")

    emails = books.get(f"/v1/invoices/{invoice['id']}/emails")["data"]
    assert [(e["id"], e["status"]) for e in emails] == [(queued["id"], "sent")] and emails[0]["sent_at"]
    assert books.get(f"/v1/emails/{queued['id']}")["status"] == "sent"
    assert books.invoice(invoice["id"])["sent_at"] is not None
    events = books.events()
    assert events.count("email.sent") == 1 and events.count("invoice.sent") == 1


def test_a_redelivered_event_sends_once(books: Books, sink: RunningSink):
    invoice = books.posted(books.customer("Globex", email="ap@globex.example"))
    queued = books.post(f"/v1/invoices/{invoice['id']}/send", {}, expect=202)
    assert deliver(books, queued["id"])["sent"]
    assert deliver(books, queued["id"]) == {"sent": True, "status": "sent"}  # the same event again: nothing sent
    assert len(kept(sink)) == 1
    assert books.events().count("email.sent") == 1 and books.events().count("invoice.sent") == 1


def test_a_bounce_address_is_refused_and_the_email_bounces(books: Books, sink: RunningSink):
    invoice = books.posted(books.customer("Globex"))
    queued = books.post(f"/v1/invoices/{invoice['id']}/send", {"to": ["nobody@bounce.invalid"]}, expect=202)
    assert deliver(books, queued["id"]) == {"sent": False, "status": "bounced"}
    shown = books.get(f"/v1/emails/{queued['id']}")
    assert shown["status"] == "bounced" and "550" in shown["error"] and shown["bounced_at"]
    assert kept(sink) == [] and books.invoice(invoice["id"])["sent_at"] is None
    assert "email.bounced" in books.events() and "invoice.sent" not in books.events()


def test_no_recipient_is_a_422_naming_to_and_records_nothing(books: Books, sink: RunningSink):
    invoice = books.posted(books.customer("Globex"))  # no email address
    error = books.call("POST", f"/v1/invoices/{invoice['id']}/send", {}, expect=422).json()["error"]
    assert error["param"] == "to"
    assert books.get(f"/v1/invoices/{invoice['id']}/emails")["data"] == []
    assert "email.queued" not in books.events()


def test_without_a_body_send_only_marks_the_invoice_sent(books: Books, sink: RunningSink):
    invoice = books.posted(books.customer("Globex", email="ap@globex.example"))
    marked = books.post(f"/v1/invoices/{invoice['id']}/send", expect=200)
    assert marked["object"] == "invoice" and marked["sent_at"] is not None
    assert books.get(f"/v1/invoices/{invoice['id']}/emails")["data"] == [] and kept(sink) == []


def test_a_draft_cannot_be_sent_and_another_tenants_invoice_is_not_found(books: Books, make_tenant, api, sink):
    draft = books.draft(books.customer("Globex", email="ap@globex.example"))
    books.call("POST", f"/v1/invoices/{draft['id']}/send", {}, expect=409)
    other = make_tenant()
    assert api.post(f"/v1/invoices/{draft['id']}/send", json={}, headers=other.headers).status_code == 404
    assert api.get(f"/v1/invoices/{draft['id']}/emails", headers=other.headers).status_code == 404


def test_the_tenants_template_fills_subject_and_body(books: Books, sink: RunningSink):
    books.call(
        "PATCH",
        "/v1/tenant",
        {
            "email_templates": {
                "invoice": {"subject": "Rechnung {number}", "body": "Total {currency} {total}, due {due_date}"}
            }
        },
        expect=200,
    )
    bad = books.call("PATCH", "/v1/tenant", {"email_templates": {"invoice": {"subject": "{nope}"}}}, expect=422)
    assert "email_templates" in json.dumps(bad.json())
    invoice = books.posted(books.customer("Globex", email="ap@globex.example"))
    queued = books.post(f"/v1/invoices/{invoice['id']}/send", {"attach_pdf": False}, expect=202)
    assert queued["subject"] == f"Rechnung {invoice['number']}"
    deliver(books, queued["id"])
    [message] = kept(sink)
    body = message.get_body(preferencelist=("plain",)).get_content().strip()
    assert body == f"Total AUD {invoice['total']}, due {invoice['due_date']}"
    assert list(message.iter_attachments()) == []


def test_a_transport_failure_leaves_the_email_queued_and_the_retry_sends_it(books: Books, sink: RunningSink):
    invoice = books.posted(books.customer("Globex", email="ap@globex.example"))
    queued = books.post(f"/v1/invoices/{invoice['id']}/send", {}, expect=202)
    port = get_settings().smtp_port
    configure(smtp_port=free_port())  # nothing listens there
    transport.transport.cache_clear()
    with pytest.raises(transport.TransientFailure):
        deliver(books, queued["id"])
    assert books.get(f"/v1/emails/{queued['id']}")["status"] == "queued"
    configure(smtp_port=port)
    transport.transport.cache_clear()
    assert deliver(books, queued["id"])["status"] == "sent" and len(kept(sink)) == 1


def test_credit_notes_and_reminders_are_sent_too(books: Books, sink: RunningSink):
    customer = books.customer("Globex", email="ap@globex.example")
    invoice = books.posted(customer)
    note = books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "110.00"})
    queued = books.post(f"/v1/credit-notes/{note['id']}/send", expect=202)
    assert deliver(books, queued["id"])["status"] == "sent"
    assert [e["status"] for e in books.get(f"/v1/credit-notes/{note['id']}/emails")["data"]] == ["sent"]
    assert "credit_note.sent" in books.events()
    [message] = kept(sink)
    assert message["Subject"] == f"Credit note {note['number']} from Test Pty Ltd"
    assert [p.get_filename() for p in message.iter_attachments()] == [f"{note['number']}.pdf"]


def test_an_ses_bounce_notification_marks_the_email_bounced(books: Books, sink: RunningSink):
    invoice = books.posted(books.customer("Globex", email="ap@globex.example"))
    queued = books.post(f"/v1/invoices/{invoice['id']}/send", {}, expect=202)
    deliver(books, queued["id"])
    sample = json.loads(SAMPLE_BOUNCE.read_text())
    notification = json.loads(sample["Records"][0]["Sns"]["Message"])
    notification["mail"]["commonHeaders"]["messageId"] = queued["message_id"]
    sample["Records"][0]["Sns"]["Message"] = json.dumps(notification)

    result = handler("email_bounces")(sample, LambdaContext())

    assert result == {"marked": [{"email_id": queued["id"], "status": "bounced"}]}
    shown = books.get(f"/v1/emails/{queued['id']}")
    assert shown["status"] == "bounced" and "Permanent" in shown["error"]
    types = [e.type for e in list_events(books.tenant_id, limit=200)]
    assert types.count("email.bounced") == 1


def test_a_reminder_is_emailed_with_its_pdf_and_marked_sent(books: Books, sink: RunningSink):
    past = date.today() - timedelta(days=60)
    customer = books.customer("Globex", email="ap@globex.example")
    invoice = books.posted(customer, issue_date=str(past), due_date=str(past + timedelta(days=30)))
    reminder = books.post(f"/v1/invoices/{invoice['id']}/reminders")
    queued = books.post(f"/v1/reminders/{reminder['id']}/send", {}, expect=202)
    assert queued["subject"] == f"Payment reminder: invoice {invoice['number']}"
    assert deliver(books, queued["id"])["status"] == "sent"
    assert books.get(f"/v1/reminders/{reminder['id']}")["sent_at"] is not None
    assert [e["id"] for e in books.get(f"/v1/reminders/{reminder['id']}/emails")["data"]] == [queued["id"]]
    [message] = kept(sink)
    assert [p.get_content_type() for p in message.iter_attachments()] == ["application/pdf"]
    assert books.events().count("reminder.sent") == 1


def test_the_tenant_shows_its_email_settings(books: Books):
    books.call("PATCH", "/v1/tenant", {"email_sender": "billing@acme.example",
                                       "email_templates": {"reminder": {"subject": "Reminder {number}"}}}, expect=200)
    tenant = books.get("/v1/tenant")
    assert tenant["email_sender"] == "billing@acme.example"
    assert tenant["email_templates"] == {"reminder": {"subject": "Reminder {number}", "body": None}}
    books.call("PATCH", "/v1/tenant", {"email_templates": {"estimate": {"subject": "x"}}}, expect=422)


def test_an_issued_quote_is_sent_with_its_pdf_and_a_draft_is_refused(books: Books, sink: RunningSink):
    customer = books.customer("Globex", email="buyer@globex.example")
    body = {"customer_id": customer, "lines": [{"description": "Consulting", "quantity": "10",
                                                "unit_price": "100.00", "tax_code_id": books.tax_codes["GST10"]}]}
    draft = books.post("/v1/quotes", body)
    refused = books.call("POST", f"/v1/quotes/{draft['id']}/send", {}, expect=409).json()["error"]
    assert refused["code"] == "invalid_state" and kept(sink) == []
    quote = books.post(f"/v1/quotes/{draft['id']}/issue", expect=200)
    queued = books.post(f"/v1/quotes/{quote['id']}/send", expect=202)
    assert deliver(books, queued["id"])["status"] == "sent"
    assert [e["status"] for e in books.get(f"/v1/quotes/{quote['id']}/emails")["data"]] == ["sent"]
    assert "quote.sent" in books.events()
    [message] = kept(sink)
    assert message["To"] == "buyer@globex.example"
    assert message["Subject"] == f"Quote {quote['number']} from Test Pty Ltd"
    assert quote["valid_until"] in message.get_body(preferencelist=("plain",)).get_content()
    assert [p.get_filename() for p in message.iter_attachments()] == [f"{quote['number']}.pdf"]
    assert books.get(f"/v1/quotes/{quote['id']}")["status"] == "open"  # sending changes nothing on the quote
