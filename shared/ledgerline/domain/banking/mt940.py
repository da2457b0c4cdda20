"""SWIFT MT940 statements, read with the `mt-940` package; field 86 read here.

Field 86 in the German structured form (`166?00SEPA-GUTSCHRIFT?20EREF+…?21SVWZ+…?31<IBAN>?32<name>`) gives
the remittance lines (?20–?29, ?60–?63, with the SEPA keys EREF+ for the end-to-end id and SVWZ+ for the
text), the counterparty's account (?31) and name (?32, ?33); any other field 86 is remittance text.
Status `RC`/`RD` is a reversal. The bank reference after `//` in field 61 is the entry reference.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import mt940

from ledgerline.domain.banking.statements import (
    Balance,
    Entry,
    MalformedStatement,
    Statement,
    reference_in_text,
)

_SUBFIELD = re.compile(r"\?(\d{2})")
_KEYS = "EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC"  # SEPA keys in the purpose text (`EREF+<id>`)
_KEYED = re.compile(rf"({_KEYS})\+(.*?)(?=(?:{_KEYS})\+|$)")


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _line_of(text: str, fragment: str) -> int:
    at = text.find(fragment)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def parse(content: bytes) -> list[Statement]:
    text = _decode(content).replace("\r\n", "\n")
    if not re.search(r"^:20:", text, re.MULTILINE) or not re.search(r"^:61:|^:60[FM]:", text, re.MULTILINE):
        raise MalformedStatement("line 1", "not an MT940 statement (no :20: and :60F:/:61: fields)")
    transactions = mt940.models.Transactions(processors={"post_transaction_details": []})
    try:
        transactions.parse(text)
    except (RuntimeError, ValueError, ArithmeticError) as exc:
        value = exc.args[2] if isinstance(exc, RuntimeError) and len(exc.args) > 2 else None
        where = f"line {_line_of(text, value)}" if isinstance(value, str) and value else "file"
        raise MalformedStatement(where, f"cannot be read as MT940 ({exc.args[0] if exc.args else exc})") from exc
    lines_61 = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith(":61:")]
    if len(lines_61) != len(transactions.transactions):
        raise MalformedStatement(f"line {lines_61[0] if lines_61 else 1}", "a :61: field could not be read")
    data = transactions.data
    currency = None
    entries = []
    for n, transaction in enumerate(transactions.transactions):
        entries.append(_entry(transaction.data, f"line {lines_61[n]}"))
        currency = currency or entries[-1].currency
    opening, closing = data.get("final_opening_balance"), data.get("final_closing_balance")
    account = data.get("account_identification") or ""
    iban = account.replace(" ", "").upper() if re.fullmatch(r"[A-Z]{2}[0-9]{2}[0-9A-Z ]{10,34}", account) else None
    return [Statement(
        format="mt940",
        entries=tuple(entries),
        statement_id="/".join(part for part in (data.get("statement_number"), data.get("sequence_number")) if part)
        or data.get("transaction_reference"),
        account_iban=iban,
        currency=currency or (opening.amount.currency if opening else None),
        opening=_balance(opening),
        closing=_balance(closing),
    )]


def _balance(balance: Any) -> Balance | None:
    if balance is None:
        return None
    return Balance(Decimal(str(balance.amount.amount)), _day(balance.date) if balance.date else None)


def _day(value: Any) -> date:
    """A plain date from mt940.models.Date (a datetime.date subclass)."""
    return date(value.year, value.month, value.day)


def _subfields(details: str) -> dict[str, list[str]]:
    parts = _SUBFIELD.split(details)
    fields: dict[str, list[str]] = {}
    for code, value in zip(parts[1::2], parts[2::2], strict=False):
        fields.setdefault(code, []).append(value.strip())
    return fields


def _entry(data: dict[str, Any], where: str) -> Entry:
    details = (data.get("transaction_details") or "").replace("\n", "")
    name = iban = end_to_end = None
    if "?" in details and _SUBFIELD.search(details):
        fields = _subfields(details)
        purpose = "".join(value for code in [*map(str, range(20, 30)), "60", "61", "62", "63"]
                          for value in fields.get(code, []))
        keyed = dict(_KEYED.findall(purpose))
        remittance = (keyed.get("SVWZ") if keyed else purpose) or purpose
        end_to_end = (keyed.get("EREF") or "").strip() or None
        name = " ".join(fields.get("32", []) + fields.get("33", [])).strip() or None
        account = "".join(fields.get("31", [])).replace(" ", "").upper()
        iban = account if re.fullmatch(r"[A-Z]{2}[0-9]{2}[0-9A-Z]{10,30}", account) else None
    else:
        remittance = details
    if end_to_end and end_to_end.upper() == "NOTPROVIDED":
        end_to_end = None
    remittance = remittance.strip() or None
    reference, reference_type = reference_in_text(remittance)
    amount = data["amount"]
    status = data.get("status") or ""
    bank_reference = data.get("bank_reference")
    return Entry(
        booking_date=_day(data.get("entry_date") or data["date"]),
        value_date=_day(data["date"]),
        amount=Decimal(str(amount.amount)),
        currency=amount.currency or data.get("currency"),
        entry_reference=bank_reference if bank_reference and bank_reference.upper() != "NONREF" else None,
        counterparty_name=name,
        counterparty_iban=iban,
        remittance=remittance[:500] if remittance else None,
        reference=reference,
        reference_type=reference_type,
        end_to_end_id=end_to_end,
        bank_code=data.get("id"),
        reversal=status.startswith("R"),
        where=where,
    )
