"""Issue 11: closed years stay closed and close in order, control accounts are posted only by their
documents, money does not settle an invoice before its issue date, and every source type is filterable."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ledgerline.domain.journal import SourceType
from tests.integration.books import Books


def sale(books: Books, customer: str, amount: str, day: str) -> dict:
    return books.posted(customer, [{"description": "Goods", "unit_price": amount}], issue_date=day)


def retained_earnings(books: Books, as_of: str) -> D:
    rows = {row["code"]: row for row in books.get(f"/v1/reports/trial-balance?as_of={as_of}")["accounts"]}
    return D(rows["3100"]["balance"]) if "3100" in rows else D(0)


def error(response) -> dict:
    return response.json()["error"]


# -- 11.1 ----------------------------------------------------------------------------------------


def test_a_closed_year_cannot_be_reopened_through_the_lock_date(books):
    customer = books.customer()
    sale(books, customer, "1000.00", "2025-05-01")
    books.post("/v1/periods/2025/close", expect=200)
    for lock_date in (None, "2025-12-30", "2024-06-30"):
        refused = books.call("PATCH", "/v1/tenant", {"lock_date": lock_date}, expect=409)
        assert (error(refused)["code"], error(refused)["param"]) == ("period_closed", "lock_date")
    assert books.get("/v1/tenant")["lock_date"] == "2025-12-31"
    # 2025 takes no posting
    draft = books.draft(customer, issue_date="2025-12-31")
    assert error(books.call("POST", f"/v1/invoices/{draft['id']}/post", expect=409))["code"] == "period_locked"
    # Forward, and back as far as the closed year's end, are fine
    assert books.call("PATCH", "/v1/tenant", {"lock_date": "2026-03-31"}, expect=200).json()["lock_date"] == \
        "2026-03-31"
    assert books.call("PATCH", "/v1/tenant", {"lock_date": "2025-12-31"}, expect=200).json()["lock_date"] == \
        "2025-12-31"
    # Moving the fiscal year start would move the closed year's boundaries
    refused = books.call("PATCH", "/v1/tenant", {"fiscal_year_start_month": 7}, expect=409)
    assert error(refused)["param"] == "fiscal_year_start_month"
    assert books.call("PATCH", "/v1/tenant", {"fiscal_year_start_month": 1}, expect=200)


def test_without_a_closed_year_the_lock_date_can_be_cleared(books):
    books.call("PATCH", "/v1/tenant", {"lock_date": "2025-06-30"}, expect=200)
    assert books.call("PATCH", "/v1/tenant", {"lock_date": None}, expect=200).json()["lock_date"] is None


# -- 11.2 ----------------------------------------------------------------------------------------


def test_years_close_in_order_and_profit_is_counted_once(books):
    customer = books.customer()
    sale(books, customer, "1000.00", "2024-05-01")
    sale(books, customer, "300.00", "2025-05-01")
    refused = books.call("POST", "/v1/periods/2025/close", expect=409)
    assert (error(refused)["code"], error(refused)["param"]) == ("earlier_year_open", "year")
    assert "2024" in error(refused)["message"]
    assert books.get("/v1/tenant")["lock_date"] is None and retained_earnings(books, "2025-12-31") == 0

    books.post("/v1/periods/2024/close", expect=200)
    assert retained_earnings(books, "2024-12-31") == D("-1000.00")
    books.post("/v1/periods/2025/close", expect=200)
    assert retained_earnings(books, "2025-12-31") == D("-1300.00")
    # An earlier year is closed already once a later one is; nothing is posted into the locked period
    refused = books.call("POST", "/v1/periods/2024/close", expect=409)
    assert error(refused)["code"] == "period_closed"
    assert retained_earnings(books, "2025-12-31") == D("-1300.00")
    closes = books.get("/v1/journal-entries?source_type=year_end_close")["data"]
    assert sorted(entry["date"] for entry in closes) == ["2024-12-31", "2025-12-31"]


def test_a_year_after_the_lock_date_is_closed_only_once_its_end_is_unlocked(books):
    customer = books.customer()
    sale(books, customer, "1000.00", "2025-05-01")
    books.call("PATCH", "/v1/tenant", {"lock_date": "2025-12-31"}, expect=200)
    refused = books.call("POST", "/v1/periods/2025/close", expect=409)
    assert (error(refused)["code"], error(refused)["param"]) == ("period_locked", "year")
    assert books.get("/v1/journal-entries?source_type=year_end_close")["data"] == []
    books.call("PATCH", "/v1/tenant", {"lock_date": "2025-11-30"}, expect=200)
    assert books.post("/v1/periods/2025/close", expect=200)["lock_date"] == "2025-12-31"
    assert retained_earnings(books, "2025-12-31") == D("-1000.00")


def test_earlier_years_without_postings_do_not_need_closing(books):
    books.post("/v1/periods/2023/close", expect=200)
    sale(books, books.customer(), "500.00", "2025-02-01")  # nothing in 2024
    books.post("/v1/periods/2025/close", expect=200)
    assert retained_earnings(books, "2025-12-31") == D("-500.00")


# -- 11.8 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["1100", "1300", "2000", "2100", "2200"])
def test_manual_entries_do_not_post_to_control_accounts(books, code):
    response = books.call("POST", "/v1/journal-entries", {"lines": [
        {"account_id": books.accounts["1010"], "debit": "100.00"},
        {"account_id": books.accounts[code], "credit": "100.00"}]}, expect=422)
    assert error(response)["param"] == "lines.1.account_id"
    assert "control account" in error(response)["message"]
    assert books.trial_balance()["accounts"] == [] and books.get("/v1/journal-entries")["data"] == []


def test_a_control_account_stays_one_when_its_subtype_changes(books):
    books.call("PATCH", f"/v1/accounts/{books.accounts['1100']}", {"subtype": "current"}, expect=200)
    response = books.call("POST", "/v1/journal-entries", {"lines": [
        {"account_id": books.accounts["1100"], "debit": "1.00"},
        {"account_id": books.accounts["3000"], "credit": "1.00"}]}, expect=422)
    assert error(response)["param"] == "lines.0.account_id"


def test_a_new_control_account_is_refused_too(books):
    payable = books.post("/v1/accounts", {"code": "2010", "name": "Trade creditors", "type": "liability",
                                          "subtype": "payable"})
    response = books.call("POST", "/v1/journal-entries", {"lines": [
        {"account_id": books.accounts["6000"], "debit": "1.00"},
        {"account_id": payable["id"], "credit": "1.00"}]}, expect=422)
    assert error(response)["param"] == "lines.1.account_id"


def test_a_receipt_cannot_settle_an_invoice_issued_after_it(books):
    customer = books.customer()
    invoice = sale(books, customer, "100.00", "2026-01-20")
    refused = books.receipt(customer, "100.00", [(invoice["id"], "100.00")], date="2026-01-10", expect=422)
    assert refused["error"]["param"] == "allocations.0.invoice_id" and "2026-01-20" in refused["error"]["message"]
    assert books.trial_balance()["accounts"] != [] and books.balance("1010") == 0
    assert books.invoice(invoice["id"])["amount_due"] == "100.00"
    # On the issue date it is fine
    books.receipt(customer, "100.00", [(invoice["id"], "100.00")], date="2026-01-20")
    assert books.balance("1100") == 0


def test_credit_cannot_be_allocated_to_an_invoice_before_its_issue_date(books):
    customer = books.customer()
    receipt = books.receipt(customer, "500.00", date="2026-01-05")
    invoice = sale(books, customer, "100.00", "2026-01-20")
    body = {"date": "2026-01-10", "allocations": [{"invoice_id": invoice["id"], "amount": "100.00"}]}
    refused = books.call("POST", f"/v1/receipts/{receipt['id']}/allocations", body, expect=422)
    assert error(refused)["param"] == "allocations.0.invoice_id"
    assert books.invoice(invoice["id"])["amount_due"] == "100.00" and books.balance("2100") == D("-500.00")
    books.post(f"/v1/receipts/{receipt['id']}/allocations", {**body, "date": "2026-01-20"}, expect=200)
    assert books.balance("1100") == 0 and books.balance("2100") == D("-400.00")


# -- 11.10 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("source_type", [s.value for s in SourceType])
def test_every_source_type_is_filterable(books, source_type):
    response = books.call("GET", f"/v1/journal-entries?source_type={source_type}", expect=200)
    assert all(entry["source_type"] == source_type for entry in response.json()["data"])


def test_the_year_end_close_entries_are_listed_by_source_type(books):
    sale(books, books.customer(), "100.00", "2025-03-01")
    closed = books.post("/v1/periods/2025/close", expect=200)
    listed = books.get("/v1/journal-entries?source_type=year_end_close")["data"]
    assert [entry["id"] for entry in listed] == closed["entry_ids"]
    assert books.call("GET", "/v1/journal-entries?source_type=bogus", expect=422)
