"""The payment reference an invoice carries (issue 16, part Q): derived from its year and sequence number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.banking import references


def test_a_qr_reference_is_27_digits_that_check_and_hold_the_year_and_the_sequence():
    reference = references.invoice_reference(2026, 42, qr=True)
    assert len(reference) == 27 and references.is_qr_reference(reference)
    assert reference[:-1].lstrip("0") == "202600000042"
    assert references.kind_of(reference) == "qr"


def test_an_rf_reference_checks_with_mod_97_and_holds_the_year_and_the_sequence():
    reference = references.invoice_reference(2026, 42, qr=False)
    assert references.is_rf_reference(reference) and reference.endswith("202600000042")
    assert references.kind_of(reference) == "rf"


@given(st.integers(1900, 2200), st.integers(1, 10**10), st.booleans())
def test_the_derivation_is_deterministic_and_always_valid(year, sequence, qr):
    reference = references.invoice_reference(year, sequence, qr=qr)
    assert reference == references.invoice_reference(year, sequence, qr=qr)
    assert references.kind_of(reference) == ("qr" if qr else "rf")


@given(st.tuples(st.integers(2000, 2100), st.integers(1, 10**8 - 1)),
       st.tuples(st.integers(2000, 2100), st.integers(1, 10**8 - 1)), st.booleans())
def test_different_numbers_never_share_a_reference(first, second, qr):
    if first != second:
        assert references.invoice_reference(*first, qr=qr) != references.invoice_reference(*second, qr=qr)


@pytest.mark.parametrize(("country", "qr_iban", "expected"), [
    ("CH", "CH44 3199 9123 0008 8901 2", True), ("LI", "LI21 3099 9123 0008 8901 2", True),
    ("ch", "CH4431999123000889012", True), ("CH", None, False), ("CH", "", False),
    ("DE", "CH4431999123000889012", False), (None, "CH4431999123000889012", False),
])
def test_only_a_ch_or_li_tenant_with_a_qr_iban_uses_qr_references(country, qr_iban, expected):
    assert references.uses_qr_reference(country, qr_iban) is expected


def test_no_reference_without_a_year_and_a_sequence():
    with pytest.raises(ValueError):
        references.invoice_reference(2026, 0, qr=False)
