"""Revaluation against DynamoDB Local (issue 16, part X): a month's open foreign invoices at its last day's
rates, one entry and its reversal in one transaction, the report, realised FX on settlement afterwards, and the
API's refusals (twice 409, no rate 422, not a month 422, another tenant sees none of it, scope 403)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from ledgerline.store.unit_of_work import open_unit
from tests.integration.books import Books

LINES = [{"description": "Export", "unit_price": "100.00"}]


def test_revaluing_a_month_posts_at_its_end_reverses_on_the_next_day_and_settlement_still_realises(books):
    for day, value in (("2026-01-05", "1.60"), ("2026-01-31", "1.70"), ("2026-02-10", "1.80")):
        books.post("/v1/exchange-rates", {"date": day, "currency": "EUR", "rate": value})
    customer = books.customer()
    invoice = books.posted(customer, LINES, currency="EUR", issue_date="2026-01-10")  # EUR 100.00, AUD 160.00
    books.posted(customer, LINES, issue_date="2026-01-10")  # AUD: not revalued
    books.posted(customer, LINES, currency="EUR", issue_date="2026-02-03")  # after the month: not revalued
    done = books.post("/v1/periods/2026-01/revalue", **{"Idempotency-Key": "reval-jan"})
    assert (done["object"], done["as_of"], done["reversal_date"], D(done["net"])) == (
        "revaluation", "2026-01-31", "2026-02-01", D("10.00"))
    assert [(i["id"], D(i["difference"])) for i in done["items"]] == [(invoice["id"], D("10.00"))]
    replay = books.call("POST", "/v1/periods/2026-01/revalue", expect=201, **{"Idempotency-Key": "reval-jan"})
    assert replay.headers.get("idempotent-replayed") == "true"
    assert books.call("POST", "/v1/periods/2026-01/revalue", expect=409).json()["error"]["param"] == "period"
    entry = books.get(f"/v1/journal-entries/{done['journal_entry_id']}")
    reversal = books.get(f"/v1/journal-entries/{done['reversal_journal_entry_id']}")
    assert (entry["date"], entry["source_type"], reversal["date"], reversal["source_type"]) == (
        "2026-01-31", "revaluation", "2026-02-01", "revaluation_reversal")
    # at the month's end the receivable is worth its period-end value; from February 1st it is carried again
    at_end = {r["code"]: r for r in books.get("/v1/reports/trial-balance?as_of=2026-01-31")["accounts"]}
    assert D(at_end["1100"]["balance"]) == D("100.00") + D("170.00")
    assert D(at_end["7950"]["balance"]) == D("-10.00")
    assert books.get("/v1/reports/revaluation?period=2026-01") == done
    assert [e["source_type"] for e in books.get("/v1/journal-entries?source_type=revaluation")["data"]] == [
        "revaluation"]
    # paid on 10 February at 1.80: AUD 180.00 for 160.00 carried, a realised gain of 20.00; the unrealised 10.00
    # came and went
    books.receipt(customer, "100.00", [(invoice["id"], "100.00")], currency="EUR", date="2026-02-10")
    assert books.invoice(invoice["id"])["status"] == "paid"
    assert books.balance("7950") == D("-20.00")
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]
    assert {"revaluation.posted", "journal_entry.posted"} <= set(books.events())


def test_the_api_refuses_a_missing_rate_a_bad_period_other_tenants_and_missing_scopes(api, make_tenant):
    tenant = make_tenant()
    books = Books(api, tenant.tenant_id, tenant.headers)
    customer = books.customer()
    books.posted(customer, LINES, currency="USD", exchange_rate="1.50", issue_date="2026-03-03")
    missing = books.call("POST", "/v1/periods/2026-03/revalue", expect=422).json()["error"]
    assert missing["param"] == "period" and "USD" in missing["message"] and "2026-03-31" in missing["message"]
    assert books.get("/v1/reports/revaluation?period=2026-03")["status"] == "not_revalued"
    assert books.get("/v1/journal-entries?source_type=revaluation")["data"] == []
    for bad in ("2026-13", "2026-3", "march"):
        assert books.call("POST", f"/v1/periods/{bad}/revalue", expect=422).json()["error"]["param"] == "period"
    books.call("GET", "/v1/reports/revaluation?period=2026-3", expect=422)
    books.call("GET", "/v1/reports/revaluation", expect=422)
    books.call("GET", "/v1/reports/revaluation?period=2026-03&as_of=2026-03-31", expect=400)
    books.post("/v1/exchange-rates", {"date": "2026-03-31", "currency": "USD", "rate": "1.40"})
    done = books.post("/v1/periods/2026-03/revalue")
    assert D(done["loss"]) == D("10.00") and D(done["net"]) == D("-10.00")
    other = make_tenant()
    assert api.get("/v1/reports/revaluation?period=2026-03", headers=other.headers).json()["items"] == []
    key = books.post("/v1/api-keys", {"name": "reports", "scopes": ["reports:read"]})["secret"]
    reader = {"Authorization": f"Bearer {key}"}
    assert api.get("/v1/reports/revaluation?period=2026-03", headers=reader).status_code == 200
    assert api.post("/v1/periods/2026-04/revalue", headers=reader).status_code == 403


def test_a_foreign_bill_takes_its_days_rate_and_its_payable_is_revalued(books):
    from tests.integration.test_bills import bill_body, supplier

    books.post("/v1/exchange-rates", {"date": "2026-04-01", "currency": "USD", "rate": "1.50"})
    books.post("/v1/exchange-rates", {"date": "2026-04-30", "currency": "USD", "rate": "1.60"})
    draft = books.post("/v1/bills", bill_body(books, supplier(books), currency="USD", bill_date="2026-04-10"))
    assert (D(draft["exchange_rate"]), draft["exchange_rate_id"]) == (D("1.50"), "USD-2026-04-01")
    bill = books.post(f"/v1/bills/{draft['id']}/post", expect=200)
    total = D(bill["total"])
    done = books.post("/v1/periods/2026-04/revalue")
    (item,) = done["items"]
    # a liability worth more at the month's end: a loss of total × 0.10
    assert (item["kind"], item["id"], D(item["amount"])) == ("payable", bill["id"], -total)
    assert D(done["loss"]) == (total * D("0.10")).quantize(D("0.01")) and D(done["gain"]) == 0
    at_end = {r["code"]: r for r in books.get("/v1/reports/trial-balance?as_of=2026-04-30")["accounts"]}
    assert D(at_end["7950"]["balance"]) == D(done["loss"])
    after = {r["code"]: r for r in books.get("/v1/reports/trial-balance?as_of=2026-05-01")["accounts"]}
    assert "7950" not in after or D(after["7950"]["balance"]) == 0


def test_a_foreign_bank_balance_is_kept_in_its_currency_and_revalued_with_the_others(books):
    """Part V: the EUR bank account's balance in EUR is kept by posting (opening balance, a receipt into it) and
    revalued at the month's end rate; a manual entry to it, or a base-currency ledger account for it, is refused."""
    for day, value in (("2026-01-02", "1.60"), ("2026-01-20", "1.65"), ("2026-01-31", "1.70")):
        books.post("/v1/exchange-rates", {"date": day, "currency": "EUR", "rate": value})
    bank = books.post("/v1/bank-accounts", {"name": "Euro account", "currency": "EUR", "opening_balance": "1000.00",
                                            "opening_date": "2026-01-02",
                                            "opening_exchange_rate": "1.60"})  # AUD 1,600.00
    customer = books.customer()
    invoice = books.posted(customer, LINES, currency="EUR", issue_date="2026-01-10")  # EUR 100.00 at 1.60
    books.receipt(customer, "100.00", [(invoice["id"], "100.00")], currency="EUR", date="2026-01-20",
                  account_id=bank["account_id"])  # EUR 100.00 at 1.65: AUD 165.00 into the bank
    assert books.invoice(invoice["id"])["status"] == "paid"
    assert open_unit(books.tenant_id).foreign_balances_as_of(date(2026, 1, 31)) == {
        bank["account_id"]: ("EUR", D("1100.00"), D("1765.00"))}
    done = books.post("/v1/periods/2026-01/revalue")
    (item,) = done["items"]
    assert (item["kind"], item["id"], item["label"], item["currency"], D(item["amount"]), D(item["carried_base"]),
            D(item["revalued_base"]), D(item["difference"])) == (
        "bank", bank["id"], "Bank account Euro account", "EUR", D("1100.00"), D("1765.00"), D("1870.00"),
        D("105.00"))
    assert D(done["gain"]) == D("105.00")
    at_end = {r["account_id"]: r for r in books.get("/v1/reports/trial-balance?as_of=2026-01-31")["accounts"]}
    assert D(at_end[bank["account_id"]]["balance"]) == D("1870.00")
    after = {r["account_id"]: r for r in books.get("/v1/reports/trial-balance?as_of=2026-02-01")["accounts"]}
    assert D(after[bank["account_id"]]["balance"]) == D("1765.00")
    # the revaluation moved the base balance only: the EUR balance is what the bank holds
    kept = open_unit(books.tenant_id).foreign_balances_as_of(date(2026, 2, 1))[bank["account_id"]]
    assert kept[:2] == ("EUR", D("1100.00"))
    manual = books.call("POST", "/v1/journal-entries", {"date": "2026-02-03", "lines": [
        {"account_id": bank["account_id"], "debit": "10.00"}, {"account_id": books.accounts["3000"], "credit": "10.00"}
    ]}, expect=422).json()["error"]
    assert manual["param"] == "lines.0.account_id" and "EUR" in manual["message"]
    # the reconciliation compares the bank's EUR balance (its opening balance, no statement yet) with the
    # ledger's in EUR: the receipt is in the books and not yet at the bank
    report = books.get(f"/v1/bank-accounts/{bank['id']}/reconciliation?as_of=2026-01-31")
    assert (D(report["ledger_balance"]), D(report["ledger_balance_in_currency"]), D(report["bank_balance"]),
            D(report["difference"]), D(report["unexplained"])) == (
        D("1870.00"), D("1100.00"), D("1000.00"), D("-100.00"), D("-100.00"))
    # money in or out of it is in EUR: a receipt in AUD into it is refused (its EUR balance would not move)
    refused = books.call("POST", "/v1/receipts", {
        "customer_id": customer, "amount": "10.00", "currency": "AUD", "date": "2026-02-03",
        "account_id": bank["account_id"], "allocations": []}, expect=422).json()
    assert refused["error"]["param"] == "account_id" and "EUR" in refused["error"]["message"]
    shared = books.call("POST", "/v1/bank-accounts", {"name": "Also euro", "currency": "EUR",
                                                      "account_id": books.accounts["1010"]}, expect=422).json()
    assert shared["error"]["param"] == "account_id"
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]
