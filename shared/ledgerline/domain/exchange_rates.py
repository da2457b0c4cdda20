"""Exchange rates (issue 16, part X), pure: a rate's id, the rate a document takes, rate files.

A rate is base-currency units per unit of `currency` on a `date` (the same sense as a document's
`exchange_rate`). A document without an explicit rate takes the latest rate on or before its date.
Rate files: CSV (`date,currency,rate[,source]`) and the ECB's daily reference rates (`eurofxref`
XML: foreign units per EUR, turned into the tenant's base per unit by cross rates).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from xml.etree import ElementTree

from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.money import SUPPORTED_CURRENCIES

RATE_DECIMALS = Decimal("1e-10")  # the precision a document's exchange_rate takes
MAX_RATE = Decimal(10) ** 8


def rate_id(currency: str, day: date) -> str:
    """The id of the rate of `currency` on `day` (one per currency and day): `EUR-2026-01-05`. Ids sort by
    currency, then date, so the latest rate on or before a day is one query (see store/exchange_rates)."""
    return f"{currency}-{day.isoformat()}"


def parse_rate_id(rate_id_: str) -> tuple[str, date] | None:
    currency, _, day = rate_id_.partition("-")
    try:
        return currency, date.fromisoformat(day)
    except ValueError:
        return None


@dataclass(frozen=True)
class RateRow:
    """One rate of a rate file."""

    day: date
    currency: str
    rate: Decimal
    source: str


def _fail(where: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{where}: {message}", param="file", details=[FieldIssue(where, message)])


def check_rate(rate: Decimal, where: str) -> Decimal:
    if not rate.is_finite() or tidy(rate) <= 0 or rate >= MAX_RATE:
        raise _fail(where, "the rate must be a positive number below 100000000 (at most 10 decimals)")
    return tidy(rate)


def tidy(rate: Decimal) -> Decimal:
    """At most 10 decimals, no trailing zeros."""
    return Decimal(format(rate.quantize(RATE_DECIMALS, rounding=ROUND_HALF_EVEN).normalize(), "f"))


def parse_csv(text: str, source: str = "csv") -> list[RateRow]:
    """`date,currency,rate[,source]` with a header; a bad line is a 422 naming its line number."""
    reader = csv.reader(io.StringIO(text))
    rows: list[RateRow] = []
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:3]] != ["date", "currency", "rate"]:
        raise _fail("line 1", "the header must be date,currency,rate[,source]")
    for number, fields in enumerate(reader, start=2):
        if not fields or all(not f.strip() for f in fields):
            continue
        where = f"line {number}"
        if len(fields) < 3:
            raise _fail(where, "expected date,currency,rate")
        try:
            day = date.fromisoformat(fields[0].strip())
        except ValueError as exc:
            raise _fail(where, f"'{fields[0]}' is not a date (YYYY-MM-DD)") from exc
        currency = fields[1].strip().upper()
        if currency not in SUPPORTED_CURRENCIES:
            raise _fail(where, f"'{fields[1]}' is not a supported currency")
        try:
            rate = Decimal(fields[2].strip())
        except InvalidOperation as exc:
            raise _fail(where, f"'{fields[2]}' is not a number") from exc
        row_source = fields[3].strip() if len(fields) > 3 and fields[3].strip() else source
        rows.append(RateRow(day, currency, check_rate(rate, where), row_source[:100]))
    return rows


ECB_SOURCE = "ecb"


def parse_ecb(xml: bytes | str, base_currency: str) -> list[RateRow]:
    """The ECB's eurofxref XML (daily, or the history file with several days): each `Cube time=` holds
    `Cube currency= rate=` (units per EUR). For the tenant's base currency B: rate(X) = ecb(B) / ecb(X)
    (EUR itself: ecb(B)); a day without B's rate gives nothing; B itself is left out."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise _fail(f"line {exc.position[0]}", f"not well-formed XML ({exc})") from exc
    rows: list[RateRow] = []
    days = [element for element in root.iter() if element.tag.endswith("Cube") and element.get("time")]
    if not days:
        raise _fail("Cube", "no Cube element with a time attribute: not an ECB eurofxref file")
    for day_element in days:
        try:
            day = date.fromisoformat(day_element.get("time", ""))
        except ValueError as exc:
            raise _fail("Cube", f"time '{day_element.get('time')}' is not a date") from exc
        per_eur: dict[str, Decimal] = {"EUR": Decimal(1)}
        for cube in day_element:
            currency, rate = cube.get("currency"), cube.get("rate")
            if currency is None or rate is None:
                continue
            try:
                per_eur[currency.upper()] = check_rate(Decimal(rate), f"Cube {day.isoformat()} {currency}")
            except InvalidOperation as exc:
                raise _fail(f"Cube {day.isoformat()} {currency}", f"rate '{rate}' is not a number") from exc
        base = per_eur.get(base_currency)
        if base is None:
            continue
        for currency, units in sorted(per_eur.items()):
            if currency == base_currency or currency not in SUPPORTED_CURRENCIES:
                continue
            rate = tidy(base / units)
            rows.append(RateRow(day, currency, rate, ECB_SOURCE))
    return rows


def parse_rate_file(content: bytes, base_currency: str, source: str = "csv") -> list[RateRow]:
    """A CSV or ECB XML file, told apart by its first non-blank character."""
    text = content.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith("<"):
        return parse_ecb(content, base_currency)
    return parse_csv(text, source)
