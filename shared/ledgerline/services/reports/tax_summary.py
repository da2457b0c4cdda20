"""Tax summary: per tax code, the taxable amounts and tax on sales and on purchases in a period, in the
base currency, read from the tax buckets (purchases stay zero until purchase bills exist)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledgerline.domain.errors import InvalidRequest
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


def report(tenant_id: str, start: date, end: date) -> TaxSummary:
    if end < start:
        raise InvalidRequest("'to' must not be before 'from'", param="to")
    tenant = load_tenant(tenant_id)
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for sign, day in ((-1, start - timedelta(days=1)), (1, end)):
        for bucket in tax_totals_as_of(tenant_id, day):
            totals[bucket.tax_code_id][0] += sign * (bucket.taxable or ZERO)
            totals[bucket.tax_code_id][1] += sign * (bucket.tax or ZERO)
    codes = {code.id: TaxCodeInfo(code.code, code.name, code.rate) for code in _all_tax_codes(tenant_id)}
    moved = {code_id: (taxable, tax) for code_id, (taxable, tax) in totals.items()}
    return build(start, end, tenant.base_currency, codes, moved)


def build(start: date, end: date, currency: str, codes: Mapping[str, TaxCodeInfo], moved: TaxTotals) -> TaxSummary:
    """`moved`: the taxable amount and tax each tax code moved in the period (codes unknown are left out)."""
    zero = money(currency, ZERO)
    rows = sorted(
        (
            TaxSummaryRow(tax_code_id=code_id, code=codes[code_id].code, name=codes[code_id].name,
                          rate=codes[code_id].rate, sales_taxable=money(currency, taxable),
                          sales_tax=money(currency, tax), purchases_taxable=zero, purchases_tax=zero)
            for code_id, (taxable, tax) in moved.items()
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
        "total_purchases_tax": zero,
    })


def _all_tax_codes(tenant_id: str) -> list[TaxCode]:
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
