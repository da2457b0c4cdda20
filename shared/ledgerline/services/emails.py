"""Documents sent by email (issue 14, part M): one email service for every kind that can be emailed.

`queue` (the API's `POST …/{id}/send` with a body): load the document, choose the recipients and fill the
kind's templates (domain/emails), create the email record `queued` and its `email.queued` event in one
transaction; answer 202. `deliver` (the bus consumer of `email.queued`, mail/consumer.py): claim the email
(queued → sending, conditional on its version, so a redelivered event finds it claimed and does nothing),
build the MIME message with the PDF, hand it to the transport, then in one transaction mark it sent (or
bounced) with `email.sent` and the document's own `<kind>.sent` event. A transient failure of the
transport puts it back to `queued` and raises, so the bus retries. `mark_bounced`: SES's bounce and
complaint notifications (mail/bounces.py).

A kind is one `SOURCES` entry (and one `domain/emails.MAIL_KINDS` entry): how to load it, its placeholder
values, its party, its PDF and what sending changes on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain import emails as rules
from ledgerline.domain.documents import invoice as invoice_rules
from ledgerline.domain.documents import purchase_order as purchase_order_rules
from ledgerline.domain.documents import reminder as reminder_rules
from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.documents.delivery import DeliveryStatus
from ledgerline.domain.documents.order import OrderStatus
from ledgerline.domain.documents.purchase_order import PurchaseOrderStatus
from ledgerline.domain.documents.quote import QuoteStatus
from ledgerline.domain.emails import EmailStatus
from ledgerline.domain.errors import LedgerlineError
from ledgerline.domain.events import EventType
from ledgerline.domain.money import with_minor_units
from ledgerline.ids import new_id
from ledgerline.mail.mime import Attachment, build_message, message_id
from ledgerline.observability import logger
from ledgerline.schemas.documents import CreditNoteOut, InvoiceOut
from ledgerline.schemas.emails import EmailOut
from ledgerline.schemas.orders import DeliveryNoteOut, OrderOut
from ledgerline.schemas.quotes import QuoteOut
from ledgerline.schemas.reminders import ReminderOut
from ledgerline.services.idempotency import once
from ledgerline.services.invoice_state import state_of
from ledgerline.services.purchase_order_state import state_of as purchase_order_state
from ledgerline.services.retry import retrying
from ledgerline.settings import get_settings
from ledgerline.store import emails as email_store
from ledgerline.store.documents import CreditNote, Invoice
from ledgerline.store.emails import Email
from ledgerline.store.parties import Party
from ledgerline.store.purchase_orders import PurchaseOrder
from ledgerline.store.quotes import Quote
from ledgerline.store.records import Page
from ledgerline.store.reminders import Reminder
from ledgerline.store.sales import Delivery, Order
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


@dataclass(frozen=True)
class Source:
    """What the email service needs of a kind of document."""

    kind: str
    load: Callable[[UnitOfWork, str], Any]
    check: Callable[[Any], None]  # may it be sent? (InvalidState: 409)
    values: Callable[[Any], dict[str, str]]  # placeholder values of the document itself
    party_id: Callable[[Any], str | None]
    pdf: Callable[[str, str], Any] | None  # (tenant id, document id) → its DocumentFile (services/pdfs.py);
    # None: the kind has no PDF: its emails go without an attachment
    mark_sent: Callable[[UnitOfWork, Any], None]  # stage the document's change and its `<kind>.sent` event


def _money(amount: Decimal | None, currency: str) -> str:
    return "" if amount is None else str(with_minor_units(Decimal(amount), currency))  # as the API shows it


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


def _pdf(name: str) -> Callable[[str, str], Any]:
    def render(tenant_id: str, document_id: str) -> Any:
        from ledgerline.services import pdfs  # deferred: the API functions carry no PDF stack

        return getattr(pdfs, name)(tenant_id, document_id)

    return render


def _check_invoice(invoice: Invoice) -> None:
    invoice_rules.send(state_of(invoice))  # posted and not voided, else 409


def _invoice_sent(uow: UnitOfWork, invoice: Invoice) -> None:
    sent = invoice_rules.send(state_of(invoice))
    invoice.sent_at = invoice.updated_at = utc_now()
    uow.save_if_unchanged(invoice)
    uow.record_event(sent.event, invoice, InvoiceOut)


def _credit_note_sent(uow: UnitOfWork, note: CreditNote) -> None:
    uow.check_unchanged(note)
    uow.record_event(EventType.CREDIT_NOTE_SENT, note, CreditNoteOut)


def _check_quote(quote: Quote) -> None:
    if quote.number is None or quote.status == QuoteStatus.DRAFT:
        raise InvalidState("A draft quote cannot be sent: issue it first", param="status")


def _quote_sent(uow: UnitOfWork, quote: Quote) -> None:
    uow.check_unchanged(quote)  # sending changes nothing on the quote: its event says it was sent
    uow.record_event(EventType.QUOTE_SENT, quote, QuoteOut)


def _check_order(order: Order) -> None:
    if order.number is None or order.status in (OrderStatus.DRAFT, OrderStatus.CANCELLED):
        raise InvalidState("Only a confirmed order can be sent: confirm it first", param="status")


def _order_sent(uow: UnitOfWork, order: Order) -> None:
    uow.check_unchanged(order)  # sending changes nothing on the order: its event says it was sent
    uow.record_event(EventType.ORDER_SENT, order, OrderOut)


def _check_delivery(delivery: Delivery) -> None:
    if delivery.number is None or delivery.status == DeliveryStatus.DRAFT:
        raise InvalidState("A draft delivery note cannot be sent: issue it first", param="status")


def _delivery_sent(uow: UnitOfWork, delivery: Delivery) -> None:
    uow.check_unchanged(delivery)
    uow.record_event(EventType.DELIVERY_SENT, delivery, DeliveryNoteOut)


def _reminder_state(reminder: Reminder) -> reminder_rules.ReminderState:
    return reminder_rules.ReminderState(int(reminder.level), sent=reminder.sent_at is not None,
                                        deleted=reminder.deleted_at is not None)


def _check_reminder(reminder: Reminder) -> None:
    if reminder.deleted_at is not None:
        raise InvalidState("A withdrawn reminder cannot be sent", param="id")


def _reminder_sent(uow: UnitOfWork, reminder: Reminder) -> None:
    sending = reminder_rules.send(_reminder_state(reminder))
    if sending is None:  # sent before (marked, or emailed): a second email changes nothing on the reminder
        uow.check_unchanged(reminder)
        return
    reminder.sent_at = reminder.updated_at = utc_now()
    uow.save_if_unchanged(reminder)
    uow.record_event(sending.event, reminder, ReminderOut)


SOURCES: dict[str, Source] = {
    source.kind: source for source in (
        Source("invoice", lambda uow, i: uow.load(Invoice, i), _check_invoice,
               lambda d: {"number": d.number or "", "total": _money(d.total, d.currency), "currency": d.currency,
                          "due_date": _day(d.due_date), "date": _day(d.issue_date),
                          "customer_name": d.customer_name},
               lambda d: d.customer_id, _pdf("invoice_pdf"), _invoice_sent),
        Source("credit_note", lambda uow, i: uow.load(CreditNote, i), lambda d: None,
               lambda d: {"number": d.number or "", "total": _money(d.total, d.currency), "currency": d.currency,
                          "due_date": "", "date": _day(d.date), "customer_name": d.customer_name},
               lambda d: d.customer_id, _pdf("credit_note_pdf"), _credit_note_sent),
        Source("quote", lambda uow, i: uow.load(Quote, i), _check_quote,
               lambda d: {"number": d.number or "", "total": _money(d.total, d.currency), "currency": d.currency,
                          "due_date": _day(d.valid_until), "date": _day(d.issue_date),
                          "customer_name": d.customer_name},
               lambda d: d.customer_id, _pdf("quote_pdf"), _quote_sent),
        Source("order", lambda uow, i: uow.load(Order, i), _check_order,
               lambda d: {"number": d.number or "", "total": _money(d.total, d.currency), "currency": d.currency,
                          "due_date": "", "date": _day(d.order_date), "customer_name": d.customer_name},
               lambda d: d.customer_id, _pdf("order_pdf"), _order_sent),
        Source("delivery", lambda uow, i: uow.load(Delivery, i), _check_delivery,
               lambda d: {"number": d.number or "", "total": "", "currency": "", "due_date": "",
                          "date": _day(d.delivery_date), "customer_name": d.customer_name},
               lambda d: d.customer_id, _pdf("delivery_pdf"), _delivery_sent),
        Source("reminder", lambda uow, i: uow.find_reminder(i), _check_reminder,
               lambda d: {"number": d.invoice_number, "currency": d.currency, "date": _day(d.date),
                          "total": _money(Decimal(d.amount_due) + Decimal(d.fee or 0), d.currency),
                          "due_date": _day(d.pay_by), "customer_name": d.customer_name},
               lambda d: d.customer_id, _pdf("reminder_pdf"), _reminder_sent),
    )
}


def _check_purchase_order(order: PurchaseOrder) -> None:
    if order.number is None or order.status == PurchaseOrderStatus.DRAFT:
        raise InvalidState("A draft purchase order is sent (and numbered) by POST …/send", param="status")
    purchase_order_rules.check_can_email(purchase_order_state(order))


# Purchase orders (issue 15): `services/purchase_orders.send` stages the email with the order's own change
# (draft → sent) through `stage_email`; the email's delivery changes nothing more on the order.
SOURCES["purchase_order"] = Source(
    "purchase_order", lambda uow, i: uow.load(PurchaseOrder, i), _check_purchase_order,
    lambda d: {"number": d.number or "", "total": _money(d.total, d.currency), "currency": d.currency,
               "due_date": _day(d.expected_date), "date": _day(d.order_date), "customer_name": d.supplier_name},
    lambda d: d.supplier_id, _pdf("purchase_order_pdf"), lambda uow, d: None)


def represent(email: Email) -> dict[str, Any]:
    return EmailOut.model_validate(email).model_dump(mode="json")


def sender_of(tenant: Tenant) -> str:
    return tenant.email_sender or tenant.email or get_settings().email_sender


# ----------------------------------------------------------------------------------------- reads


def get_email(tenant_id: str, email_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(Email, email_id))


def list_emails(tenant_id: str, kind: str, document_id: str, *, limit: int,
                start_key: dict[str, Any] | None) -> Page[Email]:
    """A document's emails; 404 for a document this tenant does not have."""
    SOURCES[kind].load(open_unit(tenant_id), document_id)
    return email_store.list_emails(tenant_id, document_id, limit=limit, start_key=start_key)


