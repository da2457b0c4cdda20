"""Splitting an amount into parts that add up exactly (tax over lines, base amounts over receipts)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal


def allocate(amount: Decimal, weights: Sequence[Decimal], quantum: Decimal) -> list[Decimal]:
    """Split `amount` in proportion to `weights`, in whole quanta, so the parts sum to `amount`.

    Largest remainder method: every part is truncated, then the leftover quanta go to the
    parts that lost the most to truncation (ties to the earliest part).
    """
    if not weights:
        return []
    total = sum(weights, Decimal(0))
    if total == 0:
        return [amount] + [Decimal(0) * quantum for _ in weights[1:]]
    raw = [amount * weight / total for weight in weights]
    parts = [value.quantize(quantum, rounding=ROUND_DOWN) for value in raw]
    leftover = amount - sum(parts, Decimal(0))
    step = quantum if leftover > 0 else -quantum
    order = sorted(range(len(parts)), key=lambda i: abs(raw[i] - parts[i]), reverse=True)
    index = 0
    while leftover != 0:
        parts[order[index % len(order)]] += step
        leftover -= step
        index += 1
    return parts
