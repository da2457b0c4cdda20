"""Revaluing a period (issue 16, part X) on the in-memory unit of work: the entry at the period's end, its
reversal on the next period's first day, the report, and realised FX on settlement on top of it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from ledgerline.domain.errors import Conflict, ValidationFailed
from ledgerline.services import bills, exchange_rates, invoices, receipts, revaluations
from ledgerline.store.bills import Bill
from ledgerline.store.documents import Invoice
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.unit_of_work import open_unit

SALE = {"description": "Export", "quantity": D(1), "unit_price": D(100)}  # + GST 10 %: 110.00


@pytest.fixture(autouse=True)
def open_invoices(books, monkeypatch):
    """`invoices_open_at` is a GSI2 query the in-memory table does not answer: answered from its items here."""
    def invoices_open_at(tenant_id, day):  # noqa: ANN001, ANN202
        found = [Invoice.from_raw_data(data) for (pk, sk), data in books.table.items.items()
                 if pk.startswith(f"T#{tenant_id}#INV#") and sk == "DOC"]
        return [i for i in found if i.status != "draft" and i.issue_date <= day]

    def bills_open_at(tenant_id, day):  # noqa: ANN001, ANN202
        found = [Bill.from_raw_data(data) for (pk, sk), data in books.table.items.items()
                 if pk.startswith(f"T#{tenant_id}#BILL#") and sk == "DOC"]
        return [b for b in found if b.status != "draft" and b.bill_date <= day]

    monkeypatch.setattr(revaluations.documents, "invoices_open_at", invoices_open_at)
    monkeypatch.setattr(revaluations.bill_store, "bills_open_at", bills_open_at)


def rate(books, currency, day, value):
    exchange_rates.create(books.tenant_id, {"currency": currency, "date": day, "rate": D(value)})


def posted(books, currency="EUR", day=date(2026, 1, 10), **fields):
    line = SALE | {"account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}
    made = invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "issue_date": day,
                                                   "currency": currency, "lines": [line], **fields})
    return invoices.post(books.tenant_id, made["id"])


def entry(books, entry_id):
    return open_unit(books.tenant_id).load(JournalEntry, entry_id)


def test_revaluing_january_posts_the_difference_at_its_end_and_reverses_it_on_february_first(books):
    rate(books, "EUR", date(2026, 1, 5), "1.60")
    rate(books, "EUR", date(2026, 1, 31), "1.70")
    invoice = posted(books)  # EUR 110.00 at 1.60: AUD 176.00
    posted(books, currency="AUD")  # the base currency: not revalued
    done = revaluations.revalue_period(books.tenant_id, "2026-01")
    assert (done["as_of"], done["reversal_date"], done["gain"], done["loss"], done["net"]) == (
        "2026-01-31", "2026-02-01", "11.00", "0.00", "11.00")
    assert done["rates"] == [{"currency": "EUR", "rate": "1.70", "exchange_rate_id": "EUR-2026-01-31"}]
    (item,) = done["items"]
    assert (item["id"], item["amount"], item["carried_base"], item["revalued_base"], item["difference"]) == (
        invoice["id"], "110.00", "176.00", "187.00", "11.00")
    revaluation, reversal = entry(books, done["journal_entry_id"]), entry(books, done["reversal_journal_entry_id"])
    assert (revaluation.date, revaluation.source_type) == (date(2026, 1, 31), "revaluation")
    assert (reversal.date, reversal.source_type) == (date(2026, 2, 1), "revaluation_reversal")
    # both posted: receivable back at its booked value, exchange differences back to zero
    assert books.balances()["1100"] == D("286.00")  # the AUD invoice's 110.00 and the EUR one's 176.00
    assert "7950" not in books.balances()
    events = books.table.event_types(books.tenant_id)
    assert events[-3:] == ["journal_entry.posted", "journal_entry.posted", "revaluation.posted"]
    assert revaluations.get_revaluation(books.tenant_id, "2026-01") == done


def test_a_period_is_revalued_once_and_needs_every_currencys_rate(books):
    rate(books, "EUR", date(2026, 1, 5), "1.60")
    posted(books)
    posted(books, currency="USD", exchange_rate=D("1.50"))
    with pytest.raises(ValidationFailed) as missing:
        revaluations.revalue_period(books.tenant_id, "2026-01")
    assert missing.value.param == "period" and "USD" in missing.value.message and "2026-01-31" in missing.value.message
    assert revaluations.get_revaluation(books.tenant_id, "2026-01")["status"] == "not_revalued"
    rate(books, "USD", date(2026, 1, 31), "1.40")
    done = revaluations.revalue_period(books.tenant_id, "2026-01")
    # EUR at 1.60 as booked: no difference; USD 110.00 at 1.40 (154.00) carried at 165.00: 11.00 loss
    assert (done["gain"], done["loss"], done["net"]) == ("0.00", "11.00", "-11.00")
    with pytest.raises(Conflict):
        revaluations.revalue_period(books.tenant_id, "2026-01")


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "January", "2026-01-01"])
def test_a_period_that_is_not_a_month_is_refused(books, period):
    with pytest.raises(ValidationFailed) as caught:
        revaluations.revalue_period(books.tenant_id, period)
    assert caught.value.param == "period"


def test_nothing_open_is_a_revaluation_without_an_entry(books):
    done = revaluations.revalue_period(books.tenant_id, "2026-01")
    assert (done["items"], done["journal_entry_id"], done["net"]) == ([], None, "0.00")


def test_what_an_invoice_owed_at_the_end_is_revalued_and_settling_it_later_books_the_realised_difference(books):
    rate(books, "EUR", date(2026, 1, 5), "1.60")
    rate(books, "EUR", date(2026, 1, 31), "1.70")
    rate(books, "EUR", date(2026, 2, 10), "1.80")
    invoice = posted(books)
    receipts.create(books.tenant_id, {"customer_id": books.customer_id, "amount": D("10.00"), "currency": "EUR",
                                      "date": date(2026, 1, 20), "account_id": books.accounts["1010"],
                                      "allocations": [{"invoice_id": invoice["id"], "amount": D("10.00")}]})
    # paid in full in February, after the revaluation ran: it still owed EUR 100.00 (carried 160.00) at the end
    done = revaluations.revalue_period(books.tenant_id, "2026-01")
    assert [(i["amount"], i["carried_base"], i["difference"]) for i in done["items"]] == [
        ("100.00", "160.00", "10.00")]
    receipts.create(books.tenant_id, {"customer_id": books.customer_id, "amount": D("100.00"), "currency": "EUR",
                                      "date": date(2026, 2, 10), "account_id": books.accounts["1010"],
                                      "allocations": [{"invoice_id": invoice["id"], "amount": D("100.00")}]})
    balances = books.balances()
    # realised on settlement: 180.00 received for the 160.00 carried (the first 10.00 came at 1.60: none); the
    # revaluation and its reversal net to nothing
    assert "1100" not in balances and balances["7950"] == D("-20.00")
    assert balances["1010"] == D("196.00")


def test_a_foreign_bill_takes_its_days_rate_and_its_payable_is_revalued_as_a_liability(books):
    from datetime import UTC, datetime

    now = datetime(2026, 1, 5, tzinfo=UTC)
    books.table.put(Party(id="pty_s", tenant_id=books.tenant_id, name="Supplier", kind="supplier", archived=False,
                          created_at=now, updated_at=now))
    rate(books, "USD", date(2026, 1, 5), "1.50")
    rate(books, "USD", date(2026, 1, 31), "1.40")
    made = bills.create_draft(books.tenant_id, {
        "supplier_id": "pty_s", "supplier_reference": "R-1", "bill_date": date(2026, 1, 12), "currency": "USD",
        "lines": [{"description": "Rent", "quantity": D(1), "unit_price": D(100), "account_id": books.accounts["6000"],
                   "tax_code_id": books.tax_codes["GST10"]}]})
    assert (made["exchange_rate"], made["exchange_rate_id"]) == ("1.50", "USD-2026-01-05")
    posted = bills.post(books.tenant_id, made["id"])
    done = revaluations.revalue_period(books.tenant_id, "2026-01")
    # USD 110.00 owed, carried at AUD 165.00, worth 154.00 at 1.40: 11.00 less to pay, a gain
    (item,) = done["items"]
    assert (item["kind"], item["id"], item["amount"], item["carried_base"], item["revalued_base"],
            item["difference"]) == ("payable", posted["id"], "-110.00", "-165.00", "-154.00", "11.00")
    assert (done["gain"], done["net"]) == ("11.00", "11.00")
    lines = entry(books, done["journal_entry_id"]).journal_lines()
    payable = next(line for line in lines if line.account_id == item["account_id"])
    assert (payable.debit, payable.credit) == (D("11.00"), D("0.00"))