# ------------------------------------------------------------------------------------- queueing


def queue(tenant_id: str, kind: str, document_id: str, request: dict[str, Any],
          idempotency_key: str | None = None) -> dict[str, Any]:
    """Record the email `queued` with its `email.queued` event (one transaction); the consumer sends it."""
    return once(tenant_id, idempotency_key, f"send_{kind}", {"id": document_id, **request},
                lambda: retrying(lambda: _queue(tenant_id, kind, document_id, request)), in_unit=True)


def _queue(tenant_id: str, kind: str, document_id: str, request: dict[str, Any]) -> dict[str, Any]:
    source = SOURCES[kind]
    uow = open_unit(tenant_id)
    document = source.load(uow, document_id)
    email = stage_email(uow, uow.tenant(), kind, document, request)
    uow.respond(EmailOut, email)
    uow.commit()
    return represent(email)


def recipient_of(uow: UnitOfWork, kind: str, document: Any) -> str | None:
    """The party's email address a request without `to` sends to (none: such a request is a 422)."""
    party_id = SOURCES[kind].party_id(document)
    party = uow.find(Party, party_id) if party_id else None
    return (party.email or "").strip() or None if party else None


def stage_email(uow: UnitOfWork, tenant: Tenant, kind: str, document: Any, request: dict[str, Any], *,
                einvoice_format: str | None = None, submission_id: str | None = None) -> Email:
    """The email `queued` and its `email.queued`, staged on the caller's unit (the send route's own, or a
    recurring invoice's period, whose invoice it emails in the period's transaction); the caller commits.
    An e-invoice submission by email (services/einvoice_delivery.py) names its format and itself."""
    tenant_id = tenant.id
    source = SOURCES[kind]
    source.check(document)
    party_id = source.party_id(document)
    party = uow.find(Party, party_id) if party_id else None
    to, cc = rules.recipients(request.get("to"), request.get("cc"), party.email if party else None)
    values = {**source.values(document), "company_name": tenant.name}
    subject_template, body_template = rules.template_for(kind, tenant.email_template_map())
    subject = rules.fill(request.get("subject") or subject_template, values)
    body = rules.fill(request.get("message") or body_template, values)
    now = utc_now()
    email_id = new_id("eml")
    email = Email(
        *Email.key(tenant_id, email_id), id=email_id, tenant_id=tenant_id, document_type=kind,
        document_id=document.id, document_number=getattr(document, "number", None)
        or getattr(document, "invoice_number", None),
        status=EmailStatus.QUEUED.value, sender=sender_of(tenant), to=to, cc=cc,
        subject=" ".join(subject.split()), message=body,
        attach_pdf="true" if request.get("attach_pdf", True) else "false",
        message_id=message_id(tenant_id, email_id), created_at=now, updated_at=now,
        einvoice_format=einvoice_format, submission_id=submission_id,
    )
    uow.create(email)
    uow.record_event(EventType.EMAIL_QUEUED, email, EmailOut)
    return email


