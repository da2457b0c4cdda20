"""VAT periods as the API shows them (and `vat_period.*` events carry them)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, ConfigDict, Field, model_validator

from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.common import DecimalOut, Input, Timestamps
from ledgerline.schemas.documents import scale

VatPeriodStatus = Literal["open", "closed"]


class VatPeriodCreate(Input):
    from_: Date = Field(alias="from", description="The period's first day")
    to: Date = Field(description="The period's last day (at most 366 days after `from`)")


class VatPeriodOut(Timestamps):
    # `from` in every representation: responses, events and idempotent replays (which dump without by_alias)
    model_config = ConfigDict(serialize_by_alias=True)

    object: Literal["vat_period"] = "vat_period"
    id: str
    status: VatPeriodStatus
    from_: Date = Field(validation_alias=AliasChoices("from_", "from"), serialization_alias="from")
    to: Date
    currency: str = Field(description="The tenant's base currency, in which the amounts are")
    output_tax: DecimalOut | None = Field(description="Output tax settled by the close (null while open)")
    input_tax: DecimalOut | None = Field(description="Input tax settled by the close (null while open)")
    net_payable: DecimalOut | None = Field(description="Output minus input tax; negative: refundable")
    journal_entry_id: str | None = Field(description="The settlement entry of the last close")
    reversal_journal_entry_id: str | None = Field(description="The entry that reversed it, when reopened")
    closed_at: datetime | None
    reopened_at: datetime | None

    @model_validator(mode="after")
    def _scaled(self) -> VatPeriodOut:
        scale(self, self.currency, "output_tax", "input_tax", "net_payable")
        return self


EXAMPLE = {"object": "vat_period", "id": "vatp_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "status": "closed", "from": "2026-01-01",
           "to": "2026-03-31", "currency": "CHF", "output_tax": "94.00", "input_tax": "32.40", "net_payable": "61.60",
           "journal_entry_id": "je_01K2X3Y4Z5A6B7C8D9E0F1G2H4", "reversal_journal_entry_id": None,
           "closed_at": "2026-04-05T09:00:00Z", "reopened_at": None, "created_at": "2026-01-01T08:00:00Z",
           "updated_at": "2026-04-05T09:00:00Z", "version": 2}
