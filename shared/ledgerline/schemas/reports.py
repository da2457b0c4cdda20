"""Report representations. Amounts are decimal strings in the tenant's base currency."""

from __future__ import annotations

from datetime import date as Date
from typing import Literal

from pydantic import BaseModel, Field

from ledgerline.schemas.common import DecimalOut


class TrialBalanceRow(BaseModel):
    account_id: str
    code: str
    name: str
    type: str
    debit: DecimalOut
    credit: DecimalOut
    balance: DecimalOut = Field(description="Debit minus credit")


class TrialBalance(BaseModel):
    object: Literal["trial_balance"]
    as_of: Date
    currency: str
    accounts: list[TrialBalanceRow]
    total_debit: DecimalOut
    total_credit: DecimalOut


class Column(BaseModel):
    from_: Date = Field(alias="from")
    to: Date


class ProfitAndLossRow(BaseModel):
    account_id: str
    code: str
    name: str
    amounts: list[DecimalOut] = Field(description="One amount per column")


class ProfitAndLossGroup(BaseModel):
    subtype: str
    accounts: list[ProfitAndLossRow]
    totals: list[DecimalOut]


class ProfitAndLossSection(BaseModel):
    type: Literal["revenue", "expense"]
    subtypes: list[ProfitAndLossGroup]
    totals: list[DecimalOut]


class ProfitAndLoss(BaseModel):
    object: Literal["profit_and_loss"]
    currency: str
    columns: list[Column]
    sections: list[ProfitAndLossSection]
    net_profit: list[DecimalOut]


class BalanceSheetRow(BaseModel):
    account_id: str | None
    code: str | None
    name: str
    subtype: str | None
    balance: DecimalOut


class BalanceSheet(BaseModel):
    object: Literal["balance_sheet"]
    as_of: Date
    currency: str
    fiscal_year_start: Date
    assets: list[BalanceSheetRow]
    liabilities: list[BalanceSheetRow]
    equity: list[BalanceSheetRow]
    total_assets: DecimalOut
    total_liabilities: DecimalOut
    total_equity: DecimalOut
    total_liabilities_and_equity: DecimalOut


class AgeingRow(BaseModel):
    current: DecimalOut
    days_1_30: DecimalOut = Field(alias="1_30")
    days_31_60: DecimalOut = Field(alias="31_60")
    days_61_90: DecimalOut = Field(alias="61_90")
    over_90: DecimalOut
    total: DecimalOut


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
    receivable_balance: DecimalOut = Field(description="The receivable account's balance, for reconciliation")


class AgedSupplier(AgeingRow):
    supplier_id: str
    supplier_name: str
    bills: int


class AgedPayables(BaseModel):
    """Issue 15: what the tenant owes its suppliers, the mirror of aged receivables."""

    object: Literal["aged_payables"]
    as_of: Date
    currency: str
    suppliers: list[AgedSupplier]
    totals: AgeingRow
    payable_balance: DecimalOut = Field(description="The payable account's balance (credit), for reconciliation")


class GeneralLedgerLine(BaseModel):
    date: Date
    entry_id: str
    source_type: str
    source_id: str | None
    description: str | None
    debit: DecimalOut
    credit: DecimalOut
    running_balance: DecimalOut


class GeneralLedger(BaseModel):
    object: Literal["general_ledger"]
    account_id: str
    code: str
    name: str
    currency: str
    from_: Date | None = Field(alias="from")
    to: Date | None
    opening_balance: DecimalOut
    lines: list[GeneralLedgerLine]
    closing_balance: DecimalOut
    has_more: bool
    next_cursor: str | None


class TaxSummaryRow(BaseModel):
    tax_code_id: str
    code: str
    name: str
    rate: DecimalOut
    sales_taxable: DecimalOut
    sales_tax: DecimalOut
    purchases_taxable: DecimalOut
    purchases_tax: DecimalOut


class TaxSummary(BaseModel):
    object: Literal["tax_summary"]
    from_: Date = Field(alias="from")
    to: Date
    currency: str
    tax_codes: list[TaxSummaryRow]
    total_sales_tax: DecimalOut
    total_purchases_tax: DecimalOut


class FiscalYearClose(BaseModel):
    object: Literal["fiscal_year_close"]
    year: int
    start: Date
    end: Date
    entry_ids: list[str]
    lock_date: Date


class VatReturnRow(BaseModel):
    tax_code_id: str
    code: str
    name: str
    rate: DecimalOut
    category: str | None = Field(None, description="EN 16931 VAT category of the code (AE: reverse charge)")
    output_base: DecimalOut = Field(description="Taxable amount of output tax (sales; self-assessed reverse charge)")
    output_tax: DecimalOut
    input_base: DecimalOut = Field(description="Taxable amount of input tax (purchases)")
    input_tax: DecimalOut


class VatReturnBox(BaseModel):
    box: str = Field(description="The box of the country's form (`303.tax`: the tax column of box 303)")
    label: str
    amount: DecimalOut


class VatReturn(BaseModel):
    object: Literal["vat_return"]
    from_: Date = Field(alias="from")
    to: Date
    currency: str
    country: str
    form: str | None = Field(description="The country's standard form (AU BAS, CH MWST, DE UStVA), or null")
    tax_codes: list[VatReturnRow]
    output_tax: DecimalOut
    input_tax: DecimalOut
    net_payable: DecimalOut = Field(description="Output tax minus input tax; negative: refundable")
    boxes: list[VatReturnBox]
