from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, field_validator

from ledgerline.domain.einvoice import identifiers
from ledgerline.schemas.banking import Bic, Iban, QrIban
from ledgerline.schemas.common import (
    Address,
    Currency,
    Email,
    Input,
    MetadataIn,
    MetadataOut,
    Name,
    TermsDays,
    Timestamps,
)
from ledgerline.schemas.files import AttachmentIds, no_attachments

PartyKind = Literal["customer", "supplier", "both"]
# E-invoicing (issue 17)
VatId = Annotated[str, Field(max_length=30, description="VAT id with its country prefix (BT-48), checked with "
                                                        "python-stdnum; stored compacted", examples=["DE811569869"]),
                  AfterValidator(identifiers.vat_id)]
ElectronicAddress = Annotated[str, Field(max_length=130, description=(
    "Peppol participant id with its EAS scheme (BT-49), e.g. `0088:4000001000005`, `0192:987654321`, "
    "`9930:DE811569869`"), examples=["0088:4000001000005"]), AfterValidator(identifiers.electronic_address)]
RegistrationId = Annotated[str, Field(min_length=1, max_length=100, description=(
    "Legal registration id (BT-47), e.g. the commercial register number"))]
LeitwegId = Annotated[str, Field(min_length=1, max_length=100, description=(
    "Buyer reference (BT-10) the customer's invoices take by default: for German public buyers the Leitweg-ID"))]


class EInvoicingFields(Input):
    electronic_address: ElectronicAddress | None = None
    vat_id: VatId | None = None
    legal_registration_id: RegistrationId | None = None
    leitweg_id: LeitwegId | None = None
    # Payment runs (issue 16): where a supplier is paid, checked and normalised (domain/banking/iban.py)
    iban: Iban | None = Field(None, description="The supplier's IBAN, which payment runs pay to")
    bic: Bic | None = None
    qr_iban: QrIban | None = Field(None, description="A Swiss QR-IBAN: bills carrying a QR reference are paid to it")


class PartyCreate(EInvoicingFields, MetadataIn):
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


class PartyUpdate(EInvoicingFields, MetadataIn):
    name: Name = None  # type: ignore[assignment]
    kind: PartyKind = None  # type: ignore[assignment]
    email: Email | None = None
    tax_id: str | None = Field(None, max_length=50)
    address: Address | None = None
    currency: Currency | None = None
    payment_terms_days: TermsDays | None = None
    attachment_ids: AttachmentIds | None = Field(None, description="Replaces the list; [] detaches every file")


class PartyOut(Timestamps, MetadataOut):
    object: Literal["party"] = "party"
    id: str
    name: str
    kind: PartyKind
    email: str | None
    tax_id: str | None
    address: Address | None
    currency: str | None
    payment_terms_days: int | None
    electronic_address: str | None = Field(None, description="Peppol participant id with scheme (BT-49)")
    vat_id: str | None = Field(None, description="VAT id (BT-48)")
    legal_registration_id: str | None = Field(None, description="Legal registration id (BT-47)")
    leitweg_id: str | None = Field(None, description="Default buyer reference (BT-10), e.g. the Leitweg-ID")
    iban: str | None = Field(None, description="Bank account payment runs pay the supplier to")
    bic: str | None = None
    qr_iban: str | None = Field(None, description="QR-IBAN for bills with a QR reference")
    archived: bool
    attachment_ids: list[str] = Field(default_factory=list, description="Uploaded files the party references")

    _no_attachments = field_validator("attachment_ids", mode="before")(no_attachments)