# ------------------------------------------------------------------------------------- delivery


def deliver(tenant_id: str, email_id: str, transport: Any) -> str:
    """Send a queued email once; returns its status afterwards. Anything but `queued` is left alone."""
    from ledgerline.mail.transport import TransientFailure  # deferred: settings-bound transports

    uow = open_unit(tenant_id)
    email = uow.load(Email, email_id)
    if not rules.should_send(email.status):
        logger.info("email not queued: nothing to send", extra={"email_id": email_id, "status": email.status})
        return email.status
    source = SOURCES[email.document_type]
    attachment = None
    if email.attach_pdf == "true" and source.pdf is not None:
        from ledgerline.pdf.blobs import blob_store

        file = source.pdf(tenant_id, email.document_id)
        attachment = Attachment(file.filename, blob_store().get(file.blob_key), file.content_type)
    extra: tuple[Attachment, ...] = ()
    if email.einvoice_format:  # an e-invoice by email (issue 17, item 6): its XML (or Factur-X PDF) attached
        from ledgerline.services import einvoice_delivery

        try:
            extra = (Attachment(*einvoice_delivery.attachment_of(tenant_id, email.document_type, email.document_id,
                                                                 email.einvoice_format)),)
        except LedgerlineError as exc:  # the data changed since it was queued: the e-invoice cannot be made now
            return fail(tenant_id, email_id, f"the e-invoice cannot be made: {exc.message}")
        if email.einvoice_format == "facturx":
            attachment = None  # the Factur-X file is the PDF, with the XML inside
    # The claim: queued → sending, conditional on the version read. A concurrent or later delivery of the same
    # event fails the condition or finds it sending, so this run alone sends it.
    email.status = rules.move(email.status, EmailStatus.SENDING).value
    email.updated_at = utc_now()
    uow.save_if_unchanged(email)
    uow.commit()

    message = build_message(sender=email.sender, to=list(email.to), cc=list(email.cc or []), subject=email.subject,
                            body=email.message, msg_id=email.message_id, at=email.updated_at, attachment=attachment,
                            attachments=extra)
    try:
        outcome = transport.send(message, email.sender, [*email.to, *(email.cc or [])])
    except TransientFailure as exc:
        reason = str(exc)[:500]
        retrying(lambda: _settle(tenant_id, email_id, EmailStatus.QUEUED, error=reason))
        raise
    if outcome.refused and len(outcome.refused) == len(email.to) + len(email.cc or []):
        reason = "; ".join(f"{a}: {r}" for a, r in outcome.refused.items())
        return retrying(lambda: _settle(tenant_id, email_id, EmailStatus.BOUNCED, error=reason[:500]))
    partial = "; ".join(f"{a}: {r}" for a, r in outcome.refused.items()) or None
    return retrying(lambda: _settle(tenant_id, email_id, EmailStatus.SENT, error=partial,
                                    provider_message_id=outcome.provider_message_id))


