"""Delivery notes (issue 14): draft (from an order, or direct) → issued (numbered `DN-{YYYY}-{SEQ:4}`) →
delivered. No prices and no ledger effect; a note made from an order took its quantities from the order
when it was created (services/orders.deliver).

Stock movements (the inventory issue) will be staged by `issue`, in its transaction: the note's lines name
the item and quantity each movement needs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain.documents import delivery as delivery_rules
from ledgerline.domain.documents import order as order_rules
from ledgerline.domain.documents.delivery import DeliveryStatus
from ledgerline.domain.errors import PreconditionFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.kinds import DELIVERY_SERIES
from ledgerline.domain.query import Query
from ledgerline.domain.tenants import format_number
from ledgerline.ids import new_id
from ledgerline.schemas.orders import DeliveryNoteOut, OrderOut
from ledgerline.services import metadata as record_metadata
from ledgerline.services import stock
from ledgerline.services.document_rules import customer, invalid
from ledgerline.services.idempotency import once
from ledgerline.services.order_quantities import adopt, state_of
from ledgerline.services.retry import retrying_unit
from ledgerline.store import lists
from ledgerline.store.items import Item
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.sales import Delivery, DeliveryLine, Order
from ledgerline.store.stock import StockDefault, StockLocation
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def represent(delivery: Delivery) -> dict[str, Any]:
    return DeliveryNoteOut.model_validate(delivery).model_dump(mode="json")


def get_delivery(tenant_id: str, delivery_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(Delivery, delivery_id))


def query_deliveries(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of delivery notes as a planned query asks (issue 18: the store's named read
    `lists.query_deliveries`)."""
    return lists.query_deliveries(tenant_id, query, limit=limit, start_key=start_key)


