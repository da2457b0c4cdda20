"""Quotes (issue 14) as the API shows them and events carry them. Their lines or rich positions (with
allowances and charges) are the invoices' (`LineIn`/`PositionIn`), priced the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, ValidationInfo, field_validator, model_validator

from ledgerline.domain.documents.quote import effective_status
from ledgerline.schemas.common import (
    Currency,
    DecimalOut,
    Input,
    MetadataIn,
    MetadataOut,
    Text,
    Timestamps,
    moment_read,
)
from ledgerline.schemas.common import Day as Date
from ledgerline.schemas.documents import (
    ALLOWANCES_FIELD,
    CHARGES_FIELD,
    POSITIONS_FIELD,
    DocumentRefOut,
    ExchangeRate,
    LineIn,
    LineOut,
    NoneAsEmpty,
    TaxSubtotalOut,
    _lines_or_positions,
    _tree,
    scale_priced,
)
from ledgerline.schemas.positions import AllowanceChargeIn, AllowanceChargeOut, PositionIn, PositionOut

QuoteStatusValue = Literal["draft", "open", "accepted", "declined", "expired", "converted"]
ValidityDays = Field(None, ge=0, le=3650, description="Used when valid_until is absent: days after the issue date "
                                                       "(default 30)")

_EXAMPLE = {"customer_id": "pty_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "issue_date": "2026-02-01", "valid_until": "2026-03-03",
            "lines": [{"description": "Consulting", "quantity": "10", "unit_price": "100.00",
                       "tax_code_id": "tax_01K2X3Y4Z5A6B7C8D9E0F1G2H4"}]}


class QuoteCreate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    customer_id: str
    issue_date: Date | None = Field(None, description="Defaults to today")
    valid_until: Date | None = Field(None, description="The last day the offer holds; after it the quote reads "
                                                       "`expired`. Defaults to `validity_days` after the issue date")
    validity_days: int | None = ValidityDays
    currency: Currency | None = Field(None, description="Defaults to the customer's, then the tenant's base currency")
    exchange_rate: ExchangeRate | None = Field(None, description="Required for a currency other than the base currency")
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    prices_include_tax: StrictBool | None = Field(None, description="Defaults to the tenant setting")
    lines: list[LineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]

    @model_validator(mode="after")
    def _positions(self) -> QuoteCreate:
        _lines_or_positions(self, required=True)
        return self


class QuoteUpdate(MetadataIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{"valid_until": "2026-03-31", "notes": "Revised"}]})

    customer_id: str = None  # type: ignore[assignment]
    issue_date: Date = None  # type: ignore[assignment]
    valid_until: Date | None = None
    validity_days: int | None = ValidityDays
    currency: Currency = None  # type: ignore[assignment]
    exchange_rate: ExchangeRate | None = None
    reference: str | None = Field(None, max_length=100)
    notes: Text | None = None
    prices_include_tax: StrictBool = None  # type: ignore[assignment]
    lines: list[LineIn] = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    positions: list[PositionIn] = POSITIONS_FIELD  # type: ignore[assignment]
    _positions_tree = field_validator("positions")(_tree)
    allowances: list[AllowanceChargeIn] = ALLOWANCES_FIELD  # type: ignore[assignment]
    charges: list[AllowanceChargeIn] = CHARGES_FIELD  # type: ignore[assignment]

    @model_validator(mode="after")
    def _positions(self) -> QuoteUpdate:
        _lines_or_positions(self, required=False)
        return self

    def changes(self) -> dict[str, Any]:
        return priced_changes(self)


def priced_changes(update: Any) -> dict[str, Any]:
    """What a PATCH of a priced draft (quote, order, recurring template) changes: the fields it sets; a line's
    unset fields take their defaults, as on create. `lines` and `positions` replace each other (as
    `InvoiceUpdate.changes`)."""
    changes = update.model_dump(exclude_unset=True)
    for name in ("lines", "positions", "allowances", "charges"):  # null: unchanged
        if changes.get(name, ...) is None:
            del changes[name]
    if update.lines is not None:
        changes["lines"] = [line.model_dump() for line in update.lines]
        changes["positions"] = None
    if update.positions is not None:
        changes["positions"] = [position.model_dump() for position in update.positions]
        changes["lines"] = None
    for name in ("allowances", "charges"):
        if getattr(update, name) is not None:
            changes[name] = [entry.model_dump() for entry in getattr(update, name)]
    return changes


class DeclineRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "Too expensive"}]})

    reason: str | None = Field(None, max_length=500, description="Why the customer declined")


class ConvertRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"to": "invoice"}]})

    to: Literal["invoice", "order"] = Field(description="The kind of document to create from the quote")


class QuoteOut(Timestamps, MetadataOut):
    object: Literal["quote"] = "quote"
    id: str
    number: str | None
    status: QuoteStatusValue
    customer_id: str
    customer_name: str
    issue_date: Date
    valid_until: Date
    currency: str
    exchange_rate: DecimalOut
    reference: str | None
    notes: str | None
    prices_include_tax: bool
    lines: list[LineOut]
    positions: NoneAsEmpty[list[PositionOut]] = Field(default_factory=list,
                                                      description="Every position; `lines` are its items")
    allowances: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    charges: NoneAsEmpty[list[AllowanceChargeOut]] = Field(default_factory=list)
    tax_breakdown: list[TaxSubtotalOut]
    subtotal: DecimalOut
    tax_total: DecimalOut
    rounding_adjustment: DecimalOut
    total: DecimalOut
    issued_at: datetime | None
    accepted_at: datetime | None
    declined_at: datetime | None
    decline_reason: str | None
    converted_at: datetime | None
    converted_to: Annotated[list[DocumentRefOut], BeforeValidator(lambda value: value or [])] = Field(
        default_factory=list, description="The documents made from this quote")

    @model_validator(mode="after")
    def _derived(self, info: ValidationInfo) -> QuoteOut:
        # `expired` as of the moment the caller reads at (schemas/common.read_at); without one, as stored.
        moment = moment_read(info.context)
        if moment is not None:
            self.status = effective_status(self.status, self.valid_until, moment.date()).value
        scale_priced(self)  # type: ignore[arg-type]
        return self
