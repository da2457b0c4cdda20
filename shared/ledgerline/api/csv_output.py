"""`format=csv` for reports: the same figures as the JSON, one table per report.

`report_csv(report)` is the one CSV path: it renders any report's typed result from the table its module
declares (`services/reports`, `csv_table`), for both `?format=csv` and the `.csv` operations.

Every report's CSV goes through `csv_response`, which neutralises spreadsheet formulas (CSV injection,
as OWASP recommends): a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
leading `'`, so a spreadsheet shows it as text instead of evaluating it. Numbers are never touched: an
amount (a `Decimal`, or a decimal string such as "-125.00") stays a number the spreadsheet can add up.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

from fastapi import Query
from fastapi.responses import Response

from ledgerline.domain.money import plain
from ledgerline.services.reports import csv_table

Format = Literal["json", "csv"]
FormatQuery = Query("json", description="json, or csv for a spreadsheet")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def csv_cell(value: Any) -> str:
    """One cell's text: numbers as they are, text that a spreadsheet would run as a formula quoted with `'`."""
    if value is None:
        return ""
    if isinstance(value, Decimal):  # plain, like the JSON: never exponent form
        return format(plain(value), "f")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class CSVResponse(Response):
    """A CSV body: declares text/csv in the OpenAPI document, so clients read it as text."""

    media_type = "text/csv"


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(value) for value in header])
    writer.writerows([[csv_cell(value) for value in row] for row in rows])
    return CSVResponse(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def report_csv(report: object) -> Response:
    """A report's CSV: the table its module declares for its typed result, written by `csv_response`."""
    table = csv_table(report)
    return csv_response(table.name, table.header, table.rows)
