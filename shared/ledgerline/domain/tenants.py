"""Tenant settings rules: plans, defaults and document number formats."""

from __future__ import annotations

import re
from enum import StrEnum

from ledgerline.domain.kinds import CREDIT_NOTE_SERIES, INVOICE_SERIES


class Plan(StrEnum):
    STARTER = "starter"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"


class TenantStatus(StrEnum):
    ACTIVE = "active"
    # Deprovisioned (its CloudFormation resource was deleted): keys refused, books kept.
    DEACTIVATED = "deactivated"


DEFAULT_INVOICE_FORMAT = INVOICE_SERIES.default_format  # "INV-{YYYY}-{SEQ:4}"
DEFAULT_CREDIT_NOTE_FORMAT = CREDIT_NOTE_SERIES.default_format  # "CN-{YYYY}-{SEQ:4}"
DEFAULT_PAYMENT_TERMS_DAYS = 30

_PLACEHOLDER = re.compile(r"\{(YYYY|YY|SEQ(?::(\d))?)\}")


def number_format_error(template: str) -> str | None:
    """Why a number format cannot produce gapless, unique numbers, or None when it can."""
    tokens = _PLACEHOLDER.findall(template)
    if sum(1 for token, _ in tokens if token.startswith("SEQ")) != 1:
        return "must contain exactly one {SEQ} or {SEQ:n} placeholder"
    leftover = _PLACEHOLDER.sub("", template)
    if "{" in leftover or "}" in leftover:
        return "only {YYYY}, {YY}, {SEQ} and {SEQ:n} placeholders are allowed"
    if not re.fullmatch(r"[A-Za-z0-9/_.\- ]*", leftover):
        return "may contain letters, digits, spaces and / _ . - besides placeholders"
    return None


def format_number(template: str, year: int, sequence: int) -> str:
    def replace(match: re.Match[str]) -> str:
        token, width = match.group(1), match.group(2)
        if token == "YYYY":
            return f"{year:04d}"
        if token == "YY":
            return f"{year % 100:02d}"
        return str(sequence).zfill(int(width or 1))

    return _PLACEHOLDER.sub(replace, template)
