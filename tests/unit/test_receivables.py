"""What an invoice owed on a past day, from its dated movements (aged receivables as of a date)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.receivables import Movement, closed_on, outstanding_at

ISSUED = date(2025, 12, 1)


def owed(movements, day, total=D("110.00"), base=D("165.00")):
    return outstanding_at(issue_date=ISSUED, total=total, base_total=base, movements=movements, day=day)


def closed(movements, total=D("110.00"), base=D("165.00")):
    return closed_on(issue_date=ISSUED, total=total, base_total=base, movements=movements)


def test_nothing_is_owed_before_the_invoice_and_everything_until_it_is_settled():
    paid = [Movement(date(2026, 1, 10), D("110.00"), D("165.00"))]
    assert not owed(paid, date(2025, 11, 30))
    assert owed(paid, date(2025, 12, 31)).base_amount == D("165.00")
    assert not owed(paid, date(2026, 1, 10))
    assert closed(paid) == date(2026, 1, 10)


def test_partial_settlements_count_from_their_own_dates():
    movements = [Movement(date(2025, 12, 20), D("50.00"), D("75.00")),
                 Movement(date(2025, 12, 5), D("10.00"), D("15.00"))]
    assert owed(movements, date(2025, 12, 10)).amount == D("100.00")
    assert owed(movements, date(2025, 12, 31)).base_amount == D("75.00")
    assert closed(movements) is None


def test_a_reversal_reopens_and_the_invoice_closes_on_its_last_settlement():
    movements = [Movement(date(2026, 1, 5), D("110.00"), D("165.00")),
                 Movement(date(2026, 2, 1), D("-110.00"), D("-165.00")),
                 Movement(date(2026, 3, 1), D("110.00"), D("165.00"))]
    assert not owed(movements, date(2026, 1, 31))
    assert owed(movements, date(2026, 2, 15)).amount == D("110.00")
    assert closed(movements) == date(2026, 3, 1)


def test_a_zero_invoice_is_closed_from_its_issue_date():
    assert closed([], total=D(0), base=D(0)) == ISSUED


@given(st.lists(st.tuples(st.integers(0, 90), st.integers(-3, 5)), max_size=6))
def test_closed_on_is_the_first_day_from_which_nothing_is_ever_owed(steps):
    movements = [Movement(date.fromordinal(ISSUED.toordinal() + d), D(n), D(n) * 2) for d, n in steps]
    total = sum((m.amount for m in movements), D(0))
    day = closed(movements, total=total, base=total * 2)
    assert day is not None
    for offset in range(100):
        assert not owed(movements, date.fromordinal(day.toordinal() + offset), total, total * 2)
    if day > ISSUED:
        assert owed(movements, date.fromordinal(day.toordinal() - 1), total, total * 2)
