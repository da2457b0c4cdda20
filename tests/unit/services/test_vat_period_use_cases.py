"""VAT periods' use cases on the in-memory unit of work (issue 15, item 7): create without overlap, close
posts the settlement entry in one transaction with the period and locks tax-affecting postings dated in it,
reopen reverses it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.documents.vat_period import VatPeriodClosed, VatPeriodOverlaps
from ledgerline.domain.errors import ValidationFailed
from ledgerline.services import credit_notes, invoices, vat_periods
from ledgerline.store.accounts import Account
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.tenants import Tenant
from tests.unit.services.test_tax_direction_use_cases import post_purchase

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def sale(books, day: date, price: str = "1000") -> dict:
    line = {"description": "Work", "quantity": D(1), "unit_price": D(price), "account_id": books.accounts["4000"],
            "tax_code_id": books.tax_codes["GST10"]}
    draft = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "issue_date": day,
                                                    "lines": [line]})
    return invoices.post(books.tenant_id, draft["id"])


def test_periods_do_not_overlap(books):
    first = vat_periods.create(books.tenant_id, *Q1)
    assert (first["status"], first["from"], first["to"], first["net_payable"]) == ("open", "2026-01-01",
                                                                                   "2026-03-31", None)
    with pytest.raises(VatPeriodOverlaps) as refused:
        vat_periods.create(books.tenant_id, date(2026, 3, 31), date(2026, 6, 30))
    assert refused.value.param == "from"
    vat_periods.create(books.tenant_id, date(2026, 4, 1), date(2026, 6, 30))  # the next quarter is fine
    with pytest.raises(ValidationFailed):
        vat_periods.create(books.tenant_id, date(2026, 7, 1), date(2026, 6, 30))
    assert books.table.event_types(books.tenant_id)[-2:] == ["vat_period.created", "vat_period.created"]
    event = books.table.events(books.tenant_id)[-2]  # the event carries the period as the API shows it
    assert json.loads(event.data) | {"version": 1} == first


def test_closing_posts_the_settlement_with_the_period_in_one_transaction_and_locks_the_period(books):
    sale(books, date(2026, 2, 1))
    post_purchase(books, D(300), D(30))  # dated 2026-03-10
    sale(books, date(2026, 4, 2), "500")  # next quarter: not settled
    period = vat_periods.create(books.tenant_id, *Q1)
    before = books.table.transactions
    closed = vat_periods.close(books.tenant_id, period["id"])
    assert books.table.transactions == before + 1
    assert (closed["status"], closed["output_tax"], closed["input_tax"], closed["net_payable"]) == (
        "closed", "100.00", "30.00", "70.00")
    entry = books.table.load(JournalEntry, books.tenant_id, closed["journal_entry_id"])
    assert (entry.date, entry.source_type, entry.source_id) == (Q1[1], "vat_settlement", period["id"])
    # Q1's tax left the tax accounts; the net is owed on VAT settlement; Q2's output tax stays on 2200
    assert books.balances()["2200"] == D(-50) and "1300" not in books.balances()
    assert books.balances()["2300"] == D(-70)
    assert books.table.event_types(books.tenant_id)[-2:] == ["journal_entry.posted", "vat_period.closed"]
    # an invoice dated in the closed period is refused, naming its date; one after it is not
    with pytest.raises(VatPeriodClosed) as refused:
        sale(books, date(2026, 3, 31))
    assert refused.value.param == "issue_date"
    sale(books, date(2026, 4, 1))
    with pytest.raises(InvalidState):
        vat_periods.close(books.tenant_id, period["id"])


def test_a_credit_note_or_void_dated_in_a_closed_period_is_refused(books):
    invoice = sale(books, date(2026, 2, 1))
    vat_periods.close(books.tenant_id, vat_periods.create(books.tenant_id, *Q1)["id"])
    with pytest.raises(VatPeriodClosed) as refused:
        credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "date": date(2026, 3, 1),
                                              "amount": D("10")})
    assert refused.value.param == "date"
    with pytest.raises(VatPeriodClosed):
        invoices.void(books.tenant_id, invoice["id"], date(2026, 3, 1))
    credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "date": date(2026, 4, 1), "amount": D("10")})


def test_a_refundable_period_debits_vat_settlement(books):
    post_purchase(books, D(300), D(30))
    closed = vat_periods.close(books.tenant_id, vat_periods.create(books.tenant_id, *Q1)["id"])
    assert closed["net_payable"] == "-30.00"
    assert books.balances()["2300"] == D(30) and "1300" not in books.balances()


def test_reopening_reverses_the_settlement_and_lifts_the_lock(books):
    sale(books, date(2026, 2, 1))
    period = vat_periods.create(books.tenant_id, *Q1)
    closed = vat_periods.close(books.tenant_id, period["id"])
    reopened = vat_periods.reopen(books.tenant_id, period["id"])
    assert (reopened["status"], reopened["journal_entry_id"]) == ("open", closed["journal_entry_id"])
    assert reopened["reversal_journal_entry_id"]
    assert books.balances()["2200"] == D(-100) and "2300" not in books.balances()
    sale(books, date(2026, 3, 1))  # unlocked
    again = vat_periods.close(books.tenant_id, period["id"])
    assert (again["output_tax"], again["reversal_journal_entry_id"]) == ("200.00", None)
    assert books.balances()["2300"] == D(-200)
    with pytest.raises(InvalidState):
        vat_periods.reopen(books.tenant_id, vat_periods.create(books.tenant_id, date(2026, 4, 1),
                                                               date(2026, 6, 30))["id"])


def test_a_tenant_made_before_vat_settlement_gets_the_account_on_its_first_close(books):
    tenant = books.table.get(Tenant, *Tenant.key(books.tenant_id))
    tenant.system_accounts.vat_settlement = None
    books.table.put(tenant)
    books.table.items = {key: data for key, data in books.table.items.items()
                         if not (key[1].startswith("ACCOUNT") and data.get("code", {}).get("S") == "2300")
                         and key[1] != "ACCOUNT_CODE#2300"}
    sale(books, date(2026, 2, 1))
    vat_periods.close(books.tenant_id, vat_periods.create(books.tenant_id, *Q1)["id"])
    tenant = books.table.get(Tenant, *Tenant.key(books.tenant_id))
    account = books.table.load(Account, books.tenant_id, tenant.system_accounts.vat_settlement)
    assert (account.code, account.subtype) == ("2300", "vat_settlement")
    assert "account.created" in books.table.event_types(books.tenant_id)
    assert books.table.balances(books.tenant_id)[account.id] == D(-100)
