"""A tenant's enabled currencies (issue 16, part X): `T#<tid>` / `CURRENCY#<ISO code>` (the id is the code).
The base currency needs no record (it is always enabled); one is written when its steps are changed."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from ledgerline.store.attributes import DecimalAttribute
from ledgerline.store.records import Page, TenantRecord, list_records, tenant_partition


class CurrencySetting(TenantRecord):
    PREFIX = "CURRENCY"
    NOUN = "currency"

    code = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    rounding_step = DecimalAttribute()
    cash_rounding_step = DecimalAttribute(null=True)
    enabled = BooleanAttribute(default=True)


def list_currencies(tenant_id: str, *, enabled: bool | None, limit: int,
                    start_key: dict[str, Any] | None) -> Page[CurrencySetting]:
    """Records by code; `limit` 0 reads nothing and answers the cursor of the first record (the service's first
    page may hold the base currency alone)."""
    if limit == 0:
        return Page([], {"PK": {"S": tenant_partition(tenant_id)}, "SK": {"S": f"{CurrencySetting.PREFIX}#"}})
    condition = None if enabled is None else CurrencySetting.enabled == enabled
    return list_records(CurrencySetting, tenant_id, limit=limit, start_key=start_key, filter_condition=condition)
