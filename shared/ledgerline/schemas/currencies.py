"""A tenant's currencies as the API shows them (issue 16, part X)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StringConstraints

from ledgerline.schemas.common import Currency, DecimalOut, Input, Timestamps, decimal_input

Step = decimal_input(whole=3, decimals=3, example="0.05", gt=0)
CurrencyName = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class CurrencyCreate(Input):
    code: Currency = Field(description="ISO 4217 code", examples=["EUR"])
    name: CurrencyName | None = Field(None, examples=["Euro"])
    rounding_step: Step | None = Field(None, description="Defaults to the ISO 4217 minor unit (0.01)")
    cash_rounding_step: Step | None = Field(None, description="Cash amounts' step (CHF: 0.05 by default)")

    model_config = {"json_schema_extra": {"examples": [{"code": "CHF", "name": "Swiss franc",
                                                        "cash_rounding_step": "0.05"}]}}


class CurrencyUpdate(Input):
    name: CurrencyName | None = None
    rounding_step: Step | None = None
    cash_rounding_step: Step | None = None
    enabled: StrictBool | None = Field(None, description="true enables a disabled currency again")

    model_config = {"json_schema_extra": {"examples": [{"cash_rounding_step": "0.05"}]}}


class CurrencyOut(Timestamps):
    object: Literal["currency"] = "currency"
    id: str = Field(description="The ISO 4217 code", examples=["CHF"])
    code: str
    name: str | None
    is_base: bool = Field(description="The tenant's base currency: always enabled")
    enabled: bool
    minor_units: int = Field(description="ISO 4217 digits after the decimal point")
    rounding_step: DecimalOut
    cash_rounding_step: DecimalOut | None
