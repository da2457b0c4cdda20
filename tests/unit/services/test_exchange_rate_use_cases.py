"""Exchange rates and the rate a document takes (issue 16, part X) on the in-memory unit of work.

The integration tier (tests/integration/test_exchange_rates.py) runs the same against DynamoDB Local over the API.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from ledgerline.domain.errors import Conflict, NotFound, ValidationFailed
from ledgerline.services import exchange_rates, invoices, receipts, refunds
from ledgerline.store.documents import Invoice
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.unit_of_work import open_unit

JAN_5, JAN_20, JAN_31 = date(2026, 1, 5), date(2026, 1, 20), date(2026, 1, 31)
SALE = {"description": "Export", "quantity": D(1), "unit_price": D(100)}


def rate(books, currency, day, value, source="ecb"):
    return exchange_rates.create(books.tenant_id, {"currency": currency, "date": day, "rate": D(value),
                                                   "source": source})


def draft(books, **fields):
    line = SALE | {"account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}
    body = {"customer_id": books.customer_id, "issue_date": JAN_20, "currency": "EUR", "lines": [line]}
    return invoices.create_draft(books.tenant_id, body | fields)


def test_a_rate_is_one_per_currency_and_day_and_writes_its_event(books):
    made = rate(books, "EUR", JAN_5, "1.6640")
    assert (made["id"], made["rate"], made["source"], made["object"]) == ("EUR-2026-01-05", "1.6640", "ecb",
                                                                         "exchange_rate")
    assert books.table.event_types(books.tenant_id) == ["exchange_rate.created"]
    with pytest.raises(Conflict):
        rate(books, "EUR", JAN_5, "1.70")
    assert exchange_rates.get_exchange_rate(books.tenant_id, "EUR-2026-01-05")["rate"] == "1.6640"


def test_the_base_currency_has_no_rate(books):
    with pytest.raises(ValidationFailed) as caught:
        rate(books, "AUD", JAN_5, "1")
    assert caught.value.param == "currency"
    assert books.table.event_types(books.tenant_id) == []


def test_a_document_without_a_rate_takes_the_latest_on_or_before_its_date(books):
    rate(books, "EUR", JAN_5, "1.60")
    rate(books, "EUR", JAN_31, "1.70")  # after the invoice: not taken
    rate(books, "USD", JAN_20, "1.50")  # another currency: not taken
    made = draft(books)
    assert (made["exchange_rate"], made["exchange_rate_id"]) == ("1.60", "EUR-2026-01-05")
    posted = invoices.post(books.tenant_id, made["id"])
    entry = open_unit(books.tenant_id).load(JournalEntry, posted["journal_entry_id"])
    assert entry.exchange_rate == D("1.60")
    # EUR 110.00 at 1.60: AUD 176.00 receivable
    assert books.balances()["1100"] == D("176.00")


def test_a_rate_of_the_same_day_is_taken(books):
    rate(books, "EUR", JAN_20, "1.65")
    assert draft(books)["exchange_rate_id"] == "EUR-2026-01-20"


def test_an_explicit_rate_wins_and_says_so(books):
    rate(books, "EUR", JAN_5, "1.60")
    made = draft(books, exchange_rate=D("1.62"))
    assert (made["exchange_rate"], made["exchange_rate_id"]) == ("1.62", None)


def test_no_rate_known_is_a_422_naming_the_currency_and_the_date_and_writes_nothing(books):
    rate(books, "EUR", JAN_31, "1.70")
    with pytest.raises(ValidationFailed) as caught:
        draft(books)
    assert caught.value.param == "exchange_rate"
    assert "EUR" in caught.value.message and "2026-01-20" in caught.value.message
    assert books.table.event_types(books.tenant_id) == ["exchange_rate.created"]


def test_editing_a_drafts_date_takes_the_rate_of_the_new_date(books):
    rate(books, "EUR", JAN_5, "1.60")
    rate(books, "EUR", JAN_31, "1.70")
    made = draft(books)
    updated = invoices.update_draft(books.tenant_id, made["id"], {"issue_date": JAN_31}, None)
    assert (updated.exchange_rate, updated.exchange_rate_id) == (D("1.70"), "EUR-2026-01-31")
    # a rate the request gave stays when the date moves
    given = draft(books, exchange_rate=D("1.62"))
    kept = invoices.update_draft(books.tenant_id, given["id"], {"issue_date": JAN_31}, None)
    assert (kept.exchange_rate, kept.exchange_rate_id) == (D("1.62"), None)


def test_a_receipt_takes_the_rate_of_its_date_and_books_the_realised_difference(books):
    rate(books, "EUR", JAN_5, "1.60")
    rate(books, "EUR", JAN_31, "1.70")
    posted = invoices.post(books.tenant_id, draft(books)["id"])
    receipt = receipts.create(books.tenant_id, {
        "customer_id": books.customer_id, "amount": D("110.00"), "currency": "EUR", "date": JAN_31,
        "account_id": books.accounts["1010"], "allocations": [{"invoice_id": posted["id"], "amount": D("110.00")}]})
    assert (receipt["exchange_rate"], receipt["exchange_rate_id"]) == ("1.70", "EUR-2026-01-31")
    assert books.table.load(Invoice, books.tenant_id, posted["id"]).status == "paid"
    # AUD 187.00 in the bank for AUD 176.00 receivable: 11.00 realised gain (7950)
    balances = books.balances()
    assert balances["1010"] == D("187.00") and balances["7950"] == D("-11.00") and "1100" not in balances


def test_a_refund_without_a_rate_takes_the_rate_of_its_date(books):
    rate(books, "EUR", JAN_5, "1.60")
    credit = receipts.create(books.tenant_id, {"customer_id": books.customer_id, "amount": D("50.00"),
                                               "currency": "EUR", "date": JAN_5, "account_id": books.accounts["1010"]})
    made = refunds.create(books.tenant_id, {"customer_id": books.customer_id, "amount": D("50.00"),
                                            "receipt_id": credit["id"], "date": JAN_20,
                                            "account_id": books.accounts["1010"]})
    assert (made["exchange_rate"], made["exchange_rate_id"]) == ("1.60", "EUR-2026-01-05")


def test_deleting_a_rate_leaves_documents_that_took_it_and_later_ones_take_the_one_before(books):
    rate(books, "EUR", JAN_5, "1.60")
    rate(books, "EUR", JAN_20, "1.65")
    took = draft(books)
    exchange_rates.delete(books.tenant_id, "EUR-2026-01-20", None)
    assert books.table.event_types(books.tenant_id)[-1] == "exchange_rate.deleted"
    assert books.table.load(Invoice, books.tenant_id, took["id"]).exchange_rate == D("1.65")
    assert draft(books)["exchange_rate_id"] == "EUR-2026-01-05"
    with pytest.raises(NotFound):
        exchange_rates.get_exchange_rate(books.tenant_id, "EUR-2026-01-20")
