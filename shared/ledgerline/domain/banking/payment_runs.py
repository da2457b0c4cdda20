"""Payment runs (issue 16, item 4): which bills a run pays, and the ISO 20022 pain.001 credit-transfer file.

Pure: the service hands in what it loaded (bills, suppliers, the debtor bank account) and gets back the
transfers to schedule (or the issues naming each bill and field); `pain001.py` writes the file (lxml).

Variants (`VARIANTS`): SEPA pain.001.001.03 and pain.001.001.09 for EUR (service level SEPA, charges SLEV),
and the Swiss Payment Standards' pain.001.001.09 for CHF (no service level; a QR reference is a `QRR` creditor
reference paid to the supplier's QR-IBAN, an RF one a `SCOR` reference). Every transfer's end-to-end id is the
run's ULID and its position (`01K…-3`), so a statement's debit names the run and the payment it booked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledgerline.domain.banking import references
from ledgerline.domain.banking.iban import is_qr_iban
from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.errors import FieldIssue

SEPA_03 = "pain.001.001.03"
SEPA_09 = "pain.001.001.09"
CH_09 = "pain.001.001.09.ch"
VARIANTS = (SEPA_03, SEPA_09, CH_09)
CURRENCY_VARIANTS = {"EUR": (SEPA_09, SEPA_03), "CHF": (CH_09,)}  # the first is the default
MAX_TRANSFERS = 80  # one DynamoDB transaction: the run, each bill, its event and the idempotency record

_E2E = re.compile(r"^([0-9A-HJKMNP-TV-Z]{26})-(\d{1,3})$")


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str | None


@dataclass(frozen=True)
class Creditor:
    """The supplier's bank details as the party holds them."""

    name: str
    iban: str | None
    bic: str | None
    qr_iban: str | None
    country: str | None = None


@dataclass(frozen=True)
class Payable:
    """An open bill as the run sees it."""

    bill_id: str
    bill_number: str | None
    supplier_id: str
    supplier_reference: str
    currency: str
    amount_due: Decimal
    scheduled: Decimal
    due_date: date


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    bill_id: str
    supplier_id: str
    amount: Decimal
    currency: str
    creditor_name: str
    creditor_iban: str
    creditor_bic: str | None
    reference: str | None  # structured: a QR reference (QRR) or an RF creditor reference (SCOR)
    reference_type: str | None  # "QRR" | "SCOR" | None
    remittance: str | None  # unstructured text when there is no structured reference


def end_to_end_id(run_ulid: str, position: int) -> str:
    return f"{run_ulid}-{position}"


def run_of(end_to_end: str | None) -> tuple[str, int] | None:
    """The run's ULID and the transfer's position that an end-to-end id names, or None for any other id."""
    found = _E2E.match((end_to_end or "").strip().upper())
    return (found.group(1), int(found.group(2))) if found else None


def variant_for(currency: str, requested: str | None) -> str | None:
    """The file variant of a run in `currency` (None: no pain.001 variant pays that currency, or the
    requested one does not)."""
    allowed = CURRENCY_VARIANTS.get(currency, ())
    if requested is None:
        return allowed[0] if allowed else None
    return requested if requested in allowed else None


def open_amount(payable: Payable) -> Decimal:
    """What a run may still pay of a bill: its amount due less what other runs scheduled."""
    return max(payable.amount_due - payable.scheduled, Decimal(0))


def structured(supplier_reference: str) -> tuple[str | None, str | None]:
    """The bill's structured reference and its type: a QR reference (QRR) or an RF reference (SCOR)."""
    kind = references.kind_of(supplier_reference or "")
    if kind == "qr":
        return references.compact(supplier_reference), "QRR"
    if kind == "rf":
        return references.compact(supplier_reference), "SCOR"
    return None, None


