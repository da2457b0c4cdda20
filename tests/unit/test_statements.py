"""The accounting sign rules of the financial statements (issue 12.6): pure, in domain/statements.py."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.accounts import AccountType, debit_normal
from ledgerline.domain.statements import (
    BALANCE_SHEET,
    INCOME_STATEMENT,
    earnings,
    net_balance,
    normal_balance,
    on_balance_sheet,
    on_income_statement,
    total_earnings,
)

amounts = st.decimals(min_value=0, max_value=10**9, places=2)


@pytest.mark.parametrize("kind, debit_side", [
    (AccountType.ASSET, True), (AccountType.EXPENSE, True),
    (AccountType.LIABILITY, False), (AccountType.EQUITY, False), (AccountType.REVENUE, False),
])
def test_assets_and_expenses_show_debits_positive_the_rest_credits(kind, debit_side):
    assert debit_normal(kind) is debit_side
    assert normal_balance(kind, D("100.00"), D("30.00")) == (D("70.00") if debit_side else D("-70.00"))
    assert normal_balance(kind, D("30.00"), D("100.00")) == (D("-70.00") if debit_side else D("70.00"))


def test_every_account_type_is_on_exactly_one_statement_in_the_order_shown():
    assert INCOME_STATEMENT == (AccountType.REVENUE, AccountType.EXPENSE)
    assert BALANCE_SHEET == (AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY)
    for kind in AccountType:
        assert on_income_statement(kind) != on_balance_sheet(kind)


def test_earnings_are_revenue_less_expenses_and_balance_sheet_accounts_earn_nothing():
    assert earnings(AccountType.REVENUE, D("5.00"), D("105.00")) == D("100.00")
    assert earnings(AccountType.EXPENSE, D("40.00"), D("0.00")) == D("-40.00")
    for kind in BALANCE_SHEET:
        assert earnings(kind, D("40.00"), D("1.00")) == 0
    moves = [(AccountType.REVENUE, D(0), D("300.00")), (AccountType.EXPENSE, D("120.00"), D(0)),
             (AccountType.ASSET, D("180.00"), D(0))]
    assert total_earnings(moves) == D("180.00")
    assert net_balance(D("10.00"), D("25.00")) == D("-15.00")


@given(st.lists(st.tuples(st.sampled_from(list(AccountType)), st.sampled_from(list(AccountType)), amounts),
                max_size=30))
def test_balanced_books_make_assets_equal_liabilities_equity_and_earnings(entries):
    """Any set of balanced postings (each debits one account type and credits another by the same amount):
    assets = liabilities + equity + earnings, the balance sheet's equation."""
    totals = {kind: [D(0), D(0)] for kind in AccountType}
    for debited, credited, amount in entries:
        totals[debited][0] += amount
        totals[credited][1] += amount
    shown = {kind: normal_balance(kind, debit, credit) for kind, (debit, credit) in totals.items()}
    profit = total_earnings((kind, debit, credit) for kind, (debit, credit) in totals.items())
    assert profit == shown[AccountType.REVENUE] - shown[AccountType.EXPENSE]
    assert shown[AccountType.ASSET] == shown[AccountType.LIABILITY] + shown[AccountType.EQUITY] + profit
