"""The purchase order's life cycle and its per-line quantities (issue 15, item 4).

draft → sent (numbered; issued, or emailed to the supplier) → partially_received → received → billed, or
cancelled (from draft or sent, while nothing is received or billed). Past `sent` the status is read from the
quantities: `billed` once every line is billed in full, else `received` once every line is received in full,
else `partially_received` once anything is received. `billing_status` (not_billed → partially_billed →
billed) follows the billed quantities alone.

Each line holds what was ordered, received and billed. Receiving or billing takes quantities out of what
remains (never more: `receive` and `bill` refuse it), and giving a bill's quantities back (its draft
deleted, or it voided) returns exactly what it took. `bill_lines` turns the quantities a bill takes into
the bill's line data. Pure: the service saves the new quantities in the transaction that takes them, on the
order's version, so two concurrent requests never take the same quantity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ledgerline.domain.documents.base import InvalidState, Transition, require_status
from ledgerline.domain.documents.line_quantities import Progress, give_back, progress, requested, take
from ledgerline.domain.events import EventType

NOUN = "purchase order"


class PurchaseOrderStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    BILLED = "billed"
    CANCELLED = "cancelled"


class BillingStatus(StrEnum):
    NOT_BILLED = "not_billed"
    PARTIALLY_BILLED = "partially_billed"
    BILLED = "billed"


class BillBasis(StrEnum):
    RECEIVED = "received"  # what is received and not yet billed
    ORDERED = "ordered"  # everything not yet billed


# Goods are received and bills made from a sent order, until it is cancelled.
ACTIVE_STATUSES: tuple[str, ...] = (PurchaseOrderStatus.SENT.value, PurchaseOrderStatus.PARTIALLY_RECEIVED.value,
                                    PurchaseOrderStatus.RECEIVED.value, PurchaseOrderStatus.BILLED.value)
PURCHASE_ORDER_STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    status.value: (status.value,) for status in PurchaseOrderStatus}


@dataclass(frozen=True)
class LineQuantities:
    ordered: Decimal
    received: Decimal
    billed: Decimal

    @property
    def unreceived(self) -> Decimal:
        return max(self.ordered - self.received, Decimal(0))

    @property
    def unbilled(self) -> Decimal:
        return max(self.ordered - self.billed, Decimal(0))


@dataclass(frozen=True)
class PurchaseOrderState:
    status: str
    lines: tuple[LineQuantities, ...]

    @property
    def billing_status(self) -> BillingStatus:
        return billing_status(self.lines)


def billing_status(lines: Sequence[LineQuantities]) -> BillingStatus:
    return {Progress.ALL: BillingStatus.BILLED, Progress.SOME: BillingStatus.PARTIALLY_BILLED,
            Progress.NONE: BillingStatus.NOT_BILLED}[progress(lines, "billed")]


def progress_status(lines: Sequence[LineQuantities]) -> PurchaseOrderStatus:
    """The status of a sent order from its quantities."""
    if progress(lines, "billed") == Progress.ALL:
        return PurchaseOrderStatus.BILLED
    return {Progress.ALL: PurchaseOrderStatus.RECEIVED, Progress.SOME: PurchaseOrderStatus.PARTIALLY_RECEIVED,
            Progress.NONE: PurchaseOrderStatus.SENT}[progress(lines, "received")]


def require(state: PurchaseOrderState, allowed: tuple[str, ...], action: str) -> None:
    require_status(NOUN, state.status, allowed, action)


def check_draft(state: PurchaseOrderState, action: str) -> None:
    """Only a draft may be edited or deleted."""
    require(state, (PurchaseOrderStatus.DRAFT.value,), action)


def send(state: PurchaseOrderState) -> Transition[PurchaseOrderState]:
    """Draft → sent (the service numbers it in the same transaction)."""
    check_draft(state, "send")
    return Transition(replace(state, status=PurchaseOrderStatus.SENT.value), EventType.PURCHASE_ORDER_SENT)


def check_can_email(state: PurchaseOrderState) -> None:
    """A sent order (in any stage) may be emailed again; a cancelled one may not."""
    require(state, (PurchaseOrderStatus.DRAFT.value, *ACTIVE_STATUSES), "email")


def cancel(state: PurchaseOrderState) -> Transition[PurchaseOrderState]:
    """Draft or sent → cancelled, while nothing is received or billed."""
    require(state, (PurchaseOrderStatus.DRAFT.value, PurchaseOrderStatus.SENT.value), "cancel")
    if any(line.received or line.billed for line in state.lines):
        raise InvalidState("Cannot cancel a purchase order with receipts or bills", param="status")
    return Transition(replace(state, status=PurchaseOrderStatus.CANCELLED.value), EventType.PURCHASE_ORDER_CANCELLED)


def receive(state: PurchaseOrderState, quantities: Sequence[Decimal | None] | None = None,
            ) -> tuple[Transition[PurchaseOrderState], tuple[Decimal, ...]]:
    """Take received quantities (all that is outstanding when none are named): the new state and the
    quantity per line. Refuses more than is outstanding and a receipt of nothing."""
    require(state, ACTIVE_STATUSES, "receive goods on")
    taken = requested(state.lines, quantities, [line.unreceived for line in state.lines], "received")
    if not any(taken):
        raise InvalidState("Nothing is left to receive on this purchase order", param="lines",
                           code="nothing_to_receive")
    lines = take(state.lines, "received", taken)
    return Transition(PurchaseOrderState(progress_status(lines).value, lines),
                      EventType.PURCHASE_ORDER_RECEIVED), taken


def bill(state: PurchaseOrderState, basis: BillBasis = BillBasis.RECEIVED,
         ) -> tuple[Transition[PurchaseOrderState], tuple[Decimal, ...]]:
    """Take the quantities a bill charges: what is received and not billed, or (basis `ordered`) everything
    not billed. Refuses a bill of nothing."""
    require(state, ACTIVE_STATUSES, "bill")
    if basis == BillBasis.ORDERED:
        room = [line.unbilled for line in state.lines]
    else:
        room = [max(min(line.received, line.ordered) - line.billed, Decimal(0)) for line in state.lines]
    if not any(room):
        raise InvalidState("Nothing is left to bill on this purchase order" + (
            "; receive first, or bill with basis 'ordered'" if basis == BillBasis.RECEIVED else ""),
            param="basis", code="nothing_to_bill")
    lines = take(state.lines, "billed", room)
    return Transition(PurchaseOrderState(progress_status(lines).value, lines),
                      EventType.PURCHASE_ORDER_BILLED), tuple(room)


def give_back_billed(state: PurchaseOrderState, quantities: Sequence[Decimal]) -> PurchaseOrderState:
    """A bill made from the order is gone (its draft deleted, or it voided): its quantities may be billed
    again. Never below zero (what it took is what it gives back)."""
    lines = give_back(state.lines, "billed", quantities, "bill", NOUN)
    status = state.status if state.status not in ACTIVE_STATUSES else progress_status(lines).value
    return PurchaseOrderState(status, lines)


# The fields of an order line a bill line takes over (the bill prices them again with its own rules).
BILL_LINE_FIELDS: tuple[str, ...] = ("item_id", "description", "unit_price", "account_id", "tax_code_id")


def bill_lines(lines: Sequence[Mapping[str, Any]], quantities: Sequence[Decimal]) -> list[dict[str, Any]]:
    """The line data of a draft supplier bill for `quantities` of the order's `lines` (each a mapping with
    `line` and the `BILL_LINE_FIELDS`): one bill line per order line with a quantity, naming the order line
    it bills (`purchase_order_line`) so the bill can give it back. Lines at zero are left out."""
    if len(lines) != len(quantities):
        raise InvalidState("The quantities do not match the purchase order's lines", param="lines")
    return [{**{name: line.get(name) for name in BILL_LINE_FIELDS}, "quantity": quantity,
             "purchase_order_line": line["line"]}
            for line, quantity in zip(lines, quantities, strict=True) if quantity > 0]
