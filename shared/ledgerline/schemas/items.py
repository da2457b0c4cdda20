from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from ledgerline.schemas.common import (
    Code,
    DecimalOut,
    MetadataIn,
    MetadataOut,
    Name,
    Text,
    Timestamps,
    UnitPrice,
    decimal_input,
)

# Issue 19: a stock level below which `stock.low` is emitted (0 or more, in the item's unit)
ReorderLevel = decimal_input(whole=12, decimals=6, example="5", ge=0)
CostingMethod = Literal["moving_average"]


class ItemCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "CONSULT", "name": "Consulting", "unit_price": "150.00", "unit": "hour",
        "tax_code_id": "tax_01K2X3Y4Z5A6B7C8D9E0F1G2H4"}]})

    code: Code
    name: Name
    description: Text | None = None
    unit_price: UnitPrice | None = Field(None, description="Default price per unit, before tax")
    unit: str | None = Field(None, max_length=20, description="e.g. hour, piece, kg")
    tax_code_id: str | None = None
    revenue_account_id: str | None = None
    purchase_price: UnitPrice | None = Field(None, description="Default price per unit on bills, before tax")
    expense_account_id: str | None = Field(None, description="Default expense or asset account on bills")
    # Issue 19: stock-managed items
    track_stock: bool = Field(False, description="Stock-managed: movements, levels and perpetual inventory")
    inventory_account_id: str | None = Field(
        None, description="Asset account holding the item's stock value (default: the tenant's inventory, 1200)")
    cogs_account_id: str | None = Field(
        None, description="Expense account debited when the item leaves stock (default: cost of goods sold, 5000)")
    reorder_level: ReorderLevel | None = Field(None, description="`stock.low` when available falls below it")
    costing_method: CostingMethod = Field("moving_average", description="Moving weighted average (FIFO is not "
                                          "offered yet)")


class ItemUpdate(MetadataIn):
    code: Code = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    description: Text | None = None
    unit_price: UnitPrice | None = None
    unit: str | None = Field(None, max_length=20)
    tax_code_id: str | None = None
    revenue_account_id: str | None = None
    purchase_price: UnitPrice | None = None
    expense_account_id: str | None = None
    track_stock: bool = None  # type: ignore[assignment]
    inventory_account_id: str | None = None
    cogs_account_id: str | None = None
    reorder_level: ReorderLevel | None = None
    costing_method: CostingMethod = None  # type: ignore[assignment]


class ItemOut(Timestamps, MetadataOut):
    object: Literal["item"] = "item"
    id: str
    code: str
    name: str
    description: str | None
    unit_price: DecimalOut | None
    unit: str | None
    tax_code_id: str | None
    revenue_account_id: str | None
    purchase_price: DecimalOut | None = None
    expense_account_id: str | None = None
    track_stock: bool = False
    inventory_account_id: str | None = None
    cogs_account_id: str | None = None
    reorder_level: DecimalOut | None = None
    costing_method: CostingMethod = "moving_average"
    archived: bool
