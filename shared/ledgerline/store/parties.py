"""Parties (customers and suppliers): `T#<tid>` / `PARTY#<id>`."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from ledgerline.store.records import Page, TenantRecord, list_records


class Address(MapAttribute):
    line1 = UnicodeAttribute(null=True)
    line2 = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)


class Party(TenantRecord):
    PREFIX = "PARTY"
    NOUN = "party"

    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    tax_id = UnicodeAttribute(null=True)
    address = Address(null=True)
    currency = UnicodeAttribute(null=True)
    payment_terms_days = NumberAttribute(null=True)
    # E-invoicing (issue 17): BT-49 / BT-34, BT-48, BT-47 and the default BT-10
    electronic_address = UnicodeAttribute(null=True)
    vat_id = UnicodeAttribute(null=True)
    legal_registration_id = UnicodeAttribute(null=True)
    leitweg_id = UnicodeAttribute(null=True)
    iban = UnicodeAttribute(null=True)  # issue 16: where payment runs pay the supplier
    bic = UnicodeAttribute(null=True)
    qr_iban = UnicodeAttribute(null=True)
    archived = BooleanAttribute(default=False)
    attachment_ids = ListAttribute(of=UnicodeAttribute, null=True)  # uploaded files (issue 15)


def list_parties(
    tenant_id: str, *, kind: str | None, email: str | None, archived: bool, limit: int, start_key: dict[str, Any] | None
) -> Page[Party]:
    condition = Party.archived == archived
    if kind is not None:
        # A party of kind "both" is a customer and a supplier.
        condition &= Party.kind.is_in(kind, "both")
    if email is not None:
        condition &= Party.email == email
    return list_records(Party, tenant_id, limit=limit, start_key=start_key, filter_condition=condition)
