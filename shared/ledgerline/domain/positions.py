"""Positions: the shared model of every priced document (sales and purchases), and its totals (EN 16931).

A document is a sequence of positions:

- `ItemPosition`: a priced line. Its net is quantity × unit price − its own allowance, rounded once to the
  currency's minor unit (EN 16931 BT-131).
- `TextPosition`: a line of text; it has no amount.
- `SubtotalPosition`: shows the sum of the item nets above it (nested groups included) since the previous
  subtotal at the same level; it changes no total.
- `DiscountPosition`: a percentage or an amount off the item nets of the level it stands in: the whole
  document at the top level, its group inside a group (nested groups included, wherever in the level the
  discount stands). Discounts do not compound: a percentage is of the item nets. A discount spanning
  several tax categories is split over them in proportion to their nets, so it becomes one document-level
  allowance per category (EN 16931 BG-20 carries one category each).
- `GroupPosition`: a title and nested positions.
- `PageBreakPosition`: where the PDF starts a new page; it has no amount.

A discount with `applies_to="above"` takes only the item nets above it in its level (nested groups
included) instead of the whole level. A discount on no item, or of more than the nets it applies to, is a
`PositionError` naming the position's path.

Posting: `Totals.line_adjustments` is each item's signed share of the allowances and charges (discounts
included), allocated over the items each one applies to in proportion to their nets (largest remainder,
so the shares add up exactly to every allowance or charge); an item's revenue is its net plus its share.

Document-level allowances and charges (`AllowanceCharge`, BG-20/BG-21) carry their own tax category.

Tax is computed per tax category (tax code) on the sum of the nets in that category minus its allowances
plus its charges, and rounded once (BT-117), never per line; it is then allocated back over the lines,
allowances and charges of the category so that they add up exactly. With tax-inclusive prices the amounts
are gross and the category's tax is taken out of the gross sum, as before. Cash rounding applies to the
final total only.

One implementation for every priced document: invoices and credit notes (whose lines are item positions)
today, quotes, orders and supplier bills later.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ledgerline.domain.allocation import allocate
from ledgerline.domain.money import quantum, round_money

HUNDRED = Decimal(100)

# Smallest cash amount per currency, where the tenant rounds totals for cash payment.
CASH_ROUNDING_STEPS: dict[str, Decimal] = {"CHF": Decimal("0.05")}


# ----------------------------------------------------------------------------------- positions


@dataclass(frozen=True)
class ItemPosition:
    """A priced line: quantity × unit price − `allowance` (a line allowance, an amount), in one tax category."""

    quantity: Decimal
    unit_price: Decimal
    tax_code_id: str | None
    tax_rate: Decimal
    allowance: Decimal = Decimal(0)


@dataclass(frozen=True)
class TextPosition:
    text: str = ""


@dataclass(frozen=True)
class SubtotalPosition:
    label: str = ""


@dataclass(frozen=True)
class DiscountPosition:
    """Exactly one of `percent` (0–100, of the item nets of its level) or `amount` (≥ 0, off those nets)."""

    percent: Decimal | None = None
    amount: Decimal | None = None
    reason: str = ""
    applies_to: str = "level"  # or "above": only the items above it in its level

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.amount is None):
            raise ValueError("a discount has either a percent or an amount")
        if self.percent is not None and not Decimal(0) <= self.percent <= HUNDRED:
            raise ValueError("a discount percent is between 0 and 100")
        if self.amount is not None and self.amount < 0:
            raise ValueError("a discount amount is not negative (a charge is an AllowanceCharge)")


@dataclass(frozen=True)
class GroupPosition:
    title: str
    positions: tuple[Position, ...] = ()


@dataclass(frozen=True)
class PageBreakPosition:
    pass


Position = ItemPosition | TextPosition | SubtotalPosition | DiscountPosition | GroupPosition | PageBreakPosition


class PositionError(ValueError):
    """A position that cannot be priced; `path` is its index at each level, `field` the field at fault."""

    def __init__(self, path: tuple[int, ...], field: str, message: str) -> None:
        super().__init__(message)
        self.path, self.field, self.message = path, field, message


@dataclass(frozen=True)
class AllowanceCharge:
    """A document-level allowance (`charge=False`) or charge, in one tax category (EN 16931 BG-20/BG-21)."""

    amount: Decimal
    tax_code_id: str | None
    tax_rate: Decimal
    charge: bool = False
    reason: str = ""
    items: tuple[int, ...] | None = None  # the item positions (depth-first indexes) it applies to; None: all


# ----------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class LineAmounts:
    net_amount: Decimal
    tax_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class AllowanceChargeAmounts:
    """An allowance or charge with its share of its category's tax; signed (allowances negative)."""

    charge: bool
    tax_code_id: str | None
    rate: Decimal
    reason: str
    net_amount: Decimal
    tax_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PositionAmount:
    """One position, depth first: `path` is its index at each level; `amount` is None for text. Items show
    their net as priced (gross with tax-inclusive prices), subtotals their sum, discounts their (positive)
    amount, groups their items less their discounts."""

    path: tuple[int, ...]
    kind: str
    amount: Decimal | None


