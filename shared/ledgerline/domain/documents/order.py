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

from ledgerline.domain.documents.base import InvalidState, Transition, invalid, require_status
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
    if all(line.invoiced >= line.ordered for line in lines):
        return InvoicingStatus.INVOICED
    if any(line.invoiced > 0 for line in lines):
        return InvoicingStatus.PARTIALLY_INVOICED
    return InvoicingStatus.NOT_INVOICED


def fulfilment_status(lines: Sequence[LineQuantities]) -> OrderStatus:
    """The status of a confirmed order from what is delivered."""
    if all(line.delivered >= line.ordered for line in lines):
        return OrderStatus.DELIVERED
    if any(line.delivered > 0 for line in lines):
        return OrderStatus.PARTIALLY_DELIVERED
    return OrderStatus.CONFIRMED


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


def _requested(state: OrderState, quantities: Sequence[Decimal | None] | None, room: Sequence[Decimal],
               what: str) -> tuple[Decimal, ...]:
    """The quantity per line a request takes: all of `room` when none are named; each named one checked
    against its line's room."""
    if quantities is None:
        return tuple(room)
    if len(quantities) != len(state.lines):
        raise invalid("lines", f"name a quantity for each of the order's {len(state.lines)} lines, or none")
    taken: list[Decimal] = []
    for index, (quantity, left) in enumerate(zip(quantities, room, strict=True)):
        quantity = Decimal(0) if quantity is None else quantity
        if quantity < 0:
            raise invalid(f"lines[{index}].quantity", "must not be negative")
        if quantity > left:
            raise invalid(f"lines[{index}].quantity", f"only {left.normalize():f} left to be {what} on this line")
        taken.append(quantity)
    return tuple(taken)


def deliver(state: OrderState, quantities: Sequence[Decimal | None] | None = None,
            ) -> tuple[Transition[OrderState], tuple[Decimal, ...]]:
    """Take quantities for a delivery note (all that is undelivered when none are named): the new state and
    the quantity per line. Refuses more than is undelivered and a delivery of nothing."""
    require(state, ACTIVE_STATUSES, "deliver")
    taken = _requested(state, quantities, [line.undelivered for line in state.lines], "delivered")
    if not any(taken):
        raise InvalidState("Nothing is left to deliver on this order", param="lines", code="nothing_to_deliver")
    lines = tuple(replace(line, delivered=line.delivered + q) for line, q in zip(state.lines, taken, strict=True))
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
    lines = tuple(replace(line, invoiced=line.invoiced + q) for line, q in zip(state.lines, room, strict=True))
    return Transition(replace(state, lines=lines), EventType.ORDER_INVOICED), tuple(room)


def give_back_invoiced(state: OrderState, quantities: Sequence[Decimal]) -> OrderState:
    """An invoice made from the order is gone (its draft deleted, or it voided): its quantities may be
    invoiced again. Never below zero (what it took is what it gives back)."""
    if len(quantities) != len(state.lines):
        raise InvalidState("The invoice's quantities do not match the order's lines", param="lines")
    lines = tuple(replace(line, invoiced=max(line.invoiced - q, Decimal(0)))
                  for line, q in zip(state.lines, quantities, strict=True))
    return replace(state, lines=lines)


def give_back_delivered(state: OrderState, quantities: Sequence[Decimal]) -> Transition[OrderState]:
    """A draft delivery note made from the order is deleted: its quantities may be delivered again, and the
    fulfilment status follows (`order.updated`). Never below zero (what it took is what it gives back).
    What was invoiced stays invoiced (an order may be invoiced ahead of delivery)."""
    if len(quantities) != len(state.lines):
        raise InvalidState("The delivery note's quantities do not match the order's lines", param="lines")
    lines = tuple(replace(line, delivered=max(line.delivered - q, Decimal(0)))
                  for line, q in zip(state.lines, quantities, strict=True))
    status = state.status if state.status in (OrderStatus.DRAFT.value, OrderStatus.CANCELLED.value) \
        else fulfilment_status(lines).value
    return Transition(OrderState(status, lines), EventType.ORDER_UPDATED)
