"""VAT return: per tax code, output tax and its base and input tax and its base in a period, the net
payable or refundable, and the boxes of the tenant's country's form (`domain/vat_return.py`), read from
the tax buckets (the same six queries as the tax summary)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ledgerline.domain import vat_return
from ledgerline.domain.errors import InvalidRequest
from ledgerline.domain.vat_return import CodeTotals
from ledgerline.schemas.reports import VatReturn, VatReturnBox, VatReturnRow
from ledgerline.services.reports.common import ZERO, money
from ledgerline.services.reports.table import Table, csv_table
from ledgerline.services.reports.tax_summary import (
    TaxCodeInfo,
    TaxTotals,
    all_tax_codes,
    moved_tax_with_investments,
)
from ledgerline.store.tenants import load_tenant

COLUMNS = ["section", "code", "name", "rate", "output_base", "output_tax", "input_base", "input_tax", "amount"]


def report(tenant_id: str, start: date, end: date) -> VatReturn:
    if end < start:
        raise InvalidRequest("'to' must not be before 'from'", param="to")
    tenant = load_tenant(tenant_id)
    output, input_, investments = moved_tax_with_investments(tenant_id, start, end)
    codes = {code.id: TaxCodeInfo(code.code, code.name, code.rate, getattr(code, "category", None))
             for code in all_tax_codes(tenant_id)}
    return build(start, end, tenant.base_currency, tenant.country, codes, output, input_, investments)


def build(start: date, end: date, currency: str, country: str, codes: Mapping[str, TaxCodeInfo],
          output: TaxTotals, input_: TaxTotals, investments: TaxTotals | None = None) -> VatReturn:
    """`output`/`input_`: the taxable amount and tax each code moved in the period, per direction;
    `investments`: the part of `input_` on investments (fixed-asset lines)."""
    nothing = (ZERO, ZERO)
    totals = sorted(
        (CodeTotals(code_id, codes[code_id].code, codes[code_id].rate,
                    *(money(currency, a) for a in output.get(code_id, nothing)),
                    *(money(currency, a) for a in input_.get(code_id, nothing)),
                    category=codes[code_id].category,
                    input_tax_investment=money(currency, (investments or {}).get(code_id, nothing)[1]))
         for code_id in {**output, **input_} if code_id in codes),
        key=lambda c: c.code,
    )
    rows = [VatReturnRow(tax_code_id=c.tax_code_id, code=c.code, name=codes[c.tax_code_id].name, rate=c.rate,
                         category=c.category, output_base=c.output_base, output_tax=c.output_tax,
                         input_base=c.input_base, input_tax=c.input_tax) for c in totals]
    boxes = [VatReturnBox(box=b.box, label=b.label, amount=money(currency, b.amount))
             for b in vat_return.boxes(country, totals)]
    return VatReturn.model_validate({
        "object": "vat_return", "from": start, "to": end, "currency": currency, "country": country,
        "form": vat_return.form_of(country), "tax_codes": rows,
        "output_tax": money(currency, vat_return.output_tax(totals)),
        "input_tax": money(currency, vat_return.input_tax(totals)),
        "net_payable": money(currency, vat_return.net_payable(totals)),
        "boxes": boxes,
    })


@csv_table.register
def table(report: VatReturn) -> Table:
    """One row per tax code, then the totals, then one row per box of the country's form."""
    rows: list[list[object]] = [
        ["tax_code", r.code, r.name, r.rate, r.output_base, r.output_tax, r.input_base, r.input_tax, ""]
        for r in report.tax_codes]
    rows += [["total", "output_tax", "", "", "", "", "", "", report.output_tax],
             ["total", "input_tax", "", "", "", "", "", "", report.input_tax],
             ["total", "net_payable", "", "", "", "", "", "", report.net_payable]]
    rows += [["box", b.box, b.label, "", "", "", "", "", b.amount] for b in report.boxes]
    return Table("vat-return", COLUMNS, rows)
