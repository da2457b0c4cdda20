"""QR reference (recursive mod 10) and RF creditor reference (ISO 11649, mod 97): the published examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.banking import references

# Swiss Payment Standards, QR-bill implementation guidelines (example QR reference)
QR_EXAMPLE = "210000000003139471430009017"
# ISO 11649 (the standard's own example) and the EPC's
RF_EXAMPLES = ("RF18539007547034", "RF18 5390 0754 7034", "RF712348231")


def test_the_published_qr_reference_checks_and_is_regenerated_from_its_number():
    assert references.is_qr_reference(QR_EXAMPLE)
    assert references.is_qr_reference(references.format_qr(QR_EXAMPLE))
    assert references.format_qr(QR_EXAMPLE) == "21 00000 00003 13947 14300 09017"
    assert references.qr_reference(QR_EXAMPLE[:-1]) == QR_EXAMPLE
    assert references.mod10_recursive("21000000000313947143000901") == 7


@pytest.mark.parametrize("bad", [
    "210000000003139471430009018",  # wrong check digit
    "21000000000313947143000901",  # 26 digits
    "21000000000313947143000901A",  # a letter
    "000000000000000000000000000",  # all zeros is refused by the standard
])
def test_a_wrong_qr_reference_fails(bad):
    assert not references.is_qr_reference(bad)


@pytest.mark.parametrize("example", RF_EXAMPLES)
def test_the_published_rf_references_check(example):
    assert references.is_rf_reference(example)


def test_rf_is_generated_as_iso_11649_says_and_printed_in_groups_of_four():
    assert references.rf_reference("539007547034") == "RF18539007547034"
    assert references.rf_reference("2348231") == "RF712348231"
    assert references.format_rf("RF18539007547034") == "RF18 5390 0754 7034"


@pytest.mark.parametrize("bad", ["RF19539007547034", "RF18539007547035", "RX18539007547034", "RF18",
                                 "RF18" + "1" * 22])
def test_a_wrong_rf_reference_fails(bad):
    assert not references.is_rf_reference(bad)


@pytest.mark.parametrize("body", ["", "A" * 22, "ABC-123"])
def test_an_rf_body_that_cannot_be_one_is_refused(body):
    with pytest.raises(ValueError):
        references.rf_reference(body)


def test_a_qr_reference_is_made_of_at_most_26_digits():
    with pytest.raises(ValueError):
        references.qr_reference("1" * 27)
    with pytest.raises(ValueError):
        references.qr_reference("12A")


@given(st.integers(min_value=1, max_value=10**26 - 1))
def test_every_generated_qr_reference_checks_and_one_changed_digit_does_not(number):
    reference = references.qr_reference(number)
    assert len(reference) == 27 and references.is_qr_reference(reference)
    for position in range(27):
        changed = reference[:position] + str((int(reference[position]) + 1) % 10) + reference[position + 1:]
        assert not references.is_qr_reference(changed)


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=21))
def test_every_generated_rf_reference_checks(body):
    reference = references.rf_reference(body)
    assert references.is_rf_reference(reference) and reference.endswith(body)
    assert references.kind_of(reference) == "rf"
