"""Positions and their totals (EN 16931): each position kind, document allowances and charges, the worked
examples through the position model, and properties (tax once per category on the sum, never per line)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.money import quantum, round_money
from ledgerline.domain.parties import PartyRef, PartyRole
from ledgerline.domain.positions import (
    AllowanceCharge,
    DiscountPosition,
    GroupPosition,
    ItemPosition,
    SubtotalPosition,
    TextPosition,
    compute_totals,
    item_positions,
)


def item(quantity: str, price: str, rate: str = "10", code: str | None = "T", allowance: str = "0") -> ItemPosition:
    return ItemPosition(D(quantity), D(price), code, D(rate), D(allowance))


def amounts(totals):
    return [(p.path, p.kind, p.amount) for p in totals.positions]


# ------------------------------------------------------------------------- the worked examples, unchanged


@pytest.mark.parametrize(("positions", "currency", "options", "expected"), [
    ([item("10", "100.00"), item("1", "250.00")], "AUD", {}, ("1250.00", "125.00", "1375.00")),
    ([item("5", "100000", "11")], "IDR", {}, ("500000", "55000", "555000")),
    ([item("3", "1.2345", "5")], "KWD", {}, ("3.704", "0.185", "3.889")),
    ([item("3", "33.33", "8.1")], "CHF", {"cash_rounding": True}, ("99.99", "8.10", "108.10")),
    ([item("3", "33.33", "8.1")], "CHF", {}, ("99.99", "8.10", "108.09")),
    ([item("1", "110.00")], "AUD", {"prices_include_tax": True}, ("100.00", "10.00", "110.00")),
], ids=["aud-gst", "idr", "kwd", "chf-cash-rounding", "chf-exact", "aud-inclusive"])
def test_worked_examples_give_the_same_numbers(positions, currency, options, expected):
    totals = compute_totals(positions, currency, **options)
    assert tuple(str(x) for x in (totals.subtotal, totals.tax_total, totals.total)) == expected
    assert totals.line_total == totals.subtotal and totals.allowance_total == totals.charge_total == 0


def test_cash_rounding_adjustment_is_the_difference():
    totals = compute_totals([item("3", "33.33", "8.1")], "CHF", cash_rounding=True)
    assert totals.rounding_adjustment == D("0.01")


# ------------------------------------------------------------------------- each position kind


def test_text_has_no_amount_and_changes_nothing():
    with_text = compute_totals([TextPosition("Delivered Monday"), item("2", "10.00")], "EUR")
    without = compute_totals([item("2", "10.00")], "EUR")
    assert amounts(with_text)[0] == ((0,), "text", None)
    assert (with_text.subtotal, with_text.tax_total, with_text.total) == (without.subtotal, without.tax_total,
                                                                           without.total)


def test_subtotal_sums_the_items_since_the_previous_subtotal():
    totals = compute_totals([item("1", "10.00"), item("2", "5.00"), SubtotalPosition("A"),
                             item("1", "7.50"), TextPosition("note"), SubtotalPosition("B")], "EUR")
    assert [a for a in amounts(totals) if a[1] == "subtotal"] == [((2,), "subtotal", D("20.00")),
                                                                  ((5,), "subtotal", D("7.50"))]
    assert totals.subtotal == D("27.50")  # a subtotal position changes no total


def test_line_allowance_is_taken_off_before_rounding():
    totals = compute_totals([item("3", "3.335", allowance="0.005")], "EUR")
    assert totals.lines[0].net_amount == D("10.00")  # 10.005 − 0.005, rounded once


def test_ten_percent_discount_on_a_group():
    group = GroupPosition("Hardware", (item("1", "100.00"), item("2", "50.00"), DiscountPosition(percent=D("10"))))
    totals = compute_totals([group, item("1", "80.00")], "EUR")
    assert amounts(totals) == [((0,), "group", D("180.00")), ((0, 0), "item", D("100.00")),
                               ((0, 1), "item", D("100.00")), ((0, 2), "discount", D("20.00")),
                               ((1,), "item", D("80.00"))]
    assert (totals.line_total, totals.allowance_total, totals.subtotal) == (D("280.00"), D("20.00"), D("260.00"))
    assert (totals.tax_total, totals.total) == (D("26.00"), D("286.00"))
    assert [(a.tax_code_id, a.net_amount, a.tax_amount) for a in totals.allowances_charges] == [
        ("T", D("-20.00"), D("-2.00"))]


def test_discount_on_the_document_is_split_over_tax_categories():
    totals = compute_totals([item("1", "100.00", "19", "S"), item("1", "100.00", "7", "R"),
                             DiscountPosition(amount=D("10.00"), reason="loyalty")], "EUR")
    assert [(a.tax_code_id, a.net_amount) for a in totals.allowances_charges] == [("S", D("-5.00")),
                                                                                  ("R", D("-5.00"))]
    assert [(t.tax_code_id, t.taxable_amount, t.tax_amount) for t in totals.tax_breakdown] == [
        ("S", D("95.00"), D("18.05")), ("R", D("95.00"), D("6.65"))]
    assert totals.total == D("214.70")


def test_document_allowance_and_charge_with_their_tax_category():
    totals = compute_totals(
        [item("1", "200.00", "20", "S"), item("1", "100.00", "0", "Z")], "GBP",
        allowances_charges=[AllowanceCharge(D("50.00"), "S", D("20"), reason="promotion"),
                            AllowanceCharge(D("10.00"), "Z", D("0"), charge=True, reason="freight")])
    assert [(t.tax_code_id, t.taxable_amount, t.tax_amount) for t in totals.tax_breakdown] == [
        ("S", D("150.00"), D("30.00")), ("Z", D("110.00"), D("0.00"))]
    assert (totals.line_total, totals.allowance_total, totals.charge_total) == (D("300.00"), D("50.00"), D("10.00"))
    assert (totals.subtotal, totals.tax_total, totals.total) == (D("260.00"), D("30.00"), D("290.00"))


def test_an_allowance_in_a_new_category_makes_its_own_subtotal():
    totals = compute_totals([item("1", "100.00", "20", "S")], "GBP",
                            allowances_charges=[AllowanceCharge(D("5.00"), "E", D("0"), charge=True)])
    assert [(t.tax_code_id, t.taxable_amount) for t in totals.tax_breakdown] == [("S", D("100.00")), ("E", D("5.00"))]
    assert totals.total == D("125.00")


def test_nested_groups():
    inner = GroupPosition("Cables", (item("4", "2.50"), DiscountPosition(amount=D("1.00"))))
    outer = GroupPosition("Hardware", (item("1", "90.00"), inner, SubtotalPosition(),
                                       DiscountPosition(percent=D("50"))))
    totals = compute_totals([outer, TextPosition("thanks")], "EUR")
    # The inner discount is 1.00 off 10.00; the outer 50 % is of the outer level's items (90 + 10).
    assert amounts(totals) == [((0,), "group", D("49.00")), ((0, 0), "item", D("90.00")),
                               ((0, 1), "group", D("9.00")), ((0, 1, 0), "item", D("10.00")),
                               ((0, 1, 1), "discount", D("1.00")), ((0, 2), "subtotal", D("100.00")),
                               ((0, 3), "discount", D("50.00")), ((1,), "text", None)]
    assert [i.quantity for i in item_positions([outer])] == [D("1"), D("4")]
    assert (totals.subtotal, totals.tax_total, totals.total) == (D("49.00"), D("4.90"), D("53.90"))


def test_discount_needs_exactly_one_of_percent_or_amount():
    with pytest.raises(ValueError):
        DiscountPosition()
    with pytest.raises(ValueError):
        DiscountPosition(percent=D("10"), amount=D("1"))
    with pytest.raises(ValueError):
        DiscountPosition(percent=D("101"))
    with pytest.raises(ValueError):
        DiscountPosition(amount=D("-1"))


def test_inclusive_prices_take_the_discount_gross():
    totals = compute_totals([item("1", "110.00"), DiscountPosition(amount=D("11.00"))], "AUD", prices_include_tax=True)
    assert (totals.subtotal, totals.tax_total, totals.total) == (D("90.00"), D("9.00"), D("99.00"))


def test_party_roles():
    customer = PartyRef.of_customer("par_1", "Acme")
    assert (customer.role, customer.direction, customer.role.posting_sign) == (PartyRole.CUSTOMER, "sales", -1)
    supplier = PartyRef("par_2", "Parts Ltd", PartyRole.SUPPLIER)
    assert (supplier.direction, supplier.role.posting_sign) == ("purchases", 1)


# ------------------------------------------------------------------------- properties

money = st.decimals(min_value=D("-1000"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)
quantities = st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3, allow_nan=False, allow_infinity=False)
rates = st.sampled_from([D("0"), D("5"), D("8.1"), D("10"), D("19"), D("20")])
currencies = st.sampled_from(["AUD", "IDR", "KWD", "CHF", "JPY"])
items = st.builds(lambda q, p, r: ItemPosition(q, p, f"R{r}", r), quantities, money, rates)
discounts = st.one_of(
    st.builds(lambda p: DiscountPosition(percent=p), st.decimals(min_value=0, max_value=100, places=1)),
    st.builds(lambda a: DiscountPosition(amount=a), st.decimals(min_value=0, max_value=1000, places=2)))
leaves = st.one_of(items, items, st.just(TextPosition("t")), st.just(SubtotalPosition()), discounts)
positions = st.recursive(leaves, lambda inner: st.builds(
    lambda children: GroupPosition("g", tuple(children)), st.lists(inner, max_size=4)), max_leaves=12)
document_acs = st.lists(st.builds(lambda a, r, c: AllowanceCharge(a, f"R{r}", r, charge=c),
                                  st.decimals(min_value=0, max_value=500, places=2), rates, st.booleans()),
                        max_size=3)


@given(st.lists(positions, min_size=1, max_size=8), document_acs, currencies, st.booleans())
def test_totals_are_the_positions_nets_plus_tax_computed_once_per_category(document, acs, currency, inclusive):
    totals = compute_totals(document, currency, prices_include_tax=inclusive, allowances_charges=acs)
    q = quantum(currency)
    parts = [*totals.lines, *totals.allowances_charges]
    for part in parts:
        assert part.net_amount + part.tax_amount == part.amount
        assert part.net_amount == part.net_amount.quantize(q)
    assert len(totals.lines) == len(list(item_positions(document)))
    assert totals.line_total == sum((a.net_amount for a in totals.lines), D(0))
    assert totals.subtotal == sum((p.net_amount for p in parts), D(0))
    assert totals.subtotal == totals.line_total - totals.allowance_total + totals.charge_total
    assert totals.tax_total == sum((p.tax_amount for p in parts), D(0))
    assert totals.tax_total == sum((t.tax_amount for t in totals.tax_breakdown), D(0))  # every code is named
    assert totals.total == totals.subtotal + totals.tax_total
    for tax in totals.tax_breakdown:
        members = [line for line, position in zip(totals.lines, item_positions(document), strict=True)
                   if position.tax_code_id == tax.tax_code_id]
        members += [ac for ac in totals.allowances_charges if ac.tax_code_id == tax.tax_code_id]
        priced = sum((p.amount if inclusive else p.net_amount for p in members), D(0))
        # once per category, on the sum: not the sum of per-line rounded taxes
        expected = (round_money(priced * tax.rate / (100 + tax.rate), currency) if inclusive
                    else round_money(priced * tax.rate / 100, currency))
        assert tax.tax_amount == expected

