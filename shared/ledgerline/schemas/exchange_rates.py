"""Exchange rates as the API shows them (issue 16, part X)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ledgerline.schemas.common import Currency, DecimalOut, Input, Timestamps
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import ExchangeRate

Source = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class ExchangeRateCreate(Input):
    date: Date = Field(description="The day the rate applies from (until the next rate of the currency)")
    currency: Currency = Field(description="A currency other than the base currency", examples=["EUR"])
    rate: ExchangeRate = Field(description="Base currency units per unit of `currency`")
    source: Source = Field("manual", description="Where the rate comes from (e.g. ecb, bank, manual)",
                           examples=["ecb"])

    model_config = {"json_schema_extra": {
        "examples": [{"date": "2026-01-05", "currency": "EUR", "rate": "0.9312", "source": "ecb"}]}}


class ExchangeRateOut(Timestamps):
    object: Literal["exchange_rate"] = "exchange_rate"
    id: str = Field(description="`<currency>-<date>`: one rate per currency and day", examples=["EUR-2026-01-05"])
    date: Date
    currency: str
    rate: DecimalOut = Field(description="Base currency units per unit of `currency`")
    source: str
