"""Manual journal entries' use cases on the in-memory unit of work."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import ValidationFailed
from ledgerline.domain.journal import Unbalanced
from ledgerline.services import journal_entries
from ledgerline.store.ledger import JournalEntry

TODAY = date.today()


def entry(books, debit="1010", credit="4900", amount=D("100.00"), **fields):
    return journal_entries.create(books.tenant_id, {"date": TODAY, "description": "Interest", "lines": [
        {"account_id": books.accounts[debit], "debit": amount},
        {"account_id": books.accounts[credit], "credit": amount},
    ]} | fields)


def test_create_posts_the_entry_its_ledger_lines_balances_and_event(books):
    created = entry(books)
    assert (created["status"], created["source_type"], created["total"]) == ("posted", "manual", "100.00")
    assert books.balances() == {"1010": D("100"), "4900": D("-100")}
    assert len(books.table.ledger_lines(books.tenant_id, books.accounts["1010"])) == 1
    assert books.table.event_types(books.tenant_id)[-1] == "journal_entry.posted"
    assert books.table.transactions == 1


def test_an_unbalanced_entry_is_refused_and_writes_nothing(books):
    with pytest.raises(Unbalanced):
        journal_entries.create(books.tenant_id, {"lines": [
            {"account_id": books.accounts["1010"], "debit": D("100")},
            {"account_id": books.accounts["4900"], "credit": D("90")},
        ]})
    assert books.balances() == {} and books.table.events(books.tenant_id) == []


def test_control_accounts_and_unknown_accounts_are_refused_naming_the_line(books):
    with pytest.raises(ValidationFailed) as error:
        entry(books, debit="1100")
    assert error.value.param == "lines.0.account_id"
    with pytest.raises(ValidationFailed) as error:
        journal_entries.create(books.tenant_id, {"lines": [
            {"account_id": "acc_nowhere", "debit": D("1")}, {"account_id": books.accounts["4900"], "credit": D("1")},
        ]})
    assert error.value.param == "lines.0.account_id"
    assert books.table.transactions == 0


def test_reverse_mirrors_the_entry_and_marks_the_original(books):
    created = entry(books)
    reversal = journal_entries.reverse(books.tenant_id, created["id"], TODAY)
    assert reversal["reverses_id"] == created["id"]
    original = books.table.load(JournalEntry, books.tenant_id, created["id"])
    assert (original.status, original.reversed_by_id, original.version) == ("reversed", reversal["id"], 2)
    assert books.balances() == {}
    assert books.table.event_types(books.tenant_id)[-2:] == ["journal_entry.reversed", "journal_entry.posted"]
    with pytest.raises(InvalidState):
        journal_entries.reverse(books.tenant_id, created["id"], TODAY)


def test_a_reversal_cannot_predate_the_entry(books):
    created = entry(books)
    with pytest.raises(ValidationFailed) as error:
        journal_entries.reverse(books.tenant_id, created["id"], TODAY - timedelta(days=1))
    assert error.value.param == "date"
    assert books.balances() == {"1010": D("100"), "4900": D("-100")}
