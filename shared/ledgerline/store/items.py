"""Items (products and services sold): `T#<tid>` / `ITEM#<id>`, code unique per tenant."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from ledgerline.domain.query import normalise
from ledgerline.store.attributes import DecimalAttribute
from ledgerline.store.codes import CodedRecord
from ledgerline.store.query import moment_key
from ledgerline.store.records import Page, list_records, tenant_partition


class Item(CodedRecord):
    PREFIX = "ITEM"
    NOUN = "item"

    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    unit_price = DecimalAttribute(null=True)
    unit = UnicodeAttribute(null=True)
    tax_code_id = UnicodeAttribute(null=True)
    revenue_account_id = UnicodeAttribute(null=True)
    purchase_price = DecimalAttribute(null=True)  # issue 15: line defaults on bills
    expense_account_id = UnicodeAttribute(null=True)
    # Issue 19: stock-managed items (absent on items made before: not tracked, moving average)
    track_stock = BooleanAttribute(default=False)
    inventory_account_id = UnicodeAttribute(null=True)
    cogs_account_id = UnicodeAttribute(null=True)
    reorder_level = DecimalAttribute(null=True)
    costing_method = UnicodeAttribute(default="moving_average")
    archived = BooleanAttribute(default=False)
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`)
    search_code = UnicodeAttribute(null=True)
    search_name = UnicodeAttribute(null=True)
    search_description = UnicodeAttribute(null=True)

    LIST = "ITEMS"

    def assign_keys(self) -> None:
        """Its record key, and issue 18's indexes: by code (GSI6: the `code=` lookup and `sort=code`), by
        casefolded name (GSI4) and by `updated_at` (GSI5)."""
        super().assign_keys()
        self.search_code = normalise(self.code) or None
        self.search_name = normalise(self.name) or None
        self.search_description = normalise(self.description) or None
        self.gsi4pk, self.gsi4sk = self.index_partition(self.tenant_id, "NAME"), f"{self.search_name or ''}#{self.id}"
        self.gsi5pk, self.gsi5sk = (self.index_partition(self.tenant_id, "UPDATED"),
                                    f"{moment_key(self.updated_at)}#{self.id}")
        self.gsi6pk, self.gsi6sk = self.index_partition(self.tenant_id, "CODE"), f"{self.code}#{self.id}"

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#ITEMS#<name>`."""
        return f"{tenant_partition(tenant_id)}#{cls.LIST}#{name}"


def list_items(tenant_id: str, *, archived: bool, limit: int, start_key: dict[str, Any] | None) -> Page[Item]:
    return list_records(Item, tenant_id, limit=limit, start_key=start_key, filter_condition=Item.archived == archived)
