"""The unit of work's code guards and API key writes on DynamoDB Local and in memory: the same conditions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ledgerline.domain.events import EventType
from ledgerline.services.api_keys import new_key
from ledgerline.store.codes import CodeGuard
from ledgerline.store.events import Event
from ledgerline.store.items import Item
from ledgerline.store.memory import MemoryTable
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import DynamoUnitOfWork

MOMENT = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def unit(request, tenant) -> Any:
    memory = MemoryTable()

    def make() -> Any:
        return memory.unit(tenant.tenant_id) if request.param == "memory" else DynamoUnitOfWork(tenant.tenant_id)

    return make


def _item(tenant_id: str, item_id: str, code: str) -> Item:
    return Item(id=item_id, tenant_id=tenant_id, code=code, name=item_id, archived=False, created_at=MOMENT,
                updated_at=MOMENT)


def test_a_code_is_claimed_once_found_by_code_and_moved(unit, tenant):
    first = unit()
    widget = _item(tenant.tenant_id, "itm_a", "WIDGET")
    first.create(widget)
    first.claim_code(widget)
    first.commit()
    assert unit().find_by_code(Item, "WIDGET").id == "itm_a"
    assert unit().find_by_code(Item, "GADGET") is None

    taken = unit()
    other = _item(tenant.tenant_id, "itm_b", "WIDGET")
    taken.create(other)
    taken.claim_code(other)
    with pytest.raises(Contention):
        taken.commit()
    assert unit().find(Item, "itm_b") is None  # all or nothing

    moving = unit()
    widget = moving.load(Item, "itm_a")
    widget.code = "GADGET"
    moving.save_if_unchanged(widget)
    moving.release_code(widget, "WIDGET")
    moving.claim_code(widget)
    moving.commit()
    assert unit().find_by_code(Item, "WIDGET") is None
    assert unit().find_by_code(Item, "GADGET").id == "itm_a"
    guard = CodeGuard.for_code(tenant.tenant_id, Item.PREFIX, "GADGET")
    assert unit().find_at(CodeGuard, (guard.pk, guard.sk)).target_id == "itm_a"


def test_a_key_is_written_found_by_id_revoked_once_with_its_event(unit, tenant):
    key, _ = new_key(tenant.tenant_id, "Unit of work", ["parties:read"], None)
    writing = unit()
    writing.create(key)
    writing.record_event_data(EventType.API_KEY_CREATED, object_type="api_key", object_id=key.id, sequence=1,
                              data={"id": key.id}, at=MOMENT)
    writing.commit()
    found = unit().find_api_key(key.id)
    assert (found.id, found.name, found.pk) == (key.id, "Unit of work", key.pk)
    assert key.id in [listed.id for listed in unit().api_keys()]
    assert unit().find_api_key("key_nowhere") is None

    again = unit()
    again.create(key)
    with pytest.raises(Contention):
        again.commit()

    revoking = unit()
    revoking.revoke_api_key(key, MOMENT)
    revoking.commit()
    later = unit()
    later.revoke_api_key(key, MOMENT + timedelta(days=1))
    with pytest.raises(Contention):
        later.commit()
    assert unit().find_at(type(key), (key.pk, key.sk)).revoked_at == MOMENT


def test_an_event_with_its_own_sequence_and_data(unit, tenant):
    writing = unit()
    writing.record_event_data(EventType.API_KEY_REVOKED, object_type="api_key", object_id="key_x", sequence=2,
                              data={"id": "key_x", "status": "revoked"}, at=MOMENT)
    writing.commit()
    if isinstance(writing, DynamoUnitOfWork):
        events = list(Event.query(Event.partition(tenant.tenant_id), consistent_read=True))
    else:
        events = writing.table.events(tenant.tenant_id)
    event = next(e for e in events if e.object_id == "key_x")
    assert (event.type, event.sequence, event.payload(), event.created_at) == (
        "api_key.revoked", 2, {"id": "key_x", "status": "revoked"}, MOMENT)
