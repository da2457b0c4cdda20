"""Payment reminders of invoices (as bexio's kb_reminder) and the tenant's dunning policy.

An invoice's reminders are listed and created under the invoice; a reminder itself is addressed by its
own id (`/v1/reminders/{id}`), like every other object, and events carry that id.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ledgerline.api.auth import require
from ledgerline.api.downloads import PDF_RESPONSES, PDFResponse, pdf_response
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import ListResponse, PageRequest
from ledgerline.api.routers.emails import QUEUED_RESPONSES, listed, queued
from ledgerline.api.versioning import expected_version, set_etag, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.common import Day
from ledgerline.schemas.emails import EmailOut, SendRequest
from ledgerline.schemas.reminders import DunningPolicyOut, DunningPolicyUpdate, ReminderOut, ReminderRequest
from ledgerline.services import reminders

router = APIRouter(tags=["reminders"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
INVOICE_ID = Path(description="The invoice's id")
REMINDER_ID = Path(description="The reminder's id")
READ, WRITE = require("invoices:read"), require("invoices:write")
POLICY_READ, POLICY_WRITE = require("tenant:read"), require("tenant:write")


@router.get("/v1/dunning-policy", response_model=DunningPolicyOut, operation_id="get_dunning_policy",
            summary="The tenant's dunning policy (the defaults until it is set)")
def get_policy(response: Response, principal: Principal = Depends(POLICY_READ)) -> Any:
    """The levels the daily reminders job applies to overdue invoices: days after the due date, title,
    message, fee and payment days. `version` 0 means the defaults."""
    return with_etag(response, reminders.get_policy(principal.tenant_id))


@router.put("/v1/dunning-policy", response_model=DunningPolicyOut, operation_id="put_dunning_policy",
            summary="Replace the dunning policy: its levels (days after the due date, fee, message)")
def put_policy(body: DunningPolicyUpdate, response: Response, version: int | None = Depends(expected_version),
               principal: Principal = Depends(POLICY_WRITE)) -> Any:
    """Replaces every level. Fees are charged in the base currency on a fee invoice, booked to
    `fee_account_id`. Send the policy's `version` as `If-Match`."""
    fields = body.model_dump()
    return with_etag(response, reminders.put_policy(principal.tenant_id, fields, version))


@router.get("/v1/reminders", response_model=ListResponse[ReminderOut], operation_id="list_reminders",
            summary="Every reminder of the tenant by date; is_sent=false lists the ones still to send")
def list_all(page: PageRequest = Depends(), is_sent: bool | None = Query(None),
             from_date: Day | None = Query(None), to_date: Day | None = Query(None),
             principal: Principal = Depends(READ)) -> Any:
    """Reminders by date, oldest first. Filter by `is_sent`, `from_date` and `to_date` (YYYY-MM-DD)."""
    result = reminders.list_reminders(principal.tenant_id, is_sent=is_sent, from_date=from_date, to_date=to_date,
                                      limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return page.respond(result.items, result.next_key, principal.tenant_id)


@router.get("/v1/invoices/{id}/reminders", response_model=ListResponse[ReminderOut],
            operation_id="list_invoice_reminders", summary="The invoice's reminders, by level")
def list_(id: str = INVOICE_ID, principal: Principal = Depends(READ)) -> Any:
    """The reminders of one invoice, one per dunning level reached."""
    return {"data": reminders.invoice_reminders(principal.tenant_id, id), "has_more": False, "next_cursor": None}


@router.post("/v1/invoices/{id}/reminders", status_code=201, response_model=ReminderOut,
             operation_id="create_reminder",
             summary="Remind now: the next level of the dunning policy, for an overdue invoice")
def create(response: Response, body: ReminderRequest | None = None, id: str = INVOICE_ID,
           idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Creates the reminder of the next dunning level for an overdue invoice now, with its fee invoice if the
    level charges a fee, instead of waiting for the daily job."""
    day = body.date if body else None
    return with_etag(response, reminders.create_next(principal.tenant_id, id, day, idempotency_key))


@router.get("/v1/reminders/{id}", response_model=ReminderOut, operation_id="get_reminder",
            summary="Retrieve a reminder")
def get(response: Response, id: str = REMINDER_ID, principal: Principal = Depends(READ)) -> Any:
    """One reminder: its level, text, the amounts the invoice owed when it was created, the new deadline and
    its fee invoice."""
    reminder = reminders.get_reminder(principal.tenant_id, id)
    set_etag(response, reminder.version)
    return reminder


@router.post("/v1/reminders/{id}/send", response_model=ReminderOut, operation_id="send_reminder",
             responses=QUEUED_RESPONSES,
             summary="Send a reminder by email (with a body: 202), or mark it as sent (without one)")
def send(response: Response, body: SendRequest | None = None, id: str = REMINDER_ID,
         idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """With a JSON body (`{}` is enough) Ledgerline emails the reminder with its PDF (as invoices' `send`: `to`
    defaults to the customer's email, the text to the tenant's `email_templates.reminder`) and answers 202
    with the email, `queued`. Without a body it records that the reminder went to the customer (`sent_at`)
    and writes a `reminder.sent` event."""
    if body is not None:
        return queued(principal.tenant_id, "reminder", id, body, idempotency_key)
    reminder = reminders.mark_sent(principal.tenant_id, id)
    set_etag(response, reminder.version)
    return reminder


@router.delete("/v1/reminders/{id}", operation_id="delete_reminder",
               summary="Delete the most recent reminder of its invoice if it was not sent (its fee invoice is voided)")
def delete(id: str = REMINDER_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Only the latest reminder of its invoice, and only while it is unsent; its fee invoice is voided."""
    reminder = reminders.delete(principal.tenant_id, id, version)
    return {"id": reminder.id, "object": "reminder", "deleted": True}


@router.get("/v1/reminders/{id}/pdf", response_model=None, response_class=PDFResponse, responses=PDF_RESPONSES,
            operation_id="get_reminder_pdf",
            summary="The reminder as PDF: a presigned URL in AWS, the file itself locally")
def pdf(id: str = REMINDER_ID, principal: Principal = Depends(READ)) -> Response:
    """Rendered once and kept. Locally the response is the PDF (`application/pdf`); in AWS it is JSON with a
    presigned URL that expires."""
    from ledgerline.services import pdfs  # deferred: only this route needs the PDF modules (cold start)

    return pdf_response(pdfs.download(pdfs.reminder_pdf(principal.tenant_id, id)))


@router.get("/v1/reminders/{id}/emails", response_model=ListResponse[EmailOut], operation_id="list_reminder_emails",
            summary="The emails sent for a reminder")
def emails_of(id: str = REMINDER_ID, page: PageRequest = Depends(), principal: Principal = Depends(READ)) -> Any:
    """Every email queued for the reminder, oldest first."""
    return listed(principal.tenant_id, "reminder", id, page)
