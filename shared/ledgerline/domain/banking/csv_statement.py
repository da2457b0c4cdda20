"""CSV statements read with a column mapping the bank account keeps (`CsvMapping`).

Columns are named by their header. An amount is one signed column, or a credit and a debit column; the
decimal separator and the date format are the mapping's. A row that cannot be read is a MalformedStatement
naming its line (the header is line 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ledgerline.domain.banking.statements import (
    Entry,
    MalformedStatement,
    Statement,
    reference_in_text,
    structured_reference,
)


@dataclass(frozen=True)
class CsvMapping:
    booking_date: str
    amount: str | None = None  # a signed amount; else credit and debit
    credit: str | None = None
    debit: str | None = None
    value_date: str | None = None
    currency: str | None = None  # a column; else the bank account's currency
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    remittance: str | None = None
    reference: str | None = None
    entry_reference: str | None = None
    delimiter: str = ","
    decimal_separator: str = "."
    date_format: str = "%Y-%m-%d"
    encoding: str = "utf-8"

    def columns(self) -> list[str]:
        names = [self.booking_date, self.amount, self.credit, self.debit, self.value_date, self.currency,
                 self.counterparty_name, self.counterparty_iban, self.remittance, self.reference,
                 self.entry_reference]
        return [name for name in names if name]


def parse(content: bytes, mapping: CsvMapping, currency: str) -> list[Statement]:
    try:
        text = content.decode(mapping.encoding).lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError) as exc:
        raise MalformedStatement("file", f"not {mapping.encoding} text") from exc
    reader = csv.DictReader(io.StringIO(text), delimiter=mapping.delimiter)
    header = reader.fieldnames or []
    if missing := [name for name in mapping.columns() if name not in header]:
        raise MalformedStatement("line 1", f"the header has no column {missing[0]!r}")
    entries = []
    try:
        for row in reader:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            entries.append(_entry(row, mapping, currency, f"line {reader.line_num}"))
    except csv.Error as exc:
        raise MalformedStatement(f"line {reader.line_num}", str(exc)) from exc
    return [Statement(format="csv", entries=tuple(entries), currency=currency)]


def _cell(row: dict, name: str | None) -> str | None:
    if not name:
        return None
    value = row.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _date(row: dict, name: str | None, mapping: CsvMapping, where: str, *, required: bool) -> date | None:
    value = _cell(row, name)
    if value is None:
        if required:
            raise MalformedStatement(where, f"column {name!r} is empty")
        return None
    try:
        return datetime.strptime(value, mapping.date_format).date()
    except ValueError as exc:
        raise MalformedStatement(where, f"column {name!r}: {value!r} is not a date in {mapping.date_format}") from exc


def _number(row: dict, name: str | None, mapping: CsvMapping, where: str) -> Decimal | None:
    value = _cell(row, name)
    if value is None:
        return None
    cleaned = value.replace("'", "").replace(" ", "")
    if mapping.decimal_separator == ",":
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:
        raise MalformedStatement(where, f"column {name!r}: {value!r} is not an amount") from exc
    if not number.is_finite():
        raise MalformedStatement(where, f"column {name!r}: {value!r} is not an amount")
    return number


def _entry(row: dict, mapping: CsvMapping, currency: str, where: str) -> Entry:
    if mapping.amount:
        amount = _number(row, mapping.amount, mapping, where)
    else:
        credit = _number(row, mapping.credit, mapping, where)
        debit = _number(row, mapping.debit, mapping, where)
        amount = None if credit is None and debit is None else (credit or 0) - abs(debit or 0)
    if amount is None:
        raise MalformedStatement(where, "no amount")
    remittance = _cell(row, mapping.remittance)
    reference, reference_type = structured_reference(_cell(row, mapping.reference))
    if reference_type is None:
        reference, reference_type = reference_in_text(remittance)
    iban = _cell(row, mapping.counterparty_iban)
    return Entry(
        booking_date=_date(row, mapping.booking_date, mapping, where, required=True),
        value_date=_date(row, mapping.value_date, mapping, where, required=False),
        amount=amount,
        currency=(_cell(row, mapping.currency) or currency).upper(),
        entry_reference=_cell(row, mapping.entry_reference),
        counterparty_name=_cell(row, mapping.counterparty_name),
        counterparty_iban=iban.replace(" ", "").upper() if iban else None,
        remittance=remittance[:500] if remittance else None,
        reference=reference,
        reference_type=reference_type,
        where=where,
    )
