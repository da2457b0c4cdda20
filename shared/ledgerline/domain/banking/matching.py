"""Reconciliation rules (issue 16): which open invoices an incoming bank transaction may pay, ranked.

Pure: the service hands in the transaction's facts and the open invoices' facts and gets suggestions back.
Ranking, best first:
1. `reference` — the transaction's structured QR/RF reference is the invoice's `payment_reference` (or the
   reference Ledgerline derives from its number, `references_for_number`): certain, matched on import;
2. `number_in_text` — the invoice number appears in the remittance text (as a whole word);
3. `amount_and_party` — the amount is what the invoice still owes and the counterparty is the customer
   (names compared without case, punctuation or legal-form noise).
Within a rank, an exact amount comes first, then the oldest due date. Money out (negative) suggests no
invoices: it pays bills (supplier payments), ranked by `suggest_bills`:
1. `number_in_text` — the bill's `supplier_reference` (the supplier's invoice number) or its own number appears
   in the remittance text or the transaction's reference (as a whole word);
2. `amount_and_party` — the amount paid out is what the bill still owes and the counterparty is the supplier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledgerline.domain.banking.references import compact, qr_reference, rf_reference

REFERENCE, NUMBER_IN_TEXT, AMOUNT_AND_PARTY = "reference", "number_in_text", "amount_and_party"
SCORES = {REFERENCE: 100, NUMBER_IN_TEXT: 80, AMOUNT_AND_PARTY: 60}
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class TransactionFacts:
    amount: Decimal
    currency: str
    reference: str | None
    remittance: str | None
    counterparty_name: str | None


@dataclass(frozen=True)
class OpenInvoice:
    id: str
    number: str | None
    customer_id: str
    customer_name: str | None
    currency: str
    amount_due: Decimal
    due_date: date
    payment_reference: str | None = None


@dataclass(frozen=True)
class Suggestion:
    invoice_id: str
    invoice_number: str | None
    customer_id: str
    amount: Decimal  # what matching it would allocate: the amount due, at most the transaction's amount
    reason: str
    score: int


def references_for_number(number: str | None) -> set[str]:
    """The structured references an invoice number stands for: its RF reference (from its letters and
    digits) and its QR reference (from its digits), where the number allows them."""
    if not number:
        return set()
    found: set[str] = set()
    body = re.sub(r"[^0-9A-Za-z]", "", number).upper()
    if 0 < len(body) <= 21:
        found.add(rf_reference(body))
    digits = re.sub(r"\D", "", number)
    if 0 < len(digits) <= 26:
        found.add(qr_reference(digits))
    return found


def invoice_references(invoice: OpenInvoice) -> set[str]:
    stored = {compact(invoice.payment_reference)} if invoice.payment_reference else set()
    return stored | references_for_number(invoice.number)


_LEGAL_FORMS = {"ag", "gmbh", "sa", "sarl", "sàrl", "ltd", "llc", "inc", "plc", "bv", "nv", "kg", "ohg", "co",
                "pty", "the"}


def _words(text: str | None) -> list[str]:
    return re.findall(r"[0-9a-zà-ÿ]+", (text or "").casefold())


def same_party(counterparty: str | None, party: str | None) -> bool:
    """Whether a bank counterparty name is the party's name, ignoring case, punctuation and legal forms."""
    left = [w for w in _words(counterparty) if w not in _LEGAL_FORMS]
    right = [w for w in _words(party) if w not in _LEGAL_FORMS]
    return bool(left) and left == right


def number_in_text(number: str | None, text: str | None) -> bool:
    if not number or not text:
        return False
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(number)}(?![0-9A-Za-z])", text, re.IGNORECASE) is not None


def reason_for(transaction: TransactionFacts, invoice: OpenInvoice) -> str | None:
    if transaction.reference and compact(transaction.reference) in invoice_references(invoice):
        return REFERENCE
    if number_in_text(invoice.number, transaction.remittance):
        return NUMBER_IN_TEXT
    if transaction.amount == invoice.amount_due and same_party(transaction.counterparty_name, invoice.customer_name):
        return AMOUNT_AND_PARTY
    return None


def suggest(transaction: TransactionFacts, invoices: list[OpenInvoice],
            limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """The open invoices the transaction may pay, best first (see the module's docstring)."""
    if transaction.amount <= 0:
        return []
    ranked: list[tuple[tuple[int, bool, date, str], Suggestion]] = []
    for invoice in invoices:
        if invoice.currency != transaction.currency or invoice.amount_due <= 0:
            continue
        reason = reason_for(transaction, invoice)
        if reason is None:
            continue
        suggestion = Suggestion(invoice.id, invoice.number, invoice.customer_id,
                                min(invoice.amount_due, transaction.amount), reason, SCORES[reason])
        ranked.append(((-suggestion.score, invoice.amount_due != transaction.amount, invoice.due_date, invoice.id),
                       suggestion))
    return [s for _, s in sorted(ranked, key=lambda pair: pair[0])][:limit]


def certain_match(transaction: TransactionFacts, invoices: list[OpenInvoice]) -> Suggestion | None:
    """The one invoice an import matches automatically: exactly one open invoice carries the transaction's
    structured reference."""
    found = [s for s in suggest(transaction, invoices, limit=2) if s.reason == REFERENCE]
    return found[0] if len(found) == 1 else None


# ------------------------------------------------------------------------------------ money out: bills


@dataclass(frozen=True)
class OpenBill:
    id: str
    number: str | None
    supplier_reference: str | None
    supplier_id: str
    supplier_name: str | None
    currency: str
    amount_due: Decimal
    due_date: date


@dataclass(frozen=True)
class BillSuggestion:
    bill_id: str
    bill_number: str | None
    supplier_reference: str | None
    supplier_id: str
    amount: Decimal  # what matching it would allocate: the amount due, at most what the transaction paid out
    reason: str
    score: int


def bill_reason_for(transaction: TransactionFacts, bill: OpenBill) -> str | None:
    texts = [transaction.remittance, transaction.reference]
    if any(number_in_text(number, text) for number in (bill.supplier_reference, bill.number) for text in texts):
        return NUMBER_IN_TEXT
    if -transaction.amount == bill.amount_due and same_party(transaction.counterparty_name, bill.supplier_name):
        return AMOUNT_AND_PARTY
    return None


def suggest_bills(transaction: TransactionFacts, bills: list[OpenBill],
                  limit: int = MAX_SUGGESTIONS) -> list[BillSuggestion]:
    """The open bills a money-out transaction may pay, best first (see the module's docstring)."""
    if transaction.amount >= 0:
        return []
    paid_out = -transaction.amount
    ranked: list[tuple[tuple[int, bool, date, str], BillSuggestion]] = []
    for bill in bills:
        if bill.currency != transaction.currency or bill.amount_due <= 0:
            continue
        reason = bill_reason_for(transaction, bill)
        if reason is None:
            continue
        suggestion = BillSuggestion(bill.id, bill.number, bill.supplier_reference, bill.supplier_id,
                                    min(bill.amount_due, paid_out), reason, SCORES[reason])
        ranked.append(((-suggestion.score, bill.amount_due != paid_out, bill.due_date, bill.id), suggestion))
    return [s for _, s in sorted(ranked, key=lambda pair: pair[0])][:limit]
