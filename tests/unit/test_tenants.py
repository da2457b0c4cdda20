"""Tenant rules: document number formats that can give gapless, unique numbers."""

from __future__ import annotations

import pytest

from ledgerline.domain.tenants import (
    DEFAULT_CREDIT_NOTE_FORMAT,
    DEFAULT_INVOICE_FORMAT,
    format_number,
    number_format_error,
)


@pytest.mark.parametrize("template", [DEFAULT_INVOICE_FORMAT, DEFAULT_CREDIT_NOTE_FORMAT, "{SEQ}",
                                      "INV/{YY}/{SEQ:6}", "Rechnung {YYYY}.{SEQ:3}", "A_{SEQ:1}"])
def test_valid_number_formats(template):
    assert number_format_error(template) is None


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("INV-{YYYY}", "exactly one {SEQ}"),
        ("INV-0001", "exactly one {SEQ}"),
        ("{SEQ}-{SEQ:4}", "exactly one {SEQ}"),
        ("INV-{SEQ:12}", "exactly one {SEQ}"),  # the width is one digit
        ("INV-{MM}-{SEQ}", "only {YYYY}, {YY}, {SEQ} and {SEQ:n}"),
        ("INV-{SEQ}}", "only {YYYY}, {YY}, {SEQ} and {SEQ:n}"),
        ("INV#{SEQ}", "letters, digits, spaces"),
        ("INV-{SEQ}\n", "letters, digits, spaces"),
    ],
)
def test_invalid_number_formats_say_why(template, reason):
    assert reason in (number_format_error(template) or "")


@pytest.mark.parametrize(
    ("template", "year", "sequence", "expected"),
    [
        ("INV-{YYYY}-{SEQ:4}", 2026, 1, "INV-2026-0001"),
        ("INV-{YYYY}-{SEQ:4}", 2026, 12345, "INV-2026-12345"),  # the width is a minimum
        ("CN/{YY}/{SEQ:3}", 2026, 42, "CN/26/042"),
        ("{YY}{SEQ}", 2009, 7, "097"),
        ("{SEQ}", 2026, 10, "10"),
    ],
)
def test_format_number(template, year, sequence, expected):
    assert format_number(template, year, sequence) == expected
