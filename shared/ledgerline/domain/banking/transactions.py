"""A bank transaction's life cycle: imported `unmatched`; `ignore` and `unignore` (matching comes next)."""

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
