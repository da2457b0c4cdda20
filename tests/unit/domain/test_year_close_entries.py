"""The closing entries of a fiscal year (domain/periods, pure): which accounts close, and every entry balances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.journal import assert_balanced
from ledgerline.domain.periods import accounts_to_close, close, closing_entries

TYPES = {"sales": "revenue", "rent": "expense", "bank": "asset", "fees": "expense", "tax": "liability"}


def test_only_revenue_and_expense_accounts_that_do_not_read_zero_close():
    balances = {"sales": (D(0), D(1250)), "rent": (D(400), D(0)), "bank": (D(850), D(0)), "fees": (D(5), D(5)),
                "tax": (D(0), D(125))}
    assert accounts_to_close(balances, TYPES) == [("rent", D(400)), ("sales", D(-1250))]


def test_the_profit_goes_to_retained_earnings_and_a_loss_comes_from_it():
    [profit] = closing_entries(2025, [("rent", D(400)), ("sales", D(-1250))], "retained", "AUD")
    assert [(line.account_id, line.debit, line.credit) for line in profit] == [
        ("rent", D(0), D(400)), ("sales", D(1250), D(0)), ("retained", D(0), D(850))]
    assert profit[-1].description == "Profit of fiscal year 2025"
    [loss] = closing_entries(2025, [("rent", D(400))], "retained", "AUD")
    assert (loss[-1].account_id, loss[-1].debit, loss[-1].credit) == ("retained", D(400), D(0))


def test_nothing_to_close_is_no_entry_and_the_lock_date_moves_to_the_year_end():
    assert closing_entries(2025, [], "retained", "AUD") == []
    assert close([2024], date(2025, 3, 31), 2025, 1) == ([2024, 2025], date(2025, 12, 31))
    assert close(None, None, 2025, 7) == ([2025], date(2025, 6, 30))


amounts = st.decimals(min_value=D("-1000000"), max_value=D("1000000"), places=2).filter(lambda amount: amount != 0)


@given(st.lists(amounts, min_size=1, max_size=40), st.integers(min_value=1, max_value=15))
def test_every_entry_balances_and_every_account_reads_zero_after_it(nets, per_entry):
    to_close = [(f"acc_{n:02d}", net) for n, net in enumerate(nets)]
    entries = closing_entries(2025, to_close, "retained", "AUD", per_entry=per_entry)
    assert len(entries) == -(-len(nets) // per_entry)
    moved: dict[str, D] = {}
    for lines in entries:
        assert_balanced(lines)  # at least two lines, debits equal credits
        assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
        for line in lines:
            moved[line.account_id] = moved.get(line.account_id, D(0)) + line.debit - line.credit
    assert all(moved[account] + net == 0 for account, net in to_close)
    assert moved.get("retained", D(0)) == sum(nets, D(0))  # the year's profit is credited (a loss debited)
