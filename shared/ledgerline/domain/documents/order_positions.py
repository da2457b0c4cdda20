"""Which of an order's positions an invoice made from it carries (issue 14). Pure.

An order's positions are stored as priced (schemas/positions.PositionOut as dicts: an item names its line by
index, `{"type": "item", "line": 2}`). An invoice made from the order takes a quantity of each line
(`taken`, by line index); the invoice carries the order's positions with:

- each item position at the quantity taken (the caller prices it); an item taking nothing is left out, and a
  group left without items too;
- a percent discount whenever an item of its scope is on the invoice (a percent of what is invoiced);
- a fixed-amount discount only on the invoice that completes its scope (after it, every item of the scope is
  invoiced in full) and has an item of it: a fixed amount is charged exactly once, so the invoices of an order
  add up to the order;
- text, subtotal and page-break positions as they are (at a level that keeps an item).

Document-level allowances and charges: percent ones on every invoice, fixed amounts on the invoice that
completes the whole order (`fixed_amounts_due`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

Tree = list[dict[str, Any]]


def items_of(tree: Tree) -> list[int]:
    """The line indices of the item positions of `tree`, depth first."""
    found: list[int] = []
    for position in tree:
        if position["type"] == "item":
            found.append(position["line"])
        elif position["type"] == "group":
            found.extend(items_of(position.get("positions") or []))
    return found


def invoiced_positions(tree: Tree, taken: Sequence[Decimal], complete: Callable[[list[int]], bool]) -> Tree:
    """The positions an invoice taking `taken[i]` of line i carries; `complete(lines)` says whether these
    lines are invoiced in full once the invoice is made."""
    kept: Tree = []
    for index, position in enumerate(tree):
        kind = position["type"]
        if kind == "item":
            if taken[position["line"]] > 0:
                kept.append(position)
        elif kind == "group":
            inner = invoiced_positions(position.get("positions") or [], taken, complete)
            if items_of(inner):
                kept.append({**position, "positions": inner})
        elif kind == "discount":
            scope = items_of(tree[:index]) if (position.get("applies_to") or "above") == "above" else items_of(tree)
            on_invoice = any(taken[line] > 0 for line in scope)
            fixed = position.get("percent") is None
            if on_invoice and (not fixed or complete(scope)):
                kept.append(position)
        else:
            kept.append(position)
    return kept


def fixed_amounts_due(taken: Sequence[Decimal], complete: Callable[[list[int]], bool]) -> bool:
    """Whether the document-level fixed allowances and charges go on this invoice: it completes the order."""
    return any(quantity > 0 for quantity in taken) and complete(list(range(len(taken))))
