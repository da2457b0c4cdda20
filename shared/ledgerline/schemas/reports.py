"""Report representations. Amounts are decimal strings in the tenant's base currency."""

from __future__ import annotations

from datetime import date as Date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field


class TrialBalanceRow(BaseModel):
    account_id: str
    code: str
    name: str
    type: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = Field(description="Debit minus credit")


class TrialBalance(BaseModel):
    object: Literal["trial_balance"]
    as_of: Date
    currency: str
    accounts: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal


class Column(BaseModel):
    from_: Date = Field(alias="from")
    to: Date


class ProfitAndLossRow(BaseModel):
    account_id: str
    code: str
    name: str
    amounts: list[Decimal] = Field(description="One amount per column")


class ProfitAndLossGroup(BaseModel):
    subtype: str
    accounts: list[ProfitAndLossRow]
    totals: list[Decimal]


class ProfitAndLossSection(BaseModel):
    type: Literal["revenue", "expense"]
    subtypes: list[ProfitAndLossGroup]
    totals: list[Decimal]


class ProfitAndLoss(BaseModel):
    object: Literal["profit_and_loss"]
    currency: str
    columns: list[Column]
    sections: list[ProfitAndLossSection]
    net_profit: list[Decimal]


class BalanceSheetRow(BaseModel):
    account_id: str | None
    code: str | None
    name: str
    subtype: str | None
    balance: Decimal


class BalanceSheet(BaseModel):
    object: Literal["balance_sheet"]
    as_of: Date
    currency: str
    fiscal_year_start: Date
    assets: list[BalanceSheetRow]
    liabilities: list[BalanceSheetRow]
    equity: list[BalanceSheetRow]
    total_assets: Decimal
    total_liabilities: Decimal
    total_equity: Decimal
    total_liabilities_and_equity: Decimal


class AgeingRow(BaseModel):
    current: Decimal
    days_1_30: Decimal = Field(alias="1_30")
    days_31_60: Decimal = Field(alias="31_60")
    days_61_90: Decimal = Field(alias="61_90")
    over_90: Decimal
    total: Decimal


class AgedCustomer(AgeingRow):
    customer_id: str
    customer_name: str
    invoices: int


class AgedReceivables(BaseModel):
    object: Literal["aged_receivables"]
    as_of: Date
    currency: str
    customers: list[AgedCustomer]
    totals: AgeingRow
    receivable_balance: Decimal = Field(description="The receivable account's balance, for reconciliation")


class GeneralLedgerLine(BaseModel):
    date: Date
    entry_id: str
    source_type: str
    source_id: str | None
    description: str | None
    debit: Decimal
    credit: Decimal
    running_balance: Decimal


class GeneralLedger(BaseModel):
    object: Literal["general_ledger"]
    account_id: str
    code: str
    name: str
    currency: str
    from_: Date | None = Field(alias="from")
    to: Date | None
    opening_balance: Decimal
    lines: list[GeneralLedgerLine]
    closing_balance: Decimal
    has_more: bool
    next_cursor: str | None


class TaxSummaryRow(BaseModel):
    tax_code_id: str
    code: str
    name: str
    rate: Decimal
    sales_taxable: Decimal
    sales_tax: Decimal
    purchases_taxable: Decimal
    purchases_tax: Decimal


class TaxSummary(BaseModel):
    object: Literal["tax_summary"]
    from_: Date = Field(alias="from")
    to: Date
    currency: str
    tax_codes: list[TaxSummaryRow]
    total_sales_tax: Decimal
    total_purchases_tax: Decimal


class FiscalYearClose(BaseModel):
    object: Literal["fiscal_year_close"]
    year: int
    start: Date
    end: Date
    entry_ids: list[str]
    lock_date: Date
