"""What a new tenant starts with: a default chart of accounts and its country's tax codes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ledgerline.domain.accounts import AccountType


@dataclass(frozen=True)
class AccountTemplate:
    code: str
    name: str
    type: AccountType
    subtype: str


@dataclass(frozen=True)
class TaxCodeTemplate:
    code: str
    name: str
    rate: Decimal
    account_code: str


SALES_TAX_ACCOUNT = "2200"

# Codes in DEFAULT_CHART of the accounts posting rules use by default.
SYSTEM_ACCOUNT_CODES: dict[str, str] = {
    "receivable": "1100",
    "customer_credit": "2100",
    "sales": "4000",
    "rounding": "7900",
    "fx": "7950",
    "retained_earnings": "3100",
    "sales_tax": SALES_TAX_ACCOUNT,
    "vat_settlement": "2300",
    "payable": "2000",
    "input_tax": "1300",
    "supplier_prepayments": "1400",
    # Issue 19 (perpetual inventory): stock on hand, its cost when sold, and counted differences
    "inventory": "1200",
    "cost_of_goods_sold": "5000",
    "inventory_adjustment": "5100",
}

DEFAULT_CHART: tuple[AccountTemplate, ...] = (
    AccountTemplate("1000", "Cash", AccountType.ASSET, "cash"),
    AccountTemplate("1010", "Bank", AccountType.ASSET, "bank"),
    AccountTemplate("1100", "Accounts receivable", AccountType.ASSET, "receivable"),
    AccountTemplate("1200", "Inventory", AccountType.ASSET, "inventory"),
    AccountTemplate("1300", "Input tax receivable", AccountType.ASSET, "tax"),
    AccountTemplate("1400", "Supplier prepayments", AccountType.ASSET, "supplier_prepayments"),
    AccountTemplate("2000", "Accounts payable", AccountType.LIABILITY, "payable"),
    AccountTemplate("2100", "Customer credits", AccountType.LIABILITY, "customer_credit"),
    AccountTemplate(SALES_TAX_ACCOUNT, "Sales tax payable", AccountType.LIABILITY, "tax"),
    AccountTemplate("2300", "VAT settlement", AccountType.LIABILITY, "vat_settlement"),
    AccountTemplate("3000", "Owner's equity", AccountType.EQUITY, "equity"),
    AccountTemplate("3100", "Retained earnings", AccountType.EQUITY, "retained_earnings"),
    AccountTemplate("4000", "Sales", AccountType.REVENUE, "sales"),
    AccountTemplate("4100", "Services", AccountType.REVENUE, "sales"),
    AccountTemplate("4900", "Other income", AccountType.REVENUE, "other_income"),
    AccountTemplate("5000", "Cost of goods sold", AccountType.EXPENSE, "cost_of_sales"),
    AccountTemplate("5100", "Inventory adjustments", AccountType.EXPENSE, "cost_of_sales"),
    AccountTemplate("6000", "Operating expenses", AccountType.EXPENSE, "operating"),
    AccountTemplate("6900", "Bank fees", AccountType.EXPENSE, "operating"),
    AccountTemplate("7900", "Rounding differences", AccountType.EXPENSE, "rounding"),
    AccountTemplate("7950", "Exchange gains and losses", AccountType.EXPENSE, "fx"),
)


def _tax(code: str, name: str, rate: str) -> TaxCodeTemplate:
    return TaxCodeTemplate(code, name, Decimal(rate), SALES_TAX_ACCOUNT)


TAX_CODES_BY_COUNTRY: dict[str, tuple[TaxCodeTemplate, ...]] = {
    "AU": (_tax("GST10", "GST 10%", "10"), _tax("GSTFREE", "GST-free", "0")),
    "NZ": (_tax("GST15", "GST 15%", "15"), _tax("ZERO", "Zero-rated", "0")),
    "ID": (_tax("VAT11", "PPN 11%", "11"), _tax("VAT0", "PPN 0%", "0")),
    "SG": (_tax("GST9", "GST 9%", "9"), _tax("ZERO", "Zero-rated", "0")),
    "CH": (
        _tax("VAT81", "MWST 8.1%", "8.1"),
        _tax("VAT26", "MWST 2.6% reduced", "2.6"),
        _tax("VAT38", "MWST 3.8% accommodation", "3.8"),
        _tax("VAT0", "Exempt", "0"),
    ),
    "DE": (_tax("VAT19", "USt 19%", "19"), _tax("VAT7", "USt 7%", "7"), _tax("VAT0", "Exempt", "0")),
    "GB": (_tax("VAT20", "VAT 20%", "20"), _tax("VAT5", "VAT 5%", "5"), _tax("VAT0", "Zero-rated", "0")),
}

FALLBACK_TAX_CODES: tuple[TaxCodeTemplate, ...] = (_tax("TAX0", "No tax", "0"),)


def tax_codes_for(country: str) -> tuple[TaxCodeTemplate, ...]:
    return TAX_CODES_BY_COUNTRY.get(country.upper(), FALLBACK_TAX_CODES)
