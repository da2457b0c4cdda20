"""The directory of tenants: `TENANTS` / `<tid>`, one item per tenant, written with the tenant.

Jobs that visit every tenant (the daily reminders run) page through this one partition instead of
scanning the table. It holds nothing but the id and when the tenant was created.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from ledgerline.store.table import TableModel, connection

PARTITION = "TENANTS"


class TenantListing(TableModel):
    tenant_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(tenant_id: str) -> tuple[str, str]:
        return PARTITION, tenant_id


def listing(tenant_id: str, created_at: datetime) -> TenantListing:
    """A new tenant's item (written with the tenant, on condition that it does not exist yet)."""
    return TenantListing(*TenantListing.key(tenant_id), tenant_id=tenant_id, created_at=created_at)


def all_tenant_ids(page_size: int = 500) -> Iterator[str]:
    """Every tenant id, in id order (ids are ULIDs, so oldest first), a page at a time."""
    connection()
    for listing in TenantListing.query(PARTITION, page_size=page_size):
        yield listing.sk
