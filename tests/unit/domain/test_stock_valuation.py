"""Moving weighted average (domain/stock.py, issue 19): over any sequence of receipts, takes and counts the
level's quantity is the sum of the movements, its value the sum of their values (what the inventory account
receives), every take costs the independently computed average to the cent, nothing is ever negative, and an
empty level holds no value."""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline.domain import stock
from ledgerline.domain.accounts import AccountType

quantities = st.decimals(min_value=D("0.001"), max_value=D("500"), places=3)
costs = st.decimals(min_value=D("0"), max_value=D("10000"), places=4)
operations = st.lists(st.one_of(
    st.tuples(st.just("receive"), quantities, costs),
    st.tuples(st.just("take"), quantities, st.none()),
    st.tuples(st.just("count"), st.decimals(min_value=D("0"), max_value=D("800"), places=3), costs),
), max_size=40)


def cents(value: Fraction) -> D:
    """Half-up to the cent from an exact fraction (the independent computation's rounding)."""
    return (D(value.numerator) / D(value.denominator)).quantize(D("0.01"), rounding=ROUND_HALF_UP) \
        if value.denominator != 1 else D(value.numerator).quantize(D("0.01"))


@settings(max_examples=300, deadline=None)
@given(operations)
def test_levels_are_the_sum_of_their_movements_and_takes_cost_the_average(ops):
    level = stock.Level()
    moved_quantity, moved_value = D(0), D(0)
    for kind, quantity, cost in ops:
        try:
            if kind == "receive":
                move = stock.receive(level, quantity, cost)
                assert move.value == (quantity * cost).quantize(D("0.01"), rounding=ROUND_HALF_UP)
            elif kind == "take":
                move = stock.take(level, quantity, item_id="itm_1", location_id="loc_1")
                # independently: the exact average (a fraction) times the quantity, to the cent
                exact = Fraction(level.value) * Fraction(quantity) / Fraction(level.quantity)
                expected = level.value if quantity == level.quantity else cents(exact)
                assert -move.value == expected
            else:
                move = stock.count(level, quantity, cost, item_id="itm_1", location_id="loc_1")
                if move is None:
                    assert quantity == level.quantity
                    continue
        except stock.InsufficientStock as refused:
            assert kind == "take" and quantity > level.quantity
            assert (refused.on_hand, refused.requested) == (level.quantity, quantity)
            continue
        moved_quantity += move.quantity
        moved_value += move.value
        level = move.after
        assert level == stock.Level(moved_quantity, moved_value)
        assert level.quantity >= 0 and level.value >= 0
        if level.quantity == 0:
            assert level.value == 0


def test_a_take_costs_the_average_and_the_last_unit_takes_what_is_left():
    level = stock.receive(stock.Level(), D(3), D("10")).after  # 30.00 for 3
    level = stock.receive(level, D(1), D("11")).after  # 41.00 for 4: 10.25 each
    assert level.average_cost == D("10.250000")
    first = stock.take(level, D(3), item_id="i", location_id="l")
    assert (first.quantity, first.value) == (D(-3), D("-30.75"))
    last = stock.take(first.after, D(1), item_id="i", location_id="l")
    assert (last.value, last.after) == (D("-10.25"), stock.Level(D(0), D("0.00")))


def test_a_third_rounds_half_up_and_the_residue_leaves_with_the_last_unit():
    level = stock.receive(stock.Level(), D(3), D("3.335")).after  # 10.005 → 10.01
    assert level.value == D("10.01")
    one = stock.take(level, D(1), item_id="i", location_id="l")
    assert one.value == D("-3.34")  # 3.336… → 3.34
    two = stock.take(one.after, D(2), item_id="i", location_id="l")
    assert two.value == D("-6.67") and two.after.value == 0


def test_taking_more_than_on_hand_is_refused_naming_item_location_on_hand_and_requested():
    level = stock.receive(stock.Level(), D(5), D("2")).after
    with pytest.raises(stock.InsufficientStock) as refused:
        stock.take(level, D(6), item_id="itm_1", location_id="loc_1")
    assert refused.value.code == "insufficient_stock"
    assert "itm_1" in refused.value.message and "loc_1" in refused.value.message
    assert "5 on hand" in refused.value.message and "6 requested" in refused.value.message


def test_a_count_finding_stock_where_none_was_needs_a_cost():
    with pytest.raises(ValueError):
        stock.count(stock.Level(), D(2), None, item_id="i", location_id="l")
    found = stock.count(stock.Level(), D(2), D("4.5"), item_id="i", location_id="l")
    assert found is not None and found.after == stock.Level(D(2), D("9.00"))
    assert stock.count(found.after, D(2), None, item_id="i", location_id="l") is None


def test_stock_accounts_must_be_an_asset_and_an_expense():
    assert stock.account_issues(inventory=(AccountType.ASSET, "inventory"), cogs=(AccountType.EXPENSE, "x")) == []
    issues = stock.account_issues(inventory=(AccountType.EXPENSE, "x"), cogs=(AccountType.ASSET, "x"))
    assert [i.field for i in issues] == ["inventory_account_id", "cogs_account_id"]


# ----------------------------------------------- reservations of order lines (issue 19, part S)

line_steps = st.lists(st.tuples(st.sampled_from(["deliver", "invoice", "undeliver", "uninvoice"]),
                                st.decimals(min_value=D("0"), max_value=D("20"), places=0)), max_size=20)


