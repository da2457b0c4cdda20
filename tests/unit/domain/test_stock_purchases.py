"""Inventory from supplier bills (issue 19, second step): a stock-managed line posts to inventory at its net base
value, and voiding gives back exactly what the bill received (pure rules)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain import stock
from ledgerline.domain.posting import Conversion
from ledgerline.domain.posting_purchases import (
    PurchaseAccounts,
    PurchaseLine,
    PurchaseTaxCode,
    bill_lines,
    stock_values,
)

D = Decimal
ACCOUNTS = PurchaseAccounts(payable="payable", rounding="rounding")
EUR = Conversion("EUR", "EUR", D(1))


def by_account(lines):
    result: dict[str, Decimal] = {}
    for line in lines:
        result[line.account_id] = result.get(line.account_id, D(0)) + line.debit - line.credit
    return result


def test_a_stock_managed_line_debits_inventory_instead_of_its_expense_account():
    code = PurchaseTaxCode("v19", D(19), "input", "output")
    lines, taxes = bill_lines(
        lines=[PurchaseLine("purchases", D("100.00"), "v19", inventory_account_id="inventory"),
               PurchaseLine("freight", D("20.00"), "v19")],
        breakdown=[("v19", D("120.00"), D("22.80"))], codes={"v19": code}, total=D("142.80"),
        rounding_adjustment=D(0), accounts=ACCOUNTS, conversion=EUR, description="Bill")
    assert by_account(lines) == {"inventory": D("100.00"), "freight": D("20.00"), "input": D("22.80"),
                                 "payable": D("-142.80")}
    assert [t.tax for t in taxes] == [D("22.80")]  # the tax side is unchanged


def test_non_recoverable_tax_of_a_stock_line_stays_on_its_expense_account():
    code = PurchaseTaxCode("v19", D(19), "input", "output", D(50))
    lines, _ = bill_lines(
        lines=[PurchaseLine("purchases", D("100.00"), "v19", inventory_account_id="inventory")],
        breakdown=[("v19", D("100.00"), D("19.00"))], codes={"v19": code}, total=D("119.00"),
        rounding_adjustment=D(0), accounts=ACCOUNTS, conversion=EUR, description="Bill")
    assert by_account(lines) == {"inventory": D("100.00"), "purchases": D("9.50"), "input": D("9.50"),
                                 "payable": D("-119.00")}


nets = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)


@given(st.lists(st.tuples(nets, st.booleans()), min_size=1, max_size=8),
       st.decimals(min_value=D("0.1"), max_value=D("3"), places=6))
def test_the_inventory_leg_equals_the_sum_of_the_stock_values_and_the_entry_balances(rows, rate):
    conversion = Conversion("USD", "EUR", rate)
    lines = [PurchaseLine("expense", net, None, inventory_account_id="inventory" if tracked else None)
             for net, tracked in rows]
    total = sum((net for net, _ in rows), D(0))
    journal, _ = bill_lines(lines=lines, breakdown=[], codes={}, total=total, rounding_adjustment=D(0),
                            accounts=ACCOUNTS, conversion=conversion, description="Bill")
    assert sum((line.debit for line in journal), D(0)) == sum((line.credit for line in journal), D(0))
    values = [value for value in stock_values(lines, conversion) if value is not None]
    assert by_account(journal).get("inventory", D(0)) == sum(values, D(0))


def test_voiding_gives_back_exactly_what_the_bill_received():
    level = stock.Level(D(10), D("130.00"))  # 5 before at 2.00, then 5 from the bill at 24.00
    move = stock.give_back(level, D(5), D("120.00"), item_id="itm", location_id="loc")
    assert move.after == stock.Level(D(5), D("10.00"))


@pytest.mark.parametrize(("level", "quantity", "value"), [
    (stock.Level(D(4), D("96.00")), D(5), D("120.00")),   # units taken out since
    (stock.Level(D(6), D("60.00")), D(5), D("120.00")),   # value taken out with other units: would go negative
    (stock.Level(D(5), D("125.00")), D(5), D("120.00")),  # would leave 5.00 on no units
])
def test_voiding_consumed_stock_is_a_conflict(level, quantity, value):
    with pytest.raises(stock.StockConsumed) as caught:
        stock.give_back(level, quantity, value, item_id="itm", location_id="loc")
    assert caught.value.code == "stock_consumed"


@given(st.lists(st.tuples(st.integers(1, 50), nets), min_size=1, max_size=6), st.integers(0, 5))
def test_receiving_then_giving_back_the_last_receipt_restores_the_level(receipts, extra):
    level = stock.Level()
    for quantity, value in receipts:
        level = stock.receive_value(level, D(quantity), value).after
    quantity, value = D(receipts[-1][0]), receipts[-1][1]
    before = stock.Level(level.quantity - quantity, level.value - value)
    assert stock.give_back(level, quantity, value, item_id="i", location_id="l").after == before
