"""Each report's pure part (issue 12.6): its typed result built from balances, and the CSV table it
declares, without DynamoDB."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from ledgerline.api.csv_output import report_csv
from ledgerline.domain.accounts import AccountType
from ledgerline.services.reports import (
    aged_receivables,
    balance_sheet,
    csv_table,
    general_ledger,
    profit_and_loss,
    tax_summary,
    trial_balance,
)
from ledgerline.services.reports.aged_receivables import Owed
from ledgerline.services.reports.common import AccountInfo, difference
from ledgerline.services.reports.tax_summary import TaxCodeInfo

BANK = AccountInfo("acc_bank", "1010", "Bank", AccountType.ASSET, "bank")
AR = AccountInfo("acc_ar", "1100", "Accounts receivable", AccountType.ASSET, "receivable")
TAX = AccountInfo("acc_tax", "2200", "Sales tax payable", AccountType.LIABILITY, "tax")
OWNER = AccountInfo("acc_owner", "3000", "Owner's equity", AccountType.EQUITY, "equity")
SALES = AccountInfo("acc_sales", "4000", "Sales", AccountType.REVENUE, "sales")
INTEREST = AccountInfo("acc_interest", "4900", "Interest", AccountType.REVENUE, None)
RENT = AccountInfo("acc_rent", "6000", "Rent", AccountType.EXPENSE, "operating")
CHART = {a.id: a for a in (BANK, AR, TAX, OWNER, SALES, INTEREST, RENT)}
ZERO = D(0)


def table_of(report) -> list[list[str]]:
    response = report_csv(report)
    return list(csv.reader(io.StringIO(response.body.decode())))


# ----------------------------------------------------------------------------------------- trial balance


def test_trial_balance_lists_accounts_by_code_with_debit_minus_credit_and_balanced_totals():
    totals = {SALES.id: (D("500"), D("3550")), BANK.id: (D("11375"), D("500")), OWNER.id: (ZERO, D("10000")),
              RENT.id: (D("500"), ZERO), AR.id: (D("3875"), D("1895")), TAX.id: (D("20"), D("325"))}
    report = trial_balance.build(date(2025, 12, 31), "AUD", CHART, totals)
    assert [row.code for row in report.accounts] == ["1010", "1100", "2200", "3000", "4000", "6000"]
    assert {row.code: row.balance for row in report.accounts} == {
        "1010": D("10875.00"), "1100": D("1980.00"), "2200": D("-305.00"), "3000": D("-10000.00"),
        "4000": D("-3050.00"), "6000": D("500.00")}
    assert report.total_debit == report.total_credit == D("16270.00")
    assert str(report.accounts[0].debit) == "11375.00"  # at the currency's minor units
    assert table_of(report)[0] == ["code", "name", "type", "debit", "credit", "balance"]
    assert table_of(report)[1] == ["1010", "Bank", "asset", "11375.00", "500.00", "10875.00"]
    assert table_of(report)[-1] == ["", "Total", "", "16270.00", "16270.00", ""]
    assert trial_balance.build(date(2024, 1, 1), "AUD", CHART, {}).accounts == []


# --------------------------------------------------------------------------------------- profit and loss


def test_profit_and_loss_shows_revenue_and_expenses_on_their_normal_side_per_column():
    columns = [(date(2026, 1, 1), date(2026, 3, 31)), (date(2025, 10, 3), date(2025, 12, 31))]
    moved = [
        {SALES.id: (ZERO, D("1000")), INTEREST.id: (ZERO, D("12.5")), RENT.id: (D("50"), ZERO),
         BANK.id: (D("1050"), D("50"))},
        {SALES.id: (D("100"), D("100")), RENT.id: (D("30"), D("10"))},
    ]
    report = profit_and_loss.build("AUD", CHART, columns, moved)
    revenue, expenses = report.sections
    assert (revenue.type, expenses.type) == ("revenue", "expense")
    # subtypes sorted, no subtype shows as "other"; an account without movement in any column is left out
    assert [(g.subtype, [a.code for a in g.accounts]) for g in revenue.subtypes] == [("other", ["4900"]),
                                                                                     ("sales", ["4000"])]
    assert revenue.totals == [D("1012.50"), D("0.00")] and expenses.totals == [D("50.00"), D("20.00")]
    assert report.net_profit == [D("962.50"), D("-20.00")]
    assert [c.from_ for c in report.columns] == [date(2026, 1, 1), date(2025, 10, 3)]
    rows = table_of(report)
    assert rows[0] == ["type", "subtype", "code", "name", "2026-01-01..2026-03-31", "2025-10-03..2025-12-31"]
    assert rows[1:4] == [["revenue", "other", "4900", "Interest", "12.50", "0.00"],
                         ["revenue", "sales", "4000", "Sales", "1000.00", "0.00"],
                         ["expense", "operating", "6000", "Rent", "50.00", "20.00"]]
    assert rows[-3:] == [["revenue", "", "", "Total revenue", "1012.50", "0.00"],
                         ["expense", "", "", "Total expense", "50.00", "20.00"],
                         ["", "", "", "Net profit", "962.50", "-20.00"]]


def test_profit_and_loss_leaves_year_end_closing_entries_out():
    moved = {SALES.id: (D("3050"), D("3050")), RENT.id: (D("500"), D("500")), OWNER.id: (D("500"), D("3050"))}
    closing = [(SALES.id, D("3050"), ZERO), (RENT.id, ZERO, D("500")), (OWNER.id, D("500"), D("3050"))]
    kept = profit_and_loss.without_closings(moved, closing)
    assert kept[SALES.id] == (ZERO, D("3050")) and kept[RENT.id] == (D("500"), ZERO)
    report = profit_and_loss.build("AUD", CHART, [(date(2025, 1, 1), date(2025, 12, 31))], [kept])
    assert report.net_profit == [D("2550.00")]


# ----------------------------------------------------------------------------------------- balance sheet


def test_balance_sheet_balances_with_earnings_not_yet_closed_in_equity():
    at_end = {BANK.id: (D("11875"), D("50")), AR.id: (D("2080"), ZERO), TAX.id: (ZERO, D("405")),
              OWNER.id: (ZERO, D("10000")), SALES.id: (ZERO, D("4050")), RENT.id: (D("550"), ZERO)}
    before = {SALES.id: (ZERO, D("3050")), RENT.id: (D("500"), ZERO), BANK.id: (D("10000"), ZERO)}
    report = balance_sheet.build(date(2026, 3, 31), "AUD", date(2026, 1, 1), CHART, at_end=at_end,
                                 this_year=difference(at_end, before), before_this_year=before)
    assert [(r.code, r.balance) for r in report.assets] == [("1010", D("11825.00")), ("1100", D("2080.00"))]
    assert [(r.code, r.balance) for r in report.liabilities] == [("2200", D("405.00"))]
    assert [(r.code, r.subtype, r.balance) for r in report.equity] == [
        ("3000", "equity", D("10000.00")), (None, "retained_earnings", D("2550.00")),
        (None, "current_year_earnings", D("950.00"))]
    assert report.total_assets == report.total_liabilities_and_equity == D("13905.00")
    assert table_of(report)[-4:] == [["equity", "", "Earnings of earlier years not yet closed", "2550.00"],
                                     ["equity", "", "Current year earnings", "950.00"],
                                     ["total", "", "Total assets", "13905.00"],
                                     ["total", "", "Total liabilities and equity", "13905.00"]]


def test_a_balance_sheet_without_earlier_profit_shows_only_this_years_earnings_and_skips_settled_accounts():
    at_end = {BANK.id: (D("100"), D("100")), OWNER.id: (ZERO, D("10"))}
    report = balance_sheet.build(date(2026, 3, 31), "AUD", date(2026, 1, 1), CHART, at_end=at_end,
                                 this_year={}, before_this_year={})
    assert report.assets == []
    assert [(r.name, r.balance) for r in report.equity] == [("Owner's equity", D("10.00")),
                                                            ("Current year earnings", D("0.00"))]


# -------------------------------------------------------------------------------------- aged receivables


def test_aged_receivables_buckets_each_invoice_by_days_past_due_per_customer():
    as_of = date(2026, 3, 31)
    owed = [Owed("par_b", "Beta", date(2025, 7, 1), D("980")), Owed("par_b", "Beta", date(2026, 3, 3), D("1100")),
            Owed("par_a", "Alpha", date(2026, 4, 30), D("10.004")), Owed("par_c", "Cee", date(2026, 1, 1), ZERO)]
    report = aged_receivables.build(as_of, "AUD", owed, receivable_balance=D("2090"))
    assert [(c.customer_name, c.invoices) for c in report.customers] == [("Alpha", 1), ("Beta", 2)]
    beta = report.customers[1]
    assert (beta.over_90, beta.days_1_30, beta.current, beta.total) == (D("980.00"), D("1100.00"), D("0.00"),
                                                                        D("2080.00"))
    assert report.totals.total == D("2090.00") == report.receivable_balance
    rows = table_of(report)
    assert rows[0] == ["customer", "current", "1_30", "31_60", "61_90", "over_90", "total"]
    assert rows[-1] == ["Total", "10.00", "1100.00", "0.00", "0.00", "980.00", "2090.00"]


# ---------------------------------------------------------------------------------------- general ledger


def test_general_ledger_carries_the_running_balance_from_the_previous_page():
    lines = [SimpleNamespace(date=date(2025, 8, 1), entry_id="je_1", source_type="invoice", source_id="inv_1",
                             description=None, debit=D("300"), credit=ZERO),
             SimpleNamespace(date=date(2025, 8, 5), entry_id="je_2", source_type="invoice_void", source_id="inv_1",
                             description="=void", debit=ZERO, credit=D("300"))]
    report, running = general_ledger.build(AR, "AUD", date(2025, 6, 1), None, opening=ZERO, running=D("1980"),
                                           lines=lines, closing=D("2080"), has_more=True)
    assert [line.running_balance for line in report.lines] == [D("2280.00"), D("1980.00")] and running == D("1980")
    assert (report.opening_balance, report.closing_balance, report.has_more, report.next_cursor) == (
        D("0.00"), D("2080.00"), True, None)
    assert report.model_dump(by_alias=True)["from"] == date(2025, 6, 1)
    rows = table_of(report)
    assert rows[1] == ["", "", "", "", "Opening balance", "", "", "0.00"]
    assert rows[2] == ["2025-08-01", "je_1", "invoice", "inv_1", "", "300.00", "0.00", "2280.00"]
    assert rows[3][4] == "'=void"  # text a spreadsheet would run is neutralised, through the one CSV path


# ------------------------------------------------------------------------------------------- tax summary


def test_tax_summary_lists_known_tax_codes_by_code():
    codes = {"tax_gst": TaxCodeInfo("GST10", "GST", D("10")), "tax_free": TaxCodeInfo("FREE", "GST free", D("0"))}
    moved = {"tax_gst": (D("3050"), D("305")), "tax_free": (D("300"), ZERO), "tax_gone": (D("1"), D("1"))}
    report = tax_summary.build(date(2025, 1, 1), date(2025, 12, 31), "AUD", codes, moved)
    assert [(r.code, r.sales_taxable, r.sales_tax) for r in report.tax_codes] == [
        ("FREE", D("300.00"), D("0.00")), ("GST10", D("3050.00"), D("305.00"))]
    assert (report.total_sales_tax, report.total_purchases_tax) == (D("305.00"), D("0.00"))
    assert table_of(report) == [
        ["code", "name", "rate", "sales_taxable", "sales_tax", "purchases_taxable", "purchases_tax"],
        ["FREE", "GST free", "0", "300.00", "0.00", "0.00", "0.00"],
        ["GST10", "GST", "10", "3050.00", "305.00", "0.00", "0.00"]]


# ---------------------------------------------------------------------------------- one CSV path for all


def test_every_report_route_answers_a_typed_result_that_declares_its_csv_table():
    from ledgerline.api.routers.reports import router

    models = {route.response_model for route in router.routes if getattr(route, "response_model", None)}
    assert {model.__name__ for model in models} == {"TrialBalance", "ProfitAndLoss", "BalanceSheet",
                                                    "AgedReceivables", "GeneralLedger", "TaxSummary",
                                                    "VatReturn", "AgedPayables", "RevaluationOut"}
    for model in models:
        assert csv_table.dispatch(model) is not csv_table.dispatch(object), model


def test_a_result_without_a_table_is_refused():
    with pytest.raises(TypeError, match="declares no CSV table"):
        csv_table({"object": "trial_balance"})
