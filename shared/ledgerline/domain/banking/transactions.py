"""A bank transaction's life cycle: imported `unmatched`; `ignore` and `unignore`; `match` (a receipt paid
invoices with it) or `book` (a journal entry to an account) make it `matched`; `unmatch` reverses that."""

from __future__ import annotations

from ledgerline.domain.documents.base import InvalidState

STATUSES = ("unmatched", "matched", "ignored")


def ignore(status: str) -> str:
    if status != "unmatched":
        raise InvalidState(f"Only an unmatched bank transaction can be ignored; this one is {status}")
    return "ignored"


def unignore(status: str) -> str:
    if status != "ignored":
        raise InvalidState(f"Only an ignored bank transaction can be unignored; this one is {status}")
    return "unmatched"


def match(status: str) -> str:
    """Matching and booking both take an unmatched transaction to `matched`."""
    if status != "unmatched":
        raise InvalidState(f"Only an unmatched bank transaction can be matched or booked; this one is {status}")
    return "matched"


def unmatch(status: str) -> str:
    if status != "matched":
        raise InvalidState(f"Only a matched bank transaction can be unmatched; this one is {status}")
    return "unmatched"