def create_direct(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    """A draft delivery note not made from an order: a customer and lines (an item fills the description)."""
    def run() -> dict[str, Any]:
        uow = open_unit(tenant_id)
        items = [line["item_id"] for line in fields["lines"] if line.get("item_id")]
        locations = [line["location_id"] for line in fields["lines"] if line.get("location_id")]
        uow.prefetch([(Party, fields["customer_id"]), *((Item, item_id) for item_id in items),
                      *((StockLocation, location_id) for location_id in locations)])
        party = customer(tenant_id, fields["customer_id"], find=uow.find)
        lines = []
        for index, line in enumerate(fields["lines"]):
            description = line.get("description")
            if line.get("item_id"):
                item = uow.find(Item, line["item_id"])
                if item is None:
                    raise invalid(f"lines[{index}].item_id", f"no item with id '{line['item_id']}'")
                description = description or item.name
            if not description:
                raise invalid(f"lines[{index}].description", "required unless the line names an item")
            if line.get("location_id"):  # issue 19: where the goods leave from
                stock.check_location(uow, line["location_id"], f"lines[{index}].location_id")
            lines.append(DeliveryLine(item_id=line.get("item_id"), description=description,
                                      quantity=line["quantity"], location_id=line.get("location_id")))
        now = utc_now()
        delivery = Delivery(id=new_id("dn"), tenant_id=tenant_id, status=DeliveryStatus.DRAFT.value,
                            created_at=now, updated_at=now, customer_id=party.id, customer_name=party.name,
                            delivery_date=fields.get("delivery_date") or today(), reference=fields.get("reference"),
                            notes=fields.get("notes"), lines=lines)
        record_metadata.on_create(delivery, fields)
        uow.create(delivery)
        uow.record_event(EventType.DELIVERY_CREATED, delivery, DeliveryNoteOut)
        uow.respond(DeliveryNoteOut, delivery)
        uow.commit()
        return represent(delivery)

    return once(tenant_id, idempotency_key, "create_delivery", fields, run, in_unit=True)


def issue(tenant_id: str, delivery_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """Draft → issued, numbered from the delivery series; stock-managed items leave stock at their average cost
    (services/stock.stage_delivery) in the same transaction."""
    def attempt(uow: UnitOfWork) -> Delivery:
        tenant = uow.tenant()
        delivery = uow.load(Delivery, delivery_id)
        issued = delivery_rules.issue(delivery.status)
        year = delivery.delivery_date.year
        last = uow.last_number(DELIVERY_SERIES.key, year)
        uow.take_number(DELIVERY_SERIES.key, year, last)
        delivery.number = format_number(tenant.number_format(DELIVERY_SERIES), year, last + 1)
        delivery.status = issued.state
        delivery.issued_at = delivery.updated_at = utc_now()
        stock.stage_delivery(uow, tenant, delivery, delivery.issued_at)  # issue 19: stock-managed items leave stock
        uow.save_if_unchanged(delivery)
        uow.record_event(issued.event, delivery, DeliveryNoteOut)
        uow.respond(DeliveryNoteOut, delivery)
        uow.commit()
        return delivery

    def prepare(uow: UnitOfWork) -> None:
        # the default stock location's pointer too (issue 19): its levels are read with the note's items
        uow.prefetch([(Delivery, delivery_id), (StockDefault, StockDefault.ID)],
                     series=[(DELIVERY_SERIES.key, today().year)])

    return once(tenant_id, idempotency_key, "issue_delivery", {"id": delivery_id},
                lambda: represent(retrying_unit(tenant_id, attempt, prepare=prepare)), in_unit=True)


def mark_delivered(tenant_id: str, delivery_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """Issued → delivered (the goods reached the customer)."""
    def attempt(uow: UnitOfWork) -> Delivery:
        delivery = uow.load(Delivery, delivery_id)
        delivered = delivery_rules.mark_delivered(delivery.status)
        delivery.status = delivered.state
        delivery.delivered_at = delivery.updated_at = utc_now()
        uow.save_if_unchanged(delivery)
        uow.record_event(delivered.event, delivery, DeliveryNoteOut)
        uow.respond(DeliveryNoteOut, delivery)
        uow.commit()
        return delivery

    return once(tenant_id, idempotency_key, "deliver_delivery", {"id": delivery_id},
                lambda: represent(retrying_unit(tenant_id, attempt)), in_unit=True)


DELETE_ATTEMPTS = 5  # when only the order the note came from changed meanwhile


def delete_draft(tenant_id: str, delivery_id: str, expected_version: int | None) -> Delivery:
    """A draft delivery note is deleted; one made from an order gives the quantities it took back to the
    order (`order.updated`), in the same transaction on the order's version. If only the order changed
    meanwhile (another delivery, an invoice), both are read again and the delete retried; a note that itself
    changed answers 412. An issued note cannot be deleted (409)."""
    for attempt in range(DELETE_ATTEMPTS):
        uow = open_unit(tenant_id)
        delivery = uow.load(Delivery, delivery_id)
        check_version(delivery, expected_version)
        deleted = delivery_rules.delete(delivery.status)
        if delivery.order_id is not None:
            _stage_give_back(uow, delivery)
        uow.delete(delivery)
        uow.create(lists.document_tombstone(delivery, utc_now(), "delivery"))  # `updated_since` shows it (issue 18)
        uow.record_event(deleted.event, delivery, DeliveryNoteOut)
        try:
            uow.commit()
            return delivery
        except Contention as exc:
            if delivery.order_id is None or Delivery.key(tenant_id, delivery_id) in exc.stale \
                    or attempt == DELETE_ATTEMPTS - 1:
                raise PreconditionFailed("The delivery note was changed by another request; read it again and "
                                         "retry") from exc
    raise AssertionError("unreachable")


def _stage_give_back(uow: UnitOfWork, delivery: Delivery) -> None:
    order = uow.find(Order, delivery.order_id)
    if order is None:  # an order with deliveries is never deleted (only drafts are, and they deliver nothing)
        return
    quantities = [Decimal(0)] * len(order.lines)
    for line in delivery.lines:
        if line.order_line is not None and 1 <= line.order_line <= len(order.lines):
            quantities[line.order_line - 1] += line.quantity
    given_back = order_rules.give_back_delivered(state_of(order), quantities)
    before = stock.order_line_quantities(order)
    adopt(order, given_back.state)
    stock.reserve_for(uow, order, before, utc_now())  # issue 19: reserved again unless invoiced meanwhile
    order.delivery_ids = [i for i in order.delivery_ids or [] if i != delivery.id]
    order.updated_at = utc_now()
    uow.save_if_unchanged(order)
    uow.record_event(given_back.event, order, OrderOut)


def update_metadata(tenant_id: str, delivery_id: str, changes: dict[str, Any],
                    expected_version: int | None) -> dict[str, Any]:
    """PATCH of a delivery note's metadata (issue 20): nothing else of it changes once made."""
    return represent(record_metadata.update(tenant_id, Delivery, delivery_id, changes, expected_version,
                                            EventType.DELIVERY_UPDATED, DeliveryNoteOut))
