"""Items (products and services sold): `T#<tid>` / `ITEM#<id>`, code unique per tenant."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from ledgerline.store.attributes import DecimalAttribute
from ledgerline.store.codes import ListedCodedRecord
from ledgerline.store.records import Page, list_records


class Item(ListedCodedRecord):
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
    # Issue 18: casefolded copies of the searchable text, and its query index keys (`ListedCodedRecord`)
    search_description = UnicodeAttribute(null=True)

    LIST = "ITEMS"
    SEARCHED = ("code", "name", "description")


def list_items(tenant_id: str, *, archived: bool, limit: int, start_key: dict[str, Any] | None) -> Page[Item]:
    return list_records(Item, tenant_id, limit=limit, start_key=start_key, filter_condition=Item.archived == archived)
