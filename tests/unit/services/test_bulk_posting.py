"""Posting many invoices several per transaction (issue 13), on the in-memory unit of work, which refuses a
transaction of more than 100 items or one that touches an item twice, as DynamoDB does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from ledgerline.domain.errors import LedgerlineError, ValidationFailed
from ledgerline.services import invoices
from ledgerline.store.documents import Invoice
from ledgerline.store.ledger import Increment, TaxTotal, merge_increments

ISSUE = date.today()


def fields(books, price="100", issue=ISSUE, **more):
    return {"customer_id": books.customer_id, "issue_date": issue,
            "lines": [{"description": "Work", "quantity": D(1), "unit_price": D(price),
                       "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}], **more}


def test_merging_adds_one_bucket_once_with_the_sum_and_keeps_the_others():
    a = Increment(TaxTotal, "T#t#TAX", "Y#2026#txc#1", {"taxable": D(10), "tax": D(1)}, {"period": "2026"})
    b = Increment(TaxTotal, "T#t#TAX", "Y#2026#txc#1", {"taxable": D(20), "tax": D(2)}, {"period": "2026"})
    c = Increment(TaxTotal, "T#t#TAX", "Y#2026#txc#2", {"taxable": D(5), "tax": D("0.5")}, {"period": "2026"})
    merged = merge_increments([a, c, b])
    assert [(m.sk, m.adds) for m in merged] == [("Y#2026#txc#1", {"taxable": D(30), "tax": D(3)}),
                                                ("Y#2026#txc#2", {"taxable": D(5), "tax": D("0.5")})]


def test_many_drafts_post_in_transactions_of_at_most_100_items_with_consecutive_numbers(books):
    drafts = invoices.create_drafts(books.tenant_id, [fields(books, str(n + 1)) for n in range(40)])
    assert all(isinstance(d, dict) for d in drafts)
    before = books.table.transactions
    posted = invoices.post_drafts(books.tenant_id, [d["id"] for d in drafts])
    transactions = books.table.transactions - before
    # 40 invoices in a handful of transactions, none over 100 items (the memory unit would refuse it)
    assert 1 < transactions <= 5
    numbers = [posted[d["id"]]["number"] for d in drafts]
    assert numbers == [f"INV-{ISSUE.year}-{n:04d}" for n in range(1, 41)]
    total = sum(D(n + 1) for n in range(40))
    assert books.balances() == {"1100": total * D("1.1"), "4000": -total, "2200": -total * D("0.1")}
    assert books.table.number(books.tenant_id, "INV", ISSUE.year) == 40
    assert books.table.event_types(books.tenant_id).count("invoice.posted") == 40


def test_drafts_are_created_two_items_each_and_a_bad_one_fails_alone(books):
    before = books.table.transactions
    many = [fields(books), fields(books, customer_id="pty_nobody"), fields(books, "250")]
    drafts = invoices.create_drafts(books.tenant_id, many)
    assert isinstance(drafts[1], ValidationFailed) and drafts[1].param == "customer_id"
    assert [d["status"] for d in (drafts[0], drafts[2])] == ["draft", "draft"]
    assert books.table.transactions - before == 1
    assert books.table.event_types(books.tenant_id).count("invoice.created") == 2


def test_an_invoice_that_may_not_post_fails_alone_and_the_others_take_the_numbers(books):
    drafts = invoices.create_drafts(books.tenant_id, [fields(books) for _ in range(3)])
    middle = drafts[1]["id"]
    invoices.post(books.tenant_id, middle)  # already posted: it may not be posted again
    posted = invoices.post_drafts(books.tenant_id, [d["id"] for d in drafts])
    assert isinstance(posted[middle], LedgerlineError)
    assert [posted[d["id"]]["number"] for d in (drafts[0], drafts[2])] == [f"INV-{ISSUE.year}-0002",
                                                                        f"INV-{ISSUE.year}-0003"]


def test_invoices_of_another_year_post_in_their_own_transaction_on_their_own_series(books):
    last_year = ISSUE.replace(year=ISSUE.year - 1, month=6, day=30)
    drafts = invoices.create_drafts(books.tenant_id, [fields(books), fields(books, issue=last_year), fields(books)])
    posted = invoices.post_drafts(books.tenant_id, [d["id"] for d in drafts])
    assert [posted[d["id"]]["number"] for d in drafts] == [f"INV-{ISSUE.year}-0001", f"INV-{ISSUE.year - 1}-0001",
                                                           f"INV-{ISSUE.year}-0002"]
    assert books.table.load(Invoice, books.tenant_id, drafts[1]["id"]).status == "awaiting_payment"
