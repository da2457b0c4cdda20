"""Tax summary: per tax code, the taxable amounts and tax on sales (output tax buckets) and on purchases
(input tax buckets) in a period, in the base currency, read from the tax buckets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledgerline.domain.errors import InvalidRequest
from ledgerline.domain.posting import INPUT, OUTPUT
from ledgerline.schemas.reports import TaxSummary, TaxSummaryRow
from ledgerline.services.reports.common import ZERO, money, total
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.store.ledger import tax_totals_as_of
from ledgerline.store.tax_codes import TaxCode, list_tax_codes
from ledgerline.store.tenants import load_tenant

COLUMNS = ["code", "name", "rate", "sales_taxable", "sales_tax", "purchases_taxable", "purchases_tax"]
TaxTotals = dict[str, tuple[Decimal, Decimal]]  # tax code id -> (taxable, tax)


@dataclass(frozen=True)
class TaxCodeInfo:
    """What the report shows of a tax code."""

    code: str
    name: str
    rate: Decimal
    category: str | None = None  # EN 16931 VAT category (the VAT return's reverse charge), when the code has one


def report(tenant_id: str, start: date, end: date) -> TaxSummary:
    if end < start:
        raise InvalidRequest("'to' must not be before 'from'", param="to")
    tenant = load_tenant(tenant_id)
    sales, purchases = moved_tax(tenant_id, start, end)
    codes = {code.id: TaxCodeInfo(code.code, code.name, code.rate) for code in all_tax_codes(tenant_id)}
    return build(start, end, tenant.base_currency, codes, sales, purchases)


def moved_tax(tenant_id: str, start: date, end: date) -> tuple[TaxTotals, TaxTotals]:
    """What each tax code moved between `start` and `end` (both included), output and input apart: the
    buckets at the end minus those the day before the start (six queries)."""
    output, input_, _ = moved_tax_with_investments(tenant_id, start, end)
    return output, input_


def moved_tax_with_investments(tenant_id: str, start: date, end: date) -> tuple[TaxTotals, TaxTotals, TaxTotals]:
    """`moved_tax`, and the part of the input tax on investments (fixed-asset lines; CH form box 405) by
    itself as well, from the same six queries."""
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    investments: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for sign, day in ((-1, start - timedelta(days=1)), (1, end)):
        for bucket in tax_totals_as_of(tenant_id, day):
            for slot in (totals[(bucket.tax_code_id, bucket.tax_direction)],
                         *([investments[bucket.tax_code_id]] if bucket.investment else [])):
                slot[0] += sign * (bucket.taxable or ZERO)
                slot[1] += sign * (bucket.tax or ZERO)
    by_direction: dict[str, TaxTotals] = {OUTPUT: {}, INPUT: {}}
    for (code_id, direction), (taxable, tax) in totals.items():
        by_direction[direction][code_id] = (taxable, tax)
    invested = {code_id: (taxable, tax) for code_id, (taxable, tax) in investments.items()}
    return by_direction[OUTPUT], by_direction[INPUT], invested


def build(start: date, end: date, currency: str, codes: Mapping[str, TaxCodeInfo], moved: TaxTotals,
          purchases: TaxTotals | None = None) -> TaxSummary:
    """`moved`: the taxable amount and output tax each tax code moved in the period (sales), `purchases`
    the same of input tax (codes unknown are left out)."""
    purchases = purchases or {}
    nothing = (ZERO, ZERO)
    rows = sorted(
        (
            TaxSummaryRow(tax_code_id=code_id, code=codes[code_id].code, name=codes[code_id].name,
                          rate=codes[code_id].rate,
                          sales_taxable=money(currency, moved.get(code_id, nothing)[0]),
                          sales_tax=money(currency, moved.get(code_id, nothing)[1]),
                          purchases_taxable=money(currency, purchases.get(code_id, nothing)[0]),
                          purchases_tax=money(currency, purchases.get(code_id, nothing)[1]))
            for code_id in {**moved, **purchases}
            if code_id in codes
        ),
        key=lambda row: row.code,
    )
    return TaxSummary.model_validate({
        "object": "tax_summary",
        "from": start,
        "to": end,
        "currency": currency,
        "tax_codes": rows,
        "total_sales_tax": total(currency, (r.sales_tax for r in rows)),
        "total_purchases_tax": total(currency, (r.purchases_tax for r in rows)),
    })


def all_tax_codes(tenant_id: str) -> list[TaxCode]:
    codes: list[TaxCode] = []
    for archived in (False, True):
        start_key = None
        while True:
            page = list_tax_codes(tenant_id, active=None, archived=archived, limit=100, start_key=start_key)
            codes += page.items
            if page.next_key is None:
                break
            start_key = page.next_key
    return codes


@csv_table.register
def table(report: TaxSummary) -> Table:
    """One row per tax code."""
    return Table("tax-summary", COLUMNS, [[getattr(r, c) for c in COLUMNS] for r in report.tax_codes])
