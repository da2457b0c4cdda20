"""A stored purchase order ↔ its pure state (domain/documents/purchase_order.py), and what a bill made from
it gives back when it goes away (issue 15).

Kept apart from `services/purchase_orders.py` so that the email service and the bills' use cases (deleting a
draft bill, voiding one) can stage it without importing the purchase order use cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ledgerline.domain.documents import purchase_order as rules
from ledgerline.domain.events import EventType
from ledgerline.schemas.purchase_orders import PurchaseOrderOut
from ledgerline.store.purchase_orders import PurchaseOrder
from ledgerline.store.unit_of_work import UnitOfWork

PURCHASE_ORDER_SOURCE = "purchase_order"


def state_of(order: PurchaseOrder) -> rules.PurchaseOrderState:
    return rules.PurchaseOrderState(order.status, tuple(
        rules.LineQuantities(line.quantity, line.received_quantity, line.billed_quantity) for line in order.lines))


def adopt(order: PurchaseOrder, state: rules.PurchaseOrderState) -> None:
    """Write a new state's status and per-line quantities onto the stored order."""
    order.status = state.status
    order.billing_status = state.billing_status.value
    for line, quantities in zip(order.lines, state.lines, strict=True):
        line.received_quantity, line.billed_quantity = quantities.received, quantities.billed


def stage_give_back(uow: UnitOfWork, order_id: str, bill_id: str, quantities: Sequence[Decimal]) -> None:
    """A bill made from the order is gone (its draft deleted, or it voided): give the quantities it took back,
    in the caller's transaction, conditional on the order's version as taking them was. For the bills' use
    cases (wired at merge)."""
    order = uow.find(PurchaseOrder, order_id)
    if order is None:  # purchase orders are never deleted once billed; nothing to give back to
        return
    adopt(order, rules.give_back_billed(state_of(order), quantities))
    order.bill_ids = [i for i in order.bill_ids or [] if i != bill_id]
    uow.save_if_unchanged(order)
    uow.record_event(EventType.PURCHASE_ORDER_UPDATED, order, PurchaseOrderOut)
