"""Inventory (issue 19): stock locations, adjustments, transfers, levels, movements and the valuation report.

Every movement loads its stock level (item × location) through the unit of work, computes the new level with
the pure moving-average rules (`domain/stock.py`) and stages, for one commit: the level saved on the version it
read (created when new), the movement with its running quantity and value, the document (adjustment or
transfer), the journal entry of an adjustment's value difference and the events (`stock.moved`, `stock.low`).
A concurrent movement of the same level makes the commit fail; the retry re-reads the level, so two takes of
the last unit never both succeed (the second is a 409 `insufficient_stock`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import stock as rules
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import reversed_lines
from ledgerline.domain.money import minor_units, plain, with_minor_units
from ledgerline.domain.query import Query
from ledgerline.ids import new_id
from ledgerline.schemas.stock import (
    StockAdjustmentOut,
    StockEventData,
    StockLevelOut,
    StockLocationOut,
    StockMovementOut,
    StockTransferOut,
    StockValuationOut,
)
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import conversion, open_period
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store import stock as store
from ledgerline.store.accounts import Account
from ledgerline.store.documents import StockIssue
from ledgerline.store.items import Item
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.query import Result
from ledgerline.store.records import Page, check_version
from ledgerline.store.stock import (
    StockAdjustment,
    StockDefault,
    StockLevel,
    StockLocation,
    StockMovement,
    StockTransfer,
)
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

DEFAULT_LOCATION_NAME = "Main"
EQUITY_CODE = "3000"  # opening stock is posted against Owner's equity, as a bank account's opening balance


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


# Amounts in the base currency, shown at its minor units (DynamoDB keeps numbers without trailing zeros)
MONEY_FIELDS = ("value", "value_after")


def _shown(records: list[Any], currency: str) -> list[Any]:
    for record in records:
        for name in MONEY_FIELDS:
            amount = getattr(record, name, None)
            if amount is not None:
                setattr(record, name, with_minor_units(amount, currency))
    return records


def _base_currency(tenant_id: str) -> str:
    return open_unit(tenant_id).tenant().base_currency


def _json(schema: Any, record: Any, currency: str | None = None) -> dict[str, Any]:
    if currency is not None:
        _shown([record], currency)
    return schema.model_validate(record).model_dump(mode="json")


# ------------------------------------------------------------------------------------------ locations


def create_location(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_stock_location", fields,
                lambda: retrying(lambda: _create_location(open_unit(tenant_id), fields)), in_unit=True)


def _create_location(uow: UnitOfWork, fields: dict[str, Any]) -> dict[str, Any]:
    uow.prefetch([(StockDefault, StockDefault.ID)])
    now = utc_now()
    location = StockLocation(id=new_id("sloc"), tenant_id=uow.tenant_id, name=fields["name"],
                             description=fields.get("description"), areas=fields.get("areas"), archived=False,
                             is_default=False, created_at=now, updated_at=now)
    if fields.get("is_default") or uow.find(StockDefault, StockDefault.ID) is None:
        _become_default(uow, location, now)
    record_metadata.on_create(location, fields)
    uow.create(location)
    uow.record_event(EventType.STOCK_LOCATION_CREATED, location, StockLocationOut)
    uow.respond(StockLocationOut, location)
    uow.commit()
    return _json(StockLocationOut, location)


def _become_default(uow: UnitOfWork, location: StockLocation, now: datetime) -> None:
    """Move the tenant's default pointer to `location` (staged); the previous default stops being one."""
    location.is_default = True
    pointer = uow.find(StockDefault, StockDefault.ID)
    if pointer is None:
        uow.create(StockDefault(id=StockDefault.ID, tenant_id=uow.tenant_id, location_id=location.id,
                                created_at=now, updated_at=now))
        return
    if pointer.location_id == location.id:
        return
    previous = uow.find(StockLocation, pointer.location_id)
    if previous is not None and previous.is_default:
        previous.is_default = False
        previous.updated_at = now
        uow.save_if_unchanged(previous)
        uow.record_event(EventType.STOCK_LOCATION_UPDATED, previous, StockLocationOut)
    pointer.location_id = location.id
    pointer.updated_at = now
    uow.save_if_unchanged(pointer)


def update_location(tenant_id: str, location_id: str, changes: dict[str, Any],
                    expected_version: int | None) -> dict[str, Any]:
    return retrying(lambda: _update_location(open_unit(tenant_id), location_id, changes, expected_version))


def _update_location(uow: UnitOfWork, location_id: str, changes: dict[str, Any],
                     expected_version: int | None) -> dict[str, Any]:
    uow.prefetch([(StockLocation, location_id), (StockDefault, StockDefault.ID)])
    location = uow.load(StockLocation, location_id)
    check_version(location, expected_version)
    now = utc_now()
    was_archived = location.archived
    for name in ("name", "description", "areas", "archived"):
        if name in changes:
            setattr(location, name, changes[name])
    record_metadata.take(location, changes)  # issue 20
    if changes.get("is_default") is True and not location.is_default:
        if location.archived:
            raise invalid("is_default", "an archived stock location cannot be the default")
        _become_default(uow, location, now)
    elif changes.get("is_default") is False and location.is_default:
        raise invalid("is_default", "make another stock location the default instead")
    if location.archived and not was_archived and location.is_default:
        raise invalid("archived", "the default stock location cannot be archived: make another one the default "
                                  "first")
    location.updated_at = now
    uow.save_if_unchanged(location)
    uow.record_event(EventType.STOCK_LOCATION_ARCHIVED if location.archived and not was_archived
                     else EventType.STOCK_LOCATION_UPDATED, location, StockLocationOut)
    uow.respond(StockLocationOut, location)
    uow.commit()
    return _json(StockLocationOut, location)


def archive_location(tenant_id: str, location_id: str, expected_version: int | None) -> dict[str, Any]:
    return update_location(tenant_id, location_id, {"archived": True}, expected_version)


def get_location(tenant_id: str, location_id: str) -> dict[str, Any]:
    return _json(StockLocationOut, open_unit(tenant_id).load(StockLocation, location_id))


