"""Checks every document shares: its customer, its currency and rate, its date against the lock date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pynamodb.transactions import TransactWrite

from ledgerline.domain.documents import check_open_period
from ledgerline.domain.errors import FieldIssue, NotFound, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.money import round_money
from ledgerline.domain.posting import Conversion, SystemAccounts
from ledgerline.store.accounts import Account
from ledgerline.store.events import add_event, snapshot
from ledgerline.store.parties import Party
from ledgerline.store.records import load
from ledgerline.store.tenants import Tenant


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


def customer(tenant_id: str, party_id: str, field: str = "customer_id", find: Any = None) -> Party:
    """The customer; `find` reads it through a unit of work (its `find`), else it is loaded here."""
    if find is not None:
        party = find(Party, party_id)
        if party is None:
            raise invalid(field, f"no customer with id '{party_id}'")
    else:
        try:
            party = load(Party, tenant_id, party_id)
        except NotFound as exc:
            raise invalid(field, f"no customer with id '{party_id}'") from exc
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


def money_account(tenant_id: str, account_id: str, find: Any = None) -> Account:
    """The bank or cash account money comes into or goes out of (receipts, refunds); `find` reads it
    through a unit of work (its `find`), else it is loaded here."""
    if find is not None:
        account = find(Account, account_id)
        if account is None:
            raise invalid("account_id", f"no account with id '{account_id}'")
    else:
        try:
            account = load(Account, tenant_id, account_id)
        except NotFound as exc:
            raise invalid("account_id", f"no account with id '{account_id}'") from exc
    if account.archived or account.subtype not in MONEY_ACCOUNT_SUBTYPES:
        raise invalid("account_id", "must be an active bank or cash account")
    return account


def open_period(tenant: Tenant, day: date, field: str = "date") -> None:
    check_open_period(day, tenant.lock_date, param=field)


def system_accounts(tenant: Tenant) -> SystemAccounts:
    accounts = tenant.system_accounts
    return SystemAccounts(
        receivable=accounts.receivable,
        customer_credit=accounts.customer_credit,
        rounding=accounts.rounding,
        fx=accounts.fx,
        retained_earnings=accounts.retained_earnings,
    )


def record_event(tx: TransactWrite, record: Any, type: EventType, schema: Any) -> None:
    """Add the outbox event of a change to the transaction that makes it; call after saving the record.

    `sequence` is the record's version after the write, so subscribers can order one object's events.
    """
    add_event(
        tx,
        tenant_id=record.tenant_id,
        type=type,
        object_type=schema.model_fields["object"].default,
        object_id=record.id,
        sequence=(record.version or 0) + 1,
        data=snapshot(schema, record),
        at=record.updated_at,
    )
