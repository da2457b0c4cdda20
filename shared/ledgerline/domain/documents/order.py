"""The sales order's life cycle and its per-line quantities (issue 14).

Two dimensions, kept apart so both read plainly:
- `status` (fulfilment): draft → confirmed → partially_delivered → delivered, or cancelled (from draft or
  confirmed, while nothing is delivered or invoiced);
- `invoicing_status`: not_invoiced → partially_invoiced → invoiced, from the invoiced quantity of each line.

Each line holds what was ordered, delivered and invoiced. Delivering or invoicing takes quantities out of
what remains (never more: `deliver` and `invoice` refuse it), and giving an invoice's quantities back (its
draft deleted, or it voided) returns exactly what it took. Pure: the service saves the new quantities in the
same transaction as the delivery note or invoice, on the order's version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from ledgerline.domain.documents.base import InvalidState, Transition, require_status
from ledgerline.domain.documents.line_quantities import Progress, give_back, progress, requested, take
from ledgerline.domain.events import EventType

NOUN = "order"


class OrderStatus(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    PARTIALLY_DELIVERED = "partially_delivered"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class InvoicingStatus(StrEnum):
    NOT_INVOICED = "not_invoiced"
    PARTIALLY_INVOICED = "partially_invoiced"
    INVOICED = "invoiced"


class InvoiceBasis(StrEnum):
    DELIVERED = "delivered"  # what is delivered and not yet invoiced
    ORDERED = "ordered"  # everything not yet invoiced


# Deliveries and invoices are made from a confirmed order, until it is cancelled.
ACTIVE_STATUSES: tuple[str, ...] = (OrderStatus.CONFIRMED.value, OrderStatus.PARTIALLY_DELIVERED.value,
                                    OrderStatus.DELIVERED.value)
ORDER_STATUS_FILTERS: dict[str, tuple[str, ...]] = {status.value: (status.value,) for status in OrderStatus}


@dataclass(frozen=True)
class LineQuantities:
    ordered: Decimal
    delivered: Decimal
    invoiced: Decimal

    @property
    def undelivered(self) -> Decimal:
        return self.ordered - self.delivered

    @property
    def uninvoiced(self) -> Decimal:
        return self.ordered - self.invoiced


@dataclass(frozen=True)
class OrderState:
    status: str
    lines: tuple[LineQuantities, ...]

    @property
    def invoicing_status(self) -> InvoicingStatus:
        return invoicing_status(self.lines)


def invoicing_status(lines: Sequence[LineQuantities]) -> InvoicingStatus:
    return {Progress.ALL: InvoicingStatus.INVOICED, Progress.SOME: InvoicingStatus.PARTIALLY_INVOICED,
            Progress.NONE: InvoicingStatus.NOT_INVOICED}[progress(lines, "invoiced")]


def fulfilment_status(lines: Sequence[LineQuantities]) -> OrderStatus:
    """The status of a confirmed order from what is delivered."""
    return {Progress.ALL: OrderStatus.DELIVERED, Progress.SOME: OrderStatus.PARTIALLY_DELIVERED,
            Progress.NONE: OrderStatus.CONFIRMED}[progress(lines, "delivered")]


def require(state: OrderState, allowed: tuple[str, ...], action: str) -> None:
    require_status(NOUN, state.status, allowed, action)


def check_draft(state: OrderState, action: str) -> None:
    require(state, (OrderStatus.DRAFT.value,), action)


def confirm(state: OrderState) -> Transition[OrderState]:
    check_draft(state, "confirm")
    return Transition(replace(state, status=OrderStatus.CONFIRMED.value), EventType.ORDER_CONFIRMED)


def cancel(state: OrderState) -> Transition[OrderState]:
    """Draft or confirmed → cancelled, while nothing is delivered or invoiced."""
    require(state, (OrderStatus.DRAFT.value, OrderStatus.CONFIRMED.value), "cancel")
    if any(line.delivered or line.invoiced for line in state.lines):
        raise InvalidState("Cannot cancel an order with deliveries or invoices", param="status")
    return Transition(replace(state, status=OrderStatus.CANCELLED.value), EventType.ORDER_CANCELLED)


def deliver(state: OrderState, quantities: Sequence[Decimal | None] | None = None,
            ) -> tuple[Transition[OrderState], tuple[Decimal, ...]]:
    """Take quantities for a delivery note (all that is undelivered when none are named): the new state and
    the quantity per line. Refuses more than is undelivered and a delivery of nothing."""
    require(state, ACTIVE_STATUSES, "deliver")
    taken = requested(state.lines, quantities, [line.undelivered for line in state.lines], "delivered")
    if not any(taken):
        raise InvalidState("Nothing is left to deliver on this order", param="lines", code="nothing_to_deliver")
    lines = take(state.lines, "delivered", taken)
    return Transition(OrderState(fulfilment_status(lines).value, lines), EventType.ORDER_DELIVERED), taken


def invoice(state: OrderState, basis: InvoiceBasis = InvoiceBasis.DELIVERED,
            ) -> tuple[Transition[OrderState], tuple[Decimal, ...]]:
    """Take the quantities an invoice charges: what is delivered and not invoiced, or (basis `ordered`)
    everything not invoiced. Refuses an invoice of nothing."""
    require(state, ACTIVE_STATUSES, "invoice")
    if basis == InvoiceBasis.ORDERED:
        room = [line.uninvoiced for line in state.lines]
    else:
        room = [max(line.delivered - line.invoiced, Decimal(0)) for line in state.lines]
    if not any(room):
        raise InvalidState("Nothing is left to invoice on this order" + (
            "; deliver first, or invoice with basis 'ordered'" if basis == InvoiceBasis.DELIVERED else ""),
            param="basis", code="nothing_to_invoice")
    lines = take(state.lines, "invoiced", room)
    return Transition(replace(state, lines=lines), EventType.ORDER_INVOICED), tuple(room)


def give_back_invoiced(state: OrderState, quantities: Sequence[Decimal]) -> OrderState:
    """An invoice made from the order is gone (its draft deleted, or it voided): its quantities may be
    invoiced again. Never below zero (what it took is what it gives back)."""
    return replace(state, lines=give_back(state.lines, "invoiced", quantities, "invoice", NOUN))


def give_back_delivered(state: OrderState, quantities: Sequence[Decimal]) -> Transition[OrderState]:
    """A draft delivery note made from the order is deleted: its quantities may be delivered again, and the
    fulfilment status follows (`order.updated`). Never below zero (what it took is what it gives back).
    What was invoiced stays invoiced (an order may be invoiced ahead of delivery)."""
    lines = give_back(state.lines, "delivered", quantities, "delivery note", NOUN)
    status = state.status if state.status in (OrderStatus.DRAFT.value, OrderStatus.CANCELLED.value) \
        else fulfilment_status(lines).value
    return Transition(OrderState(status, lines), EventType.ORDER_UPDATED)
