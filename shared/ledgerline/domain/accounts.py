"""Chart-of-accounts rules: account types, their subtypes and their normal balance side."""

from __future__ import annotations

from enum import StrEnum


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"


SUBTYPES: dict[AccountType, frozenset[str]] = {
    AccountType.ASSET: frozenset({"bank", "cash", "receivable", "tax", "current", "fixed", "inventory",
                                  "supplier_prepayments", "other"}),
    AccountType.LIABILITY: frozenset({"payable", "tax", "customer_credit", "current", "long_term", "vat_settlement",
                                      "other"}),
    AccountType.EQUITY: frozenset({"equity", "retained_earnings", "other"}),
    AccountType.REVENUE: frozenset({"sales", "other_income", "other"}),
    AccountType.EXPENSE: frozenset({"cost_of_sales", "operating", "rounding", "fx", "other"}),
}

# Control accounts are posted only by their documents (invoices, receipts, credit notes, bills, tax and
# stock documents), so that the sub-ledgers (aged receivables, customer credit, tax totals) always agree
# with the ledger: a manual journal entry to one is refused.
CONTROL_SUBTYPES: frozenset[str] = frozenset(
    {"receivable", "payable", "customer_credit", "supplier_prepayment", "supplier_prepayments", "tax",
     "inventory"}
)


def is_control(subtype: str | None) -> bool:
    return subtype in CONTROL_SUBTYPES


def subtype_error(account_type: AccountType, subtype: str | None) -> str | None:
    """Why `subtype` is not valid for `account_type`, or None when it is."""
    if subtype is None or subtype in SUBTYPES[account_type]:
        return None
    allowed = ", ".join(sorted(SUBTYPES[account_type]))
    return f"subtype {subtype!r} is not valid for a {account_type} account; use one of: {allowed}"


def debit_normal(account_type: AccountType) -> bool:
    """Assets and expenses grow with debits; the rest grow with credits."""
    return account_type in (AccountType.ASSET, AccountType.EXPENSE)
