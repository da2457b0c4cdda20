"""How account balances show on the financial statements: the accounting sign rules, pure.

- The trial balance, the general ledger and the receivable balance show debit minus credit.
- The profit and loss and the balance sheet show each account on its normal side
  (`accounts.debit_normal`): assets and expenses as debit minus credit, liabilities, equity and revenue
  as credit minus debit, so a healthy account shows a positive amount.
- Earnings (the profit, and the equity line of profit not yet closed) are what revenue and expense
  accounts moved on the credit side: credits less debits; balance-sheet accounts earn nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ledgerline.domain.accounts import AccountType, debit_normal

ZERO = Decimal(0)

# The sections of each statement, in the order they are shown.
INCOME_STATEMENT: tuple[AccountType, ...] = (AccountType.REVENUE, AccountType.EXPENSE)
BALANCE_SHEET: tuple[AccountType, ...] = (AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY)


def net_balance(debit: Decimal, credit: Decimal) -> Decimal:
    """Debit minus credit: the trial balance's, the general ledger's and the receivable's sign."""
    return debit - credit


def normal_balance(account_type: AccountType, debit: Decimal, credit: Decimal) -> Decimal:
    """The balance on the account's normal side: positive when it grew the way its type grows."""
    return debit - credit if debit_normal(account_type) else credit - debit


def on_income_statement(account_type: AccountType) -> bool:
    return account_type in INCOME_STATEMENT


def on_balance_sheet(account_type: AccountType) -> bool:
    return account_type in BALANCE_SHEET


def earnings(account_type: AccountType, debit: Decimal, credit: Decimal) -> Decimal:
    """What an account's debits and credits add to profit: credits less debits on revenue and expense
    accounts, nothing on balance-sheet accounts."""
    return credit - debit if on_income_statement(account_type) else ZERO


def total_earnings(moves: Iterable[tuple[AccountType, Decimal, Decimal]]) -> Decimal:
    """The profit of a set of (account type, debit, credit) totals."""
    return sum((earnings(kind, debit, credit) for kind, debit, credit in moves), ZERO)
