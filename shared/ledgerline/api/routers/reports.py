from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from ledgerline.api.auth import require
from ledgerline.api.csv_output import CSVResponse, Format, report_csv
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.pagination import PageRequest
from ledgerline.clock import today
from ledgerline.domain.api_keys import Principal
from ledgerline.schemas.common import Day
from ledgerline.schemas.errors import NON_JSON_ROUTE_ERRORS
from ledgerline.schemas.exchange_rates import REVALUATION_EXAMPLE, RevaluationOut
from ledgerline.schemas.reports import (
    AgedPayables,
    AgedReceivables,
    BalanceSheet,
    GeneralLedger,
    ProfitAndLoss,
    TaxSummary,
    TrialBalance,
    VatReturn,
)
from ledgerline.services import reports, revaluations

router = APIRouter(prefix="/v1/reports", tags=["reports"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
READ = require("reports:read")
CSV_EXAMPLE = {"text/csv": {"schema": {"type": "string"}}}
# `format=csv` answers the same operation as CSV; each report also has its own `.csv` operation, which
# declares only text/csv, so that generated clients read it as text (issue 11.30).
FORMAT_QUERY = Query("json", description="json, or csv for a spreadsheet (the `.csv` operation answers the same)")


def respond(report: BaseModel, format: Format) -> Any:
    """The report as JSON (its typed result), or as CSV through the one CSV path every report shares."""
    return report_csv(report) if format == "csv" else report


def csv_route(path: str, operation_id: str, summary: str):  # type: ignore[no-untyped-def]
    return router.get(f"{path}.csv", response_class=CSVResponse, operation_id=operation_id, summary=summary,
                      responses={**NON_JSON_ROUTE_ERRORS,
                                 200: {"description": "The report as CSV: a header row, then one row per line"}})


# -- Reports --------------------------------------------------------------------------------------------

def _trial_balance(principal: Principal, as_of: date | None) -> TrialBalance:
    return reports.trial_balance.report(principal.tenant_id, as_of or today())


@router.get(
    "/trial-balance",
    response_model=TrialBalance,
    operation_id="trial_balance",
    summary="Debit and credit totals per account at the end of a day",
    responses={200: {"content": CSV_EXAMPLE}},
)
def trial_balance(
    as_of: Day | None = Query(None, description="Defaults to today"),
    format: Format = FORMAT_QUERY,
    principal: Principal = Depends(READ),
) -> Any:
    """Every account with a balance at the end of `as_of`: debit and credit totals and their difference,
    read from the balance buckets. The totals row checks that debits equal credits."""
    report = _trial_balance(principal, as_of)
    return respond(report, format)


@csv_route("/trial-balance", "trial_balance_csv", "The trial balance as CSV")
def trial_balance_as_csv(as_of: Day | None = Query(None, description="Defaults to today"),
                         principal: Principal = Depends(READ)) -> Response:
    """The trial balance as a CSV table: code, name, type, debit, credit, balance, and a totals row."""
    return report_csv(_trial_balance(principal, as_of))


def _profit_and_loss(principal: Principal, from_: date, to: date, compare_to: str | None,
                     periods: int | None) -> ProfitAndLoss:
    return reports.profit_and_loss.report(
        principal.tenant_id, from_, to, compare_to_previous=compare_to is not None, monthly_periods=periods
    )


COMPARE_TO = Query(None, pattern="^previous_period$",
                   description="previous_period adds a column for the period before")
PERIODS = Query(None, ge=1, le=24, description="Monthly columns ending with the month of `to`")


@router.get(
    "/profit-and-loss",
    response_model=ProfitAndLoss,
    operation_id="profit_and_loss",
    summary="Revenue and expenses for a period, optionally against the previous period or by month",
    responses={200: {"content": CSV_EXAMPLE}},
)
def profit_and_loss(
    from_: Annotated[Day, Query(alias="from")],
    to: Annotated[Day, Query()],
    compare_to: str | None = COMPARE_TO,
    periods: int | None = PERIODS,
    format: Format = FORMAT_QUERY,
    principal: Principal = Depends(READ),
) -> Any:
    """Revenue and expense accounts grouped by subtype, with one amount per column (the period, the
    previous period, or months) and the net profit. Year-end closing entries are left out, so a closed
    year still shows its profit."""
    report = _profit_and_loss(principal, from_, to, compare_to, periods)
    return respond(report, format)


@csv_route("/profit-and-loss", "profit_and_loss_csv", "Profit and loss as CSV")
def profit_and_loss_as_csv(from_: Annotated[Day, Query(alias="from")], to: Annotated[Day, Query()],
                           compare_to: str | None = COMPARE_TO, periods: int | None = PERIODS,
                           principal: Principal = Depends(READ)) -> Response:
    """Profit and loss as a CSV table: one row per account, totals per section, and the net profit."""
    return report_csv(_profit_and_loss(principal, from_, to, compare_to, periods))


@router.get(
    "/balance-sheet",
    response_model=BalanceSheet,
    operation_id="balance_sheet",
    summary="Assets, liabilities and equity at the end of a day",
    responses={200: {"content": CSV_EXAMPLE}},
)
def balance_sheet(
    as_of: Day | None = Query(None, description="Defaults to today"),
    format: Format = FORMAT_QUERY,
    principal: Principal = Depends(READ),
) -> Any:
    """Assets, liabilities and equity at the end of `as_of`, with the current year's profit shown in
    equity; total assets equal total liabilities and equity."""
    report = reports.balance_sheet.report(principal.tenant_id, as_of or today())
    return respond(report, format)


@csv_route("/balance-sheet", "balance_sheet_csv", "The balance sheet as CSV")
def balance_sheet_as_csv(as_of: Day | None = Query(None, description="Defaults to today"),
                         principal: Principal = Depends(READ)) -> Response:
    """The balance sheet as a CSV table: section, code, name, balance, and the two totals."""
    return report_csv(reports.balance_sheet.report(principal.tenant_id, as_of or today()))


@router.get(
    "/aged-receivables",
    response_model=AgedReceivables,
    operation_id="aged_receivables",
    summary="What customers owe, by days past due",
    responses={200: {"content": CSV_EXAMPLE}},
)
def aged_receivables(
    as_of: Day | None = Query(None, description="Defaults to today"),
    format: Format = FORMAT_QUERY,
    principal: Principal = Depends(READ),
) -> Any:
    """Open invoices per customer in buckets of days past due (current, 1-30, 31-60, 61-90, over 90),
    with the receivable account's balance to reconcile against."""
    report = reports.aged_receivables.report(principal.tenant_id, as_of or today())
    return respond(report, format)


@csv_route("/aged-receivables", "aged_receivables_csv", "Aged receivables as CSV")
def aged_receivables_as_csv(as_of: Day | None = Query(None, description="Defaults to today"),
                            principal: Principal = Depends(READ)) -> Response:
    """Aged receivables as a CSV table: one row per customer and a totals row."""
    return report_csv(reports.aged_receivables.report(principal.tenant_id, as_of or today()))


@router.get(
    "/aged-payables",
    response_model=AgedPayables,
    operation_id="aged_payables",
    summary="What the tenant owes its suppliers, by days past due",
    responses={200: {"content": CSV_EXAMPLE}},
)
def aged_payables(
    as_of: Day | None = Query(None, description="Defaults to today"),
    format: Format = FORMAT_QUERY,
    principal: Principal = Depends(READ),
) -> Any:
    """Posted bills with money due per supplier in buckets of days past due (current, 1-30, 31-60, 61-90,
    over 90) at the end of `as_of`, with the payable account's balance to reconcile against (issue 15)."""
    return respond(reports.aged_payables.report(principal.tenant_id, as_of or today()), format)


@csv_route("/aged-payables", "aged_payables_csv", "Aged payables as CSV")
def aged_payables_as_csv(as_of: Day | None = Query(None, description="Defaults to today"),
                         principal: Principal = Depends(READ)) -> Response:
    """Aged payables as a CSV table: one row per supplier and a totals row."""
    return report_csv(reports.aged_payables.report(principal.tenant_id, as_of or today()))


def _general_ledger(page: PageRequest, principal: Principal, account_id: str, from_: date | None,
                    to: date | None) -> GeneralLedger:
    state = page.start_key(principal.tenant_id)
    report, next_state = reports.general_ledger.report(
        principal.tenant_id, account_id, from_, to, limit=page.limit, state=state
    )
    listing = page.respond(report.lines, next_state, principal.tenant_id)
    return report.model_copy(update={"has_more": listing["has_more"], "next_cursor": listing["next_cursor"]})


@router.get(
    "/general-ledger",
    response_model=GeneralLedger,
    operation_id="general_ledger",
    summary="An account's lines with opening, running and closing balances (paginated)",
    responses={200: {"content": CSV_EXAMPLE}},
)
def general_ledger(
    request: Request,
    page: PageRequest = Depends(),
    account_id: str = Query(),
    from_: Day | None = Query(None, alias="from"),
    to: Day | None = Query(None),
    format: Format = FORMAT_QUERY,
    principal: Principal = Depends(READ),
) -> Any:
    """One account's ledger lines in date order with the opening balance, a running balance on every
    line and the closing balance; the cursor carries the running balance to the next page."""
    report = _general_ledger(page, principal, account_id, from_, to)
    return respond(report, format)


@csv_route("/general-ledger", "general_ledger_csv", "An account's general ledger as CSV (paginated)")
def general_ledger_as_csv(page: PageRequest = Depends(), account_id: str = Query(),
                          from_: Day | None = Query(None, alias="from"), to: Day | None = Query(None),
                          principal: Principal = Depends(READ)) -> Response:
    """The general ledger as a CSV table: the opening balance, then one row per line with its running
    balance. Pages like the JSON form (`limit`, `cursor`); the next cursor is not in the CSV, so ask the
    JSON form for long ledgers."""
    return report_csv(_general_ledger(page, principal, account_id, from_, to))


@router.get(
    "/tax-summary",
    response_model=TaxSummary,
    operation_id="tax_summary",
    summary="Taxable amounts and tax per tax code for a period (for a VAT/GST return)",
    responses={200: {"content": CSV_EXAMPLE}},
)
def tax_summary(
    from_: Annotated[Day, Query(alias="from")],
    to: Annotated[Day, Query()],
    format: Format = FORMAT_QUERY,
    principal: Principal = Depends(READ),
) -> Any:
    """Per tax code: taxable amounts and tax on sales and on purchases in the period, in the base
    currency, read from the tax buckets."""
    report = reports.tax_summary.report(principal.tenant_id, from_, to)
    return respond(report, format)


@csv_route("/tax-summary", "tax_summary_csv", "The tax summary as CSV")
def tax_summary_as_csv(from_: Annotated[Day, Query(alias="from")], to: Annotated[Day, Query()],
                       principal: Principal = Depends(READ)) -> Response:
    """The tax summary as a CSV table: one row per tax code."""
    return report_csv(reports.tax_summary.report(principal.tenant_id, from_, to))


@router.get(
    "/vat-return",
    response_model=VatReturn,
    operation_id="vat_return",
    summary="VAT return for a period: output and input tax per code, net payable, the country's form boxes",
    responses={200: {"content": CSV_EXAMPLE}},
)
def vat_return(
    from_: Annotated[Day, Query(alias="from")],
    to: Annotated[Day, Query()],
    format: Format = FORMAT_QUERY,
    principal: Principal = Depends(READ),
) -> Any:
    """Per tax code: output tax and its base (sales, and the self-assessed side of reverse charge) and
    input tax and its base (purchases) in the period, in the base currency; the net payable (negative:
    refundable); and the boxes of the tenant's country's standard form (AU BAS G1/1A/1B, CH MWST
    200…510, DE UStVA 81/86/66/83; none elsewhere). Read from the tax buckets, like the tax summary."""
    return respond(reports.vat_return.report(principal.tenant_id, from_, to), format)


@csv_route("/vat-return", "vat_return_csv", "The VAT return as CSV")
def vat_return_as_csv(from_: Annotated[Day, Query(alias="from")], to: Annotated[Day, Query()],
                      principal: Principal = Depends(READ)) -> Response:
    """The VAT return as a CSV table: one row per tax code, the totals, then the form's boxes."""
    return report_csv(reports.vat_return.report(principal.tenant_id, from_, to))


@router.get(
    "/revaluation",
    response_model=RevaluationOut,
    operation_id="revaluation_report",
    summary="What a period's revaluation revalued, at which rates, and by how much",
    responses={200: {"content": {"application/json": {"example": REVALUATION_EXAMPLE}}}},
)
def revaluation(period: str = Query(description="The revalued month, YYYY-MM", examples=["2026-01"]),
                principal: Principal = Depends(READ)) -> Any:
    """Each open foreign-currency item at the period's end (invoices' receivables): the amount open, what the books
    carried it at, the period-end rate, its value then and the unrealised difference; the gain, loss and net
    booked to exchange gains and losses, with the entry and its reversal. Before the period is revalued
    (`POST /v1/periods/{YYYY-MM}/revalue`): `status: not_revalued` and nothing listed."""
    return revaluations.get_revaluation(principal.tenant_id, period)
