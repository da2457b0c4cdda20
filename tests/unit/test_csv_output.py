"""CSV exports neutralise spreadsheet formulas in text cells and leave numbers alone (issue 11.17)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from ledgerline.api.csv_output import csv_cell, csv_response


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3+cmd|' /C calc'!A0",
                                  "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "-", "+", "-12.5.0", "-1e5"])
def test_text_that_a_spreadsheet_would_evaluate_gets_a_leading_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value, expected", [
    (Decimal("-125.00"), "-125.00"), ("-125.00", "-125.00"), ("+5", "+5"), (-3, "-3"), (Decimal("0.00"), "0.00"),
    ("Acme Pty Ltd", "Acme Pty Ltd"), ("2026-03-31", "2026-03-31"), (None, ""), ("a=b", "a=b"), ("", ""),
])
def test_numbers_and_harmless_text_are_left_as_they_are(value, expected):
    assert csv_cell(value) == expected


def test_the_csv_writer_neutralises_every_cell_it_writes():
    response = csv_response("report", ["name", "balance"],
                            [["=1+1", Decimal("-125.00")], ["@evil", "-10.50"], ["Plain", None]])
    table = list(csv.reader(io.StringIO(response.body.decode())))
    assert table == [["name", "balance"], ["'=1+1", "-125.00"], ["'@evil", "-10.50"], ["Plain", ""]]
