"""Per-line quantities of an order that other documents take from (issue 14's sales orders: delivered and
invoiced; issue 15's purchase orders: received and billed), the rules both kinds share. Pure.

A line is a frozen dataclass with `ordered` and one field per counter. A request names a quantity per line or
none (then it takes all the room there is); it never takes more than a line's room, and giving back what a
deleted or voided document took never goes below zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from ledgerline.domain.documents.base import InvalidState, invalid

Line = TypeVar("Line")


class Progress(StrEnum):
    NONE = "none"
    SOME = "some"
    ALL = "all"


def per_line(line_count: int, named: Sequence[Mapping[str, Any]] | None, order: str) -> list[Decimal | None] | None:
    """A request's `[{line, quantity}]` (line numbers from 1) → a quantity per line of the `order` (lines not
    named: None; nothing named: None, which `requested` reads as all the room there is)."""
    if named is None:
        return None
    wanted: list[Decimal | None] = [None] * line_count
    for index, request in enumerate(named):
        number = request["line"]
        if not 1 <= number <= line_count:
            raise invalid(f"lines[{index}].line", f"the {order} has lines 1 to {line_count}")
        if wanted[number - 1] is not None:
            raise invalid(f"lines[{index}].line", f"line {number} is named twice")
        wanted[number - 1] = request["quantity"]
    return wanted


def requested(lines: Sequence[Any], quantities: Sequence[Decimal | None] | None, room: Sequence[Decimal],
              what: str) -> tuple[Decimal, ...]:
    """The quantity per line a request takes: all of `room` when none are named; each named one checked
    against its line's room (`what`: "delivered", "received", … for the message)."""
    if quantities is None:
        return tuple(room)
    if len(quantities) != len(lines):
        raise invalid("lines", f"name a quantity for each of the order's {len(lines)} lines, or none")
    taken: list[Decimal] = []
    for index, (quantity, left) in enumerate(zip(quantities, room, strict=True)):
        quantity = Decimal(0) if quantity is None else quantity
        if quantity < 0:
            raise invalid(f"lines[{index}].quantity", "must not be negative")
        if quantity > left:
            raise invalid(f"lines[{index}].quantity", f"only {left.normalize():f} left to be {what} on this line")
        taken.append(quantity)
    return tuple(taken)


def take(lines: Sequence[Line], counter: str, quantities: Sequence[Decimal]) -> tuple[Line, ...]:
    """`lines` with `quantities` added to their `counter`."""
    return tuple(replace(line, **{counter: getattr(line, counter) + q})  # type: ignore[type-var]
                 for line, q in zip(lines, quantities, strict=True))


def give_back(lines: Sequence[Line], counter: str, quantities: Sequence[Decimal], document: str,
              order: str) -> tuple[Line, ...]:
    """`lines` with what a gone `document` took from their `counter` returned; never below zero (what it took
    is what it gives back)."""
    if len(quantities) != len(lines):
        raise InvalidState(f"The {document}'s quantities do not match the {order}'s lines", param="lines")
    return tuple(replace(line, **{counter: max(getattr(line, counter) - q, Decimal(0))})  # type: ignore[type-var]
                 for line, q in zip(lines, quantities, strict=True))


def progress(lines: Sequence[Any], counter: str) -> Progress:
    """ALL once every line's `counter` reaches what was ordered, SOME once any is above zero, else NONE."""
    if all(getattr(line, counter) >= line.ordered for line in lines):
        return Progress.ALL
    if any(getattr(line, counter) > 0 for line in lines):
        return Progress.SOME
    return Progress.NONE
