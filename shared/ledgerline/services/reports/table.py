"""A report's CSV table: its file name, header and rows, declared once per report from its typed result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import singledispatch
from typing import Any


@dataclass(frozen=True)
class Table:
    """One CSV table. Cells are the typed result's values (Decimal, date, str, None); the CSV writer
    (`api/csv_output.csv_response`) formats and neutralises them."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


@singledispatch
def csv_table(report: object) -> Table:
    """The CSV table of a report's typed result; each report module registers its own."""
    raise TypeError(f"{type(report).__name__} declares no CSV table")
