"""Documents sent by email (issue 14, part M): the send request and the email record."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, StrictBool

from ledgerline.schemas.common import Email, Input, Output, Text, Timestamps

EMAIL_STATUSES = ("queued", "sending", "sent", "bounced", "failed")


class SendRequest(Input):
    """Send the document by email. Every field is optional: `to` defaults to the party's email; `subject`
    and `message` to the tenant's template for the kind (`email_templates`), else Ledgerline's."""

    to: list[Email] = Field(default_factory=list, max_length=50,
                            description="Recipients; default: the customer's email address")
    cc: list[Email] = Field(default_factory=list, max_length=49)
    subject: str | None = Field(None, min_length=1, max_length=200,
                                description="Placeholders {number}, {total}, {currency}, {due_date}, {date}, "
                                            "{customer_name}, {company_name}")
    message: Text | None = Field(None, min_length=1, max_length=2000,
                                 description="The text body; the same placeholders as `subject`")
    attach_pdf: StrictBool = Field(True, description="Attach the document's PDF")

    model_config = {**Input.model_config, "json_schema_extra": {"examples": [
        {"to": ["billing@acme.example"], "cc": ["accounts@acme.example"], "subject": "Invoice {number}",
         "message": "Dear {customer_name}\n\nInvoice {number} for {total} is due on {due_date}.",
         "attach_pdf": True}]}}


class EmailOut(Timestamps):
    object: Literal["email"] = "email"
    id: str
    document_type: str
    document_id: str
    document_number: str | None = None
    status: Literal["queued", "sending", "sent", "bounced", "failed"]
    sender: str = Field(description="The From address: the tenant's verified sender identity")
    to: list[str]
    cc: list[str] = Field(default_factory=list)
    subject: str
    message_id: str = Field(description="The Message-ID header")
    provider_message_id: str | None = Field(None, description="SES's message id (in AWS)")
    error: str | None = Field(None, description="Why it bounced or failed")
    sent_at: datetime | None = None
    bounced_at: datetime | None = None
    failed_at: datetime | None = None

    model_config = {**Output.model_config, "json_schema_extra": {"examples": [
        {"object": "email", "id": "eml_01JF3Z8W6M0E6Y7Q3J8Z5X9K2D", "document_type": "invoice",
         "document_id": "inv_01JF3Z8W6M0E6Y7Q3J8Z5X9K2A", "document_number": "INV-2026-0001", "status": "queued",
         "sender": "billing@acme.example", "to": ["ap@customer.example"], "cc": [],
         "subject": "Invoice INV-2026-0001 from Acme",
         "message_id": "<eml_01JF3Z8W6M0E6Y7Q3J8Z5X9K2D.ten_01JF3Z8W6M0E6Y7Q3J8Z5X9K2B@ledgerline.mail>",
         "provider_message_id": None, "error": None, "sent_at": None, "bounced_at": None, "failed_at": None,
         "created_at": "2026-12-05T10:00:00Z", "updated_at": "2026-12-05T10:00:00Z", "version": 1}]}}