def transfer(*, where: str, run_ulid: str, position: int, payable: Payable, amount: Decimal, creditor: Creditor,
             variant: str, issues: list[FieldIssue]) -> Transfer | None:
    """One bill's transfer, or None with the issues (each naming the bill and the field) appended."""
    before = len(issues)
    if amount <= 0:
        issues.append(FieldIssue(f"{where}.amount", f"bill {payable.bill_id} has nothing left to pay"))
    elif amount > open_amount(payable):
        issues.append(FieldIssue(f"{where}.amount", f"bill {payable.bill_id} owes {open_amount(payable)} not yet "
                                                    f"scheduled; {amount} is more"))
    reference, kind = structured(payable.supplier_reference)
    if kind == "QRR" and variant != CH_09:
        issues.append(FieldIssue(f"{where}.bill_id", f"bill {payable.bill_id} carries a QR reference, which only "
                                                     f"a CHF run pays"))
    iban = creditor.qr_iban if kind == "QRR" else creditor.iban
    if kind == "QRR" and not iban:
        issues.append(FieldIssue(f"{where}.bill_id", f"bill {payable.bill_id}: supplier {payable.supplier_id} has "
                                                     f"no qr_iban to pay its QR reference to"))
    elif not iban:
        issues.append(FieldIssue(f"{where}.bill_id", f"bill {payable.bill_id}: supplier {payable.supplier_id} has "
                                                     f"no iban"))
    elif kind != "QRR" and is_qr_iban(iban):
        issues.append(FieldIssue(f"{where}.bill_id", f"bill {payable.bill_id}: supplier {payable.supplier_id}'s "
                                                     f"iban is a QR-IBAN, which takes only a QR reference"))
    if len(issues) > before:
        return None
    assert iban is not None
    text = None if reference else f"{payable.supplier_reference}"[:140]
    return Transfer(end_to_end_id=end_to_end_id(run_ulid, position), bill_id=payable.bill_id,
                    supplier_id=payable.supplier_id, amount=amount, currency=payable.currency,
                    creditor_name=creditor.name, creditor_iban=iban, creditor_bic=creditor.bic, reference=reference,
                    reference_type=kind, remittance=text)


def totals(transfers: list[Transfer]) -> tuple[int, Decimal]:
    return len(transfers), sum((t.amount for t in transfers), Decimal(0))


# ------------------------------------------------------------------------------------ life cycle

SCHEDULED, COMPLETED, CANCELLED, BOOKED = "scheduled", "completed", "cancelled", "booked"


def cancel(status: str, payment_statuses: list[str]) -> str:
    """A run is cancelled only while it is scheduled and none of its payments is booked (unschedule them)."""
    if status != SCHEDULED:
        raise InvalidState(f"Cannot cancel a payment run that is {status}", param="status")
    if BOOKED in payment_statuses:
        raise InvalidState("Cannot cancel a payment run one of whose payments the bank has booked", param="status")
    return CANCELLED


def book(status: str, payment_statuses: list[str], position: int) -> tuple[list[str], str] | None:
    """The payments' statuses and the run's after the statement booked the payment at `position` (1-based),
    or None when that payment is not waiting to be booked (another run state, booked already, no such one)."""
    if status != SCHEDULED or not 1 <= position <= len(payment_statuses) or payment_statuses[position - 1] != SCHEDULED:
        return None
    after = [BOOKED if n == position else s for n, s in enumerate(payment_statuses, start=1)]
    return after, COMPLETED if all(s == BOOKED for s in after) else SCHEDULED


def unbook(payment_statuses: list[str], position: int) -> tuple[list[str], str]:
    """The payments' statuses and the run's after the transaction that booked the payment at `position` is
    unmatched: that payment is scheduled again, and so is the run."""
    after = [SCHEDULED if n == position else s for n, s in enumerate(payment_statuses, start=1)]
    return after, SCHEDULED


def check_unscheduled(scheduled: Decimal | None, action: str) -> None:
    """A bill a live run has scheduled cannot be voided (the bank would still pay it): cancel the run first."""
    if scheduled:
        raise InvalidState(f"Cannot {action} a bill a payment run has scheduled ({scheduled}); cancel the run first",
                           param="status")
