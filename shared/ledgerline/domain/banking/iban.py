"""IBAN, BIC and QR-IBAN checks (schwifty: the IBAN registry's lengths, formats and check digits)."""

from __future__ import annotations

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

QR_IID_RANGE = range(30000, 32000)  # a QR-IBAN's institution id (positions 5–9) is 30000–31999
QR_COUNTRIES = ("CH", "LI")


def normalise_iban(text: str) -> str:
    """The IBAN in its electronic form (no spaces, upper case); ValueError says why it is not one."""
    try:
        return IBAN(text).compact
    except SchwiftyException as exc:
        raise ValueError(f"not a valid IBAN: {exc}") from exc


def is_qr_iban(iban: str) -> bool:
    return iban[:2] in QR_COUNTRIES and iban[4:9].isdigit() and int(iban[4:9]) in QR_IID_RANGE


def normalise_qr_iban(text: str) -> str:
    iban = normalise_iban(text)
    if not is_qr_iban(iban):
        raise ValueError("not a QR-IBAN: a Swiss or Liechtenstein IBAN whose institution id is 30000-31999")
    return iban


def normalise_bic(text: str) -> str:
    try:
        return str(BIC(text.replace(" ", "").upper()))
    except SchwiftyException as exc:
        raise ValueError(f"not a valid BIC: {exc}") from exc
