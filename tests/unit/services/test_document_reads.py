"""The reads the document routers call (issue 12, part C): a record by id through the unit of work, in memory here,
and each list through the store's named read pattern, whose arguments the service passes on unchanged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from ledgerline.domain.dunning import DEFAULT_LEVELS
from ledgerline.domain.errors import NotFound
from ledgerline.services import credit_notes, events, invoices, journal_entries, receipts, refunds, reminders
from ledgerline.services.reminders import Policy
from ledgerline.store import documents
from ledgerline.store import events as event_log
from ledgerline.store import reminders as reminder_store
from ledgerline.store.records import Page

TODAY = date.today()
TOO_LONG = "x" * 2100  # longer than any DynamoDB key may be


def posted_invoice(books, **fields):
    line = {"description": "Work", "quantity": D(10), "unit_price": D(125), "account_id": books.accounts["4000"],
            "tax_code_id": books.tax_codes["GST10"]}
    body = {"customer_id": books.customer_id, "issue_date": TODAY, "lines": [line]}
    draft = invoices.create_draft(books.tenant_id, body | fields)
    return invoices.post(books.tenant_id, draft["id"])


def test_get_invoice_is_the_invoice_as_the_api_shows_it(books):
    posted = posted_invoice(books)
    assert invoices.get_invoice(books.tenant_id, posted["id"]) == posted


def test_get_receipt_credit_note_journal_entry_and_refund_read_by_id(books):
    posted = posted_invoice(books)
    receipt = receipts.create(books.tenant_id, {"customer_id": books.customer_id, "amount": D("200"),
                                                "account_id": books.accounts["1010"], "date": TODAY})
    note = credit_notes.create(books.tenant_id, {"invoice_id": posted["id"], "date": TODAY, "amount": D("100")})
    entry = journal_entries.create(books.tenant_id, {"date": TODAY, "description": "Interest", "lines": [
        {"account_id": books.accounts["1010"], "debit": D("5")},
        {"account_id": books.accounts["4900"], "credit": D("5")}]})
    refund = refunds.create(books.tenant_id, {"customer_id": books.customer_id, "amount": D("50"),
                                              "account_id": books.accounts["1010"], "date": TODAY,
                                              "receipt_id": receipt["id"]})
    assert receipts.get_receipt(books.tenant_id, receipt["id"]) == receipts.represent(
        books.table.load(documents.Receipt, books.tenant_id, receipt["id"]))
    assert credit_notes.represent(credit_notes.get_credit_note(books.tenant_id, note["id"])) == note
    assert journal_entries.get_journal_entry(books.tenant_id, entry["id"]) == entry
    assert refunds.get_refund(books.tenant_id, refund["id"]) == refund


def test_get_reminder_reads_through_the_pointer_and_a_withdrawn_one_is_gone(books):
    posted = posted_invoice(books, issue_date=date(TODAY.year - 1, 1, 1), due_date=date(TODAY.year - 1, 1, 31))
    outcome = reminders.process_invoice(books.tenant_id, posted["id"], TODAY, Policy(True, DEFAULT_LEVELS, None))
    assert outcome.reminder is not None
    found = reminders.get_reminder(books.tenant_id, outcome.reminder.id)
    assert (found.id, found.invoice_id, found.version) == (outcome.reminder.id, posted["id"], 1)
    reminders.delete(books.tenant_id, found.id, None)
    with pytest.raises(NotFound):
        reminders.get_reminder(books.tenant_id, found.id)


@pytest.mark.parametrize(("read", "prefix", "noun"), [
    (invoices.get_invoice, "inv_", "invoice"),
    (receipts.get_receipt, "rct_", "receipt"),
    (credit_notes.get_credit_note, "cn_", "credit note"),
    (journal_entries.get_journal_entry, "je_", "journal entry"),
    (refunds.get_refund, "rfd_", "refund"),
    (reminders.get_reminder, "rem_", "reminder"),
])
@pytest.mark.parametrize("length", [26, len(TOO_LONG)])
def test_an_unknown_id_and_one_too_long_to_be_a_key_are_not_found_naming_the_id(books, read, prefix, noun, length):
    record_id = prefix + "x" * length
    with pytest.raises(NotFound) as error:
        read(books.tenant_id, record_id)
    assert (error.value.message, error.value.param) == (f"No such {noun}: '{record_id}'", "id")
    assert books.table.transactions == 0


def test_an_event_id_of_the_wrong_shape_is_not_found_before_anything_is_read():
    # the event log is not on the unit of work: it checks the id's shape (a ULID) before it reads
    with pytest.raises(NotFound) as error:
        events.get_event("ten_1", "evt_" + TOO_LONG)
    assert error.value.param == "id"


def test_another_tenants_invoice_is_not_found(books):
    posted = posted_invoice(books)
    with pytest.raises(NotFound):
        invoices.get_invoice("ten_other", posted["id"])


# ------------------------------------------------------------------------------------------- lists


def _stub(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[tuple[str, dict[str, Any]]]:
    calls: list[tuple[str, dict[str, Any]]] = []
    page = Page(["first"], {"PK": {"S": "next"}})

    def read(tenant_id: str, **arguments: Any) -> Page[Any]:
        calls.append((tenant_id, arguments))
        return page

    monkeypatch.setattr(module, name, read)
    return calls


START = {"PK": {"S": "T#ten_1"}, "SK": {"S": "DOC"}}
DAYS = {"from_date": date(2026, 1, 1), "to_date": date(2026, 1, 31), "limit": 7, "start_key": START}

LISTS = [
    (reminders.list_reminders, reminder_store, "list_reminders", {"is_sent": False}),
    (events.list_events, event_log, "page_events", {"types": ["invoice.posted"], "object_id": "inv_1"}),
]


@pytest.mark.parametrize(("service_read", "module", "store_read", "filters"), LISTS,
                         ids=[entry[2] for entry in LISTS])
def test_each_list_is_the_stores_named_read_with_the_same_arguments(monkeypatch, service_read, module, store_read,
                                                                    filters):
    calls = _stub(monkeypatch, module, store_read)
    page = service_read("ten_1", **filters, **DAYS)
    assert calls == [("ten_1", filters | DAYS)]
    assert (page.items, page.next_key) == (["first"], {"PK": {"S": "next"}})


def test_the_journal_entry_list_is_the_stores_named_planned_read_with_the_same_arguments(monkeypatch):
    # issue 18 (part QA): the list moved onto the query planner (`lists.query_journal_entries`); the service
    # still hands its arguments to the store's named read unchanged
    from ledgerline.domain.query import Predicate, Query
    from ledgerline.store import lists

    calls: list[tuple[str, Any, dict[str, Any]]] = []
    page = Page(["first"], {"PK": {"S": "next"}})

    def read(tenant_id: str, query: Any, **arguments: Any) -> Page[Any]:
        calls.append((tenant_id, query, arguments))
        return page

    monkeypatch.setattr(lists, "query_journal_entries", read)
    query = Query(predicates=(Predicate("source_type", "eq", "manual"),))
    result = journal_entries.query_journal_entries("ten_1", query, limit=7, start_key=START)
    assert calls == [("ten_1", query, {"limit": 7, "start_key": START})]
    assert (result.items, result.next_key) == (["first"], {"PK": {"S": "next"}})
