"""The VAT return of a period: per tax code, output tax and its base (sales, and the self-assessed side of
reverse charge) and input tax and its base (purchases); the net payable (positive) or refundable
(negative); and, where the tenant's country has a standard form, its boxes.

Pure: the figures come from the tax buckets (`services/reports/vat_return.py`). The forms:

- AU, Business Activity Statement (GST): G1 total sales including GST, 1A GST on sales, 1B GST on purchases.
- CH, MWST return (effective method, form 2024): 200 total consideration, 220 tax-free supplies (zero-rated
  and exempt codes), 289 total deductions, 299 taxable turnover; the turnover at each rate (302/303
  standard 7.7 % / 8.1 %, 312/313 reduced 2.5 % / 2.6 %, 342/343 accommodation 3.7 % / 3.8 %) and the tax on
  it; 382 acquisition tax (reverse charge: the self-assessed base of purchases); 399 total tax owed;
  400 input tax on material and services and 405 input tax on investments and other operating costs (the
  input tax of lines on fixed-asset accounts, `CodeTotals.input_tax_investment`; bills posted before it was
  kept apart count in 400); 479 total input tax; 500 amount payable or 510 credit.
- DE, UStVA: 81 taxable sales at 19 %, 86 at 7 % (bases), 66 deductible input tax, 83 the remaining
  advance payment (negative: a refund).

Any other country gets the generic table only (`boxes` is empty). A code's `category` (EN 16931: S, Z, E,
AE, …) decides reverse charge; the rate decides the box.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class CodeTotals:
    """One tax code's movement in the period, in the base currency."""

    tax_code_id: str
    code: str
    rate: Decimal
    output_base: Decimal = ZERO
    output_tax: Decimal = ZERO
    input_base: Decimal = ZERO
    input_tax: Decimal = ZERO
    category: str | None = None  # EN 16931 VAT category; "AE" is reverse charge
    input_tax_investment: Decimal = ZERO  # the part of `input_tax` on investments (fixed-asset lines)

    @property
    def reverse_charge(self) -> bool:
        return self.category == "AE"


@dataclass(frozen=True)
class Box:
    box: str
    label: str
    amount: Decimal


def output_tax(codes: Iterable[CodeTotals]) -> Decimal:
    return sum((c.output_tax for c in codes), ZERO)


def input_tax(codes: Iterable[CodeTotals]) -> Decimal:
    return sum((c.input_tax for c in codes), ZERO)


def net_payable(codes: Sequence[CodeTotals]) -> Decimal:
    """Output tax minus input tax: what is owed (positive) or refundable (negative)."""
    return output_tax(codes) - input_tax(codes)


def _sales(codes: Sequence[CodeTotals]) -> list[CodeTotals]:
    """The codes' sales side: output that is not the self-assessed side of a reverse-charge purchase."""
    return [c for c in codes if not c.reverse_charge]


def au_bas(codes: Sequence[CodeTotals]) -> list[Box]:
    sales = _sales(codes)
    return [
        Box("G1", "Total sales (including GST)", sum((c.output_base + c.output_tax for c in sales), ZERO)),
        Box("1A", "GST on sales", output_tax(codes)),
        Box("1B", "GST on purchases", input_tax(codes)),
    ]


# CH turnover boxes by rate: (turnover box, label)
CH_RATE_BOXES: dict[Decimal, tuple[str, str]] = {
    Decimal("8.1"): ("303", "Standard rate 8.1 %"),
    Decimal("7.7"): ("302", "Standard rate 7.7 %"),
    Decimal("2.6"): ("313", "Reduced rate 2.6 %"),
    Decimal("2.5"): ("312", "Reduced rate 2.5 %"),
    Decimal("3.8"): ("343", "Accommodation rate 3.8 %"),
    Decimal("3.7"): ("342", "Accommodation rate 3.7 %"),
}


def ch_mwst(codes: Sequence[CodeTotals]) -> list[Box]:
    sales = _sales(codes)
    total = sum((c.output_base for c in sales), ZERO)
    tax_free = sum((c.output_base for c in sales if c.rate == 0), ZERO)
    boxes = [Box("200", "Total consideration", total), Box("220", "Tax-free supplies", tax_free),
             Box("289", "Total deductions", tax_free), Box("299", "Taxable turnover", total - tax_free)]
    for rate, (box, label) in sorted(CH_RATE_BOXES.items(), key=lambda item: item[1][0]):
        at_rate = [c for c in sales if c.rate == rate]
        boxes.append(Box(box, f"{label}: turnover", sum((c.output_base for c in at_rate), ZERO)))
        boxes.append(Box(f"{box}.tax", f"{label}: tax", sum((c.output_tax for c in at_rate), ZERO)))
    reverse = [c for c in codes if c.reverse_charge]
    boxes.append(Box("382", "Acquisition tax: base", sum((c.output_base for c in reverse), ZERO)))
    boxes.append(Box("382.tax", "Acquisition tax: tax", output_tax(reverse)))
    owed, deductible = output_tax(codes), input_tax(codes)
    investments = sum((c.input_tax_investment for c in codes), ZERO)
    net = owed - deductible
    boxes += [
        Box("399", "Total tax owed", owed),
        Box("400", "Input tax on material and services", deductible - investments),
        Box("405", "Input tax on investments and other operating costs", investments),
        Box("479", "Total input tax", deductible),
        Box("500", "Amount payable", max(net, ZERO)),
        Box("510", "Credit in favour of the taxable person", max(-net, ZERO)),
    ]
    return boxes


DE_RATE_BOXES: dict[Decimal, tuple[str, str]] = {
    Decimal("19"): ("81", "Taxable sales at 19 %"),
    Decimal("7"): ("86", "Taxable sales at 7 %"),
}


def de_ustva(codes: Sequence[CodeTotals]) -> list[Box]:
    sales = _sales(codes)
    boxes = [Box(box, label, sum((c.output_base for c in sales if c.rate == rate), ZERO))
             for rate, (box, label) in DE_RATE_BOXES.items()]
    boxes.append(Box("66", "Deductible input tax", input_tax(codes)))
    boxes.append(Box("83", "Remaining advance payment", net_payable(codes)))
    return boxes


FORMS: dict[str, tuple[str, Callable[[Sequence[CodeTotals]], list[Box]]]] = {
    "AU": ("AU BAS", au_bas),
    "CH": ("CH MWST", ch_mwst),
    "DE": ("DE UStVA", de_ustva),
}


def form_of(country: str) -> str | None:
    """The name of the country's standard form, or None (the generic table only)."""
    found = FORMS.get(country)
    return None if found is None else found[0]


def boxes(country: str, codes: Sequence[CodeTotals]) -> list[Box]:
    """The country's form boxes of the period's totals; none where the country has no standard form."""
    found = FORMS.get(country)
    return [] if found is None else found[1](codes)
