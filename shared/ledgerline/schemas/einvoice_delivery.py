"""E-invoice delivery (issue 17, item 6): the send request and the submission record."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, StrictBool, field_validator

from ledgerline.schemas.common import Email, Input, Output, Timestamps
from ledgerline.schemas.einvoices import EInvoiceFormat

SUBMISSION_STATUSES = ("queued", "sent", "delivered", "rejected", "failed")


class EInvoiceSendRequest(Input):
    """Deliver the posted document as an e-invoice: by `email` (the XML, and the PDF, attached) or over `peppol`
    (handed to the tenant's Peppol access point for the customer's electronic address, BT-49)."""

    channel: Literal["email", "peppol"] = Field(description="`email` or `peppol`")
    format: EInvoiceFormat = Field("peppol", description=(
        "peppol (the default), ubl, cii, xrechnung-ubl, xrechnung-cii; facturx by email only"))
    to: list[Email] | None = Field(None, min_length=1, max_length=50,
                                   description="email only: the recipients; default the customer's email")
    attach_pdf: StrictBool = Field(True, description="email only: attach the PDF beside the XML")

    model_config = {**Input.model_config, "json_schema_extra": {"examples": [
        {"channel": "peppol", "format": "peppol"},
        {"channel": "email", "format": "xrechnung-cii", "to": ["invoices@globex.example"]}]}}


class Finding(Output):
    id: str
    severity: str
    location: str | None = None
    text: str


class EInvoiceSubmissionOut(Timestamps):
    object: Literal["einvoice"] = "einvoice"
    id: str
    document_type: Literal["invoice", "credit_note"]
    document_id: str
    document_number: str | None = None
    channel: Literal["email", "peppol"]
    format: str
    receiver: str | None = Field(None, description="peppol: the receiver's electronic address (BT-49)")
    to: list[str] | None = Field(None, description="email: the recipients")
    status: Literal["queued", "sent", "delivered", "rejected", "failed"]
    attempts: int = Field(0, description="How often it was handed to the access point or mail server")
    email_id: str | None = Field(None, description="email: the email that carries it (`GET /v1/emails/{id}`)")
    transmission_id: str | None = Field(None, description="peppol: the access point's id of the transmission")
    response: str | None = Field(None, description="The receiver's (or access point's) answer")
    findings: list[Finding] = Field(default_factory=list, description="rejected: the failed rules")
    error: str | None = Field(None, description="Why it failed (after every attempt) or was refused")
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    rejected_at: datetime | None = None
    failed_at: datetime | None = None

    @field_validator("findings", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return value or []

    model_config = {**Output.model_config, "json_schema_extra": {"examples": [
        {"object": "einvoice", "id": "eis_01JF3Z8W6M0E6Y7Q3J8Z5X9K2D", "document_type": "invoice",
         "document_id": "inv_01JF3Z8W6M0E6Y7Q3J8Z5X9K2A", "document_number": "INV-2026-0001", "channel": "peppol",
         "format": "peppol", "receiver": "0088:4000001000005", "to": None, "status": "delivered", "attempts": 1,
         "email_id": None, "transmission_id": "tx_5f0c", "response": "AP: accepted by the receiver",
         "findings": [], "error": None, "sent_at": "2026-12-05T10:00:01Z", "delivered_at": "2026-12-05T10:00:02Z",
         "rejected_at": None, "failed_at": None, "created_at": "2026-12-05T10:00:00Z",
         "updated_at": "2026-12-05T10:00:02Z", "version": 3}]}}
