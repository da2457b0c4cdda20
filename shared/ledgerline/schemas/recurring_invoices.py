"""Recurring invoices (templates with a schedule) as the API takes and shows them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from ledgerline.schemas.common import Currency, Input, MetadataIn, MetadataOut, Output, TermsDays, Text, Timestamps
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import (
    ALLOWANCES_FIELD,
    CHARGES_FIELD,
    POSITIONS_FIELD,
    ExchangeRate,
    LineIn,
    _lines_or_positions,
    _tree,
)
from ledgerline.schemas.positions import AllowanceChargeIn, PositionIn

IntervalValue = Literal["weekly", "monthly", "quarterly", "yearly"]
RecurringStatusValue = Literal["active", "paused", "finished"]


class ScheduleIn(Input):
    interval: IntervalValue
    every: StrictInt = Field(1, ge=1, le=100, description="Every N intervals (every 2 months: monthly, 2)")
    day_of_month: StrictInt | Literal["last"] | None = Field(
        None, description='1–31 or "last" (monthly, quarterly, yearly); a day the month lacks is its last day. '
                          "Defaults to start_date's day")
    start_date: Date = Field(description="The first period is the first scheduled day on or after it")
    end_date: Date | None = Field(None, description="No period after this day (inclusive); not with count")
    count: StrictInt | None = Field(None, ge=1, le=10_000, description="Number of invoices in all; not with end_date")

    @field_validator("day_of_month")
    @classmethod
    def _day(cls, value: Any) -> Any:
        if isinstance(value, int) and not 1 <= value <= 31:
            raise ValueError('must be from 1 to 31, or "last"')
        return value


class ScheduleOut(Output):
    interval: IntervalValue
    every: int
    day_of_month: int | Literal["last"] | None
    start_date: Date
    end_date: Date | None
    count: int | None


EXAMPLE = {
    "customer_id": "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "payment_terms_days": 30,
    "lines": [{"description": "Hosting, monthly", "unit_price": "49.00",
               "tax_code_id": "tax_01K2X3Y4Z5A6B7C8D9E0F1G2H4"}],
    "schedule": {"interval": "monthly", "every": 1, "day_of_month": "last", "start_date": "2026-01-31", "count": 12},
    "auto_post": True, "auto_send": False,
}


class RecurringInvoiceCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    customer_id: str
    currency: Currency | None = Field(None, description="Defaults to the customer's, then the tenant's base currency")
    exchange_rate: ExchangeRate | None = Field(None, description="Required for a currency other than the base currency")
    payment_terms_days: TermsDays | None = Field(
        None, description="Each invoice is due this many days after its issue date; then the customer's, the tenant's")
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    prices_include_tax: StrictBool | None = Field(None, description="Defaults to the tenant setting")
    lines: list[LineIn] = Field(None, min_length=1, max_length=100,  # type: ignore[assignment]
                                description="The lines of every invoice, as on POST /v1/invoices (priced at "
                                            "each run)")
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]
    schedule: ScheduleIn
    auto_post: StrictBool = Field(False, description="Post each invoice when it is created (numbered, in the ledger)")
    auto_send: StrictBool = Field(False, description=(
        "Email each posted invoice to the customer's email address (needs auto_post); a customer without "
        "one: the invoice is posted, not sent, and `invoice.not_sent` says so"))

    @model_validator(mode="after")
    def _positions(self) -> RecurringInvoiceCreate:
        _lines_or_positions(self, required=True)
        return self

    def fields(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class RecurringInvoiceUpdate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{"lines": EXAMPLE["lines"], "auto_post": False}]})

    customer_id: str = None  # type: ignore[assignment]
    currency: Currency | None = None
    exchange_rate: ExchangeRate | None = None
    payment_terms_days: TermsDays | None = None
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    prices_include_tax: StrictBool | None = None
    lines: list[LineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]
    schedule: ScheduleIn = Field(None, description="A new schedule goes on after the last day invoiced")  # type: ignore[assignment]
    auto_post: StrictBool = None  # type: ignore[assignment]
    auto_send: StrictBool = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _positions(self) -> RecurringInvoiceUpdate:
        _lines_or_positions(self, required=False)
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the PATCH sets; `lines` and `positions` replace each other (null: unchanged)."""
        changes = self.model_dump(mode="json", exclude_unset=True)
        for name in ("lines", "positions", "allowances", "charges"):
            if changes.get(name, ...) is None:
                del changes[name]
        for name in ("lines", "schedule", "positions", "allowances", "charges"):
            if getattr(self, name) is not None:
                changes[name] = json.loads(self.model_dump_json(include={name}))[name]
        if self.lines is not None:
            changes["positions"] = None
        if self.positions is not None:
            changes["lines"] = None
        return changes


class RecurringInvoiceOut(Timestamps, MetadataOut):
    object: Literal["recurring_invoice"] = "recurring_invoice"
    id: str
    status: RecurringStatusValue
    customer_id: str
    customer_name: str
    currency: str
    exchange_rate: str | None
    payment_terms_days: int | None
    reference: str | None
    notes: str | None
    prices_include_tax: bool | None
    lines: list[dict[str, Any]] = Field(description="The lines every invoice gets, as given (none when the "
                                                    "template has positions)")
    positions: list[dict[str, Any]] | None = Field(None, description="The positions every invoice gets, as given")
    allowances: list[dict[str, Any]] | None = Field(None, description="Document-level allowances, as given")
    charges: list[dict[str, Any]] | None = Field(None, description="Document-level charges, as given")
    schedule: ScheduleOut
    auto_post: bool
    auto_send: bool
    next_run_date: date | None = Field(description="The day the next invoice is made; none once finished (resuming a "
                                                            "paused template skips days already past)")
    last_run_date: date | None
    invoices_created: int
