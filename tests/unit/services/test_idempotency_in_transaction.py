"""The Idempotency-Key inside the business transaction (issue 13), on the in-memory unit of work: the key's
record is read with the use case's first read and put, conditionally, in its one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest

from ledgerline.domain.errors import ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.schemas.parties import PartyOut
from ledgerline.services import idempotency, invoices
from ledgerline.store.idempotency import IdempotencyRecord, new_record, payload_hash
from ledgerline.store.parties import Party
from ledgerline.store.unit_of_work import open_unit


def body(books: Any, price: str = "100") -> dict[str, Any]:
    return {"customer_id": books.customer_id,
            "lines": [{"description": "Work", "quantity": D(1), "unit_price": D(price),
                       "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}]}


def record(books: Any, key: str) -> IdempotencyRecord | None:
    return books.table.get(IdempotencyRecord, *IdempotencyRecord.key(books.tenant_id, key))


def invoice_count(books: Any) -> int:
    return sum(1 for (pk, sk) in books.table.items if "#INV#" in pk and sk == "DOC")


def test_the_record_is_written_in_the_use_cases_own_transaction_and_a_replay_runs_nothing(books, read_rounds):
    first = invoices.create_draft(books.tenant_id, body(books), "inv-1")
    assert books.table.transactions == 1  # the draft, its event and the key's record: one commit
    stored = record(books, "inv-1")
    assert stored is not None and stored.stored() == first and stored.operation == "create_invoice"
    assert timedelta(hours=24) - timedelta(seconds=1) < stored.expires_at - stored.created_at <= timedelta(hours=24)
    assert not hasattr(stored, "status")  # no "in progress" state exists
    rounds_before = len(read_rounds)
    again = invoices.create_draft(books.tenant_id, body(books), "inv-1")
    assert again == first
    assert books.table.transactions == 1 and invoice_count(books) == 1
    assert len(read_rounds) == rounds_before + 1  # the replay is one read


def test_the_key_is_read_in_the_use_cases_first_read(books, read_rounds):
    draft = invoices.create_draft(books.tenant_id, body(books))
    read_rounds.clear()
    invoices.post(books.tenant_id, draft["id"], "post-1")
    # tenant, invoice, number series, the default bank account's pointer (issue 16: QR or RF reference) and
    # the key's record, together
    assert read_rounds == [5]


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(books):
    invoices.create_draft(books.tenant_id, body(books), "inv-2")
    with pytest.raises(ValidationFailed) as refused:
        invoices.create_draft(books.tenant_id, body(books, "200"), "inv-2")
    assert refused.value.code == "idempotency_error" and refused.value.param == "Idempotency-Key"
    assert invoice_count(books) == 1


def test_a_duplicate_that_loses_the_race_replays_the_winners_record(books, monkeypatch):
    draft = invoices.create_draft(books.tenant_id, body(books))
    stage = invoices.stage_posting
    winner: list[dict[str, Any]] = []
    raced: list[bool] = []

    def racing(uow, tenant, invoice):  # noqa: ANN001, ANN202
        if not raced:  # the loser has read (no record yet); the winner commits before the loser's commit
            raced.append(True)
            winner.append(invoices.post(books.tenant_id, draft["id"], "post-race"))
        stage(uow, tenant, invoice)

    monkeypatch.setattr(invoices, "stage_posting", racing)
    transactions = books.table.transactions
    loser = invoices.post(books.tenant_id, draft["id"], "post-race")
    assert loser == winner[0]
    assert books.table.transactions == transactions + 1  # only the winner committed
    assert books.table.number(books.tenant_id, "INV", int(winner[0]["issue_date"][:4])) == 1


def test_a_loser_with_another_body_is_refused(books, monkeypatch):
    """The lost race compares bodies as a replay does."""
    first: list[bool] = []
    original = invoices._fill

    def racing(uow, invoice, tenant, fields):  # noqa: ANN001, ANN202
        if not first:
            first.append(True)
            (invoices.create_draft(books.tenant_id, body(books, "300"), "inv-race"))
        original(uow, invoice, tenant, fields)

    monkeypatch.setattr(invoices, "_fill", racing)
    with pytest.raises(ValidationFailed) as refused:
        invoices.create_draft(books.tenant_id, body(books), "inv-race")
    assert refused.value.code == "idempotency_error"
    assert invoice_count(books) == 1


def test_a_request_that_fails_leaves_no_record_and_its_retry_runs(books):
    class Crash(Exception):
        pass

    def crash() -> dict[str, Any]:
        uow = open_unit(books.tenant_id)
        uow.prefetch()
        raise Crash

    with pytest.raises(Crash):
        idempotency.once(books.tenant_id, "crash-1", "create_invoice", {}, crash, in_unit=True)
    assert record(books, "crash-1") is None
    made = invoices.create_draft(books.tenant_id, body(books), "crash-1-retry")
    assert record(books, "crash-1-retry").stored() == made


def test_an_expired_record_is_not_replayed_and_is_replaced(books):
    old = new_record(books.tenant_id, "old-1", "create_invoice", payload_hash("create_invoice", {}),
                     {"stale": True}, datetime(2020, 1, 1, tzinfo=UTC))
    books.table.put(old)  # past its expiry; DynamoDB's TTL has not deleted it yet
    made = invoices.create_draft(books.tenant_id, body(books), "old-1")
    assert record(books, "old-1").stored() == made


def test_a_use_case_that_names_no_response_stores_its_only_events_record(books):
    """A use case moved onto the unit of work gets the in-transaction record without a change of its own."""
    def create_party() -> dict[str, Any]:
        uow = open_unit(books.tenant_id)
        uow.prefetch()
        now = datetime.now(UTC)
        party = Party(id="pty_new", tenant_id=books.tenant_id, name="New", kind="customer", archived=False,
                      created_at=now, updated_at=now)
        uow.create(party)
        uow.record_event(EventType.PARTY_CREATED, party, PartyOut)
        uow.commit()
        return PartyOut.model_validate(party).model_dump(mode="json")

    made = idempotency.once(books.tenant_id, "party-1", "create_party", {"name": "New"}, create_party, in_unit=True)
    assert books.table.transactions == 1 and record(books, "party-1").stored() == made
    assert idempotency.once(books.tenant_id, "party-1", "create_party", {"name": "New"}, create_party,
                            in_unit=True) == made
    assert books.table.transactions == 1


def test_a_refusal_looks_for_a_duplicates_record_that_committed_while_it_read(books):
    """A batched read is not a snapshot: the loser may see the winner's effects but not its record."""
    def winner() -> dict[str, Any]:
        return invoices.create_draft(books.tenant_id, body(books), None)

    def loser() -> dict[str, Any]:
        uow = open_unit(books.tenant_id)
        uow.prefetch()  # the key's record is not there yet
        made.append(idempotency.once(books.tenant_id, "seen-late", "op", {}, winner, in_unit=True))
        raise ValidationFailed("the credit was taken meanwhile", param="amount")

    made: list[dict[str, Any]] = []
    answered = idempotency.once(books.tenant_id, "seen-late", "op", {}, loser, in_unit=True)
    assert answered == made[0] and invoice_count(books) == 1
