"""Invoice arithmetic: worked examples, currencies of 0, 2 and 3 decimals, cash rounding, properties."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.allocation import allocate
from ledgerline.domain.money import quantum, round_money
from ledgerline.domain.positions import ItemPosition as PricedLine
from ledgerline.domain.positions import compute_totals


def line(quantity: str, price: str, rate: str = "10", code: str | None = "T") -> PricedLine:
    return PricedLine(D(quantity), D(price), code, D(rate))


def test_worked_example_ten_percent():
    totals = compute_totals([line("10", "100.00"), line("1", "250.00")], "AUD")
    assert (totals.subtotal, totals.tax_total, totals.total) == (D("1250.00"), D("125.00"), D("1375.00"))
    assert [str(t.tax_amount) for t in totals.tax_breakdown] == ["125.00"]


def test_worked_example_idr_eleven_percent():
    totals = compute_totals([line("5", "100000", "11")], "IDR")
    assert (str(totals.tax_total), str(totals.total)) == ("55000", "555000")


def test_three_decimal_currency():
    totals = compute_totals([line("3", "1.2345", "5")], "KWD")
    assert (str(totals.subtotal), str(totals.tax_total), str(totals.total)) == ("3.704", "0.185", "3.889")


def test_tax_is_rounded_once_per_code_not_per_line():
    # Three lines of 0.05 at 10 %: per line 0.005 would round to 0.01 each (0.03); on the sum, 0.015 → 0.02.
    totals = compute_totals([line("1", "0.05")] * 3, "EUR")
    assert totals.tax_total == D("0.02")
    assert sum(line.tax_amount for line in totals.lines) == D("0.02")


def test_each_tax_code_has_its_own_subtotal():
    totals = compute_totals([line("1", "100", "8.1", "VAT81"), line("1", "100", "2.6", "VAT26"),
                             line("1", "50", "0", None)], "CHF")
    assert [(t.tax_code_id, t.taxable_amount, t.tax_amount) for t in totals.tax_breakdown] == [
        ("VAT81", D("100.00"), D("8.10")), ("VAT26", D("100.00"), D("2.60"))]
    assert totals.total == D("260.70")


def test_cash_rounding_to_five_centimes_for_chf():
    totals = compute_totals([line("3", "33.33", "8.1")], "CHF", cash_rounding=True)
    assert (totals.total, totals.rounding_adjustment) == (D("108.10"), D("0.01"))
    plain = compute_totals([line("3", "33.33", "8.1")], "CHF")
    assert (plain.total, plain.rounding_adjustment) == (D("108.09"), D("0.00"))


def test_prices_including_tax():
    totals = compute_totals([line("1", "110.00")], "AUD", prices_include_tax=True)
    assert (totals.subtotal, totals.tax_total, totals.total) == (D("100.00"), D("10.00"), D("110.00"))


money = st.decimals(min_value=D("-1000"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)
quantities = st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3, allow_nan=False, allow_infinity=False)
rates = st.sampled_from([D("0"), D("2.6"), D("5"), D("8.1"), D("10"), D("11"), D("19"), D("20")])
currencies = st.sampled_from(["AUD", "IDR", "KWD", "CHF", "JPY"])


@given(st.lists(st.tuples(quantities, money, rates), min_size=1, max_size=12), currencies, st.booleans())
def test_totals_add_up_exactly(rows, currency, inclusive):
    lines = [PricedLine(q, p, f"R{r}", r) for q, p, r in rows]
    totals = compute_totals(lines, currency, prices_include_tax=inclusive)
    q = quantum(currency)
    for amounts in totals.lines:
        assert amounts.net_amount + amounts.tax_amount == amounts.amount
        assert amounts.net_amount == amounts.net_amount.quantize(q)
    assert totals.subtotal == sum(a.net_amount for a in totals.lines)
    assert totals.tax_total == sum(t.tax_amount for t in totals.tax_breakdown)
    assert totals.total == totals.subtotal + totals.tax_total
    if not inclusive:
        for tax in totals.tax_breakdown:
            assert tax.tax_amount == round_money(tax.taxable_amount * tax.rate / 100, currency)


@given(st.decimals(min_value=D("-10000"), max_value=D("10000"), places=2, allow_nan=False, allow_infinity=False),
       st.lists(st.decimals(min_value=D("0"), max_value=D("1000"), places=2, allow_nan=False, allow_infinity=False),
                min_size=1, max_size=10))
def test_allocation_parts_sum_to_the_whole(amount, weights):
    parts = allocate(amount, weights, D("0.01"))
    assert sum(parts) == amount and len(parts) == len(weights)
    if sum(weights):
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part - amount * weight / sum(weights)) < D("0.01") * len(weights)
