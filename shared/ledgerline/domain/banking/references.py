"""Structured payment references: the Swiss QR reference and the ISO 11649 RF creditor reference.

- QR reference: 27 digits, the last a check digit computed with the recursive modulo-10 algorithm
  (Swiss Payment Standards, "QR reference"; the same as the former ISR/ESR reference).
- RF creditor reference: `RF` + two check digits + up to 21 alphanumerics, checked with ISO 7064 mod 97-10
  like an IBAN (`RF18539007547034`).

Generation takes a document's own number (digits for the QR reference, alphanumerics for RF) so the
reference printed on an invoice identifies it; the checks accept the printed forms (spaces ignored).
"""

from __future__ import annotations

import re

_MOD10_TABLE = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)
QR_REFERENCE_LENGTH = 27
RF_MAX_BODY = 21


def compact(reference: str) -> str:
    """The reference without spaces, upper case (how it is stored and compared)."""
    return re.sub(r"\s+", "", reference).upper()


def mod10_recursive(digits: str) -> int:
    """The check digit of the recursive modulo-10 algorithm over a string of digits."""
    carry = 0
    for digit in digits:
        carry = _MOD10_TABLE[(carry + int(digit)) % 10]
    return (10 - carry) % 10


def qr_reference(number: str | int) -> str:
    """The QR reference for a number (digits only, at most 26): zero-padded to 26 digits, check digit last."""
    digits = str(number)
    if not digits.isdigit() or len(digits) > QR_REFERENCE_LENGTH - 1:
        raise ValueError("A QR reference is made from at most 26 digits")
    body = digits.zfill(QR_REFERENCE_LENGTH - 1)
    return body + str(mod10_recursive(body))


def is_qr_reference(reference: str) -> bool:
    value = compact(reference)
    return (len(value) == QR_REFERENCE_LENGTH and value.isdigit() and value != "0" * QR_REFERENCE_LENGTH
            and mod10_recursive(value[:-1]) == int(value[-1]))


def _mod97(value: str) -> int:
    """ISO 7064 mod 97-10 of alphanumerics (letters count A=10 … Z=35)."""
    return int("".join(str(int(char, 36)) for char in value)) % 97


def rf_reference(body: str) -> str:
    """The RF creditor reference for a body of 1–21 letters and digits (`539007547034` → `RF18539007547034`)."""
    value = compact(body)
    if not value or len(value) > RF_MAX_BODY or not re.fullmatch(r"[0-9A-Z]+", value):
        raise ValueError("An RF reference is made from 1 to 21 letters and digits")
    check = 98 - _mod97(value + "RF00")
    return f"RF{check:02d}{value}"


def is_rf_reference(reference: str) -> bool:
    value = compact(reference)
    return (re.fullmatch(r"RF[0-9]{2}[0-9A-Z]{1,21}", value) is not None
            and _mod97(value[4:] + value[:4]) == 1)


def format_rf(reference: str) -> str:
    """The RF reference in groups of four, as printed (`RF18 5390 0754 7034`)."""
    value = compact(reference)
    return " ".join(value[i:i + 4] for i in range(0, len(value), 4))


def format_qr(reference: str) -> str:
    """The QR reference as printed: two digits, then groups of five (`21 00000 00003 13947 14300 09017`)."""
    value = compact(reference)
    return " ".join([value[:2], *(value[i:i + 5] for i in range(2, len(value), 5))])


def kind_of(reference: str) -> str | None:
    """"qr", "rf" or None: which structured reference a text is, if it is one."""
    if is_qr_reference(reference):
        return "qr"
    if is_rf_reference(reference):
        return "rf"
    return None


# ------------------------------------------------------------------- the reference an invoice carries (part Q)

QR_REFERENCE_COUNTRIES = frozenset({"CH", "LI"})


def uses_qr_reference(country: str | None, qr_iban: str | None) -> bool:
    """A QR reference only goes with a QR-IBAN, which only CH and LI banks issue; everything else gets RF."""
    return (country or "").upper() in QR_REFERENCE_COUNTRIES and bool(qr_iban)


def invoice_reference(year: int, sequence: int, *, qr: bool) -> str:
    """The payment reference of the invoice numbered `sequence` in `year`'s series: the year and the
    sequence (eight digits or more) as the body, so it is unique per tenant whatever the number format
    says, and the same every time it is derived. QR: 27 digits (`qr_reference`); else RF (`rf_reference`)."""
    if year < 1 or sequence < 1:
        raise ValueError("An invoice reference needs the invoice's year and its sequence number")
    body = f"{year:04d}{sequence:08d}"
    return qr_reference(body) if qr else rf_reference(body)