@dataclass(frozen=True)
class TaxSubtotal:
    tax_code_id: str
    rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class Totals:
    lines: list[LineAmounts]  # the item positions, depth first
    subtotal: Decimal  # the sum of nets without tax (BT-109): line nets − allowances + charges
    tax_total: Decimal
    rounding_adjustment: Decimal
    total: Decimal
    tax_breakdown: list[TaxSubtotal]
    allowances_charges: list[AllowanceChargeAmounts] = field(default_factory=list)
    positions: list[PositionAmount] = field(default_factory=list)
    line_total: Decimal = Decimal(0)  # BT-106
    allowance_total: Decimal = Decimal(0)  # BT-107, positive
    charge_total: Decimal = Decimal(0)  # BT-108
    line_adjustments: list[Decimal] = field(default_factory=list)  # per item: its share of allowances/charges


def cash_round(amount: Decimal, step: Decimal) -> Decimal:
    return ((amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(step)


def item_positions(positions: Sequence[Position]) -> Iterator[ItemPosition]:
    """The item positions, depth first (the order of `Totals.lines`)."""
    for position in positions:
        if isinstance(position, ItemPosition):
            yield position
        elif isinstance(position, GroupPosition):
            yield from item_positions(position.positions)


# ----------------------------------------------------------------------------------- totals


class _Walk:
    """One pass over the positions: item nets, discounts turned into per-category allowances, position amounts."""

    def __init__(self, currency: str, strict: bool = False) -> None:
        self.currency = currency
        self.strict = strict
        self.q = quantum(currency)
        self.items: list[tuple[ItemPosition, Decimal]] = []
        self.allowances: list[AllowanceCharge] = []
        self.amounts: list[PositionAmount] = []

    def level(self, positions: Sequence[Position], path: tuple[int, ...]) -> tuple[Decimal, Decimal]:
        """Walk one level; returns (item nets in it, discounts in it) including nested groups."""
        first_item = len(self.items)
        since_subtotal = Decimal(0) * self.q
        discounts = Decimal(0) * self.q
        pending: list[tuple[int, DiscountPosition, int, tuple[int, ...]]] = []
        for index, position in enumerate(positions):
            here = (*path, index)
            if isinstance(position, ItemPosition):
                net = round_money(position.quantity * position.unit_price - position.allowance, self.currency)
                self.items.append((position, net))
                since_subtotal += net
                self.amounts.append(PositionAmount(here, "item", net))
            elif isinstance(position, TextPosition):
                self.amounts.append(PositionAmount(here, "text", None))
            elif isinstance(position, PageBreakPosition):
                self.amounts.append(PositionAmount(here, "page_break", None))
            elif isinstance(position, SubtotalPosition):
                self.amounts.append(PositionAmount(here, "subtotal", since_subtotal))
                since_subtotal = Decimal(0) * self.q
            elif isinstance(position, DiscountPosition):
                pending.append((len(self.amounts), position, len(self.items), here))
                self.amounts.append(PositionAmount(here, "discount", None))  # filled once the level is known
            else:
                slot = len(self.amounts)
                self.amounts.append(PositionAmount(here, "group", None))
                nets, inner_discounts = self.level(position.positions, here)
                self.amounts[slot] = PositionAmount(here, "group", nets - inner_discounts)
                since_subtotal += nets
                discounts += inner_discounts
        nets = sum((net for _, net in self.items[first_item:]), Decimal(0) * self.q)
        for slot, discount, before, here in pending:
            last = before if discount.applies_to == "above" else len(self.items)
            scope = list(range(first_item, last))
            amount = self._discount(discount, scope, here)
            self.amounts[slot] = PositionAmount(self.amounts[slot].path, "discount", amount)
            discounts += amount
        return nets, discounts

    def _discount(self, discount: DiscountPosition, scope: list[int], here: tuple[int, ...]) -> Decimal:
        nets = sum((self.items[i][1] for i in scope), Decimal(0) * self.q)
        if not scope:
            if self.strict:
                raise PositionError(here, "applies_to", "a discount applies to at least one item position")
            return Decimal(0) * self.q
        if discount.percent is not None:
            amount = round_money(nets * discount.percent / HUNDRED, self.currency)
            if self.strict and nets < 0:
                raise PositionError(here, "percent", "a discount applies to item positions worth more than zero")
        else:
            amount = round_money(discount.amount or Decimal(0), self.currency)
            if self.strict and amount > nets:
                raise PositionError(here, "amount", f"the discount is more than the {nets} it applies to")
        by_category: dict[str | None, tuple[Decimal, Decimal, list[int]]] = {}
        for index in scope:
            item, net = self.items[index]
            rate, base, members = by_category.get(item.tax_code_id, (item.tax_rate, Decimal(0), []))
            by_category[item.tax_code_id] = (rate, base + net, [*members, index])
        codes = list(by_category)
        parts = allocate(amount, [by_category[c][1] for c in codes], self.q)
        for code, part in zip(codes, parts, strict=True):
            if part:
                rate, _, members = by_category[code]
                self.allowances.append(AllowanceCharge(part, code, rate, reason=discount.reason, items=tuple(members)))
        return amount


def compute_totals(positions: Sequence[Position], currency: str, *, prices_include_tax: bool = False,
                   cash_rounding: bool = False, allowances_charges: Sequence[AllowanceCharge] = (),
                   strict: bool = False) -> Totals:
    """The totals of a priced document (see the module's docstring). `strict`: a discount on no item or of
    more than it applies to is a `PositionError` (else it is taken as it is, or as zero on nothing)."""
    q = quantum(currency)
    zero = Decimal(0) * q
    walk = _Walk(currency, strict)
    walk.level(positions, ())
    document_level = [*walk.allowances, *allowances_charges]
    # Signed amounts per contribution: item nets, − allowances, + charges (all rounded to the minor unit).
    ac_amounts = [round_money(ac.amount, currency) * (1 if ac.charge else -1) for ac in document_level]

    # Tax categories in order of first appearance (items first, then allowances and charges).
    categories: dict[str | None, list[tuple[str, int]]] = {}
    rates: dict[str | None, Decimal] = {}
    for index, (item, _) in enumerate(walk.items):
        categories.setdefault(item.tax_code_id, []).append(("item", index))
        rates.setdefault(item.tax_code_id, item.tax_rate)
    for index, ac in enumerate(document_level):
        categories.setdefault(ac.tax_code_id, []).append(("ac", index))
        rates.setdefault(ac.tax_code_id, ac.tax_rate)

    def amount_of(member: tuple[str, int]) -> Decimal:
        kind, index = member
        return walk.items[index][1] if kind == "item" else ac_amounts[index]

    item_tax = [zero for _ in walk.items]
    ac_tax = [zero for _ in document_level]
    breakdown: list[TaxSubtotal] = []
    for tax_code_id, members in categories.items():
        rate = rates[tax_code_id]
        weights = [amount_of(m) for m in members]
        base = sum(weights, Decimal(0))
        if prices_include_tax:
            tax = round_money(base * rate / (HUNDRED + rate), currency)
            taxable = base - tax
        else:
            tax = round_money(base * rate / HUNDRED, currency)
            taxable = base
        for (kind, index), part in zip(members, allocate(tax, weights, q), strict=True):
            if kind == "item":
                item_tax[index] = part
            else:
                ac_tax[index] = part
        if tax_code_id is not None:
            breakdown.append(TaxSubtotal(tax_code_id, rate, taxable, tax))

    def split(priced: Decimal, tax: Decimal) -> tuple[Decimal, Decimal, Decimal]:
        return (priced - tax, tax, priced) if prices_include_tax else (priced, tax, priced + tax)

    lines = [LineAmounts(*split(net, tax)) for (_, net), tax in zip(walk.items, item_tax, strict=True)]
    acs = [AllowanceChargeAmounts(ac.charge, ac.tax_code_id, ac.tax_rate, ac.reason, *split(amount, tax))
           for ac, amount, tax in zip(document_level, ac_amounts, ac_tax, strict=True)]
    line_total = sum((a.net_amount for a in lines), zero)
    allowance_total = -sum((a.net_amount for a in acs if not a.charge), zero)
    charge_total = sum((a.net_amount for a in acs if a.charge), zero)
    subtotal = line_total - allowance_total + charge_total
    tax_total = sum((a.tax_amount for a in lines), zero) + sum((a.tax_amount for a in acs), zero)
    exact_total = subtotal + tax_total
    total = exact_total
    step = CASH_ROUNDING_STEPS.get(currency)
    if cash_rounding and step is not None:
        total = cash_round(exact_total, step)
    adjustments = [zero for _ in lines]
    for ac, amounts in zip(document_level, acs, strict=True):
        members = list(range(len(lines))) if ac.items is None else list(ac.items)
        if not members:
            continue
        for index, part in zip(members, allocate(amounts.net_amount, [lines[i].net_amount for i in members], q),
                               strict=True):
            adjustments[index] += part
    return Totals(lines, subtotal, tax_total, total - exact_total, total, breakdown, acs, walk.amounts,
                  line_total, allowance_total, charge_total, adjustments)
