"""A bank account's reconciliation on a day (issue 16): the bank's balance against the ledger's.

The difference (bank − ledger) is explained by what the bank holds that the books do not yet: unmatched
transactions, and ignored ones (never booked). What is left (`unexplained`) is in the books and not at the
bank: postings to the bank account not matched to any bank transaction (a receipt typed in by hand, a
payment not yet on a statement), or an error. Comparable only in the bank account's own currency: for a
bank account in another currency than the base, the ledger's balance given is the one kept in that currency
(issue 16, part V); one whose foreign balance is not kept (created before) has no difference to explain.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Reconciliation:
    difference: Decimal | None
    explained: Decimal
    unexplained: Decimal | None


def explain(*, bank_balance: Decimal | None, ledger_balance: Decimal, unmatched: Decimal, ignored: Decimal,
            comparable: bool) -> Reconciliation:
    explained = unmatched + ignored
    if bank_balance is None or not comparable:
        return Reconciliation(None, explained, None)
    difference = bank_balance - ledger_balance
    return Reconciliation(difference, explained, difference - explained)
