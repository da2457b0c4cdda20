"""Exchange rates (issue 16, part X), pure: rate ids, rate files (CSV, the ECB's eurofxref XML)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.errors import ValidationFailed
from ledgerline.domain.exchange_rates import parse_csv, parse_ecb, parse_rate_file, parse_rate_id, rate_id, tidy

FIXTURES = Path(__file__).parents[2] / "fixtures" / "rates"
CURRENCIES = st.sampled_from(["CHF", "EUR", "GBP", "JPY", "USD"])


@given(CURRENCIES, st.dates(), CURRENCIES, st.dates())
def test_rate_ids_sort_by_currency_then_date(a_currency, a_day, b_currency, b_day):
    # the latest rate on or before a day is the last id of its currency up to that day's id: one query
    assert (rate_id(a_currency, a_day) < rate_id(b_currency, b_day)) == ((a_currency, a_day) < (b_currency, b_day))
    assert parse_rate_id(rate_id(a_currency, a_day)) == (a_currency, a_day)


def test_a_csv_file_gives_one_rate_per_line_with_its_source():
    rows = parse_rate_file((FIXTURES / "rates.csv").read_bytes(), "AUD")
    assert [(r.day, r.currency, r.rate, r.source) for r in rows] == [
        (date(2026, 1, 5), "EUR", D("1.6640"), "bank"),
        (date(2026, 1, 5), "USD", D("1.6000"), "csv"),
        (date(2026, 1, 31), "EUR", D("1.7000"), "bank")]


@pytest.mark.parametrize(("text", "where"), [
    ("day,cur,rate\n", "line 1"),
    ("date,currency,rate\n2026-01-05,EUR,1.6\n2026-13-01,EUR,1.6\n", "line 3"),
    ("date,currency,rate\n2026-01-05,XXX,1.6\n", "line 2"),
    ("date,currency,rate\n2026-01-05,EUR,abc\n", "line 2"),
    ("date,currency,rate\n2026-01-05,EUR,0\n", "line 2"),
    ("date,currency,rate\n2026-01-05,EUR\n", "line 2"),
])
def test_a_bad_csv_line_is_refused_naming_the_line(text, where):
    with pytest.raises(ValidationFailed) as caught:
        parse_csv(text)
    assert caught.value.details[0].field == where


def test_the_ecb_file_becomes_rates_to_a_euro_base_by_inversion():
    rows = parse_ecb((FIXTURES / "eurofxref-daily.xml").read_bytes(), "EUR")
    on_5th = {r.currency: r.rate for r in rows if r.day == date(2026, 1, 5)}
    assert on_5th["USD"] == tidy(D(1) / D("1.04")) == D("0.9615384615")
    assert on_5th["CHF"] == D("1.0638297872") and "EUR" not in on_5th
    assert {r.source for r in rows} == {"ecb"} and {r.day for r in rows} == {date(2026, 1, 2), date(2026, 1, 5)}


def test_the_ecb_file_gives_cross_rates_to_another_base():
    # AUD base: 1 EUR = 1.6640 AUD; 1 USD = 1.6640 / 1.04 = 1.6 AUD
    rows = {(r.day, r.currency): r.rate for r in parse_ecb((FIXTURES / "eurofxref-daily.xml").read_bytes(), "AUD")}
    assert rows[(date(2026, 1, 5), "EUR")] == D("1.664")
    assert rows[(date(2026, 1, 5), "USD")] == D("1.6")
    assert (date(2026, 1, 5), "AUD") not in rows


def test_the_ecb_file_gives_nothing_for_a_base_it_does_not_quote():
    assert parse_ecb((FIXTURES / "eurofxref-daily.xml").read_bytes(), "NZD") == []


def test_malformed_xml_is_refused_naming_the_line():
    with pytest.raises(ValidationFailed) as caught:
        parse_rate_file(b"<Cube>\n<Cube time='2026-01-05'>\n</Cub>", "EUR")
    assert caught.value.details[0].field.startswith("line 3")


@given(st.decimals(min_value=D("0.0000000001"), max_value=D("99999999"), allow_nan=False, places=14))
def test_tidy_rates_keep_at_most_ten_decimals(rate):
    tidied = tidy(rate)
    assert tidied.as_tuple().exponent >= -10 and abs(tidied - rate) <= D("0.00000000005")
