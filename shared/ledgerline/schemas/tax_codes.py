from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from ledgerline.schemas.common import Code, Input, Name, Rate, Timestamps


class TaxCodeCreate(Input):
    code: Code
    name: Name
    rate: Rate
    account_id: str | None = Field(None, description="The tax account; default the tenant's sales tax account (2200)")
    active: bool = True


class TaxCodeUpdate(Input):
    code: Code = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    rate: Rate = None  # type: ignore[assignment]
    account_id: str = None  # type: ignore[assignment]
    active: bool = None  # type: ignore[assignment]


class TaxCodeOut(Timestamps):
    object: Literal["tax_code"] = "tax_code"
    id: str
    code: str
    name: str
    rate: Decimal
    account_id: str
    active: bool
    archived: bool