def _settle(tenant_id: str, email_id: str, status: EmailStatus, *, error: str | None = None,
            provider_message_id: str | None = None) -> str:
    uow = open_unit(tenant_id)
    email = uow.load(Email, email_id)
    if not rules.can_move(email.status, status):
        return email.status
    now = utc_now()
    email.status, email.updated_at, email.error = status.value, now, error
    if provider_message_id:
        email.provider_message_id = provider_message_id
    if status == EmailStatus.SENT:
        email.sent_at = now
        source = SOURCES[email.document_type]
        document = source.load(uow, email.document_id)
        source.mark_sent(uow, document)
    elif status == EmailStatus.BOUNCED:
        email.bounced_at = now
    elif status == EmailStatus.FAILED:
        email.failed_at = now
    uow.save_if_unchanged(email)
    if email.submission_id:  # an e-invoice by email: its submission follows the email, in this transaction
        from ledgerline.services import einvoice_delivery

        einvoice_delivery.email_settled(uow, email.submission_id, email.status, error)
    event = {EmailStatus.SENT: EventType.EMAIL_SENT, EmailStatus.BOUNCED: EventType.EMAIL_BOUNCED,
             EmailStatus.FAILED: EventType.EMAIL_FAILED}.get(status)
    if event is not None:
        uow.record_event(event, email, EmailOut)
    uow.commit()
    return email.status


def mark_bounced(tenant_id: str, email_id: str, reason: str) -> str:
    """A bounce or complaint reported after sending (SES → SNS): the email becomes `bounced`."""
    return retrying(lambda: _settle(tenant_id, email_id, EmailStatus.BOUNCED, error=reason[:500]))


def fail(tenant_id: str, email_id: str, reason: str) -> str:
    """Give up on an email (the document is gone, its PDF cannot be made)."""
    return retrying(lambda: _settle(tenant_id, email_id, EmailStatus.FAILED, error=reason[:500]))
