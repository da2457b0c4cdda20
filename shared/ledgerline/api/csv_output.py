"""`format=csv` for reports: the same figures as the JSON, one table per report."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

from fastapi import Query
from fastapi.responses import Response

from ledgerline.domain.money import plain

Format = Literal["json", "csv"]
FormatQuery = Query("json", description="json, or csv for a spreadsheet")


class CSVResponse(Response):
    """A CSV body: declares text/csv in the OpenAPI document, so clients read it as text."""

    media_type = "text/csv"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):  # plain, like the JSON: never exponent form
        return format(plain(value), "f")
    return str(value)


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return CSVResponse(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
