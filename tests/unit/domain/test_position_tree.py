"""Totals of any position tree (issue 14): domain/positions.py against an independent, straightforward walk."""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain.money import quantum
from ledgerline.domain.positions import (
    AllowanceCharge,
    DiscountPosition,
    GroupPosition,
    ItemPosition,
    PageBreakPosition,
    PositionError,
    SubtotalPosition,
    TextPosition,
    compute_totals,
)

CATEGORIES = {"A": D("10"), "B": D("7.7"), "Z": D("0")}


def r(amount: D, q: D) -> D:
    return amount.quantize(q, rounding=ROUND_HALF_UP)


class Straightforward:
    """Item nets, discounts with the items they apply to, and what subtotals and groups show."""

    def __init__(self, q: D) -> None:
        self.q = q
        self.items: list[tuple[ItemPosition, D]] = []
        self.discounts: list[tuple[D, list[int]]] = []
        self.shown: list[D | None] = []

    def level(self, positions) -> D:  # returns the level's items less its discounts (nested included)
        start, since, discounted, later = len(self.items), D(0), D(0), []
        for position in positions:
            if isinstance(position, ItemPosition):
                net = r(position.quantity * position.unit_price, self.q)
                self.items.append((position, net))
                since += net
                self.shown.append(net)
            elif isinstance(position, SubtotalPosition):
                self.shown.append(since)
                since = D(0)
            elif isinstance(position, (TextPosition, PageBreakPosition)):
                self.shown.append(None)
            elif isinstance(position, DiscountPosition):
                later.append((len(self.shown), position, len(self.items)))
                self.shown.append(None)
            else:
                slot = len(self.shown)
                self.shown.append(None)
                before = sum((n for _, n in self.items), D(0))
                inner = self.level(position.positions)
                nets = sum((n for _, n in self.items), D(0)) - before
                since += nets
                discounted += nets - inner
                self.shown[slot] = inner
        for slot, discount, above in later:
            scope = list(range(start, above if discount.applies_to == "above" else len(self.items)))
            nets = sum((self.items[i][1] for i in scope), D(0))
            amount = r(nets * discount.percent / 100 if discount.percent is not None else discount.amount, self.q)
            self.discounts.append((amount, scope))
            self.shown[slot] = amount
            discounted += amount
        nets = sum((n for _, n in self.items[start:]), D(0))
        return nets - discounted


items = st.builds(lambda q, p, c: ItemPosition(q, p, c, CATEGORIES[c]),
                  st.integers(1, 20).map(D), st.decimals(D("10"), D("5000"), places=2), st.sampled_from("ABZ"))
discounts = st.one_of(
    st.builds(lambda p, a: DiscountPosition(percent=p, applies_to=a),
              st.decimals(0, 100, places=1), st.sampled_from(["above", "level"])),
    st.builds(lambda a, s: DiscountPosition(amount=a, applies_to=s),
              st.decimals(D("0.01"), D("5"), places=2), st.sampled_from(["above", "level"])))
others = st.one_of(items, st.just(TextPosition("t")), st.just(SubtotalPosition("s")), st.just(PageBreakPosition()),
                   discounts)


def levels(inner):
    # every level starts with an item, so each discount applies to something worth more than its amount
    return st.builds(lambda first, rest: (first, *rest), items, st.lists(inner, max_size=5))


trees = st.recursive(others, lambda inner: levels(inner).map(lambda children: GroupPosition("g", children)),
                     max_leaves=15)
document_acs = st.lists(st.builds(lambda a, c, charge: AllowanceCharge(a, c, CATEGORIES[c], charge=charge),
                                  st.decimals(D("0.01"), D("3"), places=2), st.sampled_from("ABZ"), st.booleans()),
                        max_size=3)