@settings(max_examples=200, deadline=None)
@given(ordered=st.decimals(min_value=D("1"), max_value=D("20"), places=0), steps=line_steps)
def test_a_lines_reservation_changes_sum_to_ordered_less_what_left_stock_by_note_or_invoice(ordered, steps):
    """Whatever order notes and invoices come and go in, the reservation changes add up to ordered less the
    larger of delivered and invoiced: a unit invoiced and delivered is released once."""
    delivered = invoiced = D(0)
    reserved = ordered  # confirming reserves the line
    for action, quantity in steps:
        before = (ordered, delivered, invoiced)
        if action == "deliver":
            delivered = min(ordered, delivered + quantity)
        elif action == "invoice":
            invoiced = min(ordered, invoiced + quantity)
        elif action == "undeliver":
            delivered = max(D(0), delivered - quantity)
        else:
            invoiced = max(D(0), invoiced - quantity)
        reserved += stock.reservation_change(before, (ordered, delivered, invoiced))
        assert reserved == ordered - max(delivered, invoiced) >= 0


def test_only_the_invoice_setting_makes_invoices_take_stock():
    assert stock.invoice_takes_stock("invoice")
    assert not stock.invoice_takes_stock("delivery_note") and not stock.invoice_takes_stock(None)


# ------------------------------------------------- negative stock allowed (issue 19, part S)

signed_operations = st.lists(st.one_of(
    st.tuples(st.just("receive"), quantities, costs),
    st.tuples(st.just("take"), quantities, st.none()),
), max_size=40)


@settings(max_examples=300, deadline=None)
@given(ops=signed_operations, fallback=st.none() | costs)
def test_below_zero_the_level_still_equals_what_the_inventory_account_received_to_the_cent(ops, fallback):
    """With negative stock allowed: the level's quantity is the sum of the movements; its value is what the
    documents posted to inventory less the corrections moved to COGS on arrival (so the valuation equals the
    inventory account); an empty level holds no value; a level back at or above zero holds what is left of the
    last arrival at that arrival's own unit cost."""
    level = stock.Level()
    posted = D(0)  # what the inventory account received: documents' values less corrections
    for kind, quantity, cost in ops:
        if kind == "receive":
            move, correction = stock.settle_arrival(level, stock.receive(level, quantity, cost))
            gross = stock.to_minor(quantity * cost)
            posted += gross - correction
            if level.quantity < 0 <= move.after.quantity:
                assert move.after.value == stock.to_minor(gross * move.after.quantity / quantity)
        else:
            move = stock.take(level, quantity, item_id="itm", location_id="loc", allow_negative=True,
                              fallback_unit_cost=fallback)
            posted += move.value
        assert move.after.quantity == level.quantity + move.quantity
        assert move.after.value == level.value + move.value
        level = move.after
        assert level.value == posted
        if level.quantity == 0:
            assert level.value == 0


def test_the_correction_is_the_gap_times_the_difference_between_the_real_and_the_estimated_cost():
    short = stock.take(stock.Level(D(1), D(10)), D(3), item_id="itm", location_id="loc", allow_negative=True)
    assert short.after == stock.Level(D(-2), D(-20))  # 2 missing units estimated at the average, 10
    move, correction = stock.settle_arrival(short.after, stock.receive(short.after, D(5), D(12)))
    assert (move.after, move.value, correction) == (stock.Level(D(3), D(36)), D(56), D(4))  # 2 × (12 − 10)
    with pytest.raises(stock.InsufficientStock):
        stock.take(stock.Level(D(1), D(10)), D(3), item_id="itm", location_id="loc")


def test_a_return_over_what_was_sold_names_the_first_line_that_goes_over():
    sold = {"itm_a": D(2), "itm_b": D(1)}
    assert stock.return_issue(sold, {}, [("itm_a", D(1)), (None, D(9)), ("itm_a", D(1))]) is None
    index, why = stock.return_issue(sold, {"itm_a": D("0.5")}, [("itm_b", D(1)), ("itm_a", D(1)), ("itm_a", D(1))])
    assert index == 2 and "2 sold, 0.5 returned before, 2 on this credit note" in why
    assert stock.restocked_of(stock.restocked_list({"itm_a": D("1.50")})) == {"itm_a": D("1.5")}


# ------------------------------------------------ supplier returns capped at the bill (issue 19, part S2)


def test_a_supplier_return_is_capped_at_what_the_bill_received_less_earlier_returns():
    received = {"itm_a": D(3)}
    assert stock.supplier_return_issue(received, {}, [("itm_a", D(1)), (None, D(9)), ("itm_a", D(2))]) is None
    index, why = stock.supplier_return_issue(received, {"itm_a": D("0.5")}, [("itm_a", D(2)), ("itm_a", D(1))])
    assert index == 1 and "3 received, 0.5 returned before, 3 on this credit note" in why
    assert stock.supplier_return_issue(received, {}, [("itm_b", D(1))])[0] == 0  # not put in by the bill


@settings(max_examples=200, deadline=None)
@given(rooms=st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=5), data=st.data())
def test_a_supplier_return_fills_the_receipts_in_order_and_takes_exactly_the_quantity(rooms, data):
    quantity = data.draw(st.integers(min_value=1, max_value=max(1, sum(rooms))))
    if quantity > sum(rooms):
        with pytest.raises(ValueError):
            stock.split_return([D(r) for r in rooms], D(quantity))
        return
    taken = stock.split_return([D(r) for r in rooms], D(quantity))
    assert sum(taken) == quantity
    assert all(D(0) <= part <= room for part, room in zip(taken, rooms, strict=True))
    first_short = next((i for i, (part, room) in enumerate(zip(taken, rooms, strict=True)) if part < room), None)
    assert first_short is None or all(part == 0 for part in taken[first_short + 1:])  # in order
