"""Posted documents that are undone by a reversal, never deleted: receipts, refunds, credit notes and
manual journal entries. posted → reversed; a receipt's credit may be allocated while it is posted."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ledgerline.domain.documents.base import InvalidState, Transition, invalid
from ledgerline.domain.events import EventType


class PostedStatus(StrEnum):
    POSTED = "posted"
    REVERSED = "reversed"


# Receipts and journal entries are posted, and may be reversed.
POSTED_STATUS_FILTERS: dict[str, tuple[str, ...]] = {status.value: (status.value,) for status in PostedStatus}


@dataclass(frozen=True)
class PostedKind:
    """A kind of posted document: its noun in messages, the events of its transitions (None: it has no
    such transition), what a reversal's date is checked against."""

    noun: str
    posted: EventType
    reversed: EventType | None
    reversed_before: str  # "a reversal cannot be dated before the …"
    allocated: EventType | None = None

    @property
    def reversible(self) -> bool:
        return self.reversed is not None


RECEIPT = PostedKind("receipt", EventType.RECEIPT_POSTED, EventType.RECEIPT_REVERSED, "the receipt",
                     allocated=EventType.RECEIPT_ALLOCATED)
REFUND = PostedKind("refund", EventType.REFUND_POSTED, EventType.REFUND_REVERSED, "the refund")
JOURNAL_ENTRY = PostedKind("journal entry", EventType.JOURNAL_ENTRY_POSTED, EventType.JOURNAL_ENTRY_REVERSED,
                           "the entry it reverses")
CREDIT_NOTE = PostedKind("credit note", EventType.CREDIT_NOTE_POSTED, None, "the credit note")
EXPENSE = PostedKind("expense", EventType.EXPENSE_POSTED, EventType.EXPENSE_REVERSED, "the expense")  # issue 15
SUPPLIER_PAYMENT = PostedKind("supplier payment", EventType.SUPPLIER_PAYMENT_POSTED,  # issue 15
                              EventType.SUPPLIER_PAYMENT_REVERSED, "the supplier payment",
                              allocated=EventType.SUPPLIER_PAYMENT_ALLOCATED)
SUPPLIER_CREDIT_NOTE = PostedKind("supplier credit note", EventType.SUPPLIER_CREDIT_NOTE_POSTED, None,  # issue 15
                                  "the supplier credit note", allocated=EventType.SUPPLIER_CREDIT_NOTE_ALLOCATED)


@dataclass(frozen=True)
class PostedState:
    status: str
    date: date
    refunded: Decimal = Decimal(0)  # credit a refund paid out of it (receipts and credit notes)


def post(kind: PostedKind, day: date) -> Transition[PostedState]:
    """A posted document is born posted: there is no draft."""
    return Transition(PostedState(PostedStatus.POSTED.value, day), kind.posted)


def allocate(kind: PostedKind, state: PostedState, day: date) -> Transition[PostedState]:
    """Apply a posted receipt's credit to invoices: not once it is reversed, not before its date."""
    if kind.allocated is None:
        raise InvalidState(f"A {kind.noun} holds no credit to allocate", param="status")
    if state.status != PostedStatus.POSTED:
        raise InvalidState(f"Cannot allocate a reversed {kind.noun}", param="status")
    if day < state.date:
        raise invalid("date", f"an allocation cannot be dated before the {kind.noun}")
    return Transition(state, kind.allocated)


def reverse(kind: PostedKind, state: PostedState, day: date) -> Transition[PostedState]:
    """Posted → reversed: once, not while a refund holds part of its credit, not dated before it."""
    if kind.reversed is None:
        raise InvalidState(f"A {kind.noun} cannot be reversed", param="status")
    if state.status != PostedStatus.POSTED:
        raise InvalidState(f"The {kind.noun} is already reversed", param="status")
    if state.refunded:
        raise InvalidState(f"Part of this {kind.noun}'s credit was refunded; reverse those refunds first",
                           param="status")
    if day < state.date:
        raise invalid("date", f"a reversal cannot be dated before {kind.reversed_before}")
    return Transition(replace(state, status=PostedStatus.REVERSED.value), kind.reversed)
