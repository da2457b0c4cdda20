"""Tax codes (`VAT11`, `GST10`): `T#<tid>` / `TAXCODE#<id>`, code unique per tenant."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from ledgerline.store.attributes import DecimalAttribute
from ledgerline.store.codes import CodedRecord
from ledgerline.store.records import Page, list_records


class TaxCode(CodedRecord):
    PREFIX = "TAXCODE"
    NOUN = "tax code"

    name = UnicodeAttribute()
    rate = DecimalAttribute()
    account_id = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    archived = BooleanAttribute(default=False)


def list_tax_codes(
    tenant_id: str, *, active: bool | None, archived: bool, limit: int, start_key: dict[str, Any] | None
) -> Page[TaxCode]:
    condition = TaxCode.archived == archived
    if active is not None:
        condition &= TaxCode.active == active
    return list_records(TaxCode, tenant_id, limit=limit, start_key=start_key, filter_condition=condition)
