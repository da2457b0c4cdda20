"""Inventory (issue 19): stock locations, stock levels, movements, adjustments and transfers.

- location: `T#<tid>` / `STOCKLOC#<id>` (master data); the tenant's default: the pointer
  `T#<tid>` / `STOCKDEFAULT#default`.
- level (one per item × location): `T#<tid>` / `STOCKLEVEL#<item id>#<location id>`, quantity on hand and
  value, versioned: every movement saves it on the version it read, in the movement's transaction, so two
  concurrent takes of the last unit cannot both commit (the loser re-reads and is refused).
- movement: `T#<tid>#STOCKMOVE#<id>` / `DOC`; GSI1 `T#<tid>#STOCKMOVES` / `<date>#<id>` (the valuation at a
  date: movements dated after it), GSI2 `T#<tid>#STOCKITEM#<item id>` / `<recorded at>#<level sequence>#<id>`
  (an item's history in the order recorded).
- adjustment: `T#<tid>#STOCKADJ#<id>` / `DOC`, GSI1 `T#<tid>#STOCKADJUSTMENTS` / `<date>#<id>`.
- transfer: `T#<tid>#STOCKXFER#<id>` / `DOC`, GSI1 `T#<tid>#STOCKTRANSFERS` / `<date>#<id>`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from ledgerline.domain.query import normalise
from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentRecord, dated_documents
from ledgerline.store.query import moment_key
from ledgerline.store.records import Page, TenantRecord, check_start_key, page_of, tenant_partition
from ledgerline.store.table import connection


class StockLocation(TenantRecord):
    PREFIX = "STOCKLOC"
    NOUN = "stock location"

    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    areas = ListAttribute(of=UnicodeAttribute, null=True)  # bins or shelves, by name
    archived = BooleanAttribute(default=False)
    is_default = BooleanAttribute(default=False)
    # Issue 18 (part QC): casefolded copies for search and the query planner's keys (`store/lists.py`)
    search_name = UnicodeAttribute(null=True)
    search_description = UnicodeAttribute(null=True)

    LIST = "STOCKLOCATIONS"

    def assign_keys(self) -> None:
        """Its record key, and issue 18's indexes: by casefolded name (GSI4) and by `updated_at` (GSI5)."""
        super().assign_keys()
        self.search_name = normalise(self.name) or None
        self.search_description = normalise(self.description) or None
        self.gsi4pk, self.gsi4sk = self.index_partition(self.tenant_id, "NAME"), f"{self.search_name or ''}#{self.id}"
        self.gsi5pk, self.gsi5sk = (self.index_partition(self.tenant_id, "UPDATED"),
                                    f"{moment_key(self.updated_at)}#{self.id}")

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#STOCKLOCATIONS#<name>`."""
        return f"{tenant_partition(tenant_id)}#{cls.LIST}#{name}"


class StockDefault(TenantRecord):
    """The tenant's default stock location (one pointer: setting another default moves it)."""

    PREFIX = "STOCKDEFAULT"
    NOUN = "default stock location"
    ID = "default"

    location_id = UnicodeAttribute()


class StockLevel(TenantRecord):
    """What one location holds of one item: on hand and its value (base currency, minor units)."""

    PREFIX = "STOCKLEVEL"
    NOUN = "stock level"

    item_id = UnicodeAttribute()
    location_id = UnicodeAttribute()
    quantity = DecimalAttribute()
    value = DecimalAttribute()
    movements = NumberAttribute(default=0)
    # issue 19, second step: committed quantities kept with the orders that commit them (absent: 0)
    reserved = DecimalAttribute(null=True)  # confirmed sales orders, not yet delivered
    incoming = DecimalAttribute(null=True)  # sent purchase orders, not yet received

    @staticmethod
    def id_of(item_id: str, location_id: str) -> str:
        return f"{item_id}#{location_id}"


class StockMovement(DocumentRecord):
    PREFIX = "STOCKMOVE"
    LIST = "STOCKMOVES"
    NOUN = "stock movement"

    item_id = UnicodeAttribute()
    location_id = UnicodeAttribute()
    date = DateAttribute()
    quantity = DecimalAttribute()  # signed: positive in, negative out
    value = DecimalAttribute()  # signed, base currency: what the inventory account moved
    quantity_after = DecimalAttribute()  # the level's running quantity and value after this movement
    value_after = DecimalAttribute()
    source_type = UnicodeAttribute()  # stock_adjustment, stock_transfer
    source_id = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    sequence = NumberAttribute()  # the level's movement number: 1, 2, … (orders its movements exactly)

    def list_date(self) -> date:
        return self.date

    def assign_keys(self) -> None:
        super().assign_keys()
        self.gsi2pk = item_partition(self.tenant_id, self.item_id)
        # recorded order: the moment, then the level's own sequence (ids of one millisecond do not sort)
        self.gsi2sk = f"{self.created_at.isoformat(timespec='microseconds')}#{self.sequence:010d}#{self.id}"


