"""Recurring invoices with auto_send (issue 14, part L) against DynamoDB Local: each invoice's email is queued
in its period's transaction and sent over SMTP to the local sink with its PDF; a customer without an email
address gets the invoice created and posted, not sent, reported and announced (`invoice.not_sent`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from ledgerline import clock
from ledgerline.clock import FixedClock
from ledgerline.local.mail_sink import RunningSink
from ledgerline.recurring import job
from tests.integration.books import Books
from tests.integration.test_emails_sent import deliver, kept
from tests.integration.test_emails_sent import sink as mail_sink

CLOCK = FixedClock()
sink = mail_sink  # the local SMTP sink fixture of test_emails_sent.py


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[FixedClock]:
    CLOCK.set(datetime(2030, 1, 1, 6, tzinfo=UTC))
    clock.use(CLOCK)
    yield CLOCK
    clock.use(None)


def template(books: Books, customer_id: str) -> dict:
    return books.post("/v1/recurring-invoices", {
        "customer_id": customer_id, "auto_post": True, "auto_send": True,
        "lines": [{"description": "Hosting", "unit_price": "100.00", "tax_code_id": books.tax_codes["GST10"]}],
        "schedule": {"interval": "monthly", "day_of_month": "last", "start_date": "2030-01-01"}})


def run_on(books: Books, day: date) -> job.RunReport:
    CLOCK.travel_to(day)
    return job.run(day, [books.tenant_id])


def test_each_invoice_is_emailed_once_with_its_pdf_and_then_reads_sent(books: Books, sink: RunningSink):
    made = template(books, books.customer("Globex", email="ap@globex.example"))
    report = run_on(books, date(2030, 2, 28))
    assert (report.invoices_created, report.emails_queued, report.not_sent_invoice_ids) == (2, 2, [])
    assert run_on(books, date(2030, 2, 28)).emails_queued == 0  # run twice: no second email
    invoices = books.get(f"/v1/recurring-invoices/{made['id']}/invoices")["data"]
    for invoice in invoices:
        [queued] = books.get(f"/v1/invoices/{invoice['id']}/emails")["data"]
        assert (queued["status"], queued["to"]) == ("queued", ["ap@globex.example"])
        assert deliver(books, queued["id"]) == {"sent": True, "status": "sent"}
        assert books.invoice(invoice["id"])["sent_at"] is not None
    messages = kept(sink)
    assert sorted(m["Subject"] for m in messages) == sorted(
        f"Invoice {i['number']} from Test Pty Ltd" for i in invoices)
    for message in messages:
        [pdf] = list(message.iter_attachments())
        assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF")
    events = books.events()
    assert (events.count("email.sent"), events.count("invoice.sent"), events.count("invoice.not_sent")) == (2, 2, 0)


def test_a_customer_without_email_gets_the_invoice_posted_not_sent_and_the_run_says_so(books: Books):
    made = template(books, books.customer("Initech"))
    report = run_on(books, date(2030, 1, 31))
    [invoice] = books.get(f"/v1/recurring-invoices/{made['id']}/invoices")["data"]
    assert (report.invoices_created, report.emails_queued, report.not_sent_invoice_ids) == (1, 0, [invoice["id"]])
    assert report.failures == 0
    assert [a["not_sent"] for a in report.actions] == ["the customer has no email address"]
    assert (invoice["status"], invoice["number"], invoice["sent_at"]) == ("awaiting_payment", "INV-2030-0001", None)
    assert books.get(f"/v1/invoices/{invoice['id']}/emails")["data"] == []
    events = books.events()
    assert (events.count("invoice.posted"), events.count("invoice.not_sent"), events.count("email.queued")) == (1, 1, 0)
    notice = next(e for e in books.get("/v1/events?limit=100")["data"] if e["type"] == "invoice.not_sent")
    assert notice["data"]["id"] == invoice["id"]
    assert notice["data"]["source"] == {"kind": "recurring_invoice", "id": made["id"]}
