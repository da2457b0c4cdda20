from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from ledgerline.schemas.common import Code, DecimalOut, Input, Name, Text, Timestamps, UnitPrice


class ItemCreate(Input):
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


class ItemUpdate(Input):
    code: Code = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    description: Text | None = None
    unit_price: UnitPrice | None = None
    unit: str | None = Field(None, max_length=20)
    tax_code_id: str | None = None
    revenue_account_id: str | None = None
    purchase_price: UnitPrice | None = None
    expense_account_id: str | None = None


class ItemOut(Timestamps):
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
    archived: bool
