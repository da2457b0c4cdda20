"""Revaluation amounts (issue 16, part X), pure: worked examples and properties (the entry balances; revalue
then reverse nets to zero; a settled-in-full view of the item is untouched)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.revaluation import MissingRate, OpenItem, revaluation_lines, revalue, reversal_lines

RECEIVABLE, PAYABLE, BANK, FX = "acc_1100", "acc_2000", "acc_1020", "acc_7950"


def item(kind, account, currency, amount, carried, item_id="x"):
    return OpenItem(kind, item_id, item_id, account, currency, D(amount), D(carried))


def net_by_account(lines):
    totals = {}
    for line in lines:
        totals[line.account_id] = totals.get(line.account_id, D(0)) + line.debit - line.credit
    return totals


def test_a_receivable_worth_more_at_the_period_end_is_a_gain():
    # EUR 110.00 booked at 1.60 (AUD 176.00); 1.70 at the end: AUD 187.00
    (one,) = revalue([item("receivable", RECEIVABLE, "EUR", "110.00", "176.00")], {"EUR": D("1.70")}, "AUD")
    assert (one.revalued_base, one.difference) == (D("187.00"), D("11.00"))
    lines = revaluation_lines([one], fx_account=FX, base_currency="AUD", description="Revaluation 2026-01")
    assert net_by_account(lines) == {RECEIVABLE: D("11.00"), FX: D("-11.00")}


def test_a_payable_worth_less_is_a_gain_and_worth_more_a_loss():
    gain, loss = revalue([item("payable", PAYABLE, "USD", "-50.00", "-75.00", "b1"),
                          item("payable", PAYABLE, "USD", "-10.00", "-13.00", "b2")], {"USD": D("1.40")}, "AUD")
    assert (gain.revalued_base, gain.difference) == (D("-70.00"), D("5.00"))
    assert (loss.revalued_base, loss.difference) == (D("-14.00"), D("-1.00"))
    lines = revaluation_lines([gain, loss], fx_account=FX, base_currency="AUD", description="R")
    assert net_by_account(lines) == {PAYABLE: D("4.00"), FX: D("-4.00")}


def test_differences_of_one_account_net_per_currency_and_none_is_no_entry():
    items = [item("receivable", RECEIVABLE, "EUR", "100", "160", "a"), item("receivable", RECEIVABLE, "EUR", "100",
                                                                           "180", "b")]
    revalued = revalue(items, {"EUR": D("1.70")}, "AUD")
    assert [r.difference for r in revalued] == [D("10.00"), D("-10.00")]
    assert revaluation_lines(revalued, fx_account=FX, base_currency="AUD", description="R") == []


def test_items_in_the_base_currency_are_left_out_and_a_missing_rate_is_named():
    assert revalue([item("bank", BANK, "AUD", "10", "10")], {}, "AUD") == []
    with pytest.raises(MissingRate) as missing:
        revalue([item("bank", BANK, "CHF", "10", "16")], {"EUR": D("1.7")}, "AUD")
    assert missing.value.currency == "CHF"


def test_yen_rounds_to_the_base_currency_minor_unit():
    (one,) = revalue([item("receivable", RECEIVABLE, "JPY", "12345", "123.45")], {"JPY": D("0.010234")}, "AUD")
    assert one.revalued_base == D("126.34") and one.difference == D("2.89")


AMOUNTS = st.decimals(min_value=D("-1000000"), max_value=D("1000000"), places=2, allow_nan=False)
RATES = st.decimals(min_value=D("0.0001"), max_value=D("500"), places=4, allow_nan=False)
ITEMS = st.lists(st.tuples(st.sampled_from([("receivable", RECEIVABLE), ("payable", PAYABLE), ("bank", BANK)]),
                           st.sampled_from(["EUR", "USD", "CHF"]), AMOUNTS, AMOUNTS), max_size=12)


@given(ITEMS, RATES, RATES, RATES)
def test_the_entry_balances_and_with_its_reversal_nets_to_zero(raw, eur, usd, chf):
    items = [item(kind, account, currency, amount, carried, str(i))
             for i, ((kind, account), currency, amount, carried) in enumerate(raw)]
    revalued = revalue(items, {"EUR": eur, "USD": usd, "CHF": chf}, "AUD")
    lines = revaluation_lines(revalued, fx_account=FX, base_currency="AUD", description="R")
    if lines:
        assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
    both = net_by_account([*lines, *reversal_lines(lines)])
    assert all(total == 0 for total in both.values())
    # each account moves by its items' differences; the exchange account takes the opposite of them all
    moved = net_by_account(lines)
    for account in (RECEIVABLE, PAYABLE, BANK):
        assert moved.get(account, D(0)) == sum((r.difference for r in revalued if r.item.account_id == account), D(0))
    assert moved.get(FX, D(0)) == -sum((r.difference for r in revalued), D(0))
    # after revaluation every item is carried at what it is worth at the period's end
    for r in revalued:
        assert r.item.carried_base + r.difference == r.revalued_base