def item_partition(tenant_id: str, item_id: str) -> str:
    return f"{tenant_partition(tenant_id)}#STOCKITEM#{item_id}"


class StockAdjustment(DocumentRecord):
    PREFIX = "STOCKADJ"
    LIST = "STOCKADJUSTMENTS"
    NOUN = "stock adjustment"

    date = DateAttribute()
    item_id = UnicodeAttribute()
    location_id = UnicodeAttribute()
    area = UnicodeAttribute(null=True)
    reason = UnicodeAttribute()  # count, damage, opening, other
    counted_quantity = DecimalAttribute(null=True)
    quantity = DecimalAttribute()  # the difference booked (signed)
    unit_cost = DecimalAttribute(null=True)
    value = DecimalAttribute()  # signed: the inventory account's change
    quantity_after = DecimalAttribute()
    value_after = DecimalAttribute()
    movement_id = UnicodeAttribute(null=True)
    journal_entry_id = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.date


class StockTransfer(DocumentRecord):
    PREFIX = "STOCKXFER"
    LIST = "STOCKTRANSFERS"
    NOUN = "stock transfer"

    date = DateAttribute()
    item_id = UnicodeAttribute()
    from_location_id = UnicodeAttribute()
    to_location_id = UnicodeAttribute()
    quantity = DecimalAttribute()
    value = DecimalAttribute()  # the cost that moved with the goods (no ledger effect)
    note = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.date


# ------------------------------------------------------------------------------------------- reads


def list_stock_levels(tenant_id: str, *, item_id: str | None, location_id: str | None, limit: int,
                      start_key: dict[str, Any] | None) -> Page[StockLevel]:
    """Levels by item then location: one item's by key prefix, one location's by filter."""
    connection()
    check_start_key(start_key, "PK", tenant_partition(tenant_id))
    prefix = f"{StockLevel.PREFIX}#{item_id}#" if item_id else f"{StockLevel.PREFIX}#"
    condition = StockLevel.location_id == location_id if location_id else None
    results = StockLevel.query(tenant_partition(tenant_id), StockLevel.sk.startswith(prefix),
                               filter_condition=condition, limit=limit + 1, last_evaluated_key=start_key,
                               consistent_read=True)
    return page_of(results, limit)


def all_stock_levels(tenant_id: str) -> list[StockLevel]:
    levels: list[StockLevel] = []
    start_key = None
    while True:
        page = list_stock_levels(tenant_id, item_id=None, location_id=None, limit=1000, start_key=start_key)
        levels += page.items
        if page.next_key is None:
            return levels
        start_key = page.next_key


def list_item_movements(tenant_id: str, item_id: str, *, location_id: str | None, limit: int,
                        start_key: dict[str, Any] | None) -> Page[StockMovement]:
    """An item's movements in the order recorded (GSI2), of one location when given."""
    connection()
    partition = item_partition(tenant_id, item_id)
    check_start_key(start_key, "GSI2PK", partition)
    condition = StockMovement.location_id == location_id if location_id else None
    results = StockMovement.gsi2.query(partition, filter_condition=condition, limit=limit + 1,
                                       last_evaluated_key=start_key)
    return page_of(results, limit, index=StockMovement.gsi2)


def movements_after(tenant_id: str, day: date) -> list[StockMovement]:
    """Every movement dated after `day` (GSI1): what the levels hold now but did not at the end of `day`."""
    connection()
    results = StockMovement.gsi1.query(StockMovement.list_partition(tenant_id),
                                       StockMovement.gsi1sk > f"{day.isoformat()}#~")
    return list(results)


def list_stock_adjustments(tenant_id: str, *, item_id: str | None, location_id: str | None,
                           from_date: date | None, to_date: date | None, limit: int,
                           start_key: dict[str, Any] | None) -> Page[StockAdjustment]:
    condition = None
    if item_id:
        condition = StockAdjustment.item_id == item_id
    if location_id:
        named = StockAdjustment.location_id == location_id
        condition = named if condition is None else condition & named
    return dated_documents(StockAdjustment, tenant_id, from_date=from_date, to_date=to_date,
                           filter_condition=condition, limit=limit, start_key=start_key)


def list_stock_transfers(tenant_id: str, *, item_id: str | None, from_date: date | None, to_date: date | None,
                         limit: int, start_key: dict[str, Any] | None) -> Page[StockTransfer]:
    condition = StockTransfer.item_id == item_id if item_id else None
    return dated_documents(StockTransfer, tenant_id, from_date=from_date, to_date=to_date,
                           filter_condition=condition, limit=limit, start_key=start_key)
