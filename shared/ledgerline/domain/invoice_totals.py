"""Kept for imports from before issue 12: the one totals implementation is `domain/positions.py`
(an invoice's or credit note's line is an item position)."""

from __future__ import annotations

from ledgerline.domain.positions import (
    CASH_ROUNDING_STEPS,
    LineAmounts,
    TaxSubtotal,
    Totals,
    cash_round,
    compute_totals,
)
from ledgerline.domain.positions import ItemPosition as PricedLine

__all__ = ["CASH_ROUNDING_STEPS", "LineAmounts", "PricedLine", "TaxSubtotal", "Totals", "cash_round", "compute_totals"]
