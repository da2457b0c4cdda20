"""Dunning's use cases on the in-memory unit of work (the integration tier's test_reminders.py is the spec)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.dunning import DEFAULT_LEVELS, DunningLevel
from ledgerline.domain.errors import NotFound
from ledgerline.services import invoices, reminders
from ledgerline.services.reminders import Policy
from ledgerline.store.accounts import Account
from ledgerline.store.codes import CodeGuard
from ledgerline.store.documents import Invoice
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import open_unit

TODAY = date.today()
ISSUE, DUE = TODAY - timedelta(days=60), TODAY - timedelta(days=30)
SALE = {"description": "Work", "quantity": D(10), "unit_price": D(125)}  # 1375 with GST 10 %
WITH_FEE = (DunningLevel(1, 7, "Payment reminder", "Please pay.", D("15.00")),)


def overdue_invoice(books):
    line = SALE | {"account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}
    body = {"customer_id": books.customer_id, "issue_date": ISSUE, "due_date": DUE, "lines": [line]}
    draft = invoices.create_draft(books.tenant_id, body)
    return invoices.post(books.tenant_id, draft["id"])


def invoice(books, invoice_id):
    return books.table.load(Invoice, books.tenant_id, invoice_id)


def slots(books, invoice_id):
    return open_unit(books.tenant_id).reminders_of_invoice(invoice_id)


def test_the_job_marks_overdue_and_creates_the_due_reminder_in_one_transaction(books):
    posted = overdue_invoice(books)
    before = books.table.transactions
    outcome = reminders.process_invoice(books.tenant_id, posted["id"], TODAY, Policy(True, DEFAULT_LEVELS, None))
    assert books.table.transactions == before + 1
    assert outcome.marked_overdue and outcome.reminder is not None
    assert int(outcome.reminder.level) == 1  # one level per run: the first comes first
    assert invoice(books, posted["id"]).status == "overdue"
    assert books.table.event_types(books.tenant_id)[-2:] == ["invoice.overdue", "reminder.created"]
    found = open_unit(books.tenant_id).find_reminder(outcome.reminder.id)
    assert (found.invoice_id, found.amount_due, found.version) == (posted["id"], D("1375"), 1)


def test_running_the_job_again_the_same_day_writes_nothing(books):
    posted = overdue_invoice(books)
    policy = Policy(True, DEFAULT_LEVELS, None)
    reminders.process_invoice(books.tenant_id, posted["id"], TODAY, policy)
    before, events = books.table.transactions, books.table.event_types(books.tenant_id)
    again = reminders.process_invoice(books.tenant_id, posted["id"], TODAY, policy)
    assert (again.marked_overdue, again.reminder) == (False, None)
    assert (books.table.transactions, books.table.event_types(books.tenant_id)) == (before, events)


def test_the_job_reads_the_invoice_with_the_tenant_in_one_round(books, read_rounds):
    posted = overdue_invoice(books)
    read_rounds.clear()
    reminders.process_invoice(books.tenant_id, posted["id"], TODAY, Policy(True, (), None))  # no levels
    assert read_rounds == [2]  # tenant and invoice together


def test_a_dry_run_writes_nothing(books):
    posted = overdue_invoice(books)
    before = books.table.transactions
    outcome = reminders.process_invoice(books.tenant_id, posted["id"], TODAY, Policy(True, WITH_FEE, None),
                                        dry_run=True)
    assert outcome.reminder is not None and outcome.reminder.fee == D("15.00")
    assert books.table.transactions == before and slots(books, posted["id"]) == []
    assert invoice(books, posted["id"]).status == "awaiting_payment"


def test_a_fee_is_an_invoice_posted_in_the_reminders_transaction_to_account_4900_by_default(books):
    books.table.put(CodeGuard.for_code(books.tenant_id, Account.PREFIX, "4900", books.accounts["4900"]))
    posted = overdue_invoice(books)
    before = books.table.transactions
    reminder = reminders.process_invoice(books.tenant_id, posted["id"], TODAY, Policy(True, WITH_FEE, None)).reminder
    assert books.table.transactions == before + 1
    fee = invoice(books, reminder.fee_invoice_id)
    assert (fee.status, fee.total, fee.reminder_fee_for, fee.number) == (
        "awaiting_payment", D("15.00"), posted["id"], reminder.fee_invoice_number)
    assert fee.number is not None
    assert books.balances() == {"1100": D("1390"), "4000": D("-1250"), "2200": D("-125"), "4900": D("-15")}
    assert books.table.event_types(books.tenant_id)[-3:] == ["invoice.overdue", "invoice.posted", "reminder.created"]


def test_a_fee_invoice_is_never_reminded_itself(books):
    posted = overdue_invoice(books)
    fee_id = reminders.process_invoice(books.tenant_id, posted["id"], TODAY,
                                       Policy(True, WITH_FEE, None)).reminder.fee_invoice_id
    with pytest.raises(InvalidState):
        reminders._create_next(books.tenant_id, fee_id, TODAY)


def test_a_reminder_by_hand_is_the_next_level_then_sent_then_not_withdrawable(books):
    posted = overdue_invoice(books)
    first = reminders.create_next(books.tenant_id, posted["id"], TODAY)
    second = reminders.create_next(books.tenant_id, posted["id"], TODAY)
    assert (first["level"], second["level"]) == (1, 2)
    sent = reminders.mark_sent(books.tenant_id, second["id"])
    assert sent.sent_at is not None
    assert books.table.event_types(books.tenant_id)[-1] == "reminder.sent"
    with pytest.raises(InvalidState):
        reminders.delete(books.tenant_id, second["id"], None)
    with pytest.raises(InvalidState):  # only the latest may be withdrawn
        reminders.delete(books.tenant_id, first["id"], None)


def test_withdrawing_a_reminder_voids_its_fee_and_keeps_the_level_used(books):
    posted = overdue_invoice(books)
    reminder = reminders.process_invoice(books.tenant_id, posted["id"], TODAY, Policy(True, WITH_FEE, None)).reminder
    withdrawn = reminders.delete(books.tenant_id, reminder.id, 1)
    assert withdrawn.withdrawn
    assert invoice(books, reminder.fee_invoice_id).status == "voided"
    assert books.table.event_types(books.tenant_id)[-1] == "reminder.deleted"
    with pytest.raises(NotFound):
        open_unit(books.tenant_id).find_reminder(reminder.id)
    assert [int(r.level) for r in slots(books, posted["id"])] == [1]  # the slot stays taken
    assert reminders.invoice_reminders(books.tenant_id, posted["id"]) == []
    again = reminders.process_invoice(books.tenant_id, posted["id"], TODAY, Policy(True, WITH_FEE, None))
    assert again.reminder is None


def test_the_write_is_conditional_on_the_invoice_as_read(books):
    posted = overdue_invoice(books)
    unit = open_unit(books.tenant_id)
    stale = unit.load(Invoice, posted["id"])
    invoices.send(books.tenant_id, posted["id"])  # the invoice changes meanwhile
    unit.check_unchanged(stale)
    before = books.table.transactions
    with pytest.raises(Contention):
        unit.commit()
    assert books.table.transactions == before
