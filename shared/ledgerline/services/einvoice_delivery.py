"""E-invoice delivery (issue 17, item 6): `POST /v1/{invoices|credit-notes}/{id}/einvoice/send`.

`queue` (the API): load the posted document, render it in the chosen format now (missing data is a 422
listing the business terms, before anything is written), and in one transaction record the submission
`queued` with `einvoice.queued`; for the `email` channel the same transaction stages the email
(`services/emails.stage_email`, with the format to attach), so the email sender delivers it like any
document email and its outcome moves the submission (`email_settled`). Answers 202.

`deliver` (the bus consumer of `einvoice.queued`, `einvoice/consumer.py`, for the `peppol` channel): claim an
attempt (a write conditional on the submission's version), render the XML, hand it to the access point (the
port `domain/einvoice/delivery.AccessPoint`); an unreachable access point is tried again after a backoff
(`einvoice_send_attempts`, `einvoice_retry_seconds` × 2^(n-1)), then the submission is `failed`; a refusal makes
it `rejected`; a transmission id makes it `sent`. Then it polls the transmission's status a few times:
`delivered` or `rejected` (with the receiver's response and the findings); still pending, it stays `sent` and
the consumer raises, so the bus delivers the event again later and the next run polls again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain.documents import InvalidState, InvoiceStatus
from ledgerline.domain.documents import einvoice_submission as rules
from ledgerline.domain.documents.einvoice_submission import SubmissionStatus
from ledgerline.domain.einvoice.delivery import AccessPoint, Outgoing, Refused, Unreachable
from ledgerline.domain.errors import FieldIssue, PreconditionFailed, ValidationFailed
from ledgerline.ids import new_id
from ledgerline.observability import logger
from ledgerline.schemas.einvoice_delivery import EInvoiceSubmissionOut
from ledgerline.services import einvoices
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.settings import get_settings
from ledgerline.store import einvoice_submissions as submission_store
from ledgerline.store.documents import CreditNote, Invoice
from ledgerline.store.einvoice_submissions import EInvoiceSubmission
from ledgerline.store.parties import Party
from ledgerline.store.records import Page
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

MODELS: dict[str, type[Invoice] | type[CreditNote]] = {"invoice": Invoice, "credit_note": CreditNote}
XML_OF_FACTURX = "cii"  # a Factur-X file carries the CII XML (EN 16931)
BY_EMAIL = "email"  # what `deliver` answers for a submission the email sender delivers


def represent(submission: EInvoiceSubmission) -> dict[str, Any]:
    return EInvoiceSubmissionOut.model_validate(submission).model_dump(mode="json")


# ----------------------------------------------------------------------------------------- reads


def get_submission(tenant_id: str, submission_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(EInvoiceSubmission, submission_id))


def list_submissions(tenant_id: str, kind: str, document_id: str, *, limit: int,
                     start_key: dict[str, Any] | None) -> Page[EInvoiceSubmission]:
    """A document's submissions, oldest first; 404 for a document this tenant does not have."""
    open_unit(tenant_id).load(MODELS[kind], document_id)
    return submission_store.list_submissions(tenant_id, document_id, limit=limit, start_key=start_key)


# ------------------------------------------------------------------------------------- queueing


def queue(tenant_id: str, kind: str, document_id: str, request: dict[str, Any],
          idempotency_key: str | None = None) -> dict[str, Any]:
    """Record the submission `queued` with `einvoice.queued` (and, by email, the email) in one transaction."""
    return once(tenant_id, idempotency_key, f"einvoice_send_{kind}", {"id": document_id, **request},
                lambda: retrying(lambda: _queue(tenant_id, kind, document_id, request)), in_unit=True)


def _refuse(param: str, reason: str, term: str | None = None) -> ValidationFailed:
    return ValidationFailed(f"{param}: {reason}", param=param, details=[FieldIssue(term or param, reason)])


def check_request(channel: str, fmt: str, to: list[str] | None) -> None:
    """What the request itself must say: Factur-X is a PDF, so it goes by email only; `to` is for email."""
    if channel == "peppol" and fmt == "facturx":
        raise _refuse("format", "facturx is a PDF: the Peppol network carries XML (peppol, ubl, cii, xrechnung-*)")
    if channel == "peppol" and to:
        raise _refuse("to", "a Peppol delivery goes to the customer's electronic address, not to email addresses")


