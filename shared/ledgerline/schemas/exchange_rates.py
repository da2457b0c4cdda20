"""Exchange rates and revaluations as the API shows them (issue 16, part X)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from ledgerline.schemas.common import Currency, DecimalOut, Input, Output, Timestamps
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import ExchangeRate, scale

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


class RevaluedItemOut(Output):
    kind: Literal["receivable", "payable", "bank"]
    id: str = Field(description="The invoice, bill or bank account")
    label: str = Field(description="Its number and party, or the bank account's name")
    account_id: str
    currency: str
    amount: DecimalOut = Field(description="Open at the period's end in `currency` (negative: owed by the tenant)")
    carried_base: DecimalOut = Field(description="What the books carried it at, in the base currency")
    rate: DecimalOut = Field(description="The period-end rate")
    revalued_base: DecimalOut
    difference: DecimalOut = Field(description="Unrealised gain (> 0) or loss (< 0)")


class RevaluationRateOut(Output):
    currency: str
    rate: DecimalOut
    exchange_rate_id: str


class RevaluationOut(Output):
    object: Literal["revaluation"] = "revaluation"
    id: str = Field(description="The period, YYYY-MM", examples=["2026-01"])
    status: Literal["posted", "not_revalued"] = Field(
        "posted", description="not_revalued: the period was not revalued (yet); nothing is listed")
    period: str
    as_of: Date = Field(description="The period's last day: the rates' day and the entry's date")
    reversal_date: Date = Field(description="The next period's first day: the reversal's date")
    currency: str = Field(description="The base currency")
    rates: list[RevaluationRateOut]
    items: list[RevaluedItemOut]
    gain: DecimalOut
    loss: DecimalOut
    net: DecimalOut = Field(description="gain - loss: booked to exchange gains and losses (7950)")
    journal_entry_id: str | None = Field(description="The revaluation entry (null: nothing to revalue)")
    reversal_journal_entry_id: str | None
    created_at: datetime | None = Field(None, description="When it was revalued")
    updated_at: datetime | None = None
    version: int | None = None

    @model_validator(mode="after")
    def _scaled(self) -> RevaluationOut:
        scale(self, self.currency, "gain", "loss", "net")
        return self

    @field_validator("rates", mode="before")
    @classmethod
    def _rates(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return [{"currency": currency, **found} for currency, found in sorted(value.items())]
        return value


REVALUATION_EXAMPLE = {
    "object": "revaluation", "id": "2026-01", "period": "2026-01", "as_of": "2026-01-31",
    "reversal_date": "2026-02-01", "currency": "AUD",
    "rates": [{"currency": "EUR", "rate": "1.70", "exchange_rate_id": "EUR-2026-01-31"}],
    "status": "posted",
    "items": [{"kind": "receivable", "id": "inv_01K2X3Y4Z5A6B7C8D9E0F1G2H6", "label": "Invoice INV-2026-0001 (Globex)",
               "account_id": "acc_01K2X3Y4Z5A6B7C8D9E0F1G2H4", "currency": "EUR", "amount": "110.00",
               "carried_base": "176.00", "rate": "1.70", "revalued_base": "187.00", "difference": "11.00"}],
    "gain": "11.00", "loss": "0.00", "net": "11.00", "journal_entry_id": "je_01K2X3Y4Z5A6B7C8D9E0F1G2H7",
    "reversal_journal_entry_id": "je_01K2X3Y4Z5A6B7C8D9E0F1G2H8", "created_at": "2026-02-02T09:00:00Z",
    "updated_at": "2026-02-02T09:00:00Z", "version": 1}
