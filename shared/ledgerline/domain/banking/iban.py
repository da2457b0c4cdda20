"""IBAN, BIC and QR-IBAN checks (python-stdnum: the IBAN registry's per-country lengths and formats, the check
digits, and the national check digits where a country has them; BIC format and country).

python-stdnum rather than schwifty: parties' bank details (payment runs) are checked in every function that
validates a party, and stdnum is already there for VAT ids, while schwifty brought pycountry (24 MB) into
each of them (issue 13: package size; docs/decisions.md).
"""

from __future__ import annotations

from stdnum import bic, iban
from stdnum.exceptions import ValidationError

QR_IID_RANGE = range(30000, 32000)  # a QR-IBAN's institution id (positions 5–9) is 30000–31999
QR_COUNTRIES = ("CH", "LI")


def normalise_iban(text: str) -> str:
    """The IBAN in its electronic form (no spaces, upper case); ValueError says why it is not one."""
    try:
        return iban.validate(text)
    except ValidationError as exc:
        raise ValueError(f"not a valid IBAN: {exc}") from exc


def is_qr_iban(number: str) -> bool:
    return number[:2] in QR_COUNTRIES and number[4:9].isdigit() and int(number[4:9]) in QR_IID_RANGE


def normalise_qr_iban(text: str) -> str:
    number = normalise_iban(text)
    if not is_qr_iban(number):
        raise ValueError("not a QR-IBAN: a Swiss or Liechtenstein IBAN whose institution id is 30000-31999")
    return number


def normalise_bic(text: str) -> str:
    try:
        return bic.validate(text.replace(" ", "").upper())
    except ValidationError as exc:
        raise ValueError(f"not a valid BIC: {exc}") from exc
