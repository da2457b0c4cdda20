from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, StrictBool

from ledgerline.schemas.common import Code, Day, DecimalOut, Input, Name, Rate, Timestamps


class TaxCodeCreate(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "GST10", "name": "GST 10 %", "rate": "10", "account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2HB"}]})

    code: Code
    name: Name
    rate: Rate
    account_id: str | None = Field(None, description="The tax account; default the tenant's sales tax account (2200)")
    active: StrictBool = True
    valid_from: Day | None = Field(None, description="The first day the code applies (open when absent)")
    valid_to: Day | None = Field(None, description="The last day the code applies (open when absent); a rate "
                                                   "change is a new code valid from the day after")


class TaxCodeUpdate(Input):
    code: Code = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    rate: Rate = None  # type: ignore[assignment]
    account_id: str = None  # type: ignore[assignment]
    active: StrictBool = None  # type: ignore[assignment]
    valid_from: Day | None = Field(None, description="null: open")
    valid_to: Day | None = Field(None, description="null: open")


class TaxCodeOut(Timestamps):
    object: Literal["tax_code"] = "tax_code"
    id: str
    code: str
    name: str
    rate: DecimalOut
    account_id: str
    active: bool
    archived: bool
    valid_from: Day | None = None
    valid_to: Day | None = None
