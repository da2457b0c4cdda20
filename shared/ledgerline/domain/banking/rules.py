"""Bank rules (issue 16): when a bank transaction's counterparty or text matches, book it to an account (with
a tax code). Pure: the import hands in the rules and each unmatched transaction's facts.

A rule looks at `field` — `counterparty` (name and IBAN), `text` (remittance information and structured
reference) or `any` — with `operator` `contains` or `equals` (case and spaces ignored), optionally only
money in or out and one bank account. Rules are tried by `priority` (lower first), then oldest first; the
first that matches wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

FIELDS = ("counterparty", "text", "any")
OPERATORS = ("contains", "equals")
DIRECTIONS = ("in", "out", "any")


@dataclass(frozen=True)
class RuleFacts:
    id: str
    field: str
    operator: str
    value: str
    direction: str
    bank_account_id: str | None
    priority: int
    created_at: datetime


@dataclass(frozen=True)
class Seen:
    """What a rule can look at of a bank transaction."""

    bank_account_id: str
    amount: Decimal
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance: str | None
    reference: str | None


def _plain(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").casefold()).strip()


def _values(seen: Seen, field: str) -> list[str]:
    counterparty = [seen.counterparty_name, seen.counterparty_iban]
    text = [seen.remittance, seen.reference]
    chosen = counterparty if field == "counterparty" else text if field == "text" else counterparty + text
    return [_plain(v) for v in chosen if v]


def matches(rule: RuleFacts, seen: Seen) -> bool:
    if rule.bank_account_id is not None and rule.bank_account_id != seen.bank_account_id:
        return False
    if (rule.direction == "in" and seen.amount <= 0) or (rule.direction == "out" and seen.amount >= 0):
        return False
    wanted = _plain(rule.value)
    if not wanted:
        return False
    values = _values(seen, rule.field)
    if rule.operator == "equals":
        return any(v == wanted or v.replace(" ", "") == wanted.replace(" ", "") for v in values)
    return any(wanted in v or wanted.replace(" ", "") in v.replace(" ", "") for v in values)


def first_matching(rules: list[RuleFacts], seen: Seen) -> RuleFacts | None:
    for rule in sorted(rules, key=lambda r: (r.priority, r.created_at, r.id)):
        if matches(rule, seen):
            return rule
    return None
