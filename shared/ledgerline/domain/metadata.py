"""Metadata (issue 20): the integrator's own key-value pairs on an object, as Stripe has them. Pure rules.

At most `MAX_KEYS` keys of at most `MAX_KEY` characters, each holding a string of at most `MAX_VALUE`
characters. A PATCH merges: a key given a value sets it, a key given `""` or null unsets it, keys not named
stay. Metadata is not accounting data: changing it never touches amounts, numbers or the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ledgerline.domain.errors import FieldIssue, ValidationFailed

MAX_KEYS = 50
MAX_KEY = 40
MAX_VALUE = 500
FIELD = "metadata"

# Brackets are refused in keys: `metadata[key]=value` is how a list filters on one.
_BAD_KEY = re.compile(r"[\x00-\x1f\x7f-\x9f\[\]]")


def key_problem(key: str) -> str | None:
    """Why a key cannot be used, or None."""
    if not key:
        return "a key of at least one character"
    if len(key) > MAX_KEY:
        return f"a key of at most {MAX_KEY} characters"
    if _BAD_KEY.search(key):
        return "a key without control characters or square brackets"
    return None


def value_problem(value: str) -> str | None:
    if len(value) > MAX_VALUE:
        return f"at most {MAX_VALUE} characters"
    if re.search(r"[\x00-\x1f\x7f-\x9f]", value):
        return "must not contain control characters"
    return None


def merged(current: Mapping[str, str] | None, changes: Mapping[str, str | None] | None) -> dict[str, str]:
    """The metadata after a request: `changes` set keys, `""`/None unset them, the rest of `current` stays.
    More than `MAX_KEYS` keys in the result is a 422 naming `metadata`."""
    result = dict(current or {})
    for key, value in (changes or {}).items():
        if value is None or value == "":
            result.pop(key, None)
        else:
            result[key] = value
    if len(result) > MAX_KEYS:
        message = f"at most {MAX_KEYS} keys (this change leaves {len(result)})"
        raise ValidationFailed(f"{FIELD}: {message}", param=FIELD, details=[FieldIssue(FIELD, message)])
    return result


def only_metadata(changes: Mapping[str, object]) -> bool:
    """Whether a PATCH changes nothing but metadata (allowed on posted documents)."""
    return set(changes) == {FIELD}
