"""The ledger is never off by a cent (issue 11, items 3, 4, 5, 7 and 9), through the API.

- aged receivables at any past date equal the receivable account at that date;
- the tax summary equals the tax accounts for foreign-currency documents;
- documents whose base amounts round to zero still post;
- foreign-currency credit used in pieces leaves nothing behind;
- a credit note's `amount` is net on every invoice.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.integration.books import Books

GST_LINE = {"description": "Work", "unit_price": "100.00"}


def _balance(books: Books, code: str, as_of: str) -> D:
    rows = books.get(f"/v1/reports/trial-balance?as_of={as_of}")["accounts"]
    return next((D(row["balance"]) for row in rows if row["code"] == code), D("0.00"))


def _aged(books: Books, as_of: str) -> dict:
    report = books.get(f"/v1/reports/aged-receivables?as_of={as_of}")
    assert report["totals"]["total"] == report["receivable_balance"], (as_of, report)
    assert D(report["receivable_balance"]) == _balance(books, "1100", as_of)
    return report


# ----------------------------------------------------------------------- 3. aged receivables as of a date


def test_aged_receivables_as_of_a_past_date_include_invoices_paid_since(books):
    customer = books.customer("Initech")
    gst = books.tax_codes["GST10"]
    invoice = books.posted(customer, [{**GST_LINE, "tax_code_id": gst}], issue_date="2025-12-01",
                           due_date="2025-12-15")
    books.receipt(customer, "110.00", [(invoice["id"], "110.00")], date="2026-01-10")
    report = _aged(books, "2025-12-31")
    assert report["totals"]["total"] == "110.00"
    (row,) = report["customers"]
    assert (row["customer_name"], row["1_30"], row["invoices"]) == ("Initech", "110.00", 1)
    assert _aged(books, "2026-01-10")["totals"]["total"] == "0.00"
    assert _aged(books, "2026-01-09")["totals"]["total"] == "110.00"
    assert _aged(books, "2025-11-30")["customers"] == []


def test_aged_receivables_follow_every_dated_settlement(books):
    """Receipts (partial), credit notes, voids and receipt reversals dated before and after the as-of date."""
    customer = books.customer("Hooli")
    gst = books.tax_codes["GST10"]
    line = [{**GST_LINE, "unit_price": "200.00", "tax_code_id": gst}]  # 220.00 each
    a = books.posted(customer, line, issue_date="2025-10-01", due_date="2025-10-31")
    b = books.posted(customer, line, issue_date="2025-11-01", due_date="2025-11-30")
    c = books.posted(customer, line, issue_date="2025-12-01", due_date="2025-12-31")
    d = books.posted(customer, line, issue_date="2025-12-10", due_date="2026-01-09")
    # a: 50 paid before the date, the rest after
    books.receipt(customer, "50.00", [(a["id"], "50.00")], date="2025-12-20")
    books.receipt(customer, "170.00", [(a["id"], "170.00")], date="2026-01-05")
    # b: credited 100 net (110) before the date, the rest paid after; then that receipt is reversed
    books.post("/v1/credit-notes", {"invoice_id": b["id"], "amount": "100.00", "date": "2025-12-05"})
    late = books.receipt(customer, "110.00", [(b["id"], "110.00")], date="2026-01-20")
    books.post(f"/v1/receipts/{late['id']}/reverse", {"date": "2026-02-01"}, expect=200)
    # c: voided after the date
    books.post(f"/v1/invoices/{c['id']}/void", {"date": "2026-01-15"}, expect=200)
    # d: a receipt held as credit, applied after the date
    credit = books.receipt(customer, "220.00", date="2025-12-28")
    books.post(f"/v1/receipts/{credit['id']}/allocations",
               {"date": "2026-01-03", "allocations": [{"invoice_id": d["id"], "amount": "220.00"}]}, expect=200)

    end = _aged(books, "2025-12-31")
    assert end["totals"]["total"] == "720.00"  # a 170, b 110, c 220, d 220
    (row,) = end["customers"]
    assert (row["current"], row["1_30"], row["31_60"], row["61_90"], row["invoices"]) == (
        "440.00", "0.00", "110.00", "170.00", 4)
    expected = {"2025-12-04": "660.00", "2025-12-05": "550.00", "2025-12-10": "770.00", "2025-12-20": "720.00",
                "2026-01-03": "500.00", "2026-01-05": "330.00", "2026-01-15": "110.00",
                "2026-01-20": "0.00", "2026-02-01": "110.00"}
    for as_of, total in expected.items():
        assert _aged(books, as_of)["totals"]["total"] == total, as_of
    # "today" still reads the open-invoice index: b is open again
    assert _aged(books, "2030-01-01")["totals"]["total"] == "110.00"


def test_aged_receivables_of_a_foreign_invoice_paid_in_pieces_at_a_past_date(books):
    customer = books.customer("Umbrella", currency="USD")
    invoice = books.posted(customer, [{"description": "Work", "unit_price": "10.00"}], issue_date="2025-12-01",
                           exchange_rate="1.3333")  # 13.33 AUD
    books.receipt(customer, "3.33", [(invoice["id"], "3.33")], date="2025-12-10", exchange_rate="1.4")
    books.receipt(customer, "6.67", [(invoice["id"], "6.67")], date="2026-01-10", exchange_rate="1.4")
    assert _aged(books, "2025-12-31")["totals"]["total"] == "8.89"
    assert _aged(books, "2026-01-10")["totals"]["total"] == "0.00"


# ---------------------------------------------------------------------- 4. tax summary = tax accounts


def test_tax_summary_equals_the_tax_account_for_foreign_documents(books):
    second = books.post("/v1/tax-codes", {"code": "GSTB", "name": "GST again", "rate": "10",
                                          "account_id": books.accounts["2200"]})["id"]
    customer = books.customer("Cyberdyne", currency="USD")
    lines = [{"description": "A", "unit_price": "0.50", "tax_code_id": books.tax_codes["GST10"]},
             {"description": "B", "unit_price": "0.50", "tax_code_id": second}]
    books.posted(customer, lines, issue_date="2026-03-02", exchange_rate="1.5")
    summary = books.get("/v1/reports/tax-summary?from=2026-03-01&to=2026-03-31")
    assert -_balance(books, "2200", "2026-03-31") == D(summary["total_sales_tax"])
    assert summary["total_sales_tax"] == "0.16"  # 0.05 USD per code, each 0.075 → 0.08 AUD
    # credit notes and voids take back exactly what was booked
    void = books.posted(customer, lines, issue_date="2026-03-03", exchange_rate="1.5")
    books.post(f"/v1/invoices/{void['id']}/void", {"date": "2026-03-04"}, expect=200)
    credited = books.posted(customer, lines, issue_date="2026-03-05", exchange_rate="1.5")
    books.post("/v1/credit-notes", {"invoice_id": credited["id"], "date": "2026-03-06", "lines": lines})
    summary = books.get("/v1/reports/tax-summary?from=2026-03-01&to=2026-03-31")
    assert -_balance(books, "2200", "2026-03-31") == D(summary["total_sales_tax"]) == D("0.16")


# ------------------------------------------------------------------------- 5. nothing to post in base


def _entry(books: Books, entry_id: str) -> dict:
    return books.get(f"/v1/journal-entries/{entry_id}")


@pytest.mark.parametrize("lines", [
    [{"description": "Free sample", "unit_price": "0.00"}],
    [{"description": "Work", "unit_price": "100.00"}, {"description": "Discount", "unit_price": "-100.00"}],
], ids=["zero", "hundred-minus-hundred"])
def test_an_invoice_with_a_zero_total_posts_as_paid(books, lines):
    customer = books.customer("Zero")
    invoice = books.posted(customer, lines)
    assert invoice["number"] and invoice["status"] == "paid" and invoice["total"] == "0.00"
    entry = _entry(books, invoice["journal_entry_id"])
    assert entry["lines"] == [] and entry["total"] == "0.00"
    books.post(f"/v1/invoices/{invoice['id']}/void", expect=409)  # paid: nothing to void
    assert _aged(books, "2030-01-01")["customers"] == []


def test_documents_whose_base_amount_rounds_to_zero_post(books):
    customer = books.customer("Tiny", currency="USD")
    invoice = books.posted(customer, [{"description": "Cent", "unit_price": "0.01"}], exchange_rate="0.4")
    assert invoice["number"] and invoice["status"] == "awaiting_payment" and invoice["amount_due"] == "0.01"
    assert _entry(books, invoice["journal_entry_id"])["lines"] == []
    # a credit note whose base amount rounds to zero, and a receipt whose base amount does
    note = books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "0.01"})
    assert note["number"] and _entry(books, note["journal_entry_id"])["lines"] == []
    assert books.invoice(invoice["id"])["status"] == "paid"
    receipt = books.receipt(customer, "0.01", exchange_rate="0.4")
    assert receipt["unallocated_amount"] == "0.01"
    books.post(f"/v1/receipts/{receipt['id']}/reverse", {}, expect=200)
    other = books.posted(customer, [{"description": "Cent", "unit_price": "0.01"}], exchange_rate="0.4")
    books.post(f"/v1/invoices/{other['id']}/void", {}, expect=200)
    paid = books.posted(customer, [{"description": "Cent", "unit_price": "0.01"}], exchange_rate="0.4")
    books.receipt(customer, "0.01", [(paid["id"], "0.01")], exchange_rate="0.4")
    assert books.invoice(paid["id"])["status"] == "paid"
    # credit worth nothing in AUD, applied later, then the receipt reversed
    held = books.receipt(customer, "0.01", exchange_rate="0.4")
    later = books.posted(customer, [{"description": "Cent", "unit_price": "0.01"}], exchange_rate="0.4")
    books.post(f"/v1/receipts/{held['id']}/allocations",
               {"allocations": [{"invoice_id": later["id"], "amount": "0.01"}]}, expect=200)
    assert books.invoice(later["id"])["status"] == "paid"
    books.post(f"/v1/receipts/{held['id']}/reverse", {}, expect=200)
    assert books.invoice(later["id"])["status"] == "awaiting_payment"
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]


def test_manual_entries_still_need_two_lines_with_amounts(books):
    response = books.call("POST", "/v1/journal-entries", {"lines": [
        {"account_id": books.accounts["1010"], "debit": "0.00"},
        {"account_id": books.accounts["3000"], "credit": "0"}]})
    assert response.status_code == 422, response.text


# ------------------------------------------------------------ 7. foreign-currency credit used in pieces


def test_foreign_credit_used_in_pieces_leaves_no_residue(books):
    customer = books.customer("Soylent", currency="USD")
    receipt = books.receipt(customer, "10.00", exchange_rate="1.5")  # 15.00 AUD of customer credit
    assert _balance(books, "2100", "2100-01-01") == D("-15.00")
    invoices = [books.posted(customer, [{"description": "Part", "unit_price": amount}], exchange_rate="1.5")
                for amount in ("3.33", "3.33", "3.34")]
    for invoice in invoices:
        books.post(f"/v1/receipts/{receipt['id']}/allocations",
                   {"allocations": [{"invoice_id": invoice["id"], "amount": invoice["total"]}]}, expect=200)
    assert _balance(books, "2100", "2100-01-01") == D("0.00")
    assert _balance(books, "1100", "2100-01-01") == D("0.00")
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]


# ------------------------------------------------------------------ 9. a credit note's amount is net


@pytest.mark.parametrize("inclusive", [False, True])
def test_credit_note_amount_is_net_on_every_invoice(books, inclusive):
    customer = books.customer("Net")
    gst = books.tax_codes["GST10"]
    price = "110.00" if inclusive else "100.00"
    invoice = books.posted(customer, [{"description": "Work", "unit_price": price, "tax_code_id": gst}],
                           prices_include_tax=inclusive)
    assert (invoice["subtotal"], invoice["total"]) == ("100.00", "110.00")
    note = books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "50.00"})
    assert (note["subtotal"], note["tax_total"], note["total"]) == ("50.00", "5.00", "55.00")
    assert books.invoice(invoice["id"])["amount_due"] == "55.00"
    full = books.post("/v1/credit-notes", {"invoice_id": invoice["id"], "amount": "50.00"})
    assert full["total"] == "55.00" and books.invoice(invoice["id"])["status"] == "paid"


def test_a_posted_invoice_keeps_an_empty_history_and_its_movements(books):
    from ledgerline.store.documents import Invoice
    from ledgerline.store.records import load

    customer = books.customer("History")
    invoice = books.posted(customer, [{"description": "Work", "unit_price": "100.00"}], issue_date="2026-01-05")
    assert load(Invoice, books.tenant_id, invoice["id"]).movements == []
    books.receipt(customer, "40.00", [(invoice["id"], "40.00")], date="2026-01-20")
    stored = load(Invoice, books.tenant_id, invoice["id"])
    assert [(m.date.isoformat(), m.amount, m.source_type) for m in stored.movements] == [
        ("2026-01-20", D("40"), "receipt")]
    assert stored.closed_on is None
