"""Writing a new tenant with everything it starts with, in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from pynamodb.transactions import TransactWrite

from ledgerline.store.accounts import Account
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.codes import add_coded
from ledgerline.store.table import TableModel, connection, transaction
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenant_directory import add_listing
from ledgerline.store.tenants import Tenant


def insert_tenant(tenant: Tenant, accounts: list[Account], tax_codes: list[TaxCode], admin_key: ApiKey,
                  also: Callable[[TransactWrite], None] | None = None) -> None:
    """All or nothing: a tenant never exists without its chart, tax codes and admin key (nor without its
    events, which `also` adds)."""
    connection()
    tenant.assign_keys()
    with transaction() as tx:
        tx.save(tenant, condition=TableModel.pk.does_not_exist())
        for record in (*accounts, *tax_codes):
            add_coded(tx, record)
        tx.save(admin_key, condition=TableModel.pk.does_not_exist())
        add_listing(tx, tenant.id, tenant.created_at)  # the directory daily jobs walk
        if also is not None:
            also(tx)
