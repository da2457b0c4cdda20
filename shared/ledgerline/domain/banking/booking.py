"""Booking a bank transaction to an account (issue 16): the bank against the account, with tax when a tax
code is given (the amount is gross: the tax is taken out of it at the code's rate).

Money in credits the account (and the tax code's account: output tax); money out debits it (and the tax
account: input tax). The taxable and tax amounts go to the tax totals in that direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ledgerline.domain.journal import JournalLine, assert_balanced
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import INPUT, OUTPUT, Conversion


@dataclass(frozen=True)
class BookingTax:
    tax_code_id: str
    rate: Decimal  # percent
    account_id: str


@dataclass(frozen=True)
class Booking:
    lines: list[JournalLine]
    direction: str  # output (money in) or input (money out)
    taxable: Decimal  # in the base currency, 0 without a tax code
    tax: Decimal


def split_gross(gross: Decimal, rate: Decimal, currency: str) -> tuple[Decimal, Decimal]:
    """(net, tax) of a gross amount at `rate` percent, the tax rounded to the currency."""
    tax = round_money(gross * rate / (Decimal(100) + rate), currency)
    return gross - tax, tax


def booking_lines(*, bank_account: str, account: str, amount: Decimal, conversion: Conversion,
                  description: str, tax: BookingTax | None = None) -> Booking:
    """A positive amount (money in) debits the bank; a negative one credits it. Balanced in the base currency."""
    money_in = amount > 0
    gross = abs(amount)
    net, tax_amount = split_gross(gross, tax.rate, conversion.currency) if tax else (gross, Decimal(0))
    gross_base = conversion.base(gross)
    tax_base = conversion.base(tax_amount) if tax_amount else Decimal(0)
    net_base = gross_base - tax_base

    def line(account_id: str, base: Decimal, value: Decimal, *, debit: bool) -> JournalLine:
        return JournalLine(account_id, base if debit else Decimal(0), Decimal(0) if debit else base,
                           conversion.currency, value, description)

    lines = [line(bank_account, gross_base, gross, debit=money_in), line(account, net_base, net, debit=not money_in)]
    if tax and tax_amount:
        lines.append(line(tax.account_id, tax_base, tax_amount, debit=not money_in))
    assert_balanced(lines)
    return Booking(lines, OUTPUT if money_in else INPUT, net_base if tax else Decimal(0), tax_base)
