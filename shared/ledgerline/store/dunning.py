"""A tenant's dunning policy: `T#<tid>` / `DUNNING_POLICY`. Absent until the tenant changes the defaults."""

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
from pynamodb.exceptions import DoesNotExist, PutError

from ledgerline.domain.errors import PreconditionFailed
from ledgerline.store.attributes import DecimalAttribute
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import TableModel, connection, is_condition_failure, raise_if_retryable


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


def find_policy(tenant_id: str) -> DunningPolicy | None:
    """The stored policy, or None when the tenant still uses the defaults."""
    connection()
    try:
        return DunningPolicy.get(*DunningPolicy.key(tenant_id), consistent_read=True)
    except DoesNotExist:
        return None


def save_policy(policy: DunningPolicy) -> None:
    """Save on condition that nobody changed the policy since it was read (or created it meanwhile)."""
    connection()
    policy.assign_keys()
    try:
        policy.save()
    except PutError as exc:
        raise_if_retryable(exc)
        if is_condition_failure(exc):
            raise PreconditionFailed("The dunning policy was changed by another request; read it again and retry",
                                     param="If-Match") from exc
        raise
