from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field, StrictBool, field_validator, model_validator

from ledgerline.schemas.common import Code, Day, DecimalOut, MetadataIn, MetadataOut, Name, Rate, Timestamps

# Issue 15: which documents may use a code, and its EN 16931 VAT category (AE: reverse charge).
TaxDirection = Literal["sales", "purchases", "both"]
TaxCategory = Literal["S", "Z", "E", "AE", "K", "G", "O", "L", "M"]
# E-invoicing (issue 17): why a category E, AE, K, G or O is not taxed (BT-120 text, BT-121 VATEX code)
EXEMPTION_REASON = Field(None, min_length=1, max_length=300, description=(
    "E-invoicing BT-120: why the tax is exempt, reverse charged, intra-community, export or out of scope, e.g. "
    '"Reverse charge"'))
EXEMPTION_REASON_CODE = Field(None, pattern=r"^VATEX-[A-Z]{2}(-[A-Z0-9]+)+$", max_length=40, description=(
    "E-invoicing BT-121: the VATEX code, e.g. `VATEX-EU-AE` (reverse charge), `VATEX-EU-IC` (intra-community "
    "supply), `VATEX-EU-G` (export), `VATEX-EU-O` (outside scope)"))


class TaxCodeCreate(MetadataIn):
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
    direction: TaxDirection = Field("both", description="Documents that may use it: sales, purchases or both")
    input_account_id: str | None = Field(
        None, description="Purchases: the input tax account; default the tenant's input tax account (1300)")
    recoverable_percent: Rate = Field(
        None, description="Purchases: the part of the tax that is recoverable as input tax, 0-100 (default 100); "
        "the rest is added to the expense")  # type: ignore[assignment]
    category: TaxCategory | None = Field(
        None, description="EN 16931 VAT category code; default S when the rate is above 0, else Z. "
        "AE (reverse charge) on a bill books input and output tax")
    exemption_reason: str | None = EXEMPTION_REASON
    exemption_reason_code: str | None = EXEMPTION_REASON_CODE


class TaxCodeUpdate(MetadataIn):
    code: Code = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    rate: Rate = None  # type: ignore[assignment]
    account_id: str = None  # type: ignore[assignment]
    active: StrictBool = None  # type: ignore[assignment]
    valid_from: Day | None = Field(None, description="null: open")
    valid_to: Day | None = Field(None, description="null: open")
    direction: TaxDirection = None  # type: ignore[assignment]
    input_account_id: str = None  # type: ignore[assignment]
    recoverable_percent: Rate = None  # type: ignore[assignment]
    category: TaxCategory = None  # type: ignore[assignment]
    exemption_reason: str | None = EXEMPTION_REASON
    exemption_reason_code: str | None = EXEMPTION_REASON_CODE


class TaxCodeOut(Timestamps, MetadataOut):
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
    direction: TaxDirection = "both"
    input_account_id: str | None = None
    recoverable_percent: DecimalOut = Decimal(100)
    category: TaxCategory | None = None
    exemption_reason: str | None = None
    exemption_reason_code: str | None = None

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, value: object) -> object:
        return "both" if value is None else value  # codes made before issue 15

    @field_validator("recoverable_percent", mode="before")
    @classmethod
    def _recoverable(cls, value: object) -> object:
        return Decimal(100) if value is None else value

    @model_validator(mode="after")
    def _category(self) -> TaxCodeOut:
        if self.category is None:
            self.category = "S" if self.rate > 0 else "Z"
        return self
