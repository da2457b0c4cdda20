from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from ledgerline.schemas.common import Address, Currency, Email, Input, Name, TermsDays, Timestamps
from ledgerline.schemas.files import AttachmentIds, no_attachments

PartyKind = Literal["customer", "supplier", "both"]


class PartyCreate(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Globex Pty Ltd", "kind": "customer", "email": "accounts@globex.example", "currency": "AUD",
        "payment_terms_days": 14, "address": {"line1": "1 George St", "city": "Sydney", "country": "AU"}}]})

    name: Name
    kind: PartyKind = "customer"
    email: Email | None = None
    tax_id: str | None = Field(None, max_length=50)
    address: Address | None = None
    currency: Currency | None = Field(None, description="Default currency of documents for this party")
    payment_terms_days: TermsDays | None = Field(None, description="Overrides the tenant's default terms")
    attachment_ids: AttachmentIds | None = None


class PartyUpdate(Input):
    name: Name = None  # type: ignore[assignment]
    kind: PartyKind = None  # type: ignore[assignment]
    email: Email | None = None
    tax_id: str | None = Field(None, max_length=50)
    address: Address | None = None
    currency: Currency | None = None
    payment_terms_days: TermsDays | None = None
    attachment_ids: AttachmentIds | None = Field(None, description="Replaces the list; [] detaches every file")


class PartyOut(Timestamps):
    object: Literal["party"] = "party"
    id: str
    name: str
    kind: PartyKind
    email: str | None
    tax_id: str | None
    address: Address | None
    currency: str | None
    payment_terms_days: int | None
    archived: bool
    attachment_ids: list[str] = Field(default_factory=list, description="Uploaded files the party references")

    _no_attachments = field_validator("attachment_ids", mode="before")(no_attachments)
