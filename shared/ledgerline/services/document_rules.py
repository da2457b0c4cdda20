"""Checks every document shares: its customer, its currency and rate, its date against the lock date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.domain.documents import check_open_period
from ledgerline.domain.documents.vat_period import check_open_for_tax
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import Conversion, SystemAccounts
from ledgerline.store.accounts import Account
from ledgerline.store.events import add_record_event
from ledgerline.store.events import snapshot as snapshot  # the representation an event carries
from ledgerline.store.parties import Party
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import open_unit

# The outbox event of a change, added to a transaction a service still builds itself (PDFs, webhook
# endpoints); on a unit of work it is `uow.record_event`.
record_event = add_record_event


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


def customer(tenant_id: str, party_id: str, field: str = "customer_id", find: Any = None) -> Party:
    """The customer, read through the use case's unit of work (its `find`; a unit of its own without)."""
    party = (find or open_unit(tenant_id).find)(Party, party_id)
    if party is None:
        raise invalid(field, f"no customer with id '{party_id}'")
    if party.archived or party.kind not in ("customer", "both"):
        raise invalid(field, f"party '{party_id}' is archived or not a customer")
    return party


def conversion(tenant: Tenant, currency: str, rate: Decimal | None) -> Conversion:
    """A document in the base currency has rate 1; any other currency needs its rate."""
    if currency == tenant.base_currency:
        if rate is not None and rate != 1:
            raise invalid("exchange_rate", f"must be 1 (or absent) for the base currency {currency}")
        return Conversion(currency, tenant.base_currency, Decimal(1))
    if rate is None:
        raise invalid("exchange_rate", f"required for {currency}: base currency {tenant.base_currency} per unit")
    return Conversion(currency, tenant.base_currency, rate)


def exact_amount(value: Any, currency: str, field: str = "amount") -> Decimal:
    """An amount of money as the request gave it, refused (422 on `field`) when it has more decimals
    than the currency's minor unit: money is never rounded silently."""
    amount = Decimal(value)
    if round_money(amount, currency) != amount:
        raise invalid(field, f"has more decimals than {currency} allows")
    return amount


MONEY_ACCOUNT_SUBTYPES = ("bank", "cash")


def money_account(tenant_id: str, account_id: str, find: Any = None, currency: str | None = None) -> Account:
    """The bank or cash account money comes into or goes out of (receipts, refunds); `find` reads it
    through the use case's unit of work (its `find`; a unit of its own without). An account kept in a foreign
    currency (a foreign bank account's, issue 16) takes money in that `currency` only: its balance in it would
    not move otherwise."""
    account = (find or open_unit(tenant_id).find)(Account, account_id)
    if account is None:
        raise invalid("account_id", f"no account with id '{account_id}'")
    if account.archived or account.subtype not in MONEY_ACCOUNT_SUBTYPES:
        raise invalid("account_id", "must be an active bank or cash account")
    if currency is not None and account.currency and account.currency != currency:
        raise invalid("account_id", f"the account is kept in {account.currency}: money in or out of it is in "
                                    f"{account.currency}, not {currency}")
    return account


def open_period(tenant: Tenant, day: date, field: str = "date") -> None:
    check_open_period(day, tenant.lock_date, param=field)


def open_tax_period(tenant: Tenant, day: date, field: str = "date") -> None:
    """`open_period`, and for a tax-affecting posting (invoices, credit notes, bills) not in a closed VAT
    period either (409 `vat_period_closed` naming `field`)."""
    open_period(tenant, day, field)
    check_open_for_tax(tenant.vat_spans(), day, param=field)


def system_accounts(tenant: Tenant) -> SystemAccounts:
    accounts = tenant.system_accounts
    return SystemAccounts(
        receivable=accounts.receivable,
        customer_credit=accounts.customer_credit,
        rounding=accounts.rounding,
        fx=accounts.fx,
        retained_earnings=accounts.retained_earnings,
    )

