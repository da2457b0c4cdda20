"""Parties (customers and suppliers): `T#<tid>` / `PARTY#<id>`."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from ledgerline.domain.query import normalise
from ledgerline.store.query import moment_key
from ledgerline.store.records import Page, TenantRecord, list_records, tenant_partition


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
    # Issue 18: casefolded copies of the searchable text (`store/query.normalise`)
    search_name = UnicodeAttribute(null=True)
    search_email = UnicodeAttribute(null=True)
    search_tax_id = UnicodeAttribute(null=True)

    LIST = "PARTIES"

    @classmethod
    def list_partition(cls, tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#{cls.LIST}"

    def assign_keys(self) -> None:
        """Its record key, and issue 18's indexes: by casefolded name (GSI4) and by `updated_at` (GSI5)."""
        super().assign_keys()
        self.search_name = normalise(self.name) or None
        self.search_email = normalise(self.email) or None
        self.search_tax_id = normalise(self.tax_id) or None
        self.gsi4pk, self.gsi4sk = self.index_partition(self.tenant_id, "NAME"), f"{self.search_name or ''}#{self.id}"
        self.gsi5pk, self.gsi5sk = (self.index_partition(self.tenant_id, "UPDATED"),
                                    f"{moment_key(self.updated_at)}#{self.id}")

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#PARTIES#<name>`."""
        return f"{cls.list_partition(tenant_id)}#{name}"


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
