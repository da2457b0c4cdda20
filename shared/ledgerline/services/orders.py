"""Sales orders (issue 14): drafts that can change, confirmation that numbers them, deliveries and invoices
made from them. No ledger effect.

Each order line keeps what was ordered, delivered and invoiced (`domain/documents/order.py`). A delivery
note or invoice made from an order is written in ONE transaction with the order's new quantities, on the
order's version: two concurrent requests cannot both take the same quantity (the loser re-reads the order
and finds less left, or nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import stock as stock_rules
from ledgerline.domain.documents import order as order_rules
from ledgerline.domain.documents import order_positions as position_rules
from ledgerline.domain.documents.delivery import DeliveryStatus
from ledgerline.domain.documents.line_quantities import per_line
from ledgerline.domain.documents.order import InvoiceBasis, InvoicingStatus, OrderStatus
from ledgerline.domain.errors import PreconditionFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.kinds import ORDER_SERIES
from ledgerline.domain.query import Query
from ledgerline.domain.tenants import format_number
from ledgerline.ids import new_id
from ledgerline.schemas.documents import InvoiceOut
from ledgerline.schemas.orders import DeliveryNoteOut, OrderOut
from ledgerline.services import invoices, stock
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import conversion, customer
from ledgerline.services.idempotency import once
from ledgerline.services.order_quantities import ORDER_SOURCE, adopt, state_of
from ledgerline.services.pricing import price_fields, referenced_positions, requested_positions
from ledgerline.services.retry import retrying_unit
from ledgerline.store import lists
from ledgerline.store.documents import DocumentRef
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.sales import Delivery, DeliveryLine, Order, OrderLine
from ledgerline.store.table import Contention
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def represent(order: Order) -> dict[str, Any]:
    return OrderOut.model_validate(order).model_dump(mode="json")


# ----------------------------------------------------------------------------------------- reads


def get_order(tenant_id: str, order_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(Order, order_id))


def query_orders(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of orders as a planned query asks (issue 18: the store's named read `lists.query_orders`)."""
    return lists.query_orders(tenant_id, query, limit=limit, start_key=start_key)


# ---------------------------------------------------------------------------------------- lines

# The one place an order's lines are handled: priced from the request as an invoice's are, and turned back
# into an invoice's (or a copy's) requested lines.


def _price(uow: UnitOfWork, order: Order, tenant: Tenant, fields: dict[str, Any]) -> None:
    party = customer(tenant.id, fields["customer_id"], find=uow.find)
    currency = fields.get("currency") or party.currency or tenant.base_currency
    rate = conversion(tenant, currency, fields.get("exchange_rate")).rate
    include_tax = fields.get("prices_include_tax")
    include_tax = tenant.prices_include_tax if include_tax is None else include_tax
    priced = price_fields(tenant, fields, currency=currency, prices_include_tax=include_tax, find=uow.find)
    totals = priced.totals
    order.customer_id, order.customer_name = party.id, party.name
    order.order_date = fields.get("order_date") or today()
    order.currency, order.exchange_rate = currency, rate
    order.reference, order.notes = fields.get("reference"), fields.get("notes")
    order.prices_include_tax = include_tax
    order.payment_terms_days = fields.get("payment_terms_days")
    order.lines = [OrderLine(**line.attribute_values, line=number, delivered_quantity=Decimal(0),
                             invoiced_quantity=Decimal(0)) for number, line in enumerate(priced.lines, start=1)]
    order.positions, order.allowances, order.charges = priced.positions, priced.allowances, priced.charges
    order.tax_breakdown = priced.tax_breakdown
    order.subtotal, order.tax_total = totals.subtotal, totals.tax_total
    order.rounding_adjustment, order.total = totals.rounding_adjustment, totals.total


def requested_lines(order: Order, quantities: Sequence[Decimal] | None = None) -> dict[str, Any]:
    """The order's lines or positions (with allowances and charges) as an invoice's request, each line at
    `quantities[i]` (all ordered when None). Lines at zero are left out, and so are, on an invoice that takes
    part of the order, the positions it does not carry (`domain/documents/order_positions.py`): a fixed-amount
    discount, allowance or charge goes on the invoice that completes what it applies to."""
    wanted = [line.quantity for line in order.lines] if quantities is None else list(quantities)
    at = [_AtQuantity(line, quantity) for line, quantity in zip(order.lines, wanted, strict=True)]
    if not order.positions:  # lines only (lines with allowances are stored as item positions)
        requested = requested_positions(_Requested(at, None, None, None))
        requested["lines"] = [line for line in requested["lines"] if line["quantity"] > 0]
        return requested
    requested = requested_positions(_Requested(at, order.positions, order.allowances, order.charges))
    if quantities is None:
        return requested
    tree = position_rules.invoiced_positions(order.positions, wanted, _completes(order, wanted))
    return _trimmed(order, wanted, requested_positions(_Requested(at, tree, order.allowances, order.charges)))


