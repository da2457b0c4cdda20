"""Inventory (issue 19): stock locations, adjustments, transfers, levels, movements and the valuation report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StringConstraints, model_validator

from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.common import (
    DecimalOut,
    MetadataIn,
    MetadataOut,
    Name,
    Output,
    Text,
    Timestamps,
    decimal_input,
)

Area = Annotated[str, StringConstraints(min_length=1, max_length=50)]
StockQuantity = decimal_input(whole=12, decimals=6, example="10", gt=0)
CountedQuantity = decimal_input(whole=12, decimals=6, example="42", ge=0)
Delta = decimal_input(whole=12, decimals=6, example="-3", negative=True)
UnitCost = decimal_input(whole=16, decimals=6, example="4.50", ge=0)
Reason = Literal["count", "damage", "opening", "other"]


# ----------------------------------------------------------------------------------------- locations


class StockLocationCreate(MetadataIn):
    model_config = {"json_schema_extra": {"examples": [{
        "name": "Main warehouse", "areas": ["A-01", "A-02"], "is_default": True}]}}

    name: Name
    description: Text | None = None
    areas: list[Area] | None = Field(None, max_length=500, description="Bins or shelves of the location, by name")
    is_default: StrictBool = Field(False, description="The tenant's default location (stock operations that name "
                                                      "no location use it); the first location always is")


class StockLocationUpdate(MetadataIn):
    model_config = {"json_schema_extra": {"examples": [{"areas": ["A-01", "A-02", "B-01"]}]}}

    name: Name = None  # type: ignore[assignment]
    description: Text | None = None
    areas: list[Area] | None = Field(None, max_length=500)
    is_default: StrictBool = None  # type: ignore[assignment]


class StockLocationOut(Timestamps, MetadataOut):
    object: Literal["stock_location"] = "stock_location"
    id: str
    name: str
    description: str | None = None
    areas: list[str] | None = None
    is_default: bool
    archived: bool


# ------------------------------------------------------------------------------------------ adjustments


class StockAdjustmentCreate(MetadataIn):
    model_config = {"json_schema_extra": {"examples": [
        {"item_id": "itm_01KITEM000000000000000000", "reason": "opening", "quantity": "100", "unit_cost": "4.50",
         "date": "2026-01-01"},
        {"item_id": "itm_01KITEM000000000000000000", "reason": "count", "counted_quantity": "97"}]}}

    item_id: str
    location_id: str | None = Field(None, description="Default: the tenant's default location")
    area: Area | None = Field(None, description="One of the location's areas")
    date: Date | None = Field(None, description="Default: today")
    reason: Reason = Field(description="count (a stock take), damage, opening (stock held before), other")
    counted_quantity: CountedQuantity | None = Field(None, description="What a count found: the difference to "
                                                                       "what is on hand is booked")
    quantity: Delta | None = Field(None, description="The change itself: positive adds, negative removes")
    unit_cost: UnitCost | None = Field(None, description="Cost per unit of stock added (default: the current "
                                                         "average cost; required where there is none)")
    note: Text | None = None

    @model_validator(mode="after")
    def _one_quantity(self) -> StockAdjustmentCreate:
        if (self.counted_quantity is None) == (self.quantity is None):
            raise ValueError("give counted_quantity (a count) or quantity (a change), exactly one")
        if self.quantity is not None and self.quantity == 0:
            raise ValueError("quantity: must not be 0")
        return self


class StockAdjustmentOut(Timestamps, MetadataOut):
    object: Literal["stock_adjustment"] = "stock_adjustment"
    id: str
    date: date
    item_id: str
    location_id: str
    area: str | None = None
    reason: str
    counted_quantity: DecimalOut | None = None
    quantity: DecimalOut = Field(description="The change booked (signed)")
    unit_cost: DecimalOut | None = None
    value: DecimalOut = Field(description="The inventory account's change, base currency (signed)")
    quantity_after: DecimalOut
    value_after: DecimalOut
    movement_id: str | None = None
    journal_entry_id: str | None = None
    note: str | None = None


# -------------------------------------------------------------------------------------------- transfers


class StockTransferCreate(MetadataIn):
    model_config = {"json_schema_extra": {"examples": [{
        "item_id": "itm_01KITEM000000000000000000", "from_location_id": "sloc_01KLOCA0000000000000000000",
        "to_location_id": "sloc_01KLOCB0000000000000000000", "quantity": "20"}]}}

    item_id: str
    from_location_id: str
    to_location_id: str
    quantity: StockQuantity
    date: Date | None = Field(None, description="Default: today")
    note: Text | None = None

    @model_validator(mode="after")
    def _two_locations(self) -> StockTransferCreate:
        if self.from_location_id == self.to_location_id:
            raise ValueError("to_location_id: must differ from from_location_id")
        return self


class StockTransferOut(Timestamps, MetadataOut):
    object: Literal["stock_transfer"] = "stock_transfer"
    id: str
    date: date
    item_id: str
    from_location_id: str
    to_location_id: str
    quantity: DecimalOut
    value: DecimalOut = Field(description="The cost that moved with the goods (no ledger effect)")
    note: str | None = None


# ------------------------------------------------------------------------------------- levels and movements


class StockLevelOut(Output):
    object: Literal["stock_level"] = "stock_level"
    item_id: str
    location_id: str
    on_hand: DecimalOut
    reserved: DecimalOut = Field(Decimal(0), description="Ordered on confirmed sales orders, not yet delivered")
    available: DecimalOut = Field(Decimal(0), description="on_hand - reserved (negative when more is promised "
                                                          "than held)")
    incoming: DecimalOut = Field(Decimal(0), description="Ordered on sent purchase orders, not yet received")
    average_cost: DecimalOut | None = Field(description="Value per unit (6 decimals); null with nothing on hand")
    value: DecimalOut = Field(description="Base currency")


class StockMovementOut(Output):
    object: Literal["stock_movement"] = "stock_movement"
    id: str
    item_id: str
    location_id: str
    date: date
    quantity: DecimalOut = Field(description="Signed: positive in, negative out")
    value: DecimalOut = Field(description="Signed, base currency")
    quantity_after: DecimalOut = Field(description="The location's running quantity after the movement")
    value_after: DecimalOut = Field(description="The location's running value after the movement")
    source_type: str
    source_id: str
    reason: str | None = None


class StockEventData(Output):
    """`stock.moved` (a movement and the level after it) and `stock.low` (available below reorder_level)."""

    object: Literal["stock"] = "stock"
    item_id: str
    location_id: str
    movement_id: str | None = Field(None, description="The movement; absent on a `stock.low` that a confirmed "
                                                      "order's reservation caused (nothing moved: see order_id)")
    quantity: DecimalOut
    value: DecimalOut
    on_hand: DecimalOut
    stock_value: DecimalOut
    reorder_level: DecimalOut | None = None
    available: DecimalOut | None = None  # on hand less reserved after the movement (what `stock.low` follows)
    order_id: str | None = Field(None, description="Issue 19: the confirmed order whose reservation took available "
                                                   "below the reorder level (`stock.low` without a movement)")


class StockValuationLine(Output):
    item_id: str
    location_id: str
    on_hand: DecimalOut
    value: DecimalOut


class StockValuationOut(Output):
    object: Literal["stock_valuation"] = "stock_valuation"
    as_of: date
    currency: str
    total: DecimalOut = Field(description="Equals the inventory accounts' balance at `as_of`")
    lines: list[StockValuationLine]
