"""Tax codes (`VAT11`, `GST10`): `T#<tid>` / `TAXCODE#<id>`, code unique per tenant."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from ledgerline.domain.tax_validity import valid_on
from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.codes import ListedCodedRecord
from ledgerline.store.records import Page, list_records


class TaxCode(ListedCodedRecord):
    PREFIX = "TAXCODE"
    NOUN = "tax code"
    LIST = "TAX_CODES"  # issue 18: its query index partitions (`ListedCodedRecord`)

    name = UnicodeAttribute()
    rate = DecimalAttribute()
    account_id = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    archived = BooleanAttribute(default=False)
    valid_from = DateAttribute(null=True)  # issue 15: the code applies from this day (open when absent)
    valid_to = DateAttribute(null=True)  # … until this day, included
    exemption_reason = UnicodeAttribute(null=True)  # e-invoicing BT-120 (issue 17)
    exemption_reason_code = UnicodeAttribute(null=True)  # e-invoicing BT-121 (VATEX)

    def valid_on(self, day: date) -> bool:
        return valid_on(self.valid_from, self.valid_to, day)

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