def _trimmed(order: Order, wanted: list[Decimal], requested: dict[str, Any]) -> dict[str, Any]:
    """Fixed-amount allowances and charges only on the invoice that completes the order."""
    if not position_rules.fixed_amounts_due(wanted, _completes(order, wanted)):
        for name in ("allowances", "charges"):
            requested[name] = [entry for entry in requested.get(name) or [] if entry["percent"] is not None]
    return requested


def _completes(order: Order, wanted: list[Decimal]) -> Any:
    def complete(lines: list[int]) -> bool:
        return all(order.lines[i].invoiced_quantity + wanted[i] >= order.lines[i].quantity for i in lines)

    return complete


class _Requested:
    """An order seen as a priced document whose lines are at the quantities an invoice takes."""

    def __init__(self, lines: list[Any], positions: Any, allowances: Any, charges: Any) -> None:
        self.lines, self.positions, self.allowances, self.charges = lines, positions, allowances, charges


class _AtQuantity:
    def __init__(self, line: OrderLine, quantity: Decimal) -> None:
        self.item_id, self.description, self.quantity = line.item_id, line.description, quantity
        self.unit_price, self.account_id, self.tax_code_id = line.unit_price, line.account_id, line.tax_code_id


def _current_fields(order: Order) -> dict[str, Any]:
    return {"customer_id": order.customer_id, "order_date": order.order_date, "currency": order.currency,
            "exchange_rate": order.exchange_rate if order.exchange_rate != 1 else None,
            "reference": order.reference, "notes": order.notes, "prices_include_tax": order.prices_include_tax,
            "payment_terms_days": order.payment_terms_days, **requested_lines(order)}


def _prefetch(uow: UnitOfWork, fields: dict[str, Any], *also: tuple[Any, str]) -> None:
    customer_id = fields.get("customer_id")
    parties = [(Party, customer_id)] if isinstance(customer_id, str) else []
    uow.prefetch([*also, *parties, *referenced_positions(fields)])


# ---------------------------------------------------------------------------------------- drafts


def stage_create(uow: UnitOfWork, tenant: Tenant, fields: dict[str, Any],
                 source: dict[str, str] | None = None) -> Order:
    """A draft order staged on the caller's unit (with its `order.created`): a quote's conversion stages it
    in its own transaction."""
    now = utc_now()
    order = Order(id=new_id("so"), tenant_id=tenant.id, status=OrderStatus.DRAFT.value,
                  invoicing_status=InvoicingStatus.NOT_INVOICED.value, created_at=now, updated_at=now,
                  delivery_ids=[], invoice_ids=[])
    _price(uow, order, tenant, fields)
    record_metadata.on_create(order, fields)
    if source is not None:
        order.source = DocumentRef(kind=source["kind"], id=source["id"])
    uow.create(order)
    uow.record_event(EventType.ORDER_CREATED, order, OrderOut)
    return order


