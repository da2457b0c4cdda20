"""Tax code validity (issue 15, item 5): a tax code may say from and until when it applies (`valid_from`,
`valid_to`, both days included, either open). A rate change is a new code valid from the change (CH:
VAT77 at 7.7 % valid until 2023-12-31, VAT81 at 8.1 % valid from 2024-01-01); a document names the code
valid on its date, and one dated outside its code's validity is refused (422 naming the line's
`tax_code_id`)."""

from __future__ import annotations

from datetime import date


def validity_error(valid_from: date | None, valid_to: date | None) -> str | None:
    """Why the range is not valid, or None."""
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        return "must not be before valid_from"
    return None


def valid_on(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def not_valid_message(code: str, valid_from: date | None, valid_to: date | None, day: date) -> str:
    """What a line is told when its tax code does not apply on the document's date."""
    if valid_to is not None and day > valid_to:
        return f"tax code {code} is valid until {valid_to.isoformat()}; the document is dated {day.isoformat()}"
    assert valid_from is not None
    return f"tax code {code} is valid from {valid_from.isoformat()}; the document is dated {day.isoformat()}"
