"""Invoice arithmetic (EN 16931 style): each line's net is rounded to the currency's minor unit;
tax is computed per tax code on the sum of those nets and rounded once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ledgerline.domain.allocation import allocate
from ledgerline.domain.money import quantum, round_money

HUNDRED = Decimal(100)

# Smallest cash amount per currency, where the tenant rounds totals for cash payment.
CASH_ROUNDING_STEPS: dict[str, Decimal] = {"CHF": Decimal("0.05")}


@dataclass(frozen=True)
class PricedLine:
    quantity: Decimal
    unit_price: Decimal
    tax_code_id: str | None
    tax_rate: Decimal


@dataclass(frozen=True)
class LineAmounts:
    net_amount: Decimal
    tax_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class TaxSubtotal:
    tax_code_id: str
    rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class Totals:
    lines: list[LineAmounts]
    subtotal: Decimal
    tax_total: Decimal
    rounding_adjustment: Decimal
    total: Decimal
    tax_breakdown: list[TaxSubtotal]


def cash_round(amount: Decimal, step: Decimal) -> Decimal:
    return ((amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(step)


def compute_totals(lines: Sequence[PricedLine], currency: str, *, prices_include_tax: bool = False,
                   cash_rounding: bool = False) -> Totals:
    q = quantum(currency)
    extended = [round_money(line.quantity * line.unit_price, currency) for line in lines]
    groups: dict[str | None, list[int]] = {}
    for index, line in enumerate(lines):
        groups.setdefault(line.tax_code_id, []).append(index)

    line_tax = [Decimal(0) * q for _ in lines]
    breakdown: list[TaxSubtotal] = []
    for tax_code_id, members in groups.items():
        rate = lines[members[0]].tax_rate
        base = sum((extended[i] for i in members), Decimal(0))
        if prices_include_tax:
            tax = round_money(base * rate / (HUNDRED + rate), currency)
            taxable = base - tax
        else:
            tax = round_money(base * rate / HUNDRED, currency)
            taxable = base
        for i, part in zip(members, allocate(tax, [extended[i] for i in members], q), strict=True):
            line_tax[i] = part
        if tax_code_id is not None:
            breakdown.append(TaxSubtotal(tax_code_id, rate, taxable, tax))

    if prices_include_tax:
        amounts = [LineAmounts(gross - tax, tax, gross) for gross, tax in zip(extended, line_tax, strict=True)]
    else:
        amounts = [LineAmounts(net, tax, net + tax) for net, tax in zip(extended, line_tax, strict=True)]
    subtotal = sum((a.net_amount for a in amounts), Decimal(0) * q)
    tax_total = sum((a.tax_amount for a in amounts), Decimal(0) * q)
    exact_total = subtotal + tax_total
    total = exact_total
    step = CASH_ROUNDING_STEPS.get(currency)
    if cash_rounding and step is not None:
        total = cash_round(exact_total, step)
    return Totals(amounts, subtotal, tax_total, total - exact_total, total, breakdown)
