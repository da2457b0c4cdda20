"""The in-memory unit of work keeps DynamoDB's rules: conditions, all or nothing, sizes, one write per item."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledgerline.domain.errors import DocumentTooLarge, NotFound
from ledgerline.domain.events import EventType
from ledgerline.schemas.parties import PartyOut
from ledgerline.store.memory import MemoryTable
from ledgerline.store.parties import Party
from ledgerline.store.table import Contention

AT = datetime(2026, 2, 1, tzinfo=UTC)


def party(name: str = "Globex", party_id: str = "pty_1") -> Party:
    return Party(id=party_id, tenant_id="ten_1", name=name, kind="customer", archived=False, created_at=AT,
                 updated_at=AT)


def test_create_then_save_if_unchanged_bumps_the_version_and_records_events():
    table = MemoryTable()
    unit = table.unit("ten_1")
    created = party()
    unit.create(created)
    unit.record_event(EventType.PARTY_CREATED, created, PartyOut)
    unit.commit()
    assert created.version == 1 and table.load(Party, "ten_1", "pty_1").version == 1
    later = table.unit("ten_1")
    loaded = later.load(Party, "pty_1")
    loaded.name = "Globex Ltd"
    later.save_if_unchanged(loaded)
    later.record_event(EventType.PARTY_UPDATED, loaded, PartyOut)
    later.commit()
    assert table.load(Party, "ten_1", "pty_1").name == "Globex Ltd"
    assert [(e.type, e.sequence) for e in table.events("ten_1")] == [("party.created", 1), ("party.updated", 2)]


def test_a_stale_save_fails_and_nothing_of_its_transaction_is_written():
    table = MemoryTable()
    table.put(party())
    first, second = table.unit("ten_1"), table.unit("ten_1")
    mine, theirs = first.load(Party, "pty_1"), second.load(Party, "pty_1")
    theirs.name = "Theirs"
    second.save_if_unchanged(theirs)
    second.commit()
    mine.name = "Mine"
    first.create(party("New", "pty_2"))
    first.save_if_unchanged(mine)
    first.take_number("INV", 2026, 0)
    with pytest.raises(Contention):
        first.commit()
    assert table.load(Party, "ten_1", "pty_1").name == "Theirs"
    assert table.get(Party, *Party.key("ten_1", "pty_2")) is None and table.number("ten_1", "INV", 2026) == 0


def test_numbers_are_taken_from_the_last_one_read():
    table = MemoryTable()
    unit = table.unit("ten_1")
    assert unit.last_number("INV", 2026) == 0 and unit.take_number("INV", 2026, 0) == 1
    unit.commit()
    stale = table.unit("ten_1")
    stale.take_number("INV", 2026, 0)
    with pytest.raises(Contention):
        stale.commit()
    assert table.unit("ten_1").last_number("INV", 2026) == 1


def test_creating_an_existing_item_fails_and_two_writes_to_one_item_are_refused():
    table = MemoryTable()
    table.put(party())
    unit = table.unit("ten_1")
    unit.create(party())
    with pytest.raises(Contention):
        unit.commit()
    twice = table.unit("ten_1")
    twice.take_number("INV", 2026, 0)
    twice.take_number("INV", 2026, 0)
    with pytest.raises(ValueError, match="twice"):
        twice.commit()


def test_an_item_too_large_is_refused_before_anything_is_written():
    table = MemoryTable()
    unit = table.unit("ten_1")
    unit.create(party("x" * 410_000))
    with pytest.raises(DocumentTooLarge):
        unit.commit()
    assert table.items == {}


def test_reads_remember_what_is_missing_and_load_refuses_it():
    table = MemoryTable()
    unit = table.unit("ten_1")
    unit.prefetch([(Party, "pty_1")])
    table.put(party())  # written after the prefetch: this unit read it as missing
    assert unit.find(Party, "pty_1") is None
    with pytest.raises(NotFound):
        unit.load(Party, "pty_1")
    with pytest.raises(NotFound):
        unit.tenant()
