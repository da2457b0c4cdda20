from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from ledgerline.schemas.common import Address, Currency, Email, Input, Name, TermsDays, Timestamps

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


class PartyUpdate(Input):
    name: Name = None  # type: ignore[assignment]
    kind: PartyKind = None  # type: ignore[assignment]
    email: Email | None = None
    tax_id: str | None = Field(None, max_length=50)
    address: Address | None = None
    currency: Currency | None = None
    payment_terms_days: TermsDays | None = None


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
