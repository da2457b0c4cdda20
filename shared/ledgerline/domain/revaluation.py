"""Revaluation of open foreign-currency balances at a period's end (issue 16, part X), pure.

An open item (an invoice's receivable, a bill's payable, a foreign bank balance) is carried in the base
currency at the rate it was booked at. At the period's end it is worth its foreign amount at the period-end
rate; the difference is unrealised exchange gain or loss. One entry dated the period's last day moves each
account by its items' differences against the exchange-difference account, and its mirror dated the next
period's first day takes it back out, so the items' carried values (and the realised difference their
settlement books) are untouched.

Signs: `amount` and `carried_base` are positive for an asset (receivable, bank) and negative for a liability
(payable). A difference > 0 debits the item's account (an asset worth more, a liability owing less) and is a
gain; < 0 credits it and is a loss.

Worked example (base AUD): invoice EUR 110.00 booked at 1.60 carries AUD 176.00; the rate of 31 January is
1.70: worth AUD 187.00, difference +11.00: debit receivable 11.00, credit exchange differences 11.00 (gain).
A bill of USD 50.00 (a liability: -50.00) carried at -75.00, rate 1.40: worth -70.00, difference +5.00:
debit payables 5.00, credit exchange differences 5.00 (a gain: less to pay).

Foreign bank balances (issue 16, part V): an account kept in a foreign currency (a bank account's ledger
account) has, beside its base balance, its balance in that currency, ADDed by the posting transaction from the
lines in that currency (`foreign_movements`). Lines in another currency (the base: a revaluation, a realised
exchange difference) move its base balance only. Worked example (base CHF): an EUR bank account opened with
EUR 1,000.00 at 0.95 (CHF 950.00), then EUR 200.00 paid out at 0.96 (CHF 192.00): EUR 800.00 carried at
CHF 758.00; the rate of 31 January is 0.94: worth CHF 752.00, difference -6.00: credit the bank 6.00, debit
exchange differences 6.00 (a loss), reversed on 1 February.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ledgerline.domain.journal import JournalLine, assert_balanced, reversed_lines
from ledgerline.domain.money import round_money


@dataclass(frozen=True)
class OpenItem:
    """An open foreign-currency balance at the period's end (see the module's signs)."""

    kind: str  # receivable | payable | bank
    id: str
    label: str
    account_id: str
    currency: str
    amount: Decimal
    carried_base: Decimal


@dataclass(frozen=True)
class Revalued:
    item: OpenItem
    rate: Decimal
    revalued_base: Decimal
    difference: Decimal  # > 0 gain, < 0 loss


class MissingRate(Exception):
    def __init__(self, currency: str) -> None:
        super().__init__(currency)
        self.currency = currency


def revalue(items: Sequence[OpenItem], rates: Mapping[str, Decimal], base_currency: str) -> list[Revalued]:
    """Each foreign item at its currency's rate (items in the base currency are left out); a currency without a
    rate is `MissingRate`."""
    revalued: list[Revalued] = []
    for item in items:
        if item.currency == base_currency:
            continue
        rate = rates.get(item.currency)
        if rate is None:
            raise MissingRate(item.currency)
        worth = round_money(item.amount * rate, base_currency)
        revalued.append(Revalued(item, rate, worth, worth - item.carried_base))
    return revalued


def foreign_movements(lines: Sequence[JournalLine], account_currencies: Mapping[str, str]) -> dict[str, Decimal]:
    """What an entry's lines move the accounts kept in a foreign currency by, in that currency: debit minus
    credit of the lines in the account's own currency (a line's `amount` is its side in the line's currency;
    its side is the base amount's). Lines in another currency, and other accounts, move nothing here."""
    moved: dict[str, Decimal] = {}
    for line in lines:
        currency = account_currencies.get(line.account_id)
        if currency is None or line.currency != currency:
            continue
        signed = line.amount if line.debit > 0 else -line.amount
        moved[line.account_id] = moved.get(line.account_id, Decimal(0)) + signed
    return moved


def bank_item(*, bank_account_id: str, name: str, account_id: str, currency: str, foreign_balance: Decimal,
              base_balance: Decimal) -> OpenItem:
    """A foreign bank balance as an open item: its balance in its currency, carried at its base balance (an
    overdraft is negative in both)."""
    return OpenItem("bank", bank_account_id, f"Bank account {name}", account_id, currency, foreign_balance,
                    base_balance)


def revaluation_lines(revalued: Sequence[Revalued], *, fx_account: str, base_currency: str,
                      description: str) -> list[JournalLine]:
    """One line per account and currency with its items' net difference, and the exchange-difference account
    taking the opposite of their sum: the entry balances by construction. No differences: no lines."""
    zero = round_money(Decimal(0), base_currency)
    nets: dict[tuple[str, str], Decimal] = {}
    for entry in revalued:
        key = (entry.item.account_id, entry.item.currency)
        nets[key] = nets.get(key, zero) + entry.difference
    lines: list[JournalLine] = []
    for (account_id, currency), net in sorted(nets.items()):
        if net:
            lines.append(_line(account_id, net, base_currency, f"{description}: {currency}"))
    total = sum((net for net in nets.values()), zero)
    if total:
        lines.append(_line(fx_account, -total, base_currency, description))
    if lines:
        assert_balanced(lines)
    return lines


def reversal_lines(lines: Sequence[JournalLine]) -> list[JournalLine]:
    """The next period's first day takes the revaluation back out."""
    return reversed_lines(lines)


def _line(account_id: str, signed: Decimal, base_currency: str, description: str) -> JournalLine:
    zero = round_money(Decimal(0), base_currency)
    if signed > 0:
        return JournalLine(account_id, signed, zero, base_currency, signed, description)
    return JournalLine(account_id, zero, -signed, base_currency, -signed, description)
