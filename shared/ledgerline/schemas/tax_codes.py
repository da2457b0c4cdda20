from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, StrictBool

from ledgerline.schemas.common import Code, Day, DecimalOut, Input, Name, Rate, Timestamps

# E-invoicing (issue 17): why a category E, AE, K, G or O is not taxed (BT-120 text, BT-121 VATEX code)
EXEMPTION_REASON = Field(None, min_length=1, max_length=300, description=(
    "E-invoicing BT-120: why the tax is exempt, reverse charged, intra-community, export or out of scope, e.g. "
    '"Reverse charge"'))
EXEMPTION_REASON_CODE = Field(None, pattern=r"^VATEX-[A-Z]{2}(-[A-Z0-9]+)+$", max_length=40, description=(
    "E-invoicing BT-121: the VATEX code, e.g. `VATEX-EU-AE` (reverse charge), `VATEX-EU-IC` (intra-community "
    "supply), `VATEX-EU-G` (export), `VATEX-EU-O` (outside scope)"))


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
    exemption_reason: str | None = EXEMPTION_REASON
    exemption_reason_code: str | None = EXEMPTION_REASON_CODE


class TaxCodeUpdate(Input):
    code: Code = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    rate: Rate = None  # type: ignore[assignment]
    account_id: str = None  # type: ignore[assignment]
    active: StrictBool = None  # type: ignore[assignment]
    valid_from: Day | None = Field(None, description="null: open")
    valid_to: Day | None = Field(None, description="null: open")
    exemption_reason: str | None = EXEMPTION_REASON
    exemption_reason_code: str | None = EXEMPTION_REASON_CODE


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
    exemption_reason: str | None = None
    exemption_reason_code: str | None = None
