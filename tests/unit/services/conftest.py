"""Use cases on the in-memory unit of work: a tenant with the default chart, a customer, no DynamoDB."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from ledgerline.services import tenants
from ledgerline.store.accounts import Account
from ledgerline.store.events import Event
from ledgerline.store.memory import MemoryTable
from ledgerline.store.parties import Party
from ledgerline.store.records import tenant_partition
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.unit_of_work import open_unit, using


@dataclass
class Books:
    table: MemoryTable
    tenant_id: str
    accounts: dict[str, str]  # code → id
    tax_codes: dict[str, str]  # code → id
    customer_id: str
    system: Any

    def balances(self) -> dict[str, Any]:
        """Balances by account code, leaving out accounts at zero."""
        codes = {account_id: code for code, account_id in self.accounts.items()}
        return {codes[a]: b for a, b in self.table.balances(self.tenant_id).items() if b != 0}


@contextmanager
def fresh_books() -> Iterator[Books]:
    """A new in-memory table with a tenant (default chart and tax codes) and a customer; `open_unit` gives
    units of it inside."""
    table = MemoryTable()
    with using(table.unit):
        tenant, _ = tenants.create_tenant(name="Acme", base_currency="AUD", country="AU")  # through the unit
        now = datetime(2026, 1, 5, tzinfo=UTC)
        customer = Party(id="pty_1", tenant_id=tenant.id, name="Customer", kind="customer", archived=False,
                         created_at=now, updated_at=now)
        table.put(customer)
        # the books start with an empty outbox and no transaction counted (test_tenant_use_cases.py tests them)
        outbox = Event.partition(tenant.id)
        table.items = {key: data for key, data in table.items.items() if key[0] != outbox}
        table.transactions = 0
        partition = tenant_partition(tenant.id)
        accounts = table.partition(Account, partition)
        tax_codes = table.partition(TaxCode, partition)
        yield Books(table, tenant.id, {a.code: a.id for a in accounts if a.sk.startswith("ACCOUNT#")},
                    {t.code: t.id for t in tax_codes if t.sk.startswith("TAXCODE#")}, customer.id,
                    tenant.system_accounts)


@pytest.fixture
def books() -> Iterator[Books]:
    with fresh_books() as made:
        yield made


@pytest.fixture
def read_rounds(books: Books, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of keys of each batched read the unit of work makes from now on (one entry per round)."""
    rounds: list[int] = []
    unit_type = type(open_unit(books.tenant_id))
    fetch = unit_type._fetch

    def counted(self, keys):  # noqa: ANN001, ANN202
        rounds.append(len(keys))
        return fetch(self, keys)

    monkeypatch.setattr(unit_type, "_fetch", counted)
    return rounds
