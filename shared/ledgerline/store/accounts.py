"""Ledger accounts (the chart of accounts): `T#<tid>` / `ACCOUNT#<id>`, code unique per tenant."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from ledgerline.store.codes import ListedCodedRecord
from ledgerline.store.records import Page, list_records, tenant_partition
from ledgerline.store.table import connection


class Account(ListedCodedRecord):
    PREFIX = "ACCOUNT"
    NOUN = "account"
    LIST = "ACCOUNTS"  # issue 18: its query index partitions (`ListedCodedRecord`)

    name = UnicodeAttribute()
    type = UnicodeAttribute()
    subtype = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    archived = BooleanAttribute(default=False)
    # Kept in this foreign currency as well (issue 16, part V): the ledger account of a foreign bank account.
    # Its balance buckets ADD its balance in that currency too (`ledger.Balance.foreign`); None: base only.
    currency = UnicodeAttribute(null=True)


def list_accounts(
    tenant_id: str,
    *,
    type: str | None,
    subtype: str | None,
    archived: bool,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page[Account]:
    condition = Account.archived == archived
    if type is not None:
        condition &= Account.type == type
    if subtype is not None:
        condition &= Account.subtype == subtype
    return list_records(Account, tenant_id, limit=limit, start_key=start_key, filter_condition=condition)


def all_accounts(tenant_id: str) -> list[Account]:
    """The whole chart (archived too): reports need names of accounts that once had activity."""
    connection()
    return list(
        Account.query(tenant_partition(tenant_id), Account.sk.startswith(f"{Account.PREFIX}#"), consistent_read=True)
    )
