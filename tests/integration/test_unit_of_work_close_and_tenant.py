"""What closing a year and creating a tenant read and write through the unit of work, on DynamoDB Local against
the in-memory unit: the same balances and first entry dates, the same tenant items (issue 12, part A)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

import pytest

from ledgerline.domain.journal import JournalLine
from ledgerline.domain.posting import Conversion
from ledgerline.ids import new_id
from ledgerline.services import tenants
from ledgerline.services.api_keys import new_key
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.memory import MemoryTable
from ledgerline.store.table import Contention, connection
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import DynamoUnitOfWork, using

DAYS = (date(2024, 11, 30), date(2025, 1, 1), date(2025, 2, 28), date(2025, 3, 1), date(2025, 12, 31))


def _post(unit: Any, tenant_id: str, day: date, amount: str) -> None:
    at = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    entry = JournalEntry.new(tenant_id, day, Conversion("AUD", "AUD", D(1)), source_type="manual", source_id=None,
                             description="Sale", at=at)
    unit.post_entry(entry, [JournalLine("acc_bank", D(amount), D(0), "AUD", D(amount)),
                            JournalLine("acc_sales", D(0), D(amount), "AUD", D(amount))])
    unit.commit()


def test_both_units_read_the_same_balances_and_first_entry_dates():
    memory = MemoryTable()
    tenant_id = new_id("ten")  # books of its own: nothing posted yet
    for day, amount in zip(DAYS, ("10.00", "20.50", "30.00", "40.25", "50.00"), strict=True):
        _post(memory.unit(tenant_id), tenant_id, day, amount)
        _post(DynamoUnitOfWork(tenant_id), tenant_id, day, amount)
    units = (memory.unit(tenant_id), DynamoUnitOfWork(tenant_id))
    for day in (date(2024, 11, 29), *DAYS, date(2025, 2, 27), date(2026, 1, 1)):
        mine, theirs = (unit.balances_as_of(day) for unit in units)
        assert mine == theirs, day
    assert units[1].balances_as_of(date(2025, 3, 1)) == {"acc_bank": (D("100.75"), D(0)),
                                                         "acc_sales": (D(0), D("100.75"))}
    for from_date, to_date in ((None, None), (date(2024, 12, 1), None), (None, date(2024, 11, 29)),
                               (date(2025, 1, 2), date(2025, 3, 1)), (date(2025, 3, 2), date(2025, 12, 30)),
                               (date(2025, 12, 31), date(2025, 1, 1))):
        mine, theirs = (unit.first_entry_date(from_date, to_date) for unit in units)
        assert mine == theirs, (from_date, to_date)
    assert units[1].first_entry_date(date(2025, 1, 2), None) == date(2025, 2, 28)


@pytest.mark.parametrize("kind", ["memory", "dynamodb"])
def test_a_new_tenant_is_written_all_or_nothing(kind):
    memory = MemoryTable()
    factory = memory.unit if kind == "memory" else DynamoUnitOfWork
    with using(factory):
        tenant, _ = tenants.create_tenant(name="Acme", base_currency="CHF", country="CH")
        unit = factory(tenant.id)
        assert unit.tenant().version == 1
        # the same tenant again: every item exists already, so nothing is written
        again = factory(tenant.id)
        raw = {name: value for name, value in again._raw(*Tenant.key(tenant.id)).items() if name != "version"}
        key = _key_of(tenant.id)
        again.create_tenant(Tenant.from_raw_data(raw), [], [], key)  # as if it were new
        with pytest.raises(Contention):
            again.commit()
        assert factory(tenant.id).find_at(ApiKey, (key.pk, key.sk)) is None  # the new key was not written
    if kind == "dynamodb":
        assert connection().get_item(f"T#{tenant.id}", "TENANT", consistent_read=True)["Item"]["version"]["N"] == "1"


def _key_of(tenant_id: str) -> Any:
    key, _ = new_key(tenant_id, "Another", ["admin"], None)
    return key