def _queue(tenant_id: str, kind: str, document_id: str, request: dict[str, Any]) -> dict[str, Any]:
    from ledgerline.services import emails  # the email channel stages its email on this unit

    channel, fmt, to = request["channel"], request.get("format") or "peppol", request.get("to")
    check_request(channel, fmt, to)
    model = MODELS[kind]
    uow = open_unit(tenant_id)
    uow.prefetch([(model, document_id)])
    document = uow.load(model, document_id)
    if isinstance(document, Invoice) and document.status == InvoiceStatus.DRAFT:
        raise InvalidState("A draft invoice has no e-invoice: post it first", param="status",
                           code="document_not_posted")
    emails.SOURCES[kind].check(document)  # a voided invoice is not sent (409)
    einvoices.render_document(uow, document, XML_OF_FACTURX if fmt == "facturx" else fmt)  # missing data: 422
    party = uow.load(Party, document.customer_id)
    receiver = None
    if channel == "peppol":
        receiver = (party.electronic_address or "").strip() or None
        if receiver is None:
            raise _refuse("channel", "BT-49 buyer electronic address: the customer has no `electronic_address` "
                          "(e.g. 0088:4000001000005) to deliver to over Peppol", "BT-49")
    now = utc_now()
    submission_id = new_id("eis")
    submission = EInvoiceSubmission(
        *EInvoiceSubmission.key(tenant_id, submission_id), id=submission_id, tenant_id=tenant_id,
        document_type=kind, document_id=document.id, document_number=document.number, channel=channel,
        format=fmt, receiver=receiver, status=SubmissionStatus.QUEUED.value, attempts=0,
        created_at=now, updated_at=now)
    if channel == "email":
        email = emails.stage_email(uow, uow.tenant(), kind, document,
                                   {"to": to, "attach_pdf": request.get("attach_pdf", True)},
                                   einvoice_format=fmt, submission_id=submission_id)
        submission.email_id, submission.to = email.id, list(email.to)
    uow.create(submission)
    uow.record_event(rules.EVENTS[SubmissionStatus.QUEUED], submission, EInvoiceSubmissionOut)
    uow.respond(EInvoiceSubmissionOut, submission)
    uow.commit()
    return represent(submission)


# ------------------------------------------------------------------------- the email channel


def attachment_of(tenant_id: str, kind: str, document_id: str, fmt: str) -> tuple[str, bytes, str]:
    """(filename, content, content type) the email of an `email` submission carries beside (or, for Factur-X,
    instead of) the PDF."""
    if fmt == "facturx":
        render = einvoices.invoice_facturx if kind == "invoice" else einvoices.credit_note_facturx
        number, pdf = render(tenant_id, document_id)
        return f"{number}-facturx.pdf", pdf, "application/pdf"
    xml_of = einvoices.invoice_xml if kind == "invoice" else einvoices.credit_note_xml
    number, xml = xml_of(tenant_id, document_id, fmt)
    return f"{number}-{fmt}.xml", xml, "application/xml"


_EMAIL_OUTCOMES = {"sent": SubmissionStatus.SENT, "bounced": SubmissionStatus.REJECTED,
                   "failed": SubmissionStatus.FAILED}


def email_settled(uow: UnitOfWork, submission_id: str, email_status: str, error: str | None) -> None:
    """Stage what an email's outcome means for the submission it carries (in the email's own transaction):
    sent → sent, bounced → rejected, failed → failed."""
    to = _EMAIL_OUTCOMES.get(email_status)
    submission = uow.find(EInvoiceSubmission, submission_id)
    if to is None or submission is None or not rules.can_move(submission.status, to):
        return
    _apply(submission, rules.move(submission.status, to), error=error, response=error)
    submission.attempts = int(submission.attempts or 0) + (1 if to == SubmissionStatus.SENT else 0)
    uow.save_if_unchanged(submission)
    uow.record_event(rules.EVENTS[to], submission, EInvoiceSubmissionOut)


# ------------------------------------------------------------------------- the peppol channel


def deliver(tenant_id: str, submission_id: str, access_point: AccessPoint,
            sleep: Callable[[float], None] = time.sleep) -> str:
    """Hand a queued Peppol submission to the access point and follow it; returns its status afterwards
    (`sent`: the access point has not decided yet). Final ones are left alone; an email submission is not
    this worker's (it goes with its email): `"email"`."""
    submission = open_unit(tenant_id).load(EInvoiceSubmission, submission_id)
    if submission.channel != "peppol":
        return BY_EMAIL
    status = submission.status
    if rules.should_submit(status):
        status = _submit(tenant_id, submission_id, access_point, sleep)
    if rules.should_poll(status):
        status = _poll(tenant_id, submission_id, access_point, sleep)
    return status


def _outgoing(tenant_id: str, submission: EInvoiceSubmission) -> Outgoing:
    uow = open_unit(tenant_id)
    model = MODELS[submission.document_type]
    uow.prefetch([(model, submission.document_id)])
    document = uow.load(model, submission.document_id)
    xml = einvoices.render_document(uow, document, submission.format)
    details = uow.tenant().einvoicing
    return Outgoing(submission.id, submission.receiver or "", details.electronic_address if details else None,
                    submission.document_type, submission.format, xml)


