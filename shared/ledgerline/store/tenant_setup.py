"""Everything a new tenant starts with, written in one transaction (`UnitOfWork.create_tenant`)."""

from __future__ import annotations

from ledgerline.store.accounts import Account
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.table import TableModel
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenant_directory import listing
from ledgerline.store.tenants import Tenant


def new_tenant_items(tenant: Tenant, accounts: list[Account], tax_codes: list[TaxCode],
                     admin_key: ApiKey) -> list[TableModel]:
    """The tenant, its accounts and tax codes with their code guards, its admin key (keyed by the secret's
    digest already) and its listing in the directory daily jobs walk, keys assigned. All or nothing: a
    tenant never exists without them (nor without its events, which the caller stages with them)."""
    tenant.assign_keys()
    items: list[TableModel] = [tenant]
    for record in (*accounts, *tax_codes):
        record.assign_keys()
        items += [record, record.guard()]
    items.append(admin_key)
    items.append(listing(tenant.id, tenant.created_at))
    return items
