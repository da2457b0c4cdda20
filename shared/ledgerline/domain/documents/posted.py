"""Posted documents that are undone by a reversal, never deleted: receipts, refunds, credit notes and
manual journal entries. posted → reversed; a receipt's credit may be allocated while it is posted."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ledgerline.domain.documents.base import InvalidState, Transition, invalid


class PostedStatus(StrEnum):
    POSTED = "posted"
    REVERSED = "reversed"


# Receipts and journal entries are posted, and may be reversed.
POSTED_STATUS_FILTERS: dict[str, tuple[str, ...]] = {status.value: (status.value,) for status in PostedStatus}


@dataclass(frozen=True)
class PostedKind:
    """A kind of posted document: its noun in messages, its event prefix, what a reversal's date is
    checked against, and whether it can be reversed at all."""

    noun: str
    event_prefix: str
    reversed_before: str  # "a reversal cannot be dated before the …"
    reversible: bool = True


RECEIPT = PostedKind("receipt", "receipt", "the receipt")
REFUND = PostedKind("refund", "refund", "the refund")
JOURNAL_ENTRY = PostedKind("journal entry", "journal_entry", "the entry it reverses")
CREDIT_NOTE = PostedKind("credit note", "credit_note", "the credit note", reversible=False)


@dataclass(frozen=True)
class PostedState:
    status: str
    date: date
    refunded: Decimal = Decimal(0)  # credit a refund paid out of it (receipts and credit notes)


def post(kind: PostedKind, day: date) -> Transition[PostedState]:
    """A posted document is born posted: there is no draft."""
    return Transition(PostedState(PostedStatus.POSTED.value, day), f"{kind.event_prefix}.posted")


def allocate(kind: PostedKind, state: PostedState, day: date) -> Transition[PostedState]:
    """Apply a posted receipt's credit to invoices: not once it is reversed, not before its date."""
    if state.status != PostedStatus.POSTED:
        raise InvalidState(f"Cannot allocate a reversed {kind.noun}", param="status")
    if day < state.date:
        raise invalid("date", f"an allocation cannot be dated before the {kind.noun}")
    return Transition(state, f"{kind.event_prefix}.allocated")


def reverse(kind: PostedKind, state: PostedState, day: date) -> Transition[PostedState]:
    """Posted → reversed: once, not while a refund holds part of its credit, not dated before it."""
    if not kind.reversible:
        raise InvalidState(f"A {kind.noun} cannot be reversed", param="status")
    if state.status != PostedStatus.POSTED:
        raise InvalidState(f"The {kind.noun} is already reversed", param="status")
    if state.refunded:
        raise InvalidState(f"Part of this {kind.noun}'s credit was refunded; reverse those refunds first",
                           param="status")
    if day < state.date:
        raise invalid("date", f"a reversal cannot be dated before {kind.reversed_before}")
    return Transition(replace(state, status=PostedStatus.REVERSED.value), f"{kind.event_prefix}.reversed")
