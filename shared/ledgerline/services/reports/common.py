"""What several reports read: debit and credit totals per account at a day or over a period, and the
chart as plain values for the pure builders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledgerline.domain.accounts import AccountType
from ledgerline.domain.money import round_money
from ledgerline.store.accounts import all_accounts
from ledgerline.store.ledger import balances_as_of

ZERO = Decimal(0)
Totals = dict[str, tuple[Decimal, Decimal]]  # account id -> (debit, credit)


@dataclass(frozen=True)
class AccountInfo:
    """What a report shows of an account."""

    id: str
    code: str
    name: str
    type: AccountType
    subtype: str | None = None


Chart = Mapping[str, AccountInfo]


def chart(tenant_id: str) -> dict[str, AccountInfo]:
    """The whole chart (archived accounts too, since they may have had activity), by account id."""
    return {
        account.id: AccountInfo(account.id, account.code, account.name, AccountType(account.type), account.subtype)
        for account in all_accounts(tenant_id)
    }


def balances(tenant_id: str, day: date) -> Totals:
    """Debit and credit totals per account at the end of `day` (before the first entry: nothing)."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for bucket in balances_as_of(tenant_id, day):
        totals[bucket.account_id][0] += bucket.debit or ZERO
        totals[bucket.account_id][1] += bucket.credit or ZERO
    return {account: (debit, credit) for account, (debit, credit) in totals.items()}


def movements(tenant_id: str, start: date, end: date) -> Totals:
    """What each account moved from `start` to `end`, both included."""
    return difference(balances(tenant_id, end), balances(tenant_id, start - timedelta(days=1)))


def difference(after: Totals, before: Totals) -> Totals:
    """The movement between two balances: for each account of `after`, its totals less those of `before`."""
    return {
        account: (debit - before.get(account, (ZERO, ZERO))[0], credit - before.get(account, (ZERO, ZERO))[1])
        for account, (debit, credit) in after.items()
    }


def money(currency: str, amount: Decimal) -> Decimal:
    """An amount at the currency's minor units, as every report shows it."""
    return round_money(amount, currency)


def total(currency: str, amounts: Iterable[Decimal]) -> Decimal:
    return money(currency, sum(amounts, ZERO))
