"""Reports on a fixture ledger spanning two years, against figures computed by hand.

2025: capital 10000; invoice A 1250 + 125 GST (paid); B 2000 + 200 GST, credited 200 + 20;
      C 300 without tax, voided; rent 500.        Sales 3050, expenses 500, profit 2550.
2026: invoice D 1000 + 100 GST; 1000 received against B; bank fees 50.   Profit to March 950.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest

from tests.integration.books import Books


def build_ledger(books: Books) -> dict[str, str]:
    alpha, beta = books.customer("Alpha"), books.customer("Beta")
    gst = books.tax_codes["GST10"]

    def entry(day: str, debit: str, credit: str, amount: str) -> None:
        books.post("/v1/journal-entries", {"date": day, "lines": [
            {"account_id": books.accounts[debit], "debit": amount},
            {"account_id": books.accounts[credit], "credit": amount}]})

    entry("2025-01-02", "1010", "3000", "10000.00")
    a = books.posted(alpha, issue_date="2025-03-10")
    b = books.posted(beta, [{"description": "Project", "unit_price": "2000.00", "tax_code_id": gst}],
                     issue_date="2025-06-01")
    books.receipt(alpha, "1375.00", [(a["id"], "1375.00")], date="2025-04-01")
    books.post("/v1/credit-notes", {"invoice_id": b["id"], "amount": "200.00", "date": "2025-06-15"})
    entry("2025-07-01", "6000", "1010", "500.00")
    c = books.posted(alpha, [{"description": "Extra", "unit_price": "300.00"}], issue_date="2025-08-01")
    books.post(f"/v1/invoices/{c['id']}/void", {"date": "2025-08-05"}, expect=200)
    d = books.posted(beta, [{"description": "Support", "unit_price": "1000.00", "tax_code_id": gst}],
                     issue_date="2026-02-01")
    books.receipt(beta, "1000.00", [(b["id"], "1000.00")], date="2026-02-10")
    entry("2026-03-01", "6900", "1010", "50.00")
    return {"alpha": alpha, "beta": beta, "a": a["id"], "b": b["id"], "c": c["id"], "d": d["id"]}


@pytest.fixture(scope="module")
def ledger(api, request):
    from ledgerline.services.tenants import create_tenant

    tenant, secret = create_tenant(name="Reports Pty Ltd", base_currency="AUD", country="AU")
    books = Books(api, tenant.id, {"Authorization": f"Bearer {secret}"})
    return books, build_ledger(books)


def rows_by_code(report, key="accounts"):
    return {row["code"]: row for row in report[key]}


def test_trial_balance_at_year_end_and_later(ledger):
    books, _ = ledger
    end_2025 = books.get("/v1/reports/trial-balance?as_of=2025-12-31")
    assert end_2025["total_debit"] == end_2025["total_credit"]
    balances = {code: row["balance"] for code, row in rows_by_code(end_2025).items()}
    assert balances == {"1010": "10875.00", "1100": "1980.00", "2200": "-305.00", "3000": "-10000.00",
                        "4000": "-3050.00", "6000": "500.00"}
    march = {code: row["balance"] for code, row in rows_by_code(
        books.get("/v1/reports/trial-balance?as_of=2026-03-31")).items()}
    assert (march["1010"], march["1100"], march["2200"], march["4000"], march["6900"]) == (
        "11825.00", "2080.00", "-405.00", "-4050.00", "50.00")
    # Mid-month dates read day buckets: before the receipt of 2026-02-10, AR also holds D
    assert rows_by_code(books.get("/v1/reports/trial-balance?as_of=2026-02-09"))["1100"]["balance"] == "3080.00"
    assert books.get("/v1/reports/trial-balance?as_of=2024-12-31")["accounts"] == []


def test_profit_and_loss_by_year_with_comparison_and_months(ledger):
    books, _ = ledger
    year = books.get("/v1/reports/profit-and-loss?from=2025-01-01&to=2025-12-31")
    revenue, expenses = year["sections"]
    assert revenue["totals"] == ["3050.00"] and expenses["totals"] == ["500.00"] and year["net_profit"] == ["2550.00"]
    assert revenue["subtypes"][0]["subtype"] == "sales"
    compared = books.get("/v1/reports/profit-and-loss?from=2026-01-01&to=2026-03-31&compare_to=previous_period")
    assert compared["net_profit"] == ["950.00", "0.00"]
    assert [c["from"] for c in compared["columns"]] == ["2026-01-01", "2025-10-03"]
    monthly = books.get("/v1/reports/profit-and-loss?from=2026-01-01&to=2026-03-31&periods=3")
    assert monthly["net_profit"] == ["0.00", "1000.00", "-50.00"]
    assert books.call("GET", "/v1/reports/profit-and-loss?from=2026-03-01&to=2026-01-01", expect=400).json()[
        "error"]["param"] == "to"


def test_balance_sheet_balances_with_current_year_earnings(ledger):
    books, _ = ledger
    sheet = books.get("/v1/reports/balance-sheet?as_of=2025-12-31")
    assert (sheet["total_assets"], sheet["total_liabilities"], sheet["total_equity"]) == ("12855.00", "305.00",
                                                                                           "12550.00")
    assert sheet["total_assets"] == sheet["total_liabilities_and_equity"]
    assert {row["name"]: row["balance"] for row in sheet["equity"]}["Current year earnings"] == "2550.00"
    later = books.get("/v1/reports/balance-sheet?as_of=2026-03-31")
    equity = {row["name"]: row["balance"] for row in later["equity"]}
    assert equity["Earnings of earlier years not yet closed"] == "2550.00"
    assert equity["Current year earnings"] == "950.00"
    assert later["total_assets"] == later["total_liabilities_and_equity"] == "13905.00"


def test_aged_receivables_total_equals_the_receivable_balance(ledger):
    books, ids = ledger
    aged = books.get("/v1/reports/aged-receivables?as_of=2026-03-31")
    assert aged["totals"]["total"] == aged["receivable_balance"] == "2080.00"
    beta = aged["customers"][0]
    assert (beta["customer_name"], beta["over_90"], beta["1_30"], beta["invoices"]) == ("Beta", "980.00", "1100.00", 2)


def test_general_ledger_pages_keep_the_running_balance(ledger):
    books, _ = ledger
    receivable = books.accounts["1100"]
    path = f"/v1/reports/general-ledger?account_id={receivable}&from=2025-06-01&to=2025-12-31&limit=2"
    first = books.get(path)
    assert first["opening_balance"] == "0.00" and first["closing_balance"] == "1980.00"
    assert [line["running_balance"] for line in first["lines"]] == ["2200.00", "1980.00"]
    second = books.get(f"{path}&cursor={first['next_cursor']}")
    assert [line["running_balance"] for line in second["lines"]] == ["2280.00", "1980.00"]
    assert second["has_more"] is False
    bank = books.get(f"/v1/reports/general-ledger?account_id={books.accounts['1010']}&limit=1")
    other_account = books.call(
        "GET", f"/v1/reports/general-ledger?account_id={books.accounts['1010']}&cursor={first['next_cursor']}",
        expect=400)
    assert other_account.json()["error"]["code"] == "invalid_cursor" and bank["lines"]
    books.call("GET", "/v1/reports/general-ledger?account_id=acc_missing", expect=404)


def test_tax_summary_per_period(ledger):
    books, _ = ledger
    year = rows_by_code(books.get("/v1/reports/tax-summary?from=2025-01-01&to=2025-12-31"), "tax_codes")
    assert (year["GST10"]["sales_taxable"], year["GST10"]["sales_tax"]) == ("3050.00", "305.00")
    quarter = books.get("/v1/reports/tax-summary?from=2026-01-01&to=2026-03-31")
    assert rows_by_code(quarter, "tax_codes")["GST10"]["sales_tax"] == "100.00"
    assert quarter["total_sales_tax"] == "100.00" and quarter["total_purchases_tax"] == "0.00"


@pytest.mark.parametrize("path", ["trial-balance?as_of=2025-12-31", "profit-and-loss?from=2025-01-01&to=2025-12-31",
                                  "balance-sheet?as_of=2025-12-31", "aged-receivables?as_of=2026-03-31",
                                  "tax-summary?from=2025-01-01&to=2025-12-31"])
def test_every_report_has_a_csv_form(ledger, path):
    books, _ = ledger
    response = books.call("GET", f"/v1/reports/{path}&format=csv", expect=200)
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.text)))
    assert len(table) >= 2 and all(len(row) == len(table[0]) for row in table)


def test_reports_need_the_reports_scope_and_stay_within_the_tenant(ledger, api, make_tenant):
    books, _ = ledger
    key = books.post("/v1/api-keys", {"name": "parties only", "scopes": ["parties:read"]})["secret"]
    denied = api.get("/v1/reports/trial-balance", headers={"Authorization": f"Bearer {key}"})
    assert denied.status_code == 403
    other = make_tenant()
    assert api.get(f"/v1/reports/general-ledger?account_id={books.accounts['1100']}",
                   headers=other.headers).status_code == 404
    assert api.get("/v1/reports/trial-balance?as_of=2026-03-31", headers=other.headers).json()["accounts"] == []


def test_closing_a_year_moves_profit_to_retained_earnings_and_locks_it(api, make_tenant):
    tenant = make_tenant()
    books = Books(api, tenant.tenant_id, tenant.headers)
    build_ledger(books)
    before = rows_by_code(books.get("/v1/reports/trial-balance?as_of=2026-03-31")).get("3100")
    closed = books.post("/v1/periods/2025/close", expect=200)
    assert closed["lock_date"] == "2025-12-31" and len(closed["entry_ids"]) == 1
    retained = rows_by_code(books.get("/v1/reports/trial-balance?as_of=2025-12-31"))["3100"]["balance"]
    assert before is None and D(retained) == D("-2550.00")  # P&L net profit of 2025, now in equity
    # The closed year still reports its profit; its revenue and expense accounts read zero at year end
    assert books.get("/v1/reports/profit-and-loss?from=2025-01-01&to=2025-12-31")["net_profit"] == ["2550.00"]
    year_end = rows_by_code(books.get("/v1/reports/trial-balance?as_of=2025-12-31"))
    assert year_end["4000"]["balance"] == "0.00" and year_end["6000"]["balance"] == "0.00"
    sheet = books.get("/v1/reports/balance-sheet?as_of=2026-03-31")
    equity = {row["name"]: row["balance"] for row in sheet["equity"]}
    assert equity["Retained earnings"] == "2550.00" and equity["Current year earnings"] == "950.00"
    assert sheet["total_assets"] == sheet["total_liabilities_and_equity"]
    # Locked and closed: nothing more in 2025, no second close, no closing a year still running
    assert books.get("/v1/tenant")["lock_date"] == "2025-12-31"
    draft = books.draft(books.customer(), issue_date="2025-12-31")
    assert books.call("POST", f"/v1/invoices/{draft['id']}/post", expect=409).json()["error"]["code"] == \
        "period_locked"
    assert books.call("POST", "/v1/periods/2025/close", expect=409).json()["error"]["code"] == "period_closed"
    books.call("POST", "/v1/periods/2026/close", expect=409)
    assert "period.closed" in books.events()


def test_csv_exports_neutralise_formulas_in_names_and_descriptions_but_keep_numbers(api, make_tenant):
    # Issue 11.17: a customer or a description that starts like a formula is text in the spreadsheet.
    tenant = make_tenant()
    books = Books(api, tenant.tenant_id, tenant.headers)
    evil = books.customer('=HYPERLINK("http://evil.example","Pay here")')
    books.posted(evil, [{"description": "Work", "unit_price": "100.00"}], issue_date="2026-01-05",
                 due_date="2026-01-10")
    books.post("/v1/journal-entries", {"date": "2026-01-06", "description": "@SUM(1+1)*cmd|' /C calc'!A0", "lines": [
        {"account_id": books.accounts["6000"], "debit": "125.00"},
        {"account_id": books.accounts["1010"], "credit": "125.00"}]})

    aged = books.call("GET", "/v1/reports/aged-receivables?as_of=2026-03-31&format=csv", expect=200)
    rows = list(csv.reader(io.StringIO(aged.text)))
    assert rows[1][0] == "'" + '=HYPERLINK("http://evil.example","Pay here")'
    assert rows[1][-1] == "100.00"

    ledger = books.call("GET", f"/v1/reports/general-ledger?account_id={books.accounts['1010']}"
                               "&from=2026-01-01&to=2026-12-31&format=csv", expect=200)
    lines = list(csv.DictReader(io.StringIO(ledger.text)))
    line = next(row for row in lines if row["entry_id"])
    assert line["description"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert (line["credit"], line["running_balance"]) == ("125.00", "-125.00")


# -- Every report's CSV carries exactly its JSON figures (issue 12.6) -------------------------------------

AGEING = ["current", "1_30", "31_60", "61_90", "over_90"]
LEDGER_COLUMNS = ["date", "entry_id", "source_type", "source_id", "description", "debit", "credit",
                  "running_balance"]
TAX_COLUMNS = ["code", "name", "rate", "sales_taxable", "sales_tax", "purchases_taxable", "purchases_tax"]


def _blank(value):
    return "" if value is None else value


# Each report's table as the JSON says it: header, then rows (None shows as an empty cell)
EXPECTED_TABLES = {
    "trial-balance": lambda r: [["code", "name", "type", "debit", "credit", "balance"]]
    + [[a["code"], a["name"], a["type"], a["debit"], a["credit"], a["balance"]] for a in r["accounts"]]
    + [["", "Total", "", r["total_debit"], r["total_credit"], ""]],
    "profit-and-loss": lambda r: [["type", "subtype", "code", "name",
                                   *(f"{c['from']}..{c['to']}" for c in r["columns"])]]
    + [[s["type"], g["subtype"], a["code"], a["name"], *a["amounts"]]
       for s in r["sections"] for g in s["subtypes"] for a in g["accounts"]]
    + [[s["type"], "", "", f"Total {s['type']}", *s["totals"]] for s in r["sections"]]
    + [["", "", "", "Net profit", *r["net_profit"]]],
    "balance-sheet": lambda r: [["section", "code", "name", "balance"]]
    + [[section, _blank(a["code"]), a["name"], a["balance"]]
       for section in ("assets", "liabilities", "equity") for a in r[section]]
    + [["total", "", "Total assets", r["total_assets"]],
       ["total", "", "Total liabilities and equity", r["total_liabilities_and_equity"]]],
    "aged-receivables": lambda r: [["customer", *AGEING, "total"]]
    + [[c["customer_name"], *(c[b] for b in AGEING), c["total"]] for c in r["customers"]]
    + [["Total", *(r["totals"][b] for b in AGEING), r["totals"]["total"]]],
    "general-ledger": lambda r: [LEDGER_COLUMNS, ["", "", "", "", "Opening balance", "", "", r["opening_balance"]]]
    + [[_blank(line[c]) for c in LEDGER_COLUMNS] for line in r["lines"]],
    "tax-summary": lambda r: [TAX_COLUMNS] + [[t[c] for c in TAX_COLUMNS] for t in r["tax_codes"]],
}


@pytest.mark.parametrize("path", [
    "trial-balance?as_of=2026-03-31", "profit-and-loss?from=2026-01-01&to=2026-03-31&compare_to=previous_period",
    "profit-and-loss?from=2026-01-01&to=2026-03-31&periods=3", "balance-sheet?as_of=2026-03-31",
    "aged-receivables?as_of=2026-03-31", "general-ledger?account_id={1100}&from=2025-06-01&limit=3",
    "tax-summary?from=2025-01-01&to=2026-12-31",
])
def test_every_reports_csv_shows_exactly_its_json_figures(ledger, path):
    books, _ = ledger
    path = path.replace("{1100}", books.accounts["1100"])
    report = books.get(f"/v1/reports/{path}")
    expected = [[str(cell) for cell in row] for row in EXPECTED_TABLES[path.split("?")[0]](report)]
    assert len(expected) >= 2  # the ledger gives every report rows to compare
    name, _, query = path.partition("?")
    for csv_path in (f"/v1/reports/{path}&format=csv", f"/v1/reports/{name}.csv?{query}"):
        response = books.call("GET", csv_path, expect=200)
        assert response.headers["content-disposition"] == f'attachment; filename="{name}.csv"'
        assert list(csv.reader(io.StringIO(response.text))) == expected, csv_path
