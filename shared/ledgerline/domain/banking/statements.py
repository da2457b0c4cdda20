"""What a bank statement says, whatever its format, and the rules of importing it.

A parser (`camt.py`, `mt940.py`, `csv_statement.py`) turns a file into a `Statement`: the account, the
opening and closing balances when the format has them, and its booked entries (pending entries are not
statements of fact and are left out). An import keeps every entry not seen before (`dedupe_keys`) and
reports whether the statement follows the last one (`continuity`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ledgerline.domain.banking import references
from ledgerline.domain.errors import FieldIssue, ValidationFailed

FORMATS = ("camt.053", "camt.054", "mt940", "csv")


class MalformedStatement(ValidationFailed):
    """A file that is not a statement of its format; `where` names the line or element."""

    code = "malformed_statement"

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}", param="file", details=[FieldIssue(where, message)])
        self.where = where


@dataclass(frozen=True)
class Entry:
    """One booked entry: amount signed (credit positive, debit negative) in the entry's currency."""

    booking_date: date
    value_date: date | None
    amount: Decimal
    currency: str
    entry_reference: str | None = None  # the bank's own reference (camt AcctSvcrRef, MT940 bank reference)
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    remittance: str | None = None  # unstructured remittance information
    reference: str | None = None  # the structured creditor reference: QR or RF
    reference_type: str | None = None  # "qr", "rf" or None
    end_to_end_id: str | None = None
    bank_code: str | None = None  # the bank transaction code (camt BkTxCd, MT940 transaction type)
    reversal: bool = False
    where: str = ""  # the line or element it came from


@dataclass(frozen=True)
class Balance:
    amount: Decimal  # signed: a debit balance is negative
    on: date | None


@dataclass(frozen=True)
class Statement:
    format: str
    entries: tuple[Entry, ...]
    statement_id: str | None = None  # the bank's id of the statement
    account_iban: str | None = None
    currency: str | None = None
    opening: Balance | None = None
    closing: Balance | None = None
    from_date: date | None = None
    to_date: date | None = None
    warnings: tuple[str, ...] = field(default=())

    def period(self) -> tuple[date | None, date | None]:
        """The dates the statement covers: its own, else the first and last booking date."""
        days = [entry.booking_date for entry in self.entries]
        return (self.from_date or (min(days) if days else None), self.to_date or (max(days) if days else None))


def structured_reference(text: str | None) -> tuple[str | None, str | None]:
    """A QR or RF reference given as such (a creditor reference element), compacted, and its type."""
    if not text:
        return None, None
    value = references.compact(text)
    kind = references.kind_of(value)
    return (value, kind) if kind else (value, None)


def reference_in_text(text: str | None) -> tuple[str | None, str | None]:
    """The first QR or RF reference found in free text (remittance lines, MT940 field 86)."""
    if not text:
        return None, None
    squeezed = re.sub(r"\s+", "", text).upper()
    for match in re.finditer(r"RF[0-9]{2}[0-9A-Z]{1,21}", squeezed):
        for end in range(len(match.group()), 4, -1):  # the reference may run into the next word
            candidate = match.group()[:end]
            if references.is_rf_reference(candidate):
                return candidate, "rf"
    for match in re.finditer(r"(?<![0-9])[0-9]{27}(?![0-9])", re.sub(r"(?<=[0-9]) (?=[0-9])", "", text)):
        if references.is_qr_reference(match.group()):
            return match.group(), "qr"
    return None, None


def content_hash(entry: Entry) -> str:
    parts = [entry.booking_date.isoformat(), entry.value_date.isoformat() if entry.value_date else "",
             f"{entry.amount:f}", entry.currency, entry.counterparty_iban or "", entry.counterparty_name or "",
             entry.remittance or "", entry.reference or "", entry.end_to_end_id or "", entry.bank_code or ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def dedupe_keys(entries: tuple[Entry, ...] | list[Entry]) -> list[str]:
    """The key that makes an entry unique within its bank account: the bank's entry reference when it gives
    one (`R#<ref>`), else a hash of its content (`H#<hash>#<n>`), where n counts identical entries within the
    statement, so two equal fees on one day stay two while the same day in an overlapping statement is
    recognised."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for entry in entries:
        if entry.entry_reference and entry.entry_reference.upper() not in ("NONREF", "NOTPROVIDED"):
            keys.append(f"R#{entry.entry_reference}")
            continue
        digest = content_hash(entry)
        seen[digest] = seen.get(digest, 0) + 1
        keys.append(f"H#{digest}#{seen[digest]}")
    return keys


@dataclass(frozen=True)
class Continuity:
    """Whether a statement's opening balance follows the account's last closing balance."""

    follows: bool | None  # None: nothing to compare (first statement, or a format without balances)
    expected_opening: Decimal | None
    opening: Decimal | None
    difference: Decimal | None


def continuity(last_closing: Decimal | None, statement: Statement) -> Continuity:
    opening = statement.opening.amount if statement.opening else None
    if last_closing is None or opening is None:
        return Continuity(None, last_closing, opening, None)
    return Continuity(opening == last_closing, last_closing, opening, opening - last_closing)


def check_balances(statement: Statement) -> None:
    """A statement whose entries do not lead from its opening to its closing balance is refused (a truncated
    or edited file): the difference names the statement."""
    if statement.opening is None or statement.closing is None:
        return
    moved = sum((entry.amount for entry in statement.entries), Decimal(0))
    if statement.opening.amount + moved != statement.closing.amount:
        raise MalformedStatement(
            statement.statement_id or "statement",
            f"the entries ({moved}) do not lead from the opening balance {statement.opening.amount} to the "
            f"closing balance {statement.closing.amount}",
        )