def _claim(tenant_id: str, submission_id: str) -> EInvoiceSubmission | None:
    """Count an attempt on a still-queued submission (conditional on its version); None: not ours to send."""
    uow = open_unit(tenant_id)
    submission = uow.load(EInvoiceSubmission, submission_id)
    if not rules.should_submit(submission.status):
        return None
    submission.attempts = int(submission.attempts or 0) + 1
    submission.updated_at = utc_now()
    uow.save_if_unchanged(submission)
    try:
        uow.commit()
    except (Contention, PreconditionFailed):
        logger.info("e-invoice submission claimed elsewhere", extra={"submission_id": submission_id})
        return None
    return submission


def _submit(tenant_id: str, submission_id: str, access_point: AccessPoint, sleep: Callable[[float], None]) -> str:
    settings = get_settings()
    last_error = ""
    for attempt in range(1, settings.einvoice_send_attempts + 1):
        submission = _claim(tenant_id, submission_id)
        if submission is None:
            return open_unit(tenant_id).load(EInvoiceSubmission, submission_id).status
        try:
            outgoing = _outgoing(tenant_id, submission)
        except ValidationFailed as exc:  # the data changed since it was queued: it cannot be made now
            return settle(tenant_id, submission_id, SubmissionStatus.REJECTED, error=exc.message[:1000])
        try:
            transmission = access_point.submit(outgoing)
        except Refused as exc:
            return settle(tenant_id, submission_id, SubmissionStatus.REJECTED, error=str(exc)[:1000],
                          response=str(exc)[:2000])
        except Unreachable as exc:
            last_error = str(exc)[:500]
            logger.warning("access point unreachable", extra={"submission_id": submission_id, "attempt": attempt,
                                                              "error": last_error})
            if attempt < settings.einvoice_send_attempts:
                sleep(rules.backoff(attempt, settings.einvoice_retry_seconds))
            continue
        return settle(tenant_id, submission_id, SubmissionStatus.SENT, transmission_id=transmission)
    return settle(tenant_id, submission_id, SubmissionStatus.FAILED,
                  error=f"the access point was unreachable after {settings.einvoice_send_attempts} attempts: "
                        f"{last_error}"[:1000])


def _poll(tenant_id: str, submission_id: str, access_point: AccessPoint, sleep: Callable[[float], None]) -> str:
    settings = get_settings()
    submission = open_unit(tenant_id).load(EInvoiceSubmission, submission_id)
    for attempt in range(1, settings.einvoice_poll_attempts + 1):
        try:
            verdict = access_point.status(submission.transmission_id or "")
        except (Unreachable, Refused) as exc:
            logger.warning("access point status unknown", extra={"submission_id": submission_id, "error": str(exc)})
        else:
            if verdict.final:
                to = SubmissionStatus.DELIVERED if verdict.status == "delivered" else SubmissionStatus.REJECTED
                return settle(tenant_id, submission_id, to, response=(verdict.response or "")[:2000] or None,
                              findings=[dict(f) for f in verdict.findings][:200] or None)
        if attempt < settings.einvoice_poll_attempts:
            sleep(rules.backoff(attempt, settings.einvoice_retry_seconds))
    return SubmissionStatus.SENT.value


def _apply(submission: EInvoiceSubmission, transition: rules.Transition, **fields: Any) -> None:
    now = utc_now()
    submission.status, submission.updated_at = transition.state.value, now
    for name, value in fields.items():
        if value is not None:
            setattr(submission, name, value)
    stamp = {SubmissionStatus.SENT: "sent_at", SubmissionStatus.DELIVERED: "delivered_at",
             SubmissionStatus.REJECTED: "rejected_at", SubmissionStatus.FAILED: "failed_at"}[transition.state]
    setattr(submission, stamp, now)


def settle(tenant_id: str, submission_id: str, to: SubmissionStatus, **fields: Any) -> str:
    """Move the submission (with what the access point said) and write its event, in one transaction."""
    def run() -> str:
        uow = open_unit(tenant_id)
        submission = uow.load(EInvoiceSubmission, submission_id)
        if not rules.can_move(submission.status, to):
            return submission.status
        _apply(submission, rules.move(submission.status, to), **fields)
        uow.save_if_unchanged(submission)
        uow.record_event(rules.EVENTS[to], submission, EInvoiceSubmissionOut)
        if to == SubmissionStatus.SENT:
            _mark_document_sent(uow, submission)
        uow.commit()
        return submission.status

    return retrying(run)


def _mark_document_sent(uow: UnitOfWork, submission: EInvoiceSubmission) -> None:
    """A document handed to the access point went to its customer: as an email does, it gets `sent_at` and
    `<kind>.sent` (services/emails.SOURCES: the same change), in the submission's transaction. A document voided
    since changes nothing."""
    from ledgerline.services import emails

    source = emails.SOURCES[submission.document_type]
    document = source.load(uow, submission.document_id)
    try:
        source.check(document)
    except InvalidState:
        return
    source.mark_sent(uow, document)