def query_locations(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of stock locations as a planned query asks (issue 18: the store's named read
    `lists.query_stock_locations`)."""
    return lists.query_stock_locations(tenant_id, query, limit=limit, start_key=start_key)


# ---------------------------------------------------------------------------------- shared by movements


def _stock_item(uow: UnitOfWork, item_id: str, field: str = "item_id") -> Item:
    item = uow.find(Item, item_id)
    if item is None:
        raise invalid(field, f"no item with id '{item_id}'")
    if item.archived:
        raise invalid(field, "the item is archived")
    if not item.track_stock:
        raise invalid(field, "the item is not stock-managed (set track_stock)")
    return item


def _location(uow: UnitOfWork, location_id: str | None, field: str, now: datetime) -> StockLocation:
    """The location named, else the tenant's default; a tenant without any gets `Main`, made the default in
    the movement's own transaction."""
    if location_id is not None:
        location = uow.find(StockLocation, location_id)
        if location is None:
            raise invalid(field, f"no stock location with id '{location_id}'")
        if location.archived:
            raise invalid(field, "the stock location is archived")
        return location
    pointer = uow.find(StockDefault, StockDefault.ID)
    if pointer is not None:
        return uow.load(StockLocation, pointer.location_id)
    location = StockLocation(id=new_id("sloc"), tenant_id=uow.tenant_id, name=DEFAULT_LOCATION_NAME, archived=False,
                             is_default=True, created_at=now, updated_at=now)
    uow.create(location)
    uow.create(StockDefault(id=StockDefault.ID, tenant_id=uow.tenant_id, location_id=location.id, created_at=now,
                            updated_at=now))
    uow.record_event(EventType.STOCK_LOCATION_CREATED, location, StockLocationOut)
    return location


def check_location(uow: UnitOfWork, location_id: str, field: str) -> None:
    """A document line naming a stock location (issue 19): it must be one of the tenant's, not archived (422
    naming `field`; another tenant's is unknown here)."""
    _location(uow, location_id, field, utc_now())


def _level(uow: UnitOfWork, item_id: str, location_id: str) -> StockLevel | None:
    """The level as this unit will write it when another step already staged it, else as read."""
    level_id = StockLevel.id_of(item_id, location_id)
    return uow.staged_record(StockLevel, level_id) or uow.find(StockLevel, level_id)


def _save_level(uow: UnitOfWork, level: StockLevel) -> None:
    """Save a level on the version read, once per unit (a level already staged is changed in place)."""
    if uow.staged_record(StockLevel, level.id) is not level:
        uow.save_if_unchanged(level)


def _as_level(level: StockLevel | None) -> rules.Level:
    return rules.Level() if level is None else rules.Level(level.quantity, level.value)


def _take(tenant: Tenant, item: Item, level: StockLevel | None, quantity: Decimal, location_id: str) -> rules.Move:
    """Out at the average; below zero only when the tenant allows negative stock (`domain/stock.negative_cost`)."""
    return rules.take(_as_level(level), quantity, item_id=item.id, location_id=location_id,
                      minor_units=minor_units(tenant.base_currency),
                      allow_negative=bool(tenant.allow_negative_stock), fallback_unit_cost=item.purchase_price)


def _settled(uow: UnitOfWork, tenant: Tenant, item: Item, level: StockLevel | None, move: rules.Move, *,
             day: date, source_type: str, source_id: str, now: datetime) -> rules.Move:
    """Stock arriving on a level below zero (negative stock allowed): the level is valued at what arrived
    (`domain/stock.settle_arrival`) and the estimate's error moves between inventory and cost of goods sold in
    an entry of its own (`source_type` `stock_correction`), in the arrival's transaction."""
    settled, correction = rules.settle_arrival(_as_level(level), move, minor_units=minor_units(tenant.base_currency))
    if correction:
        description = f"Cost of goods sold corrected: stock arrived below zero ({source_type} {source_id})"
        cogs = item.cogs_account_id or _system_account(uow, tenant, "cost_of_goods_sold", "5000", "lines",
                                                       "cost of goods sold")
        lines = rules.correction_lines(cogs_account=cogs, inventory_account=inventory_account(uow, tenant, item,
                                                                                              "lines"),
                                       correction=correction, currency=tenant.base_currency, description=description)
        entry = JournalEntry.new(uow.tenant_id, day, conversion(tenant, tenant.base_currency, None),
                                 source_type="stock_correction", source_id=source_id, description=description,
                                 at=now)
        uow.post_entry(entry, lines)
    return settled


def _stage_move(uow: UnitOfWork, item: Item, location_id: str, level: StockLevel | None, move: rules.Move, *,
                day: date, source_type: str, source_id: str, reason: str | None, now: datetime) -> StockMovement:
    """The level saved on the version read (or created), the movement with the running level, `stock.moved`
    and, when the move takes it below the item's reorder level, `stock.low`."""
    reserved = None if level is None else level.reserved
    before = rules.available(Decimal(0) if level is None else level.quantity, reserved)
    if level is None:
        level = StockLevel(id=StockLevel.id_of(item.id, location_id), tenant_id=uow.tenant_id, item_id=item.id,
                           location_id=location_id, quantity=move.after.quantity, value=move.after.value,
                           movements=1, created_at=now, updated_at=now)
        uow.create(level)
    else:
        level.quantity, level.value = move.after.quantity, move.after.value
        level.movements = (level.movements or 0) + 1
        level.updated_at = now
        _save_level(uow, level)
    movement = StockMovement(id=new_id("smov"), tenant_id=uow.tenant_id, item_id=item.id, location_id=location_id,
                             date=day, quantity=move.quantity, value=move.value, quantity_after=move.after.quantity,
                             value_after=move.after.value, source_type=source_type, source_id=source_id,
                             reason=reason, sequence=level.movements, created_at=now, updated_at=now)
    uow.create(movement)
    data = StockEventData(item_id=item.id, location_id=location_id, movement_id=movement.id, quantity=move.quantity,
                          value=move.value, on_hand=move.after.quantity, stock_value=move.after.value,
                          reorder_level=item.reorder_level,
                          available=rules.available(move.after.quantity, reserved)).model_dump(mode="json")
    uow.record_event_data(EventType.STOCK_MOVED, object_type="stock", object_id=level.id, data=data, at=now)
    if rules.below_reorder_level(before, rules.available(move.after.quantity, reserved), item.reorder_level):
        uow.record_event_data(EventType.STOCK_LOW, object_type="stock", object_id=level.id, data=data, at=now,
                              sequence=2)
    return movement


def _system_account(uow: UnitOfWork, tenant: Tenant, role: str, code: str, field: str, what: str) -> str:
    """A system account of the default chart: recorded on tenants made since issue 19, else found by its code
    (422 when a tenant made before has none: create it)."""
    accounts = tenant.system_accounts
    recorded = getattr(accounts, role, None) if accounts is not None else None
    if recorded:
        return recorded
    account = uow.find_by_code(Account, code)
    if account is None or account.archived:
        raise invalid(field, f"the tenant has no {what} account ({code}): create it with code {code}")
    return account.id


def inventory_account(uow: UnitOfWork, tenant: Tenant, item: Item, field: str = "item_id") -> str:
    return item.inventory_account_id or _system_account(uow, tenant, "inventory", "1200", field, "inventory")


# ------------------------------------------------------------------------------------------ adjustments


def create_adjustment(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_stock_adjustment", fields,
                lambda: retrying(lambda: _create_adjustment(open_unit(tenant_id), fields)), in_unit=True)


def _create_adjustment(uow: UnitOfWork, fields: dict[str, Any]) -> dict[str, Any]:
    item_id = fields["item_id"]
    location_id = fields.get("location_id")
    uow.prefetch([(Item, item_id), (StockDefault, StockDefault.ID)]
                 + ([(StockLocation, location_id), (StockLevel, StockLevel.id_of(item_id, location_id))]
                    if location_id else []))
    tenant = uow.tenant()
    now = utc_now()
    day: date = fields.get("date") or today()
    open_period(tenant, day, "date")
    item = _stock_item(uow, item_id)
    location = _location(uow, location_id, "location_id", now)
    if fields.get("area") is not None and fields["area"] not in (location.areas or []):
        raise invalid("area", f"not an area of stock location {location.id}")
    level = _level(uow, item.id, location.id)
    current = _as_level(level)
    unit_cost = fields.get("unit_cost")
    units = minor_units(tenant.base_currency)
    try:
        if fields.get("counted_quantity") is not None:
            move = rules.count(current, fields["counted_quantity"], unit_cost, item_id=item.id,
                               location_id=location.id, minor_units=units)
        elif fields["quantity"] > 0:
            cost = unit_cost if unit_cost is not None else current.average_cost
            if cost is None:
                raise ValueError("no cost")
            move = rules.receive(current, fields["quantity"], cost, minor_units=units)
        else:
            move = _take(tenant, item, level, -fields["quantity"], location.id)
    except ValueError as exc:
        raise invalid("unit_cost", "required: stock is added where there is no average cost to take") from exc
    if move is not None and move.quantity > 0:  # lifting a level below zero: the count is the correction itself
        move = rules.settle_arrival(current, move, minor_units=units)[0]
    reason = fields["reason"]
    adjustment = StockAdjustment(
        id=new_id("sadj"), tenant_id=uow.tenant_id, date=day, item_id=item.id, location_id=location.id,
        area=fields.get("area"), reason=reason, counted_quantity=fields.get("counted_quantity"),
        quantity=move.quantity if move else Decimal(0), unit_cost=unit_cost,
        value=move.value if move else Decimal(0), quantity_after=(move.after if move else current).quantity,
        value_after=(move.after if move else current).value, note=fields.get("note"), created_at=now,
        updated_at=now)
    if move is not None:
        adjustment.movement_id = _stage_move(uow, item, location.id, level, move, day=day,
                                             source_type="stock_adjustment", source_id=adjustment.id, reason=reason,
                                             now=now).id
        if move.value != 0:
            adjustment.journal_entry_id = _stage_adjustment_entry(uow, tenant, item, adjustment, day, now)
    record_metadata.on_create(adjustment, fields)
    uow.create(adjustment)
    uow.record_event(EventType.STOCK_ADJUSTMENT_CREATED, adjustment, StockAdjustmentOut)
    uow.respond(StockAdjustmentOut, adjustment)
    uow.commit()
    return _json(StockAdjustmentOut, adjustment, tenant.base_currency)


def _stage_adjustment_entry(uow: UnitOfWork, tenant: Tenant, item: Item, adjustment: StockAdjustment, day: date,
                            now: datetime) -> str:
    """Inventory against the adjustment expense (5100), or against equity (3000) for opening stock."""
    inventory = inventory_account(uow, tenant, item)
    if adjustment.reason == "opening":
        equity = uow.find_by_code(Account, EQUITY_CODE)
        if equity is None or equity.archived:
            raise invalid("reason", "opening stock is posted against Owner's equity (3000): the tenant has none")
        offset = equity.id
    else:
        offset = _system_account(uow, tenant, "inventory_adjustment", "5100", "reason", "inventory adjustment")
    description = f"Stock adjustment ({adjustment.reason}) of {item.code}"
    rate = conversion(tenant, tenant.base_currency, None)
    entry = JournalEntry.new(uow.tenant_id, day, rate, source_type="stock_adjustment", source_id=adjustment.id,
                             description=description, at=now)
    uow.post_entry(entry, rules.adjustment_lines(inventory_account=inventory, offset_account=offset,
                                                 value=adjustment.value, currency=tenant.base_currency,
                                                 description=description))
    return entry.id


def get_adjustment(tenant_id: str, adjustment_id: str) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    return _json(StockAdjustmentOut, uow.load(StockAdjustment, adjustment_id), uow.tenant().base_currency)


def list_adjustments(tenant_id: str, **filters: Any) -> Page[StockAdjustment]:
    page = store.list_stock_adjustments(tenant_id, **filters)
    _shown(page.items, _base_currency(tenant_id))
    return page


# -------------------------------------------------------------------------------------------- transfers


def create_transfer(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_stock_transfer", fields,
                lambda: retrying(lambda: _create_transfer(open_unit(tenant_id), fields)), in_unit=True)


def _create_transfer(uow: UnitOfWork, fields: dict[str, Any]) -> dict[str, Any]:
    """Out of one location at its average cost, into the other at that cost: the value moves with the goods,
    and the inventory account does not change (no journal entry)."""
    item_id, source_id, target_id = fields["item_id"], fields["from_location_id"], fields["to_location_id"]
    uow.prefetch([(Item, item_id), (StockLocation, source_id), (StockLocation, target_id),
                  (StockLevel, StockLevel.id_of(item_id, source_id)),
                  (StockLevel, StockLevel.id_of(item_id, target_id))])
    tenant = uow.tenant()
    now = utc_now()
    day: date = fields.get("date") or today()
    open_period(tenant, day, "date")
    item = _stock_item(uow, item_id)
    source = _location(uow, source_id, "from_location_id", now)
    target = _location(uow, target_id, "to_location_id", now)
    source_level, target_level = _level(uow, item.id, source.id), _level(uow, item.id, target.id)
    transfer_id = new_id("sxfr")
    out = rules.take(_as_level(source_level), fields["quantity"], item_id=item.id, location_id=source.id,
                     minor_units=minor_units(tenant.base_currency))
    cost = -out.value
    current = _as_level(target_level)
    arriving = rules.Move(fields["quantity"], cost, rules.Level(current.quantity + fields["quantity"],
                                                                current.value + cost))
    arriving = _settled(uow, tenant, item, target_level, arriving, day=day, source_type="stock_transfer",
                        source_id=transfer_id, now=now)
    transfer = StockTransfer(id=transfer_id, tenant_id=uow.tenant_id, date=day, item_id=item.id,
                             from_location_id=source.id, to_location_id=target.id, quantity=fields["quantity"],
                             value=cost, note=fields.get("note"), created_at=now, updated_at=now)
    _stage_move(uow, item, source.id, source_level, out, day=day, source_type="stock_transfer",
                source_id=transfer.id, reason="transfer", now=now)
    _stage_move(uow, item, target.id, target_level, arriving, day=day, source_type="stock_transfer",
                source_id=transfer.id, reason="transfer", now=now)
    record_metadata.on_create(transfer, fields)
    uow.create(transfer)
    uow.record_event(EventType.STOCK_TRANSFER_CREATED, transfer, StockTransferOut)
    uow.respond(StockTransferOut, transfer)
    uow.commit()
    return _json(StockTransferOut, transfer, tenant.base_currency)


def get_transfer(tenant_id: str, transfer_id: str) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    return _json(StockTransferOut, uow.load(StockTransfer, transfer_id), uow.tenant().base_currency)


def list_transfers(tenant_id: str, **filters: Any) -> Page[StockTransfer]:
    page = store.list_stock_transfers(tenant_id, **filters)
    _shown(page.items, _base_currency(tenant_id))
    return page


# ------------------------------------------------------------------------------------- from documents


def stage_delivery(uow: UnitOfWork, tenant: Tenant, delivery: Any, now: datetime) -> str | None:
    """A delivery note being issued takes its stock-managed items out of the default location at their
    moving average cost, in the issue's own transaction: a movement per item, and one journal entry debiting
    each item's cost of goods sold and crediting its inventory account, dated the delivery date. Lines of items
    that are not stock-managed (or of no item) move nothing. Not enough stock: 409 `insufficient_stock`, and the
    note stays a draft. A tenant whose invoices take stock out (`stock_issued_by: invoice`) moves nothing on a
    note. Returns the journal entry's id (None when nothing had a cost)."""
    if rules.invoice_takes_stock(tenant.stock_issued_by):
        return None
    return _stage_sale(uow, tenant, delivery.lines, day=delivery.delivery_date, date_field="delivery_date",
                       source_type="delivery", source_id=delivery.id,
                       description=f"Cost of goods delivered ({delivery.number or delivery.id})", now=now)


def stage_invoice(uow: UnitOfWork, tenant: Tenant, invoice: Any, now: datetime) -> str | None:
    """An invoice being posted by a tenant without deliveries (`stock_issued_by: invoice`) takes its stock-managed
    lines out of stock as a delivery note would (`stage_delivery`), in the posting's transaction, with the cost
    of goods sold entry dated the issue date. Other tenants' invoices move nothing: their notes did."""
    if not rules.invoice_takes_stock(tenant.stock_issued_by):
        return None
    issued: list[tuple[str, str, Decimal, Decimal]] = []
    entry_id = _stage_sale(uow, tenant, [line for line in invoice.lines or [] if line.quantity > 0],
                           day=invoice.issue_date, date_field="issue_date", source_type="invoice",
                           source_id=invoice.id, description=f"Cost of goods sold ({invoice.number or invoice.id})",
                           now=now, issued=issued)
    # kept on the invoice (saved by the caller in this unit) for a void to put back where and at what it left
    invoice.stock_issued = [StockIssue(item_id=item_id, location_id=location_id, quantity=quantity, value=value)
                            for item_id, location_id, quantity, value in issued] or None
    return entry_id


def _stage_sale(uow: UnitOfWork, tenant: Tenant, document_lines: Iterable[Any], *, day: date, date_field: str,
                source_type: str, source_id: str, description: str, now: datetime,
                issued: list[tuple[str, str, Decimal, Decimal]] | None = None) -> str | None:
    """The stock-managed lines taken out (`issued`, when given, gets each (item, location, quantity, cost))."""
    wanted: dict[tuple[str, str | None], Decimal] = {}  # (item, the line's location; None: the default)
    for line in document_lines:
        if line.item_id:
            key = (line.item_id, getattr(line, "location_id", None))
            wanted[key] = wanted.get(key, Decimal(0)) + line.quantity
    if not wanted:
        return None
    # Round trips (issue 19): the default location's pointer is read with the document where the caller can
    # (a delivery note's issue reads it with the note); the items and their levels at the locations are then
    # read together, the levels of items that turn out not to be stock-managed simply being absent.
    uow.prefetch([(StockDefault, StockDefault.ID)])
    pointer = uow.find(StockDefault, StockDefault.ID)  # the default's id is enough: no read of the location
    default = pointer.location_id if pointer is not None else None
    uow.prefetch([(Item, item_id) for item_id, _ in wanted]
                 + [(StockLevel, StockLevel.id_of(item_id, location_id or default)) for item_id, location_id in wanted
                    if location_id or default])
    tracked = {item_id: item for item_id, _ in wanted
               if (item := uow.find(Item, item_id)) is not None and item.track_stock}
    if not tracked:
        return None
    open_period(tenant, day, date_field)
    if default is None and any(location_id is None for item_id, location_id in wanted if item_id in tracked):
        default = _location(uow, None, "location_id", now).id
    legs: list[tuple[str, str, Decimal]] = []  # (COGS account, inventory account, cost)
    for (item_id, named), quantity in wanted.items():
        item = tracked.get(item_id)
        if item is None:
            continue
        location_id = named or default
        level = _level(uow, item.id, location_id)
        move = _take(tenant, item, level, quantity, location_id)
        _stage_move(uow, item, location_id, level, move, day=day, source_type=source_type,
                    source_id=source_id, reason="delivery" if source_type == "delivery" else "sale", now=now)
        if issued is not None:
            issued.append((item.id, location_id, quantity, -move.value))
        cogs = item.cogs_account_id or _system_account(uow, tenant, "cost_of_goods_sold", "5000", "lines",
                                                       "cost of goods sold")
        legs.append((cogs, inventory_account(uow, tenant, item, "lines"), -move.value))
    lines = rules.cost_of_sales_lines(legs, currency=tenant.base_currency, description=description)
    if not lines:
        return None
    entry = JournalEntry.new(uow.tenant_id, day, conversion(tenant, tenant.base_currency, None),
                             source_type="delivery" if source_type == "delivery" else f"{source_type}_cogs",
                             source_id=source_id, description=description, at=now)
    uow.post_entry(entry, lines)
    return entry.id


def tracked_items(uow: UnitOfWork, item_ids: Iterable[str]) -> dict[str, Item]:
    """The stock-managed items among `item_ids` (one batch read), by id."""
    wanted = list(dict.fromkeys(item_ids))
    if not wanted:
        return {}
    uow.prefetch([(Item, item_id) for item_id in wanted])
    found = [uow.find(Item, item_id) for item_id in wanted]
    return {item.id: item for item in found if item is not None and item.track_stock}


def stage_receipts(uow: UnitOfWork, tenant: Tenant, arriving: list[tuple[Item, Decimal, Decimal, str | None]], *,
                   day: date, source_type: str, source_id: str, now: datetime
                   ) -> list[tuple[str, str, Decimal, Decimal]]:
    """Stock arriving on a document (a posted bill): each (item, quantity, value in the base currency, location;
    None: the tenant's default) goes into that location at that value, in the document's own transaction (a
    movement per item and location; the journal is the document's). Returns what arrived as (item, location,
    quantity, value), kept on the document so that voiding it takes exactly that back out of the same place."""
    if not arriving:
        return []
    default: str | None = None
    if any(location_id is None for _, _, _, location_id in arriving):
        uow.prefetch([(StockDefault, StockDefault.ID)])
        pointer = uow.find(StockDefault, StockDefault.ID)
        default = pointer.location_id if pointer is not None else _location(uow, None, "location_id", now).id
    placed = [(item, quantity, value, location_id or default) for item, quantity, value, location_id in arriving]
    uow.prefetch([(StockLevel, StockLevel.id_of(item.id, location_id)) for item, _, _, location_id in placed])
    received: list[tuple[str, str, Decimal, Decimal]] = []
    for item, quantity, value, location_id in placed:
        level = _level(uow, item.id, location_id)
        move = _settled(uow, tenant, item, level, rules.receive_value(_as_level(level), quantity, value), day=day,
                        source_type=source_type, source_id=source_id, now=now)
        _stage_move(uow, item, location_id, level, move, day=day, source_type=source_type, source_id=source_id,
                    reason="purchase", now=now)
        received.append((item.id, location_id, quantity, value))
    return received


def stage_supplier_return(uow: UnitOfWork, tenant: Tenant, bill: Any,
                          lines: list[tuple[Item | None, Decimal, Decimal | None]], *, day: date, source_id: str,
                          now: datetime) -> bool:
    """Goods sent back to the supplier on a supplier credit note (issue 19): `lines` (the note's lines in order:
    the stock-managed item or None, the quantity, the value the line credited to inventory in the base currency)
    go back out of the locations `bill` put them into (its `stock_receipts`, filled in order), each at that
    location's moving average, as any take (409 `insufficient_stock` beyond on hand unless negative stock is
    allowed), in the note's transaction. Capped at what the bill put in less earlier returns: 422 naming
    `lines[i].quantity` (`domain/stock.supplier_return_issue`); the bill's receipts record what went back, and
    the caller saves the bill on the version it read, so two concurrent notes cannot both send the last units
    back. The note's entry credited inventory with what the supplier credits; the difference from the cost the
    goods leave at is a purchase price difference, moved between inventory and cost of goods sold in an entry of
    its own (`source_type` `stock_correction`), so inventory is credited exactly at that cost. Returns whether
    anything went back (the bill changed)."""
    receipts = list(bill.stock_receipts or [])
    received: dict[str, Decimal] = {}
    before: dict[str, Decimal] = {}
    for receipt in receipts:
        received[receipt.item_id] = received.get(receipt.item_id, Decimal(0)) + receipt.quantity
        before[receipt.item_id] = before.get(receipt.item_id, Decimal(0)) + (receipt.returned or Decimal(0))
    issue = rules.supplier_return_issue(received, before, [(item.id if item is not None else None, quantity)
                                                           for item, quantity, _ in lines])
    if issue is not None:
        raise invalid(f"lines[{issue[0]}].quantity", issue[1])
    leaving: dict[str, tuple[Item, Decimal, Decimal]] = {}
    for item, quantity, credited in lines:
        if item is not None:
            _, had, value = leaving.get(item.id, (item, Decimal(0), Decimal(0)))
            leaving[item.id] = (item, had + quantity, value + (credited or Decimal(0)))
    if not leaving:
        return False
    parts: list[tuple[Item, str, Decimal, Decimal]] = []  # (item, location, quantity, credited share)
    for item_id, (item, quantity, credited) in leaving.items():
        mine = [receipt for receipt in receipts if receipt.item_id == item_id]
        taken = rules.split_return([r.quantity - (r.returned or Decimal(0)) for r in mine], quantity)
        by_location: dict[str, Decimal] = {}
        for receipt, part in zip(mine, taken, strict=True):
            if part > 0:
                receipt.returned = (receipt.returned or Decimal(0)) + part
                by_location[receipt.location_id] = by_location.get(receipt.location_id, Decimal(0)) + part
        shared_out = Decimal(0)  # what the supplier credits, shared among the locations by quantity
        for index, (location_id, part) in enumerate(by_location.items()):
            share = credited - shared_out if index == len(by_location) - 1 else rules.to_minor(
                credited * part / quantity, minor_units(tenant.base_currency))
            shared_out += share
            parts.append((item, location_id, part, share))
    bill.stock_receipts = receipts
    uow.prefetch([(StockLevel, StockLevel.id_of(item.id, location_id)) for item, location_id, _, _ in parts])
    entry_lines = []
    description = f"Goods returned to the supplier: price difference (supplier credit note {source_id})"
    for item, location_id, quantity, credited in parts:
        level = _level(uow, item.id, location_id)
        move = _take(tenant, item, level, quantity, location_id)
        _stage_move(uow, item, location_id, level, move, day=day, source_type="supplier_credit_note",
                    source_id=source_id, reason="purchase_return", now=now)
        cogs = item.cogs_account_id or _system_account(uow, tenant, "cost_of_goods_sold", "5000", "lines",
                                                       "cost of goods sold")
        entry_lines += rules.correction_lines(cogs_account=cogs, inventory_account=inventory_account(
            uow, tenant, item, "lines"), correction=-move.value - credited, currency=tenant.base_currency,
            description=description)
    if entry_lines:
        entry = JournalEntry.new(uow.tenant_id, day, conversion(tenant, tenant.base_currency, None),
                                 source_type="stock_correction", source_id=source_id, description=description,
                                 at=now)
        uow.post_entry(entry, entry_lines)
    return True


def stage_returns(uow: UnitOfWork, received: list[tuple[str, str, Decimal, Decimal]], *, day: date,
                  source_type: str, source_id: str, now: datetime) -> None:
    """A document that put stock in is undone (a voided bill): take out exactly the quantity and value it put
    in, so the reversed journal entry and the levels agree; 409 `stock_consumed` when the stock has been taken
    out since (`domain/stock.give_back`)."""
    if not received:
        return
    uow.prefetch([(Item, item_id) for item_id, _, _, _ in received]
                 + [(StockLevel, StockLevel.id_of(item_id, location_id)) for item_id, location_id, _, _ in received])
    for item_id, location_id, quantity, value in received:
        item = uow.load(Item, item_id)
        level = _level(uow, item_id, location_id)
        move = rules.give_back(_as_level(level), quantity, value, item_id=item_id, location_id=location_id)
        _stage_move(uow, item, location_id, level, move, day=day, source_type=source_type, source_id=source_id,
                    reason="purchase_void", now=now)


def stage_sales_return(uow: UnitOfWork, tenant: Tenant, note: Any, invoice: Any, now: datetime) -> str | None:
    """A credit note with `restock` (returned goods): each credited line of a stock-managed item goes back into
    the default location at the current average cost (`domain/stock.put_back`; with nothing on hand, the item's
    purchase price), in the credit note's own transaction, and one journal entry in the base currency debits
    inventory and credits cost of goods sold (the delivery's entry reversed at today's average). An item that is
    not on the credited invoice is a 422 naming `restock`; lines of other items move nothing. Returns the
    entry's id (None when nothing had a cost)."""
    returned: dict[str, Decimal] = {}
    for line in note.lines or []:
        if line.item_id:
            returned[line.item_id] = returned.get(line.item_id, Decimal(0)) + line.quantity
    items = tracked_items(uow, returned)
    if not items:
        raise invalid("restock", "no credited line is of a stock-managed item")
    invoiced = {line.item_id for line in invoice.lines or [] if line.item_id}
    for item_id in items:
        if item_id not in invoiced:
            raise invalid("restock", f"item {item_id} is not on invoice {invoice.number}: only goods sold on it "
                                     "can come back")
        if returned[item_id] <= 0:
            raise invalid("restock", f"the quantity of item {item_id} returned must be positive")
    sold: dict[str, Decimal] = {}
    for line in invoice.lines or []:
        if line.item_id in items:
            sold[line.item_id] = sold.get(line.item_id, Decimal(0)) + line.quantity
    before = rules.restocked_of(invoice.restocked)
    issue = rules.return_issue(sold, before, [(line.item_id if line.item_id in items else None, line.quantity)
                                              for line in note.lines or []])
    if issue is not None:
        raise invalid(f"lines[{issue[0]}].quantity", issue[1])
    invoice.restocked = rules.restocked_list({item_id: before.get(item_id, Decimal(0)) + returned.get(
        item_id, Decimal(0)) for item_id in {*before, *items}})  # saved with the invoice by the caller
    open_period(tenant, note.date, "date")
    return _stage_put_back(uow, tenant, items, returned, day=note.date, field="restock",
                           source_type="credit_note", source_id=note.id, entry_source_type="credit_note_restock",
                           description=f"Goods returned ({note.number})", now=now)


def stage_invoice_void(uow: UnitOfWork, tenant: Tenant, invoice: Any, day: date, now: datetime) -> str | None:
    """A posted invoice that took stock out (`stock_issued_by: invoice`) is voided: its goods come back as a
    full restocking credit note's would (`stage_sales_return`), in the void's transaction."""
    if invoice.stock_issued:  # issue 19 (part S2): back where and at the cost it left at
        return _stage_put_back_issued(uow, tenant, invoice, day, now)
    if not rules.invoice_takes_stock(tenant.stock_issued_by):
        return None
    returned: dict[str, Decimal] = {}
    for line in invoice.lines or []:
        if line.item_id and line.quantity > 0:
            returned[line.item_id] = returned.get(line.item_id, Decimal(0)) + line.quantity
    items = tracked_items(uow, returned)
    if not items:
        return None
    return _stage_put_back(uow, tenant, items, returned, day=day, field="lines", source_type="invoice_void",
                           source_id=invoice.id, entry_source_type="invoice_void_cogs",
                           description=f"Goods back from void of invoice {invoice.number}", now=now)


def _stage_put_back_issued(uow: UnitOfWork, tenant: Tenant, invoice: Any, day: date, now: datetime) -> str | None:
    """A voided invoice that recorded what it took out (`Invoice.stock_issued`): each item goes back into the
    location it left at the cost it left at (the invoice's cost of goods sold, `domain/stock.receive_value`), so
    the void's entry reverses exactly what the posting booked, whatever the average has done since. A level below
    zero meanwhile (negative stock allowed) is settled as any arrival (`_settled`)."""
    issued = list(invoice.stock_issued)
    items = tracked_items(uow, [entry.item_id for entry in issued])
    uow.prefetch([(Item, entry.item_id) for entry in issued if entry.item_id not in items]
                 + [(StockLevel, StockLevel.id_of(entry.item_id, entry.location_id)) for entry in issued])
    description = f"Goods back from void of invoice {invoice.number}"
    legs: list[tuple[str, str, Decimal]] = []  # (COGS account, inventory account, cost)
    for entry in issued:
        item = items.get(entry.item_id) or uow.load(Item, entry.item_id)  # stock-managed when it left
        level = _level(uow, item.id, entry.location_id)
        move = _settled(uow, tenant, item, level, rules.receive_value(_as_level(level), entry.quantity, entry.value),
                        day=day, source_type="invoice_void", source_id=invoice.id, now=now)
        _stage_move(uow, item, entry.location_id, level, move, day=day, source_type="invoice_void",
                    source_id=invoice.id, reason="return", now=now)
        cogs = item.cogs_account_id or _system_account(uow, tenant, "cost_of_goods_sold", "5000", "lines",
                                                       "cost of goods sold")
        legs.append((cogs, inventory_account(uow, tenant, item, "lines"), entry.value))
    lines = reversed_lines(rules.cost_of_sales_lines(legs, currency=tenant.base_currency, description=description))
    if not lines:
        return None
    journal = JournalEntry.new(uow.tenant_id, day, conversion(tenant, tenant.base_currency, None),
                               source_type="invoice_void_cogs", source_id=invoice.id, description=description,
                               at=now)
    uow.post_entry(journal, lines)
    return journal.id


def _stage_put_back(uow: UnitOfWork, tenant: Tenant, items: dict[str, Item], returned: dict[str, Decimal], *,
                    day: date, field: str, source_type: str, source_id: str, entry_source_type: str,
                    description: str, now: datetime) -> str | None:
    uow.prefetch([(StockDefault, StockDefault.ID)])
    pointer = uow.find(StockDefault, StockDefault.ID)
    location_id = pointer.location_id if pointer is not None else _location(uow, None, "location_id", now).id
    uow.prefetch([(StockLevel, StockLevel.id_of(item_id, location_id)) for item_id in items])
    units = minor_units(tenant.base_currency)
    legs: list[tuple[str, str, Decimal]] = []  # (COGS account, inventory account, cost)
    for item_id, item in items.items():
        level = _level(uow, item_id, location_id)
        try:
            move = rules.put_back(_as_level(level), returned[item_id], item.purchase_price, minor_units=units)
        except ValueError as exc:
            raise invalid(field, f"item {item_id} has no stock to take an average cost from and no "
                                 "purchase_price: set one") from exc
        move = _settled(uow, tenant, item, level, move, day=day, source_type=source_type, source_id=source_id,
                        now=now)
        _stage_move(uow, item, location_id, level, move, day=day, source_type=source_type,
                    source_id=source_id, reason="return", now=now)
        cogs = item.cogs_account_id or _system_account(uow, tenant, "cost_of_goods_sold", "5000", field,
                                                       "cost of goods sold")
        legs.append((cogs, inventory_account(uow, tenant, item, field), move.value))
    lines = reversed_lines(rules.cost_of_sales_lines(legs, currency=tenant.base_currency, description=description))
    if not lines:
        return None
    entry = JournalEntry.new(uow.tenant_id, day, conversion(tenant, tenant.base_currency, None),
                             source_type=entry_source_type, source_id=source_id, description=description, at=now)
    uow.post_entry(entry, lines)
    return entry.id


RESERVED, INCOMING = "reserved", "incoming"


def stage_commitments(uow: UnitOfWork, changes: Iterable[tuple[str | None, Decimal]], counter: str,
                      now: datetime, order_id: str | None = None) -> None:
    """Orders commit stock without moving it (issue 19): `changes` (item id, quantity; negative to release) of
    the stock-managed items change the `reserved` (sales orders) or `incoming` (purchase orders) quantity of their
    level at the default location, saved on its version in the order's own transaction (created, at zero on
    hand, when new). Orders have no location: commitments are kept at the default one. A reservation that takes
    AVAILABLE below an item's reorder level emits `stock.low` (with `order_id`, no movement), once per crossing as
    a movement does."""
    summed: dict[str, Decimal] = {}
    for item_id, quantity in changes:
        if item_id and quantity:
            summed[item_id] = summed.get(item_id, Decimal(0)) + quantity
    items = tracked_items(uow, [item_id for item_id, quantity in summed.items() if quantity])
    if not items:
        return
    uow.prefetch([(StockDefault, StockDefault.ID)])
    pointer = uow.find(StockDefault, StockDefault.ID)
    location_id = pointer.location_id if pointer is not None else _location(uow, None, "location_id", now).id
    uow.prefetch([(StockLevel, StockLevel.id_of(item_id, location_id)) for item_id in items])
    for item_id in items:
        level = _level(uow, item_id, location_id)
        if level is None:
            level = StockLevel(id=StockLevel.id_of(item_id, location_id), tenant_id=uow.tenant_id, item_id=item_id,
                               location_id=location_id, quantity=Decimal(0), value=Decimal(0), movements=0,
                               created_at=now, updated_at=now)
            setattr(level, counter, rules.committed(None, summed[item_id]))
            uow.create(level)
        else:
            reserved_before = level.reserved
            setattr(level, counter, rules.committed(getattr(level, counter), summed[item_id]))
            level.updated_at = now
            _save_level(uow, level)
            if counter == RESERVED:
                _reserved_low(uow, items[item_id], level, reserved_before, order_id, now)


def _reserved_low(uow: UnitOfWork, item: Item, level: StockLevel, reserved_before: Decimal | None,
                  order_id: str | None, now: datetime) -> None:
    """`stock.low` when a reservation took AVAILABLE from at or above the item's reorder level to below it
    (`domain/stock.below_reorder_level`, the movements' rule). A level created by the reservation held nothing,
    so it was below any reorder level already: no crossing."""
    before, after = rules.available(level.quantity, reserved_before), rules.available(level.quantity, level.reserved)
    if not rules.below_reorder_level(before, after, item.reorder_level):
        return
    data = StockEventData(item_id=item.id, location_id=level.location_id, quantity=Decimal(0), value=Decimal(0),
                          on_hand=level.quantity, stock_value=level.value, reorder_level=item.reorder_level,
                          available=after, order_id=order_id).model_dump(mode="json")
    uow.record_event_data(EventType.STOCK_LOW, object_type="stock", object_id=level.id, data=data, at=now,
                          sequence=2)


def order_line_quantities(order: Any) -> list[tuple[Decimal, Decimal | None, Decimal | None]]:
    """Each order line's (ordered, delivered, invoiced): what its reservation follows (`reserve_for`)."""
    return [(line.quantity, line.delivered_quantity, line.invoiced_quantity) for line in order.lines]


def reserve_for(uow: UnitOfWork, order: Any, before: list[tuple[Decimal, Decimal | None, Decimal | None]],
                now: datetime) -> None:
    """A confirmed order's delivered or invoiced quantities changed from `before` (`order_line_quantities`):
    its lines' reservations follow (`domain/stock.reservation_change`), so goods invoiced without a delivery
    note are no longer reserved, and a note delivering what was invoiced releases nothing twice. Drafts and
    cancelled orders reserve nothing."""
    if order.confirmed_at is None or order.cancelled_at is not None:
        return
    stage_commitments(uow, [(line.item_id, rules.reservation_change(was, now_is))
                            for line, was, now_is in zip(order.lines, before, order_line_quantities(order),
                                                         strict=True)], RESERVED, now, order_id=order.id)


# ------------------------------------------------------------------------------------ levels and reports


def level_out(level: StockLevel) -> dict[str, Any]:
    return StockLevelOut(item_id=level.item_id, location_id=level.location_id, on_hand=level.quantity,
                         reserved=level.reserved or Decimal(0),
                         available=rules.available(level.quantity, level.reserved),
                         incoming=level.incoming or Decimal(0), value=level.value,
                         average_cost=_as_level(level).average_cost).model_dump(mode="json")


def list_levels(tenant_id: str, *, item_id: str | None, location_id: str | None, limit: int,
                start_key: dict[str, Any] | None) -> Page[StockLevel]:
    """The balances kept with the movements (never a sum of movements)."""
    page = store.list_stock_levels(tenant_id, item_id=item_id, location_id=location_id, limit=limit,
                                   start_key=start_key)
    _shown(page.items, _base_currency(tenant_id))
    return page


def list_movements(tenant_id: str, item_id: str, *, location_id: str | None, limit: int,
                   start_key: dict[str, Any] | None) -> Page[StockMovement]:
    uow = open_unit(tenant_id)
    uow.prefetch([(Item, item_id)])
    uow.load(Item, item_id)  # another tenant's item: 404
    page = store.list_item_movements(tenant_id, item_id, location_id=location_id, limit=limit, start_key=start_key)
    _shown(page.items, uow.tenant().base_currency)
    return page


def movement_out(movement: StockMovement) -> dict[str, Any]:
    return _json(StockMovementOut, movement)


def valuation(tenant_id: str, as_of: date | None) -> dict[str, Any]:
    """Each item × location's quantity and value at the end of `as_of` (default today): the levels less the
    movements dated after it. The total equals the inventory accounts' balance at that date."""
    uow = open_unit(tenant_id)
    tenant = uow.tenant()
    day = as_of or today()
    levels = [(lv.item_id, lv.location_id, lv.quantity, lv.value) for lv in store.all_stock_levels(tenant_id)]
    later = [(m.item_id, m.location_id, m.quantity, m.value) for m in store.movements_after(tenant_id, day)]
    held = rules.valuation_as_of(levels, later)
    currency = tenant.base_currency
    lines = [{"item_id": item, "location_id": location, "on_hand": plain(level.quantity.normalize()),
              "value": with_minor_units(level.value, currency)} for (item, location), level in sorted(held.items())]
    total = with_minor_units(sum((level.value for level in held.values()), Decimal(0)), currency)
    return StockValuationOut(as_of=day, currency=tenant.base_currency, total=total,
                             lines=lines).model_dump(mode="json")  # type: ignore[arg-type]
