"""Money rounding: commercial (half away from zero) to each currency's minor unit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.money import (
    SUPPORTED_CURRENCIES,
    minor_units,
    quantum,
    round_money,
    with_minor_units,
)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.675", "USD", "2.68"),
        ("2.665", "USD", "2.67"),  # half-up, not banker's rounding (which gives 2.66)
        ("2.674999", "USD", "2.67"),
        ("-2.675", "USD", "-2.68"),  # half away from zero for negatives too
        ("0.005", "EUR", "0.01"),
        ("1375", "AUD", "1375.00"),
        ("555000.5", "IDR", "555001"),
        ("555000.4999", "IDR", "555000"),
        ("555000", "IDR", "555000"),
        ("-0.5", "JPY", "-1"),
        ("1.2345", "KWD", "1.235"),
        ("1.2344", "KWD", "1.234"),
        ("10", "KWD", "10.000"),
    ],
)
def test_round_money_rounds_half_up_to_the_currency_minor_unit(amount, currency, expected):
    # Given an amount with more digits than the currency has
    # When it is rounded
    rounded = round_money(Decimal(amount), currency)
    # Then it has exactly the currency's minor units, rounded half away from zero
    assert str(rounded) == expected


def test_minor_units_per_currency():
    assert (minor_units("AUD"), minor_units("IDR"), minor_units("KWD")) == (2, 0, 3)
    assert quantum("USD") == Decimal("0.01")
    assert quantum("IDR") == Decimal("1")
    assert quantum("KWD") == Decimal("0.001")


@pytest.mark.parametrize("currency", ["XXX", "usd", "", "BTC"])
def test_unsupported_currency_is_refused(currency):
    with pytest.raises(ValueError, match="unsupported currency"):
        round_money(Decimal("1"), currency)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("150", "AUD", "150.00"), ("7.1", "USD", "7.10"), ("0.125", "AUD", "0.125"), ("555000", "IDR", "555000"),
     ("0.5", "IDR", "0.5"), ("1.5E+3", "EUR", "1500.00"), ("2", "KWD", "2.000")],
)
def test_with_minor_units_pads_to_the_currency_and_never_drops_a_digit(amount, currency, expected):
    assert str(with_minor_units(Decimal(amount), currency)) == expected


amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False,
                      allow_infinity=False, places=6)
currencies = st.sampled_from(sorted(SUPPORTED_CURRENCIES))


@given(amounts, currencies)
def test_round_money_is_idempotent(amount, currency):
    once = round_money(amount, currency)
    assert round_money(once, currency) == once
    assert str(round_money(once, currency)) == str(once)


@given(amounts, currencies)
def test_round_money_moves_the_amount_by_at_most_half_a_minor_unit(amount, currency):
    rounded = round_money(amount, currency)
    assert abs(rounded - amount) <= quantum(currency) / 2
    assert rounded.as_tuple().exponent == -minor_units(currency)


@given(amounts, currencies)
def test_round_money_is_symmetric_around_zero(amount, currency):
    assert round_money(-amount, currency) == -round_money(amount, currency)


@given(amounts, currencies)
def test_with_minor_units_keeps_the_value(amount, currency):
    padded = with_minor_units(amount, currency)
    assert padded == amount
    assert padded.as_tuple().exponent <= -minor_units(currency)


# -- issue 11, item 14: one decimal context, stated limits ---------------------------------------------

def test_every_thread_computes_in_the_one_38_digit_context():
    import decimal
    import threading

    from ledgerline.domain import money

    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(decimal.getcontext().prec))
    thread.start()
    thread.join()
    assert seen == [money.PRECISION] == [decimal.getcontext().prec] == [38]


def test_the_largest_amounts_round_without_invalid_operation():
    from ledgerline.domain.money import MAX_AMOUNT, within_limit

    # The largest quantity times the largest price (a line the API then refuses): 30 digits in cents,
    # which Python's default 28-digit context cannot round (InvalidOperation, a 500 before issue 11.14)
    product = Decimal("999999999999.999999") * MAX_AMOUNT
    assert round_money(product, "USD") > MAX_AMOUNT and not within_limit(product)


def test_plain_never_has_an_exponent_or_a_negative_zero():
    from ledgerline.domain.money import plain, within_limit

    assert str(plain(Decimal("1E+1"))) == "10"
    assert str(plain(Decimal("1E+300"))) == "1" + "0" * 300
    assert str(plain(Decimal("-0.00"))) == "0.00"
    assert str(plain(Decimal("12.50"))) == "12.50"
    assert within_limit(Decimal("-1000000000000000")) and not within_limit(Decimal("1000000000000000.01"))