@settings(deadline=None)
@given(levels(trees), document_acs, st.sampled_from(["CHF", "EUR", "JPY", "KWD"]))
def test_any_tree_agrees_with_a_straightforward_computation(document, acs, currency):
    q = quantum(currency)
    totals = compute_totals(document, currency, allowances_charges=acs, strict=True)
    walk = Straightforward(q)
    walk.level(document)

    assert [line.net_amount for line in totals.lines] == [net for _, net in walk.items]
    assert [p.amount for p in totals.positions] == walk.shown  # subtotals, discounts, groups, items
    discounted = sum((amount for amount, _ in walk.discounts), D(0))
    allowances = sum((r(ac.amount, q) for ac in acs if not ac.charge), D(0))
    charges = sum((r(ac.amount, q) for ac in acs if ac.charge), D(0))
    line_total = sum((net for _, net in walk.items), D(0))
    assert totals.line_total == line_total
    assert totals.allowance_total == discounted + allowances
    assert totals.subtotal == line_total - discounted - allowances + charges

    # per category: the exact proportional base, within a quantum per discount; tax rounded once on it
    for tax in totals.tax_breakdown:
        exact = sum((net for item, net in walk.items if item.tax_code_id == tax.tax_code_id), D(0))
        for amount, scope in walk.discounts:
            nets = sum((walk.items[i][1] for i in scope), D(0))
            mine = sum((walk.items[i][1] for i in scope if walk.items[i][0].tax_code_id == tax.tax_code_id), D(0))
            exact -= amount * mine / nets if nets else 0
        exact += sum((r(ac.amount, q) * (1 if ac.charge else -1) for ac in acs if ac.tax_code_id == tax.tax_code_id),
                     D(0))
        assert abs(tax.taxable_amount - exact) <= q * len(walk.discounts) + q / 2
        assert tax.tax_amount == r(tax.taxable_amount * tax.rate / 100, q)
    assert totals.tax_total == sum((t.tax_amount for t in totals.tax_breakdown), D(0))
    assert totals.total == totals.subtotal + totals.tax_total

    # posting: every item's revenue is its net plus its share, and the shares add up to the subtotal exactly
    assert sum((line.net_amount + share for line, share in zip(totals.lines, totals.line_adjustments, strict=True)),
               D(0)) == totals.subtotal
    in_scope = {i for _, scope in walk.discounts if _ for i in scope}
    for index, share in enumerate(totals.line_adjustments):
        if index not in in_scope and not acs:
            assert share == 0  # a discount takes nothing from the items it does not apply to


def test_discount_above_takes_only_the_items_above_it():
    a = ItemPosition(D(1), D(100), "A", D(10))
    b = ItemPosition(D(1), D(50), "A", D(10))
    totals = compute_totals([a, DiscountPosition(percent=D(10), applies_to="above"), b], "EUR", strict=True)
    assert totals.allowance_total == D("10.00")
    assert totals.line_adjustments == [D("-10.00"), D("0.00")]
    assert totals.subtotal == D("140.00")


def test_group_discount_reduces_only_the_group_and_is_split_over_its_accounts_exactly():
    group = GroupPosition("Hardware", (ItemPosition(D(1), D("33.33"), "A", D(10)),
                                       ItemPosition(D(2), D("33.33"), "A", D(10)),
                                       DiscountPosition(amount=D("10.00"))))
    outside = ItemPosition(D(1), D(100), "A", D(10))
    totals = compute_totals([outside, group], "EUR", strict=True)
    assert totals.line_adjustments[0] == 0
    assert sum(totals.line_adjustments) == D("-10.00")
    assert totals.line_adjustments[1:] == [D("-3.33"), D("-6.67")]


@pytest.mark.parametrize(("document", "field"), [
    ([DiscountPosition(percent=D(10), applies_to="above"), ItemPosition(D(1), D(5), "A", D(10))], "applies_to"),
    ([ItemPosition(D(1), D(5), "A", D(10)), DiscountPosition(amount=D(6))], "amount"),
    ([ItemPosition(D(1), D(5), "A", D(10)), GroupPosition("g", (TextPosition("x"), DiscountPosition(amount=D(1))))],
     "applies_to"),
])
def test_a_bad_discount_names_its_path_and_field(document, field):
    with pytest.raises(PositionError) as error:
        compute_totals(document, "EUR", strict=True)
    assert error.value.field == field
    assert error.value.path in ((0,), (1,), (1, 1))
