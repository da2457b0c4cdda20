from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from ledgerline.api.auth import require
from ledgerline.api.csv_output import Format, FormatQuery, csv_response
from ledgerline.api.pagination import PageRequest
from ledgerline.clock import today
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.periods import AGEING_BUCKETS
from ledgerline.schemas.common import Day
from ledgerline.schemas.reports import (
    AgedReceivables,
    BalanceSheet,
    GeneralLedger,
    ProfitAndLoss,
    TaxSummary,
    TrialBalance,
)
from ledgerline.services import reports

router = APIRouter(prefix="/v1/reports", tags=["reports"])
READ = require("reports:read")
CSV_EXAMPLE = {"text/csv": {"schema": {"type": "string"}}}


@router.get(
    "/trial-balance",
    response_model=TrialBalance,
    operation_id="trial_balance",
    summary="Debit and credit totals per account at the end of a day",
    responses={200: {"content": CSV_EXAMPLE}},
)
def trial_balance(
    as_of: Day | None = Query(None, description="Defaults to today"),
    format: Format = FormatQuery,
    principal: Principal = Depends(READ),
) -> Any:
    report = reports.trial_balance(principal.tenant_id, as_of or today())
    if format == "csv":
        return csv_response(
            "trial-balance",
            ["code", "name", "type", "debit", "credit", "balance"],
            [[r["code"], r["name"], r["type"], r["debit"], r["credit"], r["balance"]] for r in report["accounts"]]
            + [["", "Total", "", report["total_debit"], report["total_credit"], ""]],
        )
    return report


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
    compare_to: str | None = Query(
        None, pattern="^previous_period$", description="previous_period adds a column for the period before"
    ),
    periods: int | None = Query(None, ge=1, le=24, description="Monthly columns ending with the month of `to`"),
    format: Format = FormatQuery,
    principal: Principal = Depends(READ),
) -> Any:
    report = reports.profit_and_loss(
        principal.tenant_id, from_, to, compare_to_previous=compare_to is not None, monthly_periods=periods
    )
    if format == "csv":
        labels = [f"{c['from']}..{c['to']}" for c in report["columns"]]
        rows = [
            [s["type"], g["subtype"], a["code"], a["name"], *a["amounts"]]
            for s in report["sections"]
            for g in s["subtypes"]
            for a in g["accounts"]
        ]
        rows += [[s["type"], "", "", f"Total {s['type']}", *s["totals"]] for s in report["sections"]]
        rows.append(["", "", "", "Net profit", *report["net_profit"]])
        return csv_response("profit-and-loss", ["type", "subtype", "code", "name", *labels], rows)
    return report


@router.get(
    "/balance-sheet",
    response_model=BalanceSheet,
    operation_id="balance_sheet",
    summary="Assets, liabilities and equity at the end of a day",
    responses={200: {"content": CSV_EXAMPLE}},
)
def balance_sheet(
    as_of: Day | None = Query(None, description="Defaults to today"),
    format: Format = FormatQuery,
    principal: Principal = Depends(READ),
) -> Any:
    report = reports.balance_sheet(principal.tenant_id, as_of or today())
    if format == "csv":
        rows = [
            [section, r["code"], r["name"], r["balance"]]
            for section in ("assets", "liabilities", "equity")
            for r in report[section]
        ]
        rows += [
            ["total", "", "Total assets", report["total_assets"]],
            ["total", "", "Total liabilities and equity", report["total_liabilities_and_equity"]],
        ]
        return csv_response("balance-sheet", ["section", "code", "name", "balance"], rows)
    return report


@router.get(
    "/aged-receivables",
    response_model=AgedReceivables,
    operation_id="aged_receivables",
    summary="What customers owe, by days past due",
    responses={200: {"content": CSV_EXAMPLE}},
)
def aged_receivables(
    as_of: Day | None = Query(None, description="Defaults to today"),
    format: Format = FormatQuery,
    principal: Principal = Depends(READ),
) -> Any:
    report = reports.aged_receivables(principal.tenant_id, as_of or today())
    if format == "csv":
        buckets = [name for name, _, _ in AGEING_BUCKETS]
        rows = [[r["customer_name"], *(r[b] for b in buckets), r["total"]] for r in report["customers"]]
        rows.append(["Total", *(report["totals"][b] for b in buckets), report["totals"]["total"]])
        return csv_response("aged-receivables", ["customer", *buckets, "total"], rows)
    return report


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
    format: Format = FormatQuery,
    principal: Principal = Depends(READ),
) -> Any:
    state = page.start_key(principal.tenant_id)
    report, next_state = reports.general_ledger(
        principal.tenant_id, account_id, from_, to, limit=page.limit, state=state
    )
    listing = page.respond(report["lines"], next_state, principal.tenant_id)
    report |= {"has_more": listing["has_more"], "next_cursor": listing["next_cursor"]}
    if format == "csv":
        columns = ["date", "entry_id", "source_type", "source_id", "description", "debit", "credit", "running_balance"]
        rows = [["", "", "", "", "Opening balance", "", "", report["opening_balance"]]]
        rows += [[line[c] for c in columns] for line in report["lines"]]
        return csv_response("general-ledger", columns, rows)
    return report


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
    format: Format = FormatQuery,
    principal: Principal = Depends(READ),
) -> Any:
    report = reports.tax_summary(principal.tenant_id, from_, to)
    if format == "csv":
        columns = ["code", "name", "rate", "sales_taxable", "sales_tax", "purchases_taxable", "purchases_tax"]
        return csv_response("tax-summary", columns, [[r[c] for c in columns] for r in report["tax_codes"]])
    return report
