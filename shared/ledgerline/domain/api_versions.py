"""Dated API versions (issue 20): the registry of versions and the response changes each one made.

As Stripe describes its versioning: the code answers in the newest version only, and each dated version
lists the changes it made as transformations that turn a representation of that version back into the
one before. A caller pinned to an older version gets the newest representation with every newer
version's transformations applied, newest first. The API layer applies them to responses in one place
(api/app.py), the webhook sender to the payloads of endpoints pinned to an older version.

A transformation names the `object` type it changes (`"api_key"`, `"invoice"`, …) and is applied to every
JSON object of that type wherever it sits in a body: a retrieved object, the items of a list, an event's
`data`, an expanded reference. Pure: JSON values in, JSON values out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledgerline.domain.errors import InvalidRequest

HEADER = "Ledgerline-Version"

Json = Any


@dataclass(frozen=True)
class Change:
    """One response change a version made, with the transformation that undoes it for older versions."""

    object_type: str
    description: str
    downgrade: Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Version:
    date: str  # YYYY-MM-DD
    summary: str
    changes: tuple[Change, ...] = field(default_factory=tuple)


def renamed(object_type: str, old: str, new: str) -> Change:
    """`old` is called `new` from this version on; older versions see `old` again (in the same place)."""

    def downgrade(obj: dict[str, Any]) -> dict[str, Any]:
        if new not in obj or old in obj:  # nothing to rename, or the old name is taken (never in an answer)
            return obj
        return {(old if name == new else name): value for name, value in obj.items()}

    return Change(object_type, f"{object_type}.{old} is renamed {new}", downgrade)


# Oldest first. Every API key made before versions existed, and every webhook endpoint, answers in the first.
VERSIONS: tuple[Version, ...] = (
    Version("2026-01-01", "The API as it was before dated versions (every key made before them is pinned here)"),
    Version("2026-12-05", "API keys: `last4` is renamed `key_last4` (the last four characters of the key: named "
                          "for what they are the end of, as `last4` of a card is in other APIs)",
            (renamed("api_key", "last4", "key_last4"),)),
)

ORIGINAL = VERSIONS[0].date
LATEST = VERSIONS[-1].date
KNOWN = tuple(version.date for version in VERSIONS)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def known_list() -> str:
    return ", ".join(KNOWN)


def check(value: str, *, param: str = HEADER) -> str:
    """`value` when it is a known version; else InvalidRequest (400) naming `param` and listing the known ones."""
    text = value.strip()
    if not _DATE.match(text):
        raise InvalidRequest(f"{param} must be a date YYYY-MM-DD naming an API version; known versions: "
                             f"{known_list()}", param=param, code="invalid_api_version")
    if text not in KNOWN:
        raise InvalidRequest(f"{param} {text!r} is not an API version; known versions: {known_list()}",
                             param=param, code="unknown_api_version")
    return text


def resolve(requested: str | None, pinned: str | None) -> str:
    """The version that answers: the request's header, else the key's pinned version, else the original."""
    if requested is not None:
        return check(requested)
    if pinned in KNOWN:
        return pinned  # type: ignore[return-value]
    return ORIGINAL


def changes_after(version: str) -> list[Change]:
    """The changes to undo for a caller on `version`, newest first."""
    undo: list[Change] = []
    for entry in reversed(VERSIONS):
        if entry.date <= version:
            break
        undo.extend(entry.changes)
    return undo


def affected_types(version: str) -> set[str]:
    return {change.object_type for change in changes_after(version)}


def downgrade(body: Json, version: str) -> Json:
    """`body` (the newest representation, any JSON value) as `version` shows it."""
    undo = changes_after(version)
    if not undo:
        return body
    return _walk(body, undo)


def _walk(value: Json, undo: list[Change]) -> Json:
    if isinstance(value, list):
        return [_walk(item, undo) for item in value]
    if not isinstance(value, dict):
        return value
    obj = {name: _walk(item, undo) for name, item in value.items()}
    kind = obj.get("object")
    for change in undo:
        if change.object_type == kind:
            obj = change.downgrade(obj)
    return obj
