"""A bank account's opening balance as a journal entry: the bank account against equity (or the account named)."""

from __future__ import annotations

from decimal import Decimal

from ledgerline.domain.journal import JournalLine, assert_balanced
from ledgerline.domain.posting import Conversion


def opening_lines(*, bank_account: str, equity_account: str, balance: Decimal, conversion: Conversion,
                  description: str) -> list[JournalLine]:
    """A positive balance debits the bank and credits equity; an overdraft (negative) the other way round."""
    amount = abs(balance)
    base = conversion.base(amount)
    bank_debit = balance > 0
    lines = [
        JournalLine(bank_account, base if bank_debit else Decimal(0), Decimal(0) if bank_debit else base,
                    conversion.currency, amount, description),
        JournalLine(equity_account, Decimal(0) if bank_debit else base, base if bank_debit else Decimal(0),
                    conversion.currency, amount, description),
    ]
    assert_balanced(lines)
    return lines
