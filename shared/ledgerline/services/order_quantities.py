"""Giving an order's invoiced quantities back when an invoice made from it goes away (issue 14).

Kept apart from `services/orders.py` so that `services/invoices.py` (deleting a draft, voiding) can stage it
without importing the order use cases, which import the invoices'.
"""

from __future__ import annotations

from decimal import Decimal

from ledgerline.clock import utc_now
from ledgerline.domain.documents import order as order_rules
from ledgerline.domain.events import EventType
from ledgerline.schemas.orders import OrderOut
from ledgerline.services import stock
from ledgerline.store.documents import Invoice
from ledgerline.store.sales import Order
from ledgerline.store.unit_of_work import UnitOfWork

ORDER_SOURCE = "order"


def state_of(order: Order) -> order_rules.OrderState:
    return order_rules.OrderState(order.status, tuple(
        order_rules.LineQuantities(line.quantity, line.delivered_quantity, line.invoiced_quantity)
        for line in order.lines))


def adopt(order: Order, state: order_rules.OrderState) -> None:
    """Write a new state's status and per-line quantities onto the stored order."""
    order.status = state.status
    order.invoicing_status = state.invoicing_status.value
    for line, quantities in zip(order.lines, state.lines, strict=True):
        line.delivered_quantity, line.invoiced_quantity = quantities.delivered, quantities.invoiced


def quantities_of(invoice: Invoice) -> list[Decimal] | None:
    if invoice.source is None or invoice.source.kind != ORDER_SOURCE or invoice.source_quantities is None:
        return None
    return [Decimal(q) for q in invoice.source_quantities]


def stage_give_back(uow: UnitOfWork, invoice: Invoice) -> None:
    """If `invoice` was made from an order, give the quantities it took back to the order, in the caller's
    transaction (conditional on the order's version, as taking them was)."""
    quantities = quantities_of(invoice)
    if quantities is None:
        return
    order = uow.find(Order, invoice.source.id)
    if order is None:  # orders are never deleted once they made an invoice; nothing to give back to
        return
    before = stock.order_line_quantities(order)
    adopt(order, order_rules.give_back_invoiced(state_of(order), quantities))
    stock.reserve_for(uow, order, before, utc_now())  # issue 19: what was invoiced without a note: reserved again
    order.invoice_ids = [i for i in order.invoice_ids or [] if i != invoice.id]
    uow.save_if_unchanged(order)
    uow.record_event(EventType.ORDER_UPDATED, order, OrderOut)

