"""Identifiers e-invoices carry (issue 17): VAT ids checked with python-stdnum, Peppol electronic addresses."""

from __future__ import annotations

import re

from stdnum import get_cc_module
from stdnum.exceptions import ValidationError

# "<EAS scheme>:<identifier>", e.g. 0088:4000001000005 (GLN), 0192:987654321 (NO), 9930:DE123456788 (DE VAT)
ELECTRONIC_ADDRESS = re.compile(r"^(?P<scheme>[0-9]{4}|[A-Z]{2}):(?P<id>[^\s:]{1,120})$")
# stdnum's module per VAT prefix where it is not the ISO country code (Greece uses EL)
_VAT_PREFIX = {"EL": "gr", "XI": "gb"}


def vat_id(value: str) -> str:
    """The VAT id compacted ("DE 123 456 788" → "DE123456788"); ValueError when its country's check fails or
    it has no country prefix (EN 16931 BR-CO-09 wants the ISO 3166 prefix)."""
    compact = re.sub(r"[\s.\-]", "", value).upper()
    prefix = compact[:2]
    if not prefix.isalpha():
        raise ValueError("must start with its country code, e.g. DE123456788")
    module = get_cc_module(_VAT_PREFIX.get(prefix, prefix.lower()), "vat")
    if module is None:
        return compact  # a country stdnum does not know: kept as given
    try:
        module.validate(compact)
    except ValidationError as exc:
        raise ValueError(f"is not a valid {prefix} VAT id ({exc})") from exc
    return compact if compact.startswith(prefix) else prefix + compact


def electronic_address(value: str) -> str:
    """A Peppol participant id with its scheme; ValueError otherwise."""
    if not ELECTRONIC_ADDRESS.match(value.strip()):
        raise ValueError('must be "<scheme>:<identifier>", e.g. 0088:4000001000005 or 9930:DE123456788')
    return value.strip()
