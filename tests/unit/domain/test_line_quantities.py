"""The per-line quantity rules sales orders and purchase orders share (domain/documents/line_quantities.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.documents.line_quantities import Progress, give_back, per_line, progress, requested, take
from ledgerline.domain.errors import ValidationFailed


@dataclass(frozen=True)
class Line:
    ordered: Decimal
    shipped: Decimal = Decimal(0)


def test_requested_takes_all_the_room_or_the_named_quantities_within_it():
    lines = (Line(Decimal(5)), Line(Decimal(3)))
    assert requested(lines, None, [Decimal(5), Decimal(1)], "shipped") == (Decimal(5), Decimal(1))
    assert requested(lines, [Decimal(2), None], [Decimal(5), Decimal(1)], "shipped") == (Decimal(2), Decimal(0))
    with pytest.raises(ValidationFailed) as too_much:
        requested(lines, [Decimal(2), Decimal(2)], [Decimal(5), Decimal(1)], "shipped")
    assert too_much.value.param == "lines[1].quantity" and "only 1 left to be shipped" in str(too_much.value)
    with pytest.raises(ValidationFailed) as negative:
        requested(lines, [Decimal(-1), None], [Decimal(5), Decimal(1)], "shipped")
    assert negative.value.param == "lines[0].quantity"
    with pytest.raises(ValidationFailed) as count:
        requested(lines, [Decimal(1)], [Decimal(5), Decimal(1)], "shipped")
    assert count.value.param == "lines"


def test_give_back_refuses_quantities_of_other_lines():
    with pytest.raises(InvalidState):
        give_back((Line(Decimal(1)),), "shipped", [Decimal(1), Decimal(1)], "note", "order")


@given(st.lists(st.tuples(st.integers(1, 50), st.integers(0, 50)), min_size=1, max_size=5))
def test_take_then_give_back_returns_the_lines_and_progress_follows_the_counter(rows):
    lines = tuple(Line(Decimal(ordered)) for ordered, _ in rows)
    quantities = [min(Decimal(q), line.ordered) for (_, q), line in zip(rows, lines, strict=True)]
    taken = take(lines, "shipped", quantities)
    assert [line.shipped for line in taken] == quantities
    assert give_back(taken, "shipped", quantities, "note", "order") == lines
    assert give_back(lines, "shipped", quantities, "note", "order") == lines  # never below zero
    expected = (Progress.ALL if all(q >= line.ordered for q, line in zip(quantities, lines, strict=True))
                else Progress.SOME if any(quantities) else Progress.NONE)
    assert progress(taken, "shipped") == expected


def test_per_line_places_each_named_quantity_on_its_line_and_refuses_unknown_or_repeated_lines():
    assert per_line(3, None, "order") is None
    assert per_line(3, [{"line": 3, "quantity": Decimal(2)}], "order") == [None, None, Decimal(2)]
    with pytest.raises(ValidationFailed) as unknown:
        per_line(2, [{"line": 3, "quantity": Decimal(1)}], "purchase order")
    assert unknown.value.param == "lines[0].line" and "the purchase order has lines 1 to 2" in str(unknown.value)
    with pytest.raises(ValidationFailed) as twice:
        per_line(2, [{"line": 1, "quantity": Decimal(1)}, {"line": 1, "quantity": Decimal(1)}], "order")
    assert twice.value.param == "lines[1].line"
