"""Emails' use cases on the in-memory unit of work (tests/integration/test_emails.py is the spec)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.errors import ValidationFailed
from ledgerline.mail.transport import Outcome, TransientFailure
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import emails, invoices
from ledgerline.store.documents import Invoice
from ledgerline.store.emails import Email
from ledgerline.store.parties import Party

TODAY = date.today()


class FakeTransport:
    def __init__(self, refuse: bool = False, fail: bool = False) -> None:
        self.sent: list = []
        self.refuse, self.fail = refuse, fail

    def send(self, message, sender, recipients):  # noqa: ANN001, ANN201
        if self.fail:
            raise TransientFailure("connection refused")
        if self.refuse:
            return Outcome(None, {r: "550 no such mailbox" for r in recipients})
        self.sent.append((message, sender, recipients))
        return Outcome("local-1")


@pytest.fixture(autouse=True)
def memory_blobs() -> Iterator[None]:
    blobs.use(MemoryBlobStore())
    yield
    blobs.use(None)


def posted(books):
    line = {
        "description": "Work",
        "quantity": D(10),
        "unit_price": D(125),
        "account_id": books.accounts["4000"],
        "tax_code_id": books.tax_codes["GST10"],
    }
    body = {
        "customer_id": books.customer_id,
        "issue_date": TODAY,
        "due_date": TODAY + timedelta(days=30),
        "lines": [line],
    }
    return invoices.post(books.tenant_id, invoices.create_draft(books.tenant_id, body)["id"])


def test_queueing_writes_the_email_and_its_event_in_one_transaction(books):
    invoice = posted(books)
    before = books.table.transactions
    queued = emails.queue(books.tenant_id, "invoice", invoice["id"], {"to": ["ap@globex.example"]})
    assert books.table.transactions == before + 1
    assert queued["status"] == "queued" and books.table.event_types(books.tenant_id)[-1] == "email.queued"
    assert queued["subject"] == f"Invoice {invoice['number']} from Acme"


def test_the_customers_email_is_the_default_and_none_is_a_422_on_to(books):
    invoice = posted(books)
    with pytest.raises(ValidationFailed) as raised:
        emails.queue(books.tenant_id, "invoice", invoice["id"], {})
    assert raised.value.param == "to"
    customer = books.table.load(Party, books.tenant_id, books.customer_id)
    customer.email = "ap@customer.example"
    books.table.put(customer)
    assert emails.queue(books.tenant_id, "invoice", invoice["id"], {})["to"] == ["ap@customer.example"]


def test_delivering_twice_sends_once_and_marks_the_invoice_sent(books):
    invoice = posted(books)
    queued = emails.queue(books.tenant_id, "invoice", invoice["id"], {"to": ["ap@globex.example"]})
    transport = FakeTransport()
    assert emails.deliver(books.tenant_id, queued["id"], transport) == "sent"
    assert emails.deliver(books.tenant_id, queued["id"], transport) == "sent"
    assert len(transport.sent) == 1
    message, sender, recipients = transport.sent[0]
    assert sender == "ledgerline@localhost" and recipients == ["ap@globex.example"]
    assert [p.get_filename() for p in message.iter_attachments()] == [f"{invoice['number']}.pdf"]
    assert books.table.load(Invoice, books.tenant_id, invoice["id"]).sent_at is not None
    types = books.table.event_types(books.tenant_id)
    assert types.count("email.sent") == 1 and types.count("invoice.sent") == 1


def test_a_refused_recipient_bounces_and_a_transient_failure_requeues(books):
    invoice = posted(books)
    bounced = emails.queue(books.tenant_id, "invoice", invoice["id"], {"to": ["x@bounce.invalid"], "attach_pdf": False})
    assert emails.deliver(books.tenant_id, bounced["id"], FakeTransport(refuse=True)) == "bounced"
    retried = emails.queue(
        books.tenant_id, "invoice", invoice["id"], {"to": ["ap@globex.example"], "attach_pdf": False}
    )
    with pytest.raises(TransientFailure):
        emails.deliver(books.tenant_id, retried["id"], FakeTransport(fail=True))
    assert books.table.load(Email, books.tenant_id, retried["id"]).status == "queued"
    assert emails.deliver(books.tenant_id, retried["id"], FakeTransport()) == "sent"
    assert books.table.event_types(books.tenant_id).count("invoice.sent") == 1


def test_a_later_bounce_marks_a_sent_email_bounced_once(books):
    invoice = posted(books)
    queued = emails.queue(books.tenant_id, "invoice", invoice["id"], {"to": ["ap@globex.example"], "attach_pdf": False})
    emails.deliver(books.tenant_id, queued["id"], FakeTransport())
    assert emails.mark_bounced(books.tenant_id, queued["id"], "bounce") == "bounced"
    assert emails.mark_bounced(books.tenant_id, queued["id"], "bounce") == "bounced"
    assert books.table.event_types(books.tenant_id).count("email.bounced") == 1
