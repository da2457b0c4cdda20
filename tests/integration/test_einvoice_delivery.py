"""E-invoice delivery (issue 17, item 6) against DynamoDB Local: `POST …/einvoice/send` queues a submission; the
`einvoice.queued` consumer (functions/einvoice_sender) hands it over real HTTP to the local access point stand-in,
which validates it with the Peppol rules: delivered, or rejected with the findings; an access point that is down
is retried, then the submission fails; by email the XML arrives at the local SMTP server beside the PDF."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledgerline.local.access_point import RunningAccessPoint, running
from ledgerline.local.dynamodb_local import free_port
from ledgerline.local.mail_sink import RunningSink
from ledgerline.local.mail_sink import running as running_sink
from ledgerline.mail import transport
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.settings import configure, get_settings
from tests.integration.books import Books
from tests.lambda_context import LambdaContext

TOKEN = "test-access-point-token"


@pytest.fixture
def de_books(api, make_tenant) -> Books:
    tenant = make_tenant(country="DE", currency="EUR", name="Ledgerline Demo GmbH")
    books = Books(api, tenant.tenant_id, tenant.headers)
    books.call("PATCH", "/v1/tenant", {
        "email": "billing@demo.example",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "bank_details": {"iban": "DE75 5121 0800 1245 1261 99", "bic": "SOGEDEFFXXX"},
        "einvoicing": {"electronic_address": "9930:DE123456788", "vat_id": "DE 123 456 788",
                       "contact_phone": "+49 30 123456"}}, expect=200)
    return books


@pytest.fixture
def settings_restored() -> Iterator[None]:
    before = get_settings()
    yield
    configure(peppol_access_point_url=before.peppol_access_point_url,
              peppol_access_point_token=before.peppol_access_point_token,
              einvoice_send_attempts=before.einvoice_send_attempts,
              einvoice_retry_seconds=before.einvoice_retry_seconds,
              einvoice_poll_attempts=before.einvoice_poll_attempts)


@pytest.fixture
def access_point(settings_restored) -> Iterator[RunningAccessPoint]:
    """The stand-in on a free port, with a token; the sender is configured to reach it."""
    with running("127.0.0.1", free_port(), TOKEN) as point:
        configure(peppol_access_point_url=point.url, peppol_access_point_token=TOKEN, einvoice_retry_seconds=0.01)
        yield point


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[RunningSink]:
    port, before = free_port(), get_settings().smtp_port
    configure(smtp_port=port)
    transport.transport.cache_clear()
    blobs.use(MemoryBlobStore())
    with running_sink("127.0.0.1", port, tmp_path / "mail") as server:
        yield server
    blobs.use(None)
    configure(smtp_port=before)
    transport.transport.cache_clear()


def handler(function: str):
    return importlib.import_module(f"functions.{function}.app").handler


def bus_event(tenant_id: str, object_id: str, kind: str, object_type: str) -> dict:
    return {"version": "0", "id": "e1", "detail-type": kind, "source": "ledgerline",
            "detail": {"type": kind, "tenant_id": tenant_id, "object_id": object_id, "object_type": object_type}}


def run_sender(books: Books, submission_id: str) -> dict:
    return handler("einvoice_sender")(bus_event(books.tenant_id, submission_id, "einvoice.queued", "einvoice"),
                                      LambdaContext())


def buyer(books: Books, **fields) -> str:
    return books.customer("Globex AG", **{
        "address": {"line1": "Marktplatz 2", "city": "München", "postal_code": "80331", "country": "DE"},
        "electronic_address": "0088:4000001000005", "vat_id": "DE811569869", "leitweg_id": "04011000-12345-34",
        "email": "ap@globex.example", **fields})


def posted(books: Books, customer_id: str, **fields) -> dict:
    lines = [{"description": "Consulting", "quantity": "10", "unit_price": "100.00",
              "tax_code_id": books.tax_codes["VAT19"]}]
    return books.posted(customer_id, lines, order_reference="PO-77", supply_date="2026-01-31", **fields)


def send(books: Books, path: str, body: dict, expect: int = 202, **headers) -> dict:
    return books.call("POST", f"{path}/einvoice/send", body, expect=expect, **headers).json()


def submissions(books: Books, path: str) -> list[dict]:
    return books.get(f"{path}/einvoice/submissions")["data"]


def test_peppol_delivery_to_the_stand_in_is_delivered(de_books: Books, access_point: RunningAccessPoint):
    invoice = posted(de_books, buyer(de_books))
    path = f"/v1/invoices/{invoice['id']}"
    queued = send(de_books, path, {"channel": "peppol", "format": "peppol"}, **{"Idempotency-Key": "send-1"})
    assert queued["status"] == "queued" and queued["receiver"] == "0088:4000001000005"
    assert "einvoice.queued" in de_books.events() and access_point.received() == []  # sent after the write
    again = send(de_books, path, {"channel": "peppol", "format": "peppol"}, **{"Idempotency-Key": "send-1"})
    assert again["id"] == queued["id"]  # the same key answers the first submission

    assert run_sender(de_books, queued["id"]) == {"delivered": True, "status": "delivered"}

    [transmission] = access_point.received()
    assert transmission.receiver == "0088:4000001000005" and invoice["number"].encode() in transmission.xml
    [shown] = submissions(de_books, path)
    assert shown["id"] == queued["id"] and shown["status"] == "delivered" and shown["findings"] == []
    assert shown["transmission_id"] == transmission.id and shown["attempts"] == 1
    assert shown["response"] == "accepted by the receiver's access point"
    events = de_books.events()
    assert [e for e in events if e.startswith("einvoice.")] == ["einvoice.queued", "einvoice.sent",
                                                                "einvoice.delivered"]
    assert de_books.invoice(invoice["id"])["sent_at"] is not None and events.count("invoice.sent") == 1
    # a redelivered event changes nothing and hands nothing over again
    assert run_sender(de_books, queued["id"])["status"] == "delivered" and len(access_point.received()) == 1


def test_a_document_the_peppol_rules_refuse_is_rejected_with_the_findings(de_books: Books,
                                                                        access_point: RunningAccessPoint):
    """EN 16931 UBL (format=ubl) is a valid e-invoice but no Peppol BIS one: the receiving side's Peppol rules
    refuse it (its specification identifier and business process), and the submission keeps what they said."""
    invoice = posted(de_books, buyer(de_books))
    path = f"/v1/invoices/{invoice['id']}"
    queued = send(de_books, path, {"channel": "peppol", "format": "ubl"})
    assert run_sender(de_books, queued["id"]) == {"delivered": False, "status": "rejected"}
    [shown] = submissions(de_books, path)
    assert shown["status"] == "rejected" and shown["rejected_at"] and "Peppol rule" in shown["response"]
    assert shown["findings"] and all(f["severity"] in ("fatal", "error") for f in shown["findings"])
    # no business process (BT-23) and not the Peppol specification identifier (BT-24)
    assert {"PEPPOL-EN16931-R001", "PEPPOL-EN16931-R004"} <= {f["id"] for f in shown["findings"]}
    assert "einvoice.rejected" in de_books.events()


def test_a_credit_note_is_delivered_too(de_books: Books, access_point: RunningAccessPoint):
    invoice = posted(de_books, buyer(de_books))
    note = de_books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "119.00",
                                              "reason": "Discount agreed"})
    queued = send(de_books, f"/v1/credit-notes/{note['id']}", {"channel": "peppol"})
    assert queued["document_type"] == "credit_note" and queued["format"] == "peppol"
    assert run_sender(de_books, queued["id"])["status"] == "delivered"
    assert b"CreditNote" in access_point.received()[0].xml


def test_an_access_point_that_is_down_is_retried_then_the_submission_fails(de_books: Books, settings_restored):
    configure(peppol_access_point_url=f"http://127.0.0.1:{free_port()}", einvoice_send_attempts=3,
              einvoice_retry_seconds=0.01)  # nothing listens there
    invoice = posted(de_books, buyer(de_books))
    path = f"/v1/invoices/{invoice['id']}"
    queued = send(de_books, path, {"channel": "peppol"})
    assert run_sender(de_books, queued["id"]) == {"delivered": False, "status": "failed"}
    [shown] = submissions(de_books, path)
    assert shown["status"] == "failed" and shown["attempts"] == 3 and "after 3 attempts" in shown["error"]
    assert [e for e in de_books.events() if e.startswith("einvoice.")] == ["einvoice.queued", "einvoice.failed"]


def test_a_wrong_token_is_refused_by_the_access_point(de_books: Books, access_point: RunningAccessPoint):
    configure(peppol_access_point_token="not-the-token")
    invoice = posted(de_books, buyer(de_books))
    queued = send(de_books, f"/v1/invoices/{invoice['id']}", {"channel": "peppol"})
    assert run_sender(de_books, queued["id"])["status"] == "rejected"
    shown = de_books.get(f"/v1/invoices/{invoice['id']}/einvoice/submissions")["data"][0]
    assert shown["error"].startswith("401") and access_point.received() == []


def test_refusals_are_4xx_and_write_nothing(de_books: Books, make_tenant, api):
    no_address = posted(de_books, buyer(de_books, electronic_address=None, leitweg_id=None),
                        buyer_reference="REF-1")
    path = f"/v1/invoices/{no_address['id']}"
    error = send(de_books, path, {"channel": "peppol", "format": "ubl"}, expect=422)["error"]
    assert error["param"] == "channel" and "BT-49" in error["message"]
    error = send(de_books, path, {"channel": "peppol", "format": "peppol"}, expect=422)["error"]
    assert "BT-49 buyer electronic address" in [d["message"] for d in error["details"]]
    assert send(de_books, path, {"channel": "pigeon"}, expect=422)["error"]["param"] == "channel"
    assert send(de_books, path, {"channel": "peppol", "format": "facturx"}, expect=422)["error"]["param"] == "format"
    draft = de_books.draft(buyer(de_books), [{"description": "Consulting", "quantity": "1", "unit_price": "10.00",
                                              "tax_code_id": de_books.tax_codes["VAT19"]}])
    send(de_books, f"/v1/invoices/{draft['id']}", {"channel": "peppol"}, expect=409)
    assert submissions(de_books, path) == []
    assert not [e for e in de_books.events() if e.startswith("einvoice.")]
    # another tenant's invoice is a 404, an unknown parameter a 400
    other = make_tenant()
    stranger = Books(api, other.tenant_id, other.headers)
    send(stranger, path, {"channel": "peppol"}, expect=404)
    stranger.call("GET", f"{path}/einvoice/submissions", expect=404)
    de_books.call("GET", f"{path}/einvoice/submissions?status=sent", expect=400)


def test_by_email_the_xml_and_the_pdf_arrive_at_the_smtp_server(de_books: Books, sink: RunningSink):
    invoice = posted(de_books, buyer(de_books))
    path = f"/v1/invoices/{invoice['id']}"
    queued = send(de_books, path, {"channel": "email", "format": "xrechnung-cii", "to": ["einvoices@globex.example"]})
    assert queued["status"] == "queued" and queued["to"] == ["einvoices@globex.example"] and queued["email_id"]
    email = de_books.get(f"/v1/emails/{queued['email_id']}")
    assert email["status"] == "queued"

    event = bus_event(de_books.tenant_id, queued["email_id"], "email.queued", "email")
    assert handler("email_sender")(event, LambdaContext()) == {"sent": True, "status": "sent"}
    # the e-invoice sender leaves an email submission alone
    assert run_sender(de_books, queued["id"]) == {"delivered": False, "status": "email"}

    [message] = [sink.folder.message(i) for i in sink.folder.ids()]
    assert message["To"] == "einvoices@globex.example"
    attachments = {a.get_filename(): a for a in message.iter_attachments()}
    assert set(attachments) == {f"{invoice['number']}.pdf", f"{invoice['number']}-xrechnung-cii.xml"}
    xml = attachments[f"{invoice['number']}-xrechnung-cii.xml"]
    assert xml.get_content_type() == "application/xml"
    assert invoice["number"].encode() in xml.get_payload(decode=True)
    [shown] = submissions(de_books, path)
    assert shown["status"] == "sent" and shown["sent_at"] and shown["attempts"] == 1
    assert "einvoice.sent" in de_books.events() and "email.sent" in de_books.events()


def test_an_email_whose_einvoice_can_no_longer_be_made_fails_with_its_submission(de_books: Books, sink: RunningSink):
    customer = buyer(de_books)
    invoice = posted(de_books, customer)
    path = f"/v1/invoices/{invoice['id']}"
    queued = send(de_books, path, {"channel": "email", "format": "peppol"})
    de_books.call("PATCH", f"/v1/parties/{customer}", {"electronic_address": None}, expect=200)

    event = bus_event(de_books.tenant_id, queued["email_id"], "email.queued", "email")
    assert handler("email_sender")(event, LambdaContext()) == {"sent": False, "status": "failed"}
    assert sink.folder.ids() == []
    [shown] = submissions(de_books, path)
    assert shown["status"] == "failed" and "BT-49" in shown["error"]
    assert de_books.get(f"/v1/emails/{queued['email_id']}")["status"] == "failed"
    assert "einvoice.failed" in de_books.events()
