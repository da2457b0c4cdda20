"""Records with a code unique within their tenant (items, accounts, tax codes).

DynamoDB has no unique constraint, so each code is reserved by a guard item written in the
same transaction as the record, conditional on the guard not existing yet (on a unit of work:
`claim_code`, `release_code` and `find_by_code`; a new tenant's chart: `tenant_setup.new_tenant_items`).
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from ledgerline.store.records import TenantRecord, tenant_partition
from ledgerline.store.table import TableModel


class CodeGuard(TableModel):
    """`T#<tid>` / `<PREFIX>_CODE#<code>`: holds the id of the record that owns the code."""

    target_id = UnicodeAttribute()

    @classmethod
    def for_code(cls, tenant_id: str, prefix: str, code: str, target_id: str = "") -> CodeGuard:
        return cls(tenant_partition(tenant_id), f"{prefix}_CODE#{code}", target_id=target_id)


class CodedRecord(TenantRecord):
    code = UnicodeAttribute()

    def guard(self) -> CodeGuard:
        return CodeGuard.for_code(self.tenant_id, self.PREFIX, self.code, self.id)

