"""A tenant's dunning policy: `T#<tid>` / `DUNNING_POLICY`. Absent until the tenant changes the defaults.

Read (`find_at(DunningPolicy, DunningPolicy.key(tid))`) and written (`create`, `save_if_unchanged`) through
the unit of work."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from ledgerline.store.attributes import DecimalAttribute
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import TableModel


class StoredLevel(MapAttribute):
    level = NumberAttribute()
    days_after_due = NumberAttribute()
    title = UnicodeAttribute()
    message = UnicodeAttribute()
    fee = DecimalAttribute(null=True)
    payment_days = NumberAttribute()


class DunningPolicy(TableModel):
    NOUN = "dunning policy"

    tenant_id = UnicodeAttribute()
    enabled = BooleanAttribute()
    levels = ListAttribute(of=StoredLevel)
    fee_account_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(tenant_id: str) -> tuple[str, str]:
        return tenant_partition(tenant_id), "DUNNING_POLICY"

    def assign_keys(self) -> None:
        self.pk, self.sk = self.key(self.tenant_id)
