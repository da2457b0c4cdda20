"""Invoice statuses as read and as filtered (issue 11.23 and 11.27)."""

from __future__ import annotations

from datetime import date

import pytest

from ledgerline.domain.documents import INVOICE_STATUS_FILTERS, effective_status, status_filter
from ledgerline.domain.errors import ValidationFailed

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(("values", "expected"), [
    ([], None),
    ([""], None),
    (["overdue"], {"overdue"}),
    (["awaiting_payment,overdue"], {"awaiting_payment", "overdue"}),
    (["awaiting_payment", "overdue"], {"awaiting_payment", "overdue"}),
    (["open"], {"awaiting_payment", "overdue"}),
    (["open, draft"], {"awaiting_payment", "overdue", "draft"}),
])
def test_status_filter_takes_repeated_and_comma_separated_values(values, expected):
    result = status_filter(values, INVOICE_STATUS_FILTERS)
    assert result == (None if expected is None else frozenset(expected))


def test_an_unknown_status_is_a_validation_error_naming_the_parameter():
    with pytest.raises(ValidationFailed) as caught:
        status_filter(["open,unpaid"], INVOICE_STATUS_FILTERS)
    assert caught.value.param == "status" and "unpaid" in caught.value.message


@pytest.mark.parametrize(("stored", "due", "due_positive", "expected"), [
    ("awaiting_payment", date(2026, 12, 4), True, "overdue"),
    ("awaiting_payment", date(2026, 12, 5), True, "awaiting_payment"),
    ("awaiting_payment", date(2026, 12, 4), False, "awaiting_payment"),
    ("overdue", date(2026, 12, 4), True, "overdue"),
    # Stored overdue by a run of the reminders job for a later day: not overdue today
    ("overdue", date(2026, 12, 20), True, "awaiting_payment"),
    ("paid", date(2026, 12, 4), False, "paid"),
    ("draft", date(2026, 12, 4), True, "draft"),
])
def test_overdue_is_read_from_the_due_date_whatever_is_stored(stored, due, due_positive, expected):
    assert effective_status(stored, due, due_positive, TODAY) == expected
