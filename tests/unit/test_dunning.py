"""Dunning rules: when an invoice is overdue and which reminder level is due on a day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.dunning import (
    DEFAULT_LEVELS,
    DunningLevel,
    ExistingReminder,
    check_levels,
    due_level,
    is_overdue,
    next_level,
    pay_by,
)
from ledgerline.domain.errors import ValidationFailed

DUE = date(2030, 1, 31)


def simulate(first_day: int, last_day: int, levels=DEFAULT_LEVELS) -> dict[int, int]:
    """Run the rules once a day from `first_day` to `last_day` days after the due date: {level: day}."""
    created: list[ExistingReminder] = []
    for offset in range(first_day, last_day + 1):
        day = DUE + timedelta(days=offset)
        level = due_level(levels, created, DUE, day)
        if level is not None:
            created.append(ExistingReminder(level.level, day))
    return {r.level: (r.date - DUE).days for r in created}


def test_a_daily_job_creates_the_default_levels_7_21_and_35_days_after_the_due_date():
    assert [(level.level, level.days_after_due) for level in DEFAULT_LEVELS] == [(1, 7), (2, 21), (3, 35)]
    assert simulate(1, 100) == {1: 7, 2: 21, 3: 35}


def test_an_invoice_found_late_gets_its_levels_spaced_not_on_consecutive_days():
    # First seen 40 days overdue: level 1 now, then the policy's gaps (14 days, 14 days)
    assert simulate(40, 100) == {1: 40, 2: 54, 3: 68}


def test_nothing_is_due_before_the_first_level_or_after_the_last():
    assert due_level(DEFAULT_LEVELS, [], DUE, DUE + timedelta(days=6)) is None
    done = [ExistingReminder(n, DUE + timedelta(days=d)) for n, d in ((1, 7), (2, 21), (3, 35))]
    assert due_level(DEFAULT_LEVELS, done, DUE, DUE + timedelta(days=400)) is None


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=120))
def test_each_level_at_most_once_in_order_whatever_the_days_run(start, length):
    created = simulate(start, start + length)
    assert list(created) == sorted(created) == list(range(1, len(created) + 1))
    days = list(created.values())
    assert days == sorted(days) and len(set(days)) == len(days)


def test_manual_reminders_take_the_level_after_the_highest_one_even_a_withdrawn_one():
    assert next_level(DEFAULT_LEVELS, []).level == 1
    assert next_level(DEFAULT_LEVELS, [ExistingReminder(2, DUE)]).level == 3
    assert next_level(DEFAULT_LEVELS, [ExistingReminder(3, DUE)]) is None


def test_overdue_means_past_the_due_date_with_money_due():
    assert is_overdue(DUE, Decimal("0.01"), DUE + timedelta(days=1))
    assert not is_overdue(DUE, Decimal("10"), DUE)
    assert not is_overdue(DUE, Decimal(0), DUE + timedelta(days=30))


def test_pay_by_gives_the_levels_payment_days():
    assert pay_by(date(2030, 2, 7), DEFAULT_LEVELS[0]) == date(2030, 2, 17)


@pytest.mark.parametrize(("levels", "field"), [
    ((), "levels"),
    ((DunningLevel(1, 10, "a", "m"), DunningLevel(2, 10, "b", "m")), "levels.1.days_after_due"),
    ((DunningLevel(1, 10, "a", "m", fee=Decimal(-1)),), "levels.0.fee"),
    ((DunningLevel(2, 10, "a", "m"),), "levels.0.level"),
])
def test_policies_that_cannot_work_are_refused(levels, field):
    with pytest.raises(ValidationFailed) as error:
        check_levels(levels)
    assert error.value.param == field


def test_webhooks_can_subscribe_to_the_dunning_and_document_events():
    from ledgerline.domain.webhooks import unknown_event_types

    written = ["invoice.overdue", "reminder.created", "reminder.sent", "reminder.deleted", "document.rendered",
               "reminder.*", "document.*"]
    assert unknown_event_types(written) == []
