"""The dunning policy and the withdrawal of a reminder with a fee, on the in-memory unit of work."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.dunning import DunningLevel
from ledgerline.domain.errors import PreconditionFailed, ValidationFailed
from ledgerline.services import invoices, reminders
from ledgerline.services.reminders import Policy
from ledgerline.store.documents import Invoice
from ledgerline.store.memory import MemoryUnitOfWork
from ledgerline.store.reminders import Reminder
from ledgerline.store.unit_of_work import Save

TODAY = date.today()
WITH_FEE = (DunningLevel(1, 7, "Payment reminder", "Please pay.", D("15.00")),)
LEVELS = {"levels": [{"days_after_due": 10, "title": "First", "message": "Please pay."},
                     {"days_after_due": 30, "title": "Second", "message": "Please pay now.", "fee": D("20")}]}


def reminded_with_fee(books):
    line = {"description": "Work", "quantity": D(10), "unit_price": D(125), "account_id": books.accounts["4000"],
            "tax_code_id": books.tax_codes["GST10"]}
    draft = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "lines": [line],
                                                    "issue_date": TODAY - timedelta(days=60),
                                                    "due_date": TODAY - timedelta(days=30)})
    posted = invoices.post(books.tenant_id, draft["id"])
    return reminders.process_invoice(books.tenant_id, posted["id"], TODAY, Policy(True, WITH_FEE, None)).reminder


def status(books, invoice_id):
    return books.table.load(Invoice, books.tenant_id, invoice_id).status


# ------------------------------------------------------------------------------- the withdrawal


def test_withdrawing_a_reminder_with_a_fee_is_one_transaction(books):
    reminder = reminded_with_fee(books)
    before = books.table.transactions
    reminders.delete(books.tenant_id, reminder.id, None)
    assert books.table.transactions == before + 1
    assert status(books, reminder.fee_invoice_id) == "voided"
    assert books.table.event_types(books.tenant_id)[-2:] == ["invoice.voided", "reminder.deleted"]
    assert books.table.balances(books.tenant_id).get(books.accounts["4900"], D(0)) == 0  # the fee is reversed


def test_when_the_withdrawal_fails_the_fee_invoice_is_not_voided(books, monkeypatch):
    reminder = reminded_with_fee(books)
    commit = MemoryUnitOfWork.commit

    def failing(self):  # noqa: ANN001, ANN202
        if any(isinstance(write, Save) and isinstance(write.entity, Reminder) for write in self.writes):
            raise RuntimeError("the reminder's write fails")
        return commit(self)

    monkeypatch.setattr(MemoryUnitOfWork, "commit", failing)
    events = books.table.event_types(books.tenant_id)
    with pytest.raises(RuntimeError):
        reminders.delete(books.tenant_id, reminder.id, None)
    assert status(books, reminder.fee_invoice_id) == "awaiting_payment"
    assert books.table.event_types(books.tenant_id) == events


def test_a_stale_if_match_withdraws_nothing(books):
    reminder = reminded_with_fee(books)
    before = books.table.transactions
    with pytest.raises(PreconditionFailed):
        reminders.delete(books.tenant_id, reminder.id, 7)
    assert books.table.transactions == before and status(books, reminder.fee_invoice_id) == "awaiting_payment"


# ----------------------------------------------------------------------------------- the policy


def test_the_default_policy_then_a_replacement(books):
    default = reminders.get_policy(books.tenant_id)
    assert (default["is_default"], default["version"], len(default["levels"])) == (True, 0, 3)
    before = books.table.transactions
    put = reminders.put_policy(books.tenant_id, LEVELS | {"fee_account_id": books.accounts["4900"]}, 0)
    assert books.table.transactions == before + 1
    assert (put["is_default"], put["version"], put["fee_currency"]) == (False, 1, "AUD")
    assert [level["days_after_due"] for level in put["levels"]] == [10, 30]
    assert reminders.get_policy(books.tenant_id) == put
    again = reminders.put_policy(books.tenant_id, {**LEVELS, "enabled": False}, 1)
    assert (again["version"], again["enabled"], again["fee_account_id"]) == (2, False, None)
    assert reminders.load_policy(books.tenant_id).enabled is False


def test_a_stale_version_or_a_bad_fee_account_changes_nothing(books):
    reminders.put_policy(books.tenant_id, LEVELS, None)
    before = books.table.transactions
    with pytest.raises(PreconditionFailed):
        reminders.put_policy(books.tenant_id, LEVELS, 0)  # "still the defaults": no longer
    with pytest.raises(ValidationFailed) as error:
        reminders.put_policy(books.tenant_id, LEVELS | {"fee_account_id": books.accounts["1000"]}, None)
    assert error.value.param == "fee_account_id"
    assert books.table.transactions == before
    assert reminders.get_policy(books.tenant_id)["version"] == 1
