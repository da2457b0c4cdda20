"""VAT periods' pure rules (issue 15, item 7): ranges, overlap, the life cycle, the lock on tax-affecting
postings and the settlement entry (every settlement balances and empties the tax accounts' movement)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.documents.vat_period import (
    CLOSED,
    OPEN,
    Span,
    VatPeriodClosed,
    VatPeriodOverlaps,
    check_no_overlap,
    check_open_for_tax,
    check_range,
    close,
    reopen,
    settlement_lines,
)
from ledgerline.domain.errors import ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import assert_balanced

Q1 = Span("vatp_1", date(2026, 1, 1), date(2026, 3, 31), OPEN)


def test_a_range_runs_forward_and_at_most_a_year():
    check_range(date(2026, 1, 1), date(2026, 1, 1))
    check_range(date(2024, 1, 1), date(2024, 12, 31))  # a leap year: 366 days
    for start, end in ((date(2026, 2, 1), date(2026, 1, 31)), (date(2026, 1, 1), date(2027, 1, 2))):
        with pytest.raises(ValidationFailed) as refused:
            check_range(start, end)
        assert refused.value.param == "to"


@pytest.mark.parametrize(("start", "end", "overlaps"), [
    (date(2026, 4, 1), date(2026, 6, 30), False), (date(2025, 10, 1), date(2025, 12, 31), False),
    (date(2026, 3, 31), date(2026, 6, 30), True), (date(2025, 12, 1), date(2026, 1, 1), True),
    (date(2026, 2, 1), date(2026, 2, 28), True), (date(2025, 1, 1), date(2026, 12, 31), True),
])
def test_periods_never_overlap(start, end, overlaps):
    if overlaps:
        with pytest.raises(VatPeriodOverlaps):
            check_no_overlap([Q1], start, end)
    else:
        check_no_overlap([Q1], start, end)


def test_open_closes_and_closed_reopens():
    assert (close(OPEN).state, close(OPEN).event) == (CLOSED, EventType.VAT_PERIOD_CLOSED)
    assert (reopen(CLOSED).state, reopen(CLOSED).event) == (OPEN, EventType.VAT_PERIOD_REOPENED)
    with pytest.raises(InvalidState):
        close(CLOSED)
    with pytest.raises(InvalidState):
        reopen(OPEN)


def test_only_a_closed_period_locks_tax_postings_dated_in_it():
    check_open_for_tax([Q1], date(2026, 2, 1))
    closed = Span("vatp_1", Q1.start, Q1.end, CLOSED)
    check_open_for_tax([closed], date(2026, 4, 1))
    check_open_for_tax([closed], date(2025, 12, 31))
    with pytest.raises(VatPeriodClosed) as refused:
        check_open_for_tax([closed], date(2026, 3, 31), param="issue_date")
    assert refused.value.param == "issue_date" and "2026-03-31" in str(refused.value)


def test_the_settlement_of_a_payable_period():
    lines = settlement_lines({"acc_out": D("100")}, {"acc_in": D("30")}, "acc_vat", "AUD", "Q1")
    assert [(line.account_id, line.debit, line.credit) for line in lines] == [
        ("acc_out", D("100"), D(0)), ("acc_in", D(0), D("30")), ("acc_vat", D(0), D("70"))]
    refundable = settlement_lines({"acc_out": D("10")}, {"acc_in": D("30")}, "acc_vat", "AUD", "Q1")
    assert refundable[-1].account_id == "acc_vat" and refundable[-1].debit == D("20")
    assert settlement_lines({}, {}, "acc_vat", "AUD", "Q1") == []
    # one account holding output and input tax settles its net
    same = settlement_lines({"acc_tax": D("100")}, {"acc_tax": D("100")}, "acc_vat", "AUD", "Q1")
    assert same == []


amounts = st.decimals(min_value=D("-10000"), max_value=D("10000"), places=2, allow_nan=False)
accounts = st.sampled_from(["a1", "a2", "a3"])


@given(st.dictionaries(accounts, amounts, max_size=3), st.dictionaries(accounts, amounts, max_size=3))
def test_every_settlement_balances_and_reverses_the_periods_tax_movement(output, input_):
    lines = settlement_lines(output, input_, "vat", "AUD", "Q")
    if lines:
        assert_balanced(lines)
    moved = {account: -output.get(account, D(0)) + input_.get(account, D(0)) for account in {*output, *input_}}
    for account, movement in moved.items():  # the tax accounts' period movement (credit positive) is undone
        settled = sum((line.debit - line.credit for line in lines if line.account_id == account), D(0))
        assert settled + movement == 0
    net = sum(output.values(), D(0)) - sum(input_.values(), D(0))
    assert sum((line.credit - line.debit for line in lines if line.account_id == "vat"), D(0)) == net