def create_draft(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return create_from(tenant_id, None, fields, idempotency_key)


def create_from(tenant_id: str, source: dict[str, str] | None, fields: dict[str, Any],
                idempotency_key: str | None = None) -> dict[str, Any]:
    """A draft order, made directly (`source` None) or from another document (`{"kind": "quote", "id": …}`),
    shown on the order as `source`."""
    def run() -> dict[str, Any]:
        uow = open_unit(tenant_id)
        _prefetch(uow, fields)
        order = stage_create(uow, uow.tenant(), fields, source)
        uow.respond(OrderOut, order)
        uow.commit()
        return represent(order)

    payload = fields if source is None else {**fields, "source": source}
    return once(tenant_id, idempotency_key, "create_order", payload, run, in_unit=True)


def update_draft(tenant_id: str, order_id: str, changes: dict[str, Any], expected_version: int | None) -> Order:
    uow = open_unit(tenant_id)
    _prefetch(uow, changes, (Order, order_id))
    order = uow.load(Order, order_id)
    check_version(order, expected_version)
    if record_metadata.only(changes):  # issue 20: not accounting data, so any status may change it
        return record_metadata.change(uow, order, changes, EventType.ORDER_UPDATED, OrderOut)
    order_rules.check_draft(state_of(order), "edit")
    changes = record_metadata.take(order, changes)
    _price(uow, order, uow.tenant(), _current_fields(order) | changes)
    order.updated_at = utc_now()
    uow.save_if_unchanged(order)
    uow.record_event(EventType.ORDER_UPDATED, order, OrderOut)
    _commit_draft_change(uow)
    return order


def copy(tenant_id: str, order_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """A new draft order with the order's positions (or lines) at their ordered quantities, allowances and
    charges, customer, currency, exchange rate, prices-include-tax, payment terms, reference and notes, dated
    today and priced again; nothing of it delivered or invoiced. Any order may be copied (a cancelled one too)."""
    def run() -> dict[str, Any]:
        source = open_unit(tenant_id).load(Order, order_id)
        return create_draft(tenant_id, _current_fields(source) | {"order_date": None})

    return once(tenant_id, idempotency_key, "copy_order", {"id": order_id}, run, in_unit=True)


def delete_draft(tenant_id: str, order_id: str, expected_version: int | None) -> Order:
    uow = open_unit(tenant_id)
    order = uow.load(Order, order_id)
    check_version(order, expected_version)
    order_rules.check_draft(state_of(order), "delete")
    uow.delete(order)
    uow.create(lists.document_tombstone(order, utc_now()))  # `updated_since` shows it deleted (issue 18)
    uow.record_event(EventType.ORDER_DELETED, order, OrderOut)
    _commit_draft_change(uow)
    return order


def _commit_draft_change(uow: UnitOfWork) -> None:
    try:
        uow.commit()
    except Contention as exc:
        raise PreconditionFailed("The order was changed by another request; read it again and retry") from exc


# -------------------------------------------------------------------------------- life cycle


def confirm(tenant_id: str, order_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """Draft → confirmed, numbered from the order series (`SO-{YYYY}-{SEQ:4}` unless the tenant set another)."""
    def attempt(uow: UnitOfWork) -> Order:
        tenant = uow.tenant()
        order = uow.load(Order, order_id)
        confirmed = order_rules.confirm(state_of(order))
        year = order.order_date.year
        last = uow.last_number(ORDER_SERIES.key, year)
        uow.take_number(ORDER_SERIES.key, year, last)
        order.number = format_number(tenant.number_format(ORDER_SERIES), year, last + 1)
        order.confirmed_at = order.updated_at = utc_now()
        adopt(order, confirmed.state)
        stock.stage_commitments(uow, [(line.item_id, line.quantity) for line in order.lines], stock.RESERVED,
                                order.updated_at, order_id=order.id)  # issue 19: reserved until delivered
        uow.save_if_unchanged(order)
        uow.record_event(confirmed.event, order, OrderOut)
        uow.respond(OrderOut, order)
        uow.commit()
        return order

    def prepare(uow: UnitOfWork) -> None:
        uow.prefetch([(Order, order_id)], series=[(ORDER_SERIES.key, today().year)])

    return once(tenant_id, idempotency_key, "confirm_order", {"id": order_id},
                lambda: represent(retrying_unit(tenant_id, attempt, prepare=prepare)), in_unit=True)


def cancel(tenant_id: str, order_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    def attempt(uow: UnitOfWork) -> Order:
        order = uow.load(Order, order_id)
        was_confirmed = order.confirmed_at is not None
        cancelled = order_rules.cancel(state_of(order))
        order.cancelled_at = order.updated_at = utc_now()
        if was_confirmed:  # issue 19: what was neither delivered nor invoiced is no longer reserved
            stock.stage_commitments(uow, [(line.item_id, -stock_rules.reserved_of(*quantities)) for line, quantities
                                          in zip(order.lines, stock.order_line_quantities(order), strict=True)],
                                    stock.RESERVED, order.updated_at)
        adopt(order, cancelled.state)
        uow.save_if_unchanged(order)
        uow.record_event(cancelled.event, order, OrderOut)
        uow.respond(OrderOut, order)
        uow.commit()
        return order

    return once(tenant_id, idempotency_key, "cancel_order", {"id": order_id},
                lambda: represent(retrying_unit(tenant_id, attempt)), in_unit=True)


# ------------------------------------------------------------------ deliveries and invoices


def deliver(tenant_id: str, order_id: str, fields: dict[str, Any],
            idempotency_key: str | None = None) -> dict[str, Any]:
    """A draft delivery note for the named quantities (or all not yet delivered), and the order's delivered
    quantities, in one transaction on the order's version."""
    def attempt(uow: UnitOfWork) -> Delivery:
        order = uow.load(Order, order_id)
        wanted = per_line(len(order.lines), fields.get("lines"), "order")
        transition, taken = order_rules.deliver(state_of(order), wanted)
        before = stock.order_line_quantities(order)
        now = utc_now()
        delivery = Delivery(
            id=new_id("dn"), tenant_id=tenant_id, status=DeliveryStatus.DRAFT.value, created_at=now,
            updated_at=now, customer_id=order.customer_id, customer_name=order.customer_name,
            delivery_date=fields.get("delivery_date") or today(), order_id=order.id, order_number=order.number,
            reference=fields.get("reference") or order.reference, notes=fields.get("notes"),
            lines=[DeliveryLine(order_line=index + 1, item_id=line.item_id, description=line.description,
                                quantity=quantity)
                   for index, (line, quantity) in enumerate(zip(order.lines, taken, strict=True)) if quantity > 0])
        adopt(order, transition.state)
        stock.reserve_for(uow, order, before, now)  # issue 19: delivered (on a note) is no longer reserved
        order.delivery_ids = [*(order.delivery_ids or []), delivery.id]
        order.updated_at = now
        uow.save_if_unchanged(order)
        record_metadata.on_create(delivery, fields)
        uow.create(delivery)
        uow.record_event(transition.event, order, OrderOut)
        uow.record_event(EventType.DELIVERY_CREATED, delivery, DeliveryNoteOut)
        uow.respond(DeliveryNoteOut, delivery)
        uow.commit()
        return delivery

    return once(tenant_id, idempotency_key, "deliver_order", {"id": order_id, **fields},
                lambda: DeliveryNoteOut.model_validate(retrying_unit(tenant_id, attempt)).model_dump(mode="json"),
                in_unit=True)


def invoice(tenant_id: str, order_id: str, fields: dict[str, Any],
            idempotency_key: str | None = None) -> dict[str, Any]:
    """A draft invoice for what is delivered and not invoiced (or, basis `ordered`, all not invoiced), with
    `source: {kind: order, id}`, and the order's invoiced quantities, in one transaction on the order's
    version. Deleting the draft, or voiding the invoice, gives the quantities back."""
    basis = InvoiceBasis(fields.get("basis") or InvoiceBasis.DELIVERED)

    def attempt(uow: UnitOfWork) -> Any:
        tenant = uow.tenant()
        order = uow.load(Order, order_id)
        transition, taken = order_rules.invoice(state_of(order), basis)
        before = stock.order_line_quantities(order)
        request = {"customer_id": order.customer_id, "issue_date": fields.get("issue_date"),
                   "due_date": fields.get("due_date"), "payment_terms_days": order.payment_terms_days,
                   "currency": order.currency,
                   "exchange_rate": order.exchange_rate if order.exchange_rate != 1 else None,
                   "reference": order.number or order.reference, "notes": order.notes,
                   "prices_include_tax": order.prices_include_tax, **requested_lines(order, taken)}
        made = invoices.stage_draft_from(uow, tenant, request, source={"kind": ORDER_SOURCE, "id": order.id},
                                         source_quantities=list(taken))
        adopt(order, transition.state)
        stock.reserve_for(uow, order, before, made.created_at)  # issue 19: invoiced without a note: released
        order.invoice_ids = [*(order.invoice_ids or []), made.id]
        order.updated_at = made.created_at
        uow.save_if_unchanged(order)
        uow.record_event(transition.event, order, OrderOut)
        uow.respond(InvoiceOut, made)
        uow.commit()
        return made

    def prepare(uow: UnitOfWork) -> None:
        uow.prefetch([(Order, order_id)])
        order = uow.find(Order, order_id)
        if order is not None:
            _prefetch(uow, {"customer_id": order.customer_id, **requested_lines(order)})

    return once(tenant_id, idempotency_key, "invoice_order", {"id": order_id, **fields},
                lambda: invoices.represent(retrying_unit(tenant_id, attempt, prepare=prepare)), in_unit=True)
