"""Positions of priced documents as the API takes and shows them (issue 14): the ONE place for them.

Invoices and credit notes use these today; quotes, sales orders (and recurring invoice templates) reuse the
same models (`PositionIn`, `PositionOut`, `AllowanceChargeIn`, `AllowanceChargeOut`) rather than defining
their own. The totals behind them are `domain/positions.py`; requests are priced by
`services/pricing.price_positions`.

A position has a `type`:

- `item`: a priced line (today's `lines` entry): item, description, quantity, unit price, account, tax code.
- `text`: a block of text, no amount.
- `subtotal`: shows the sum of the item positions above it since the previous subtotal at its level.
- `discount`: `percent` (0–100) or `amount` off the item positions above it in its level (`applies_to:
  "above"`, the default) or every item position of its level (`"all"`: its group, or the whole document at
  the top level), nested groups included.
- `group`: a `title` and nested `positions` (at least one).
- `page_break`: the PDF starts a new page here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, model_validator

from ledgerline.domain.money import MAX_AMOUNT, round_money
from ledgerline.schemas.common import DecimalOut, Input, Output, Text, decimal_input

MAX_POSITIONS = 200  # every position of a document, nested ones included
MAX_DEPTH = 3  # groups within groups within groups

Quantity = Annotated[decimal_input(whole=12, decimals=6, example="10", gt=0),
                     Field(description='Decimal string, e.g. "2.5"; more than 0, below 10^12, up to 6 decimals')]
LinePrice = Annotated[decimal_input(whole=16, decimals=6, example="100.00", negative=True, ge=-MAX_AMOUNT,
                                    le=MAX_AMOUNT),
                      Field(description="Decimal string from -1000000000000000 to 1000000000000000, up to 6 decimals")]
Percent = Annotated[decimal_input(whole=3, decimals=4, example="10", ge=0, le=100),
                    Field(description='Decimal string from 0 to 100, e.g. "10"')]
DiscountAmount = Annotated[decimal_input(whole=16, decimals=4, example="50.00", gt=0, le=MAX_AMOUNT),
                           Field(description='Decimal string, e.g. "50.00"; more than 0')]
Label = Annotated[str, Field(max_length=200)]


class ItemPositionIn(Input):
    type: Literal["item"]
    item_id: str | None = Field(None, description="Fills description, unit price, account and tax code")
    description: Text | None = None
    quantity: Quantity = Decimal(1)
    unit_price: LinePrice | None = Field(None, description="Required unless the item has a price")
    account_id: str | None = Field(None, description="Revenue account; defaults to the item's, then Sales")
    tax_code_id: str | None = Field(None, description="Defaults to the item's; none means no tax")


class TextPositionIn(Input):
    type: Literal["text"]
    text: Text


class SubtotalPositionIn(Input):
    type: Literal["subtotal"]
    label: Label | None = None


class DiscountPositionIn(Input):
    type: Literal["discount"]
    percent: Percent | None = None
    amount: DiscountAmount | None = None
    reason: Label | None = None
    applies_to: Literal["above", "all"] = Field(
        "above", description="`above`: the item positions above it in its level; `all`: every item of its level")

    @model_validator(mode="after")
    def _one_of(self) -> DiscountPositionIn:
        if (self.percent is None) == (self.amount is None):
            raise ValueError("a discount has either percent or amount")
        return self


class GroupPositionIn(Input):
    type: Literal["group"]
    title: Label
    positions: list[PositionIn] = Field(min_length=1, max_length=100)


class PageBreakPositionIn(Input):
    type: Literal["page_break"]


PositionIn = Annotated[
    ItemPositionIn | TextPositionIn | SubtotalPositionIn | DiscountPositionIn | GroupPositionIn | PageBreakPositionIn,
    Discriminator("type"),
]
GroupPositionIn.model_rebuild()


class AllowanceChargeIn(Input):
    """A document-level allowance or charge (EN 16931 BG-20/BG-21) in its own tax category."""

    amount: DiscountAmount | None = None
    percent: Percent | None = Field(None, description="Of the sum of the item positions' nets")
    reason: Label | None = None
    tax_code_id: str | None = Field(
        None, description="One of the item positions' tax codes; defaults to theirs when they have one, "
                          "else the tenant's default")

    @model_validator(mode="after")
    def _one_of(self) -> AllowanceChargeIn:
        if (self.percent is None) == (self.amount is None):
            raise ValueError("send either percent or amount")
        return self


def check_tree(positions: list[Any] | None) -> None:
    """At most MAX_POSITIONS positions, groups at most MAX_DEPTH deep, and at least one item."""
    if positions is None:
        return
    count, items = 0, 0

    def walk(level: list[Any], depth: int) -> None:
        nonlocal count, items
        if depth > MAX_DEPTH:
            raise ValueError(f"groups nest at most {MAX_DEPTH} deep")
        for position in level:
            count += 1
            items += position.type == "item"
            if position.type == "group":
                walk(position.positions, depth + 1)

    walk(positions, 1)
    if count > MAX_POSITIONS:
        raise ValueError(f"at most {MAX_POSITIONS} positions, nested ones included")
    if not items:
        raise ValueError("at least one item position")


class PositionOut(Output):
    """One position as priced. An item shows `line`, the index of its line in the document's `lines` (which
    carry its fields and amounts: not repeated, so a document of many long lines stays within the item and
    event size limits); subtotals, discounts and groups show `amount` (the subtotal, the discount taken off,
    the group's items less its discounts); groups their `positions`."""

    type: Literal["item", "text", "subtotal", "discount", "group", "page_break"]
    line: int | None = Field(None, description="item: the index of its line in `lines`")
    text: str | None = None
    label: str | None = None
    percent: DecimalOut | None = None
    reason: str | None = None
    applies_to: Literal["above", "all"] | None = None
    title: str | None = None
    amount: DecimalOut | None = None
    positions: list[PositionOut] | None = None

    def scaled(self, currency: str) -> PositionOut:
        if self.amount is not None:
            self.amount = round_money(self.amount, currency)
        for child in self.positions or []:
            child.scaled(currency)
        return self


class AllowanceChargeOut(Output):
    """A document-level allowance or charge as priced; amounts positive (an allowance reduces the total)."""

    percent: DecimalOut | None = None
    reason: str | None = None
    tax_code_id: str | None = None
    rate: DecimalOut
    net_amount: DecimalOut
    tax_amount: DecimalOut
    amount: DecimalOut

    def scaled(self, currency: str) -> AllowanceChargeOut:
        for name in ("net_amount", "tax_amount", "amount"):
            setattr(self, name, round_money(getattr(self, name), currency))
        return self


def positions_of_lines(lines: list[Any]) -> list[PositionOut]:
    """A document stored before positions (or made of lines): each line is an item position."""
    return [PositionOut(type="item", line=index) for index in range(len(lines))]
