"""Tax codes (`VAT11`, `GST10`): `T#<tid>` / `TAXCODE#<id>`, code unique per tenant."""

from __future__ import annotations

from decimal import Decimal
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
    # Issue 15 (absent on older codes: both directions, the tenant's input tax account, 100 %, S or Z by rate)
    direction = UnicodeAttribute(null=True)
    input_account_id = UnicodeAttribute(null=True)
    recoverable_percent = DecimalAttribute(null=True)
    category = UnicodeAttribute(null=True)

    @property
    def direction_or_default(self) -> str:
        return self.direction or "both"

    @property
    def category_or_default(self) -> str:
        return self.category or ("S" if self.rate > 0 else "Z")

    @property
    def recoverable_or_default(self) -> Decimal:
        return Decimal(100) if self.recoverable_percent is None else self.recoverable_percent


def list_tax_codes(
    tenant_id: str, *, active: bool | None, archived: bool, limit: int, start_key: dict[str, Any] | None
) -> Page[TaxCode]:
    condition = TaxCode.archived == archived
    if active is not None:
        condition &= TaxCode.active == active
    return list_records(TaxCode, tenant_id, limit=limit, start_key=start_key, filter_condition=condition)
