"""Records with a code unique within their tenant (items, accounts, tax codes).

DynamoDB has no unique constraint, so each code is reserved by a guard item written in the
same transaction as the record, conditional on the guard not existing yet (on a unit of work:
`claim_code`, `release_code` and `find_by_code`; a new tenant's chart: `tenant_setup.new_tenant_items`).
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from ledgerline.domain.query import normalise
from ledgerline.store.query import moment_key
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


class ListedCodedRecord(CodedRecord):
    """A coded record on issue 18's query planner (items, accounts, tax codes): casefolded copies of its
    `SEARCHED` texts (`search_<field>`), and its keys in `T#<tid>#<LIST>#<index>` partitions: GSI6 by code (the
    `code=` lookup and `sort=code`), GSI4 by casefolded name, GSI5 by `updated_at` (changes). Written by the
    record's own save: no round trip added."""

    LIST = ""
    SEARCHED: tuple[str, ...] = ("code", "name")

    name = UnicodeAttribute()
    search_code = UnicodeAttribute(null=True)
    search_name = UnicodeAttribute(null=True)

    def assign_keys(self) -> None:
        assert self.LIST, f"{type(self).__name__} names its LIST"
        super().assign_keys()
        for name in self.SEARCHED:
            setattr(self, f"search_{name}", normalise(getattr(self, name)) or None)
        self.gsi4pk, self.gsi4sk = self.index_partition(self.tenant_id, "NAME"), f"{self.search_name or ''}#{self.id}"
        self.gsi5pk, self.gsi5sk = (self.index_partition(self.tenant_id, "UPDATED"),
                                    f"{moment_key(self.updated_at)}#{self.id}")
        self.gsi6pk, self.gsi6sk = self.index_partition(self.tenant_id, "CODE"), f"{self.code}#{self.id}"

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#<LIST>#<name>`."""
        return f"{tenant_partition(tenant_id)}#{cls.LIST}#{name}"
