"""Purchase orders (issue 15): drafts that can change, sending that numbers them (and emails the supplier
the PDF), goods received against them and the quantities bills take. No ledger effect.

Each line keeps what was ordered, received and billed (`domain/documents/purchase_order.py`). A receipt, or
a bill made from an order (`stage_bill`, for the bills' use case), writes the order's new quantities on the
order's version in the transaction that takes them: two concurrent requests cannot both take the same
quantity (the loser re-reads the order and finds less left, or nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain.documents import purchase_order as rules
from ledgerline.domain.documents.base import invalid
from ledgerline.domain.documents.line_quantities import per_line
from ledgerline.domain.documents.purchase_order import BillBasis, BillingStatus, PurchaseOrderStatus
from ledgerline.domain.errors import FieldIssue, PreconditionFailed, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.kinds import PURCHASE_ORDER_SERIES
from ledgerline.domain.query import Query
from ledgerline.domain.tenants import format_number
from ledgerline.ids import new_id
from ledgerline.schemas.emails import EmailOut
from ledgerline.schemas.purchase_orders import PurchaseOrderOut
from ledgerline.services import metadata as record_metadata
from ledgerline.services import stock
from ledgerline.services.document_rules import conversion
from ledgerline.services.idempotency import once
from ledgerline.services.pricing import price_lines, referenced
from ledgerline.services.purchase_order_state import PURCHASE_ORDER_SOURCE, adopt, state_of
from ledgerline.services.retry import retrying_unit
from ledgerline.store import lists
from ledgerline.store.items import Item
from ledgerline.store.parties import Party
from ledgerline.store.purchase_orders import PurchaseOrder, PurchaseOrderLine
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.table import Contention
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

KIND = PURCHASE_ORDER_SOURCE


def represent(order: PurchaseOrder) -> dict[str, Any]:
    return PurchaseOrderOut.model_validate(order).model_dump(mode="json")


# ----------------------------------------------------------------------------------------- reads


def get_purchase_order(tenant_id: str, order_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(PurchaseOrder, order_id))


def query_purchase_orders(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of purchase orders as a planned query asks (issue 18: the store's named read
    `lists.query_purchase_orders`)."""
    return lists.query_purchase_orders(tenant_id, query, limit=limit, start_key=start_key)


# ---------------------------------------------------------------------------------------- lines


def _supplier(uow: UnitOfWork, party_id: str) -> Party:
    party = uow.find(Party, party_id)
    if party is None:
        raise invalid("supplier_id", f"no supplier with id '{party_id}'")
    if party.archived or party.kind not in ("supplier", "both"):
        raise invalid("supplier_id", f"party '{party_id}' is archived or not a supplier")
    return party


def purchase_defaults(uow: UnitOfWork, requested: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Requested lines with the purchase side's defaults: an item gives its purchase price and expense account
    where it has them (never its sales price or revenue account); a line left without a price or an account
    is a 422 naming it."""
    issues: list[FieldIssue] = []
    resolved: list[dict[str, Any]] = []
    for index, line in enumerate(requested):
        values = dict(line)
        item = uow.find(Item, values["item_id"]) if values.get("item_id") else None
        if item is not None:
            if values.get("unit_price") is None:
                values["unit_price"] = getattr(item, "purchase_price", None)
            values["account_id"] = values.get("account_id") or getattr(item, "expense_account_id", None)
        if values.get("item_id") is None or item is not None:  # an unknown item is refused by pricing
            if values.get("unit_price") is None:
                issues.append(FieldIssue(f"lines.{index}.unit_price",
                                         "required when the line has no item with a purchase price"))
            if not values.get("account_id"):
                issues.append(FieldIssue(f"lines.{index}.account_id",
                                         "required when the line has no item with an expense account"))
        resolved.append(values)
    if issues:
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues)
    return resolved


def _price(uow: UnitOfWork, order: PurchaseOrder, tenant: Tenant, fields: dict[str, Any]) -> None:
    party = _supplier(uow, fields["supplier_id"])
    currency = fields.get("currency") or party.currency or tenant.base_currency
    rate = conversion(tenant, currency, fields.get("exchange_rate")).rate
    include_tax = fields.get("prices_include_tax")
    include_tax = tenant.prices_include_tax if include_tax is None else include_tax
    order_date = fields.get("order_date") or today()
    expected = fields.get("expected_date")
    if expected is not None and expected < order_date:
        raise invalid("expected_date", "must not be before order_date")
    priced = price_lines(tenant, purchase_defaults(uow, fields["lines"]), currency=currency,
                         prices_include_tax=include_tax, find=uow.find)
    _check_purchase_tax_codes(uow, priced.lines)
    totals = priced.totals
    order.supplier_id, order.supplier_name = party.id, party.name
    order.order_date, order.expected_date = order_date, expected
    order.currency, order.exchange_rate = currency, rate
    order.reference, order.notes = fields.get("reference"), fields.get("notes")
    order.prices_include_tax = include_tax
    order.lines = [PurchaseOrderLine(**line.attribute_values, line=number, received_quantity=Decimal(0),
                                     billed_quantity=Decimal(0)) for number, line in enumerate(priced.lines, start=1)]
    order.tax_breakdown = priced.tax_breakdown
    order.subtotal, order.tax_total = totals.subtotal, totals.tax_total
    order.rounding_adjustment, order.total = totals.rounding_adjustment, totals.total


def _check_purchase_tax_codes(uow: UnitOfWork, lines: Sequence[Any]) -> None:
    """A tax code for sales only (its `direction`, once tax codes have one) is refused on a purchase line."""
    for index, line in enumerate(lines):
        code = uow.find(TaxCode, line.tax_code_id) if line.tax_code_id else None
        if code is not None and getattr(code, "direction", None) == "sales":
            raise invalid(f"lines.{index}.tax_code_id", f"tax code '{code.code}' is for sales only")


def requested_lines(order: PurchaseOrder) -> list[dict[str, Any]]:
    return [{"item_id": line.item_id, "description": line.description, "quantity": line.quantity,
             "unit_price": line.unit_price, "account_id": line.account_id, "tax_code_id": line.tax_code_id}
            for line in order.lines]


def _current_fields(order: PurchaseOrder) -> dict[str, Any]:
    return {"supplier_id": order.supplier_id, "order_date": order.order_date, "expected_date": order.expected_date,
            "currency": order.currency, "exchange_rate": order.exchange_rate if order.exchange_rate != 1 else None,
            "reference": order.reference, "notes": order.notes, "prices_include_tax": order.prices_include_tax,
            "lines": requested_lines(order)}


def _prefetch(uow: UnitOfWork, fields: dict[str, Any], *also: tuple[Any, str]) -> None:
    supplier_id = fields.get("supplier_id")
    parties = [(Party, supplier_id)] if isinstance(supplier_id, str) else []
    uow.prefetch([*also, *parties, *referenced(fields.get("lines") or [])])


# ---------------------------------------------------------------------------------------- drafts


def create_draft(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    """A draft purchase order with its `purchase_order.created`, in one transaction."""
    def run() -> dict[str, Any]:
        uow = open_unit(tenant_id)
        _prefetch(uow, fields)
        now = utc_now()
        order = PurchaseOrder(id=new_id("po"), tenant_id=tenant_id, status=PurchaseOrderStatus.DRAFT.value,
                              billing_status=BillingStatus.NOT_BILLED.value, created_at=now, updated_at=now,
                              bill_ids=[])
        _price(uow, order, uow.tenant(), fields)
        record_metadata.on_create(order, fields)
        uow.create(order)
        uow.record_event(EventType.PURCHASE_ORDER_CREATED, order, PurchaseOrderOut)
        uow.respond(PurchaseOrderOut, order)
        uow.commit()
        return represent(order)

    return once(tenant_id, idempotency_key, "create_purchase_order", fields, run, in_unit=True)


def update_draft(tenant_id: str, order_id: str, changes: dict[str, Any],
                 expected_version: int | None) -> PurchaseOrder:
    uow = open_unit(tenant_id)
    _prefetch(uow, changes, (PurchaseOrder, order_id))
    order = uow.load(PurchaseOrder, order_id)
    check_version(order, expected_version)
    if record_metadata.only(changes):  # issue 20: not accounting data, so any status may change it
        return record_metadata.change(uow, order, changes, EventType.PURCHASE_ORDER_UPDATED, PurchaseOrderOut)
    rules.check_draft(state_of(order), "edit")
    changes = record_metadata.take(order, changes)
    _price(uow, order, uow.tenant(), _current_fields(order) | changes)
    order.updated_at = utc_now()
    uow.save_if_unchanged(order)
    uow.record_event(EventType.PURCHASE_ORDER_UPDATED, order, PurchaseOrderOut)
    _commit_draft_change(uow)
    return order


def delete_draft(tenant_id: str, order_id: str, expected_version: int | None) -> PurchaseOrder:
    uow = open_unit(tenant_id)
    order = uow.load(PurchaseOrder, order_id)
    check_version(order, expected_version)
    rules.check_draft(state_of(order), "delete")
    uow.delete(order)
    uow.create(lists.document_tombstone(order, utc_now()))  # `updated_since` shows it deleted (issue 18)
    uow.record_event(EventType.PURCHASE_ORDER_DELETED, order, PurchaseOrderOut)
    _commit_draft_change(uow)
    return order


def _commit_draft_change(uow: UnitOfWork) -> None:
    try:
        uow.commit()
    except Contention as exc:
        raise PreconditionFailed(
            "The purchase order was changed by another request; read it again and retry") from exc


# -------------------------------------------------------------------------------- life cycle


def _stage_sent(uow: UnitOfWork, order: PurchaseOrder) -> None:
    """Draft → sent, numbered from the purchase order series (`PO-{YYYY}-{SEQ:4}` unless the tenant set
    another), with `purchase_order.sent` (which renders its PDF)."""
    sent = rules.send(state_of(order))
    year = order.order_date.year
    last = uow.last_number(PURCHASE_ORDER_SERIES.key, year)
    uow.take_number(PURCHASE_ORDER_SERIES.key, year, last)
    order.number = format_number(uow.tenant().number_format(PURCHASE_ORDER_SERIES), year, last + 1)
    order.sent_at = order.updated_at = utc_now()
    adopt(order, sent.state)
    stock.stage_commitments(uow, [(line.item_id, line.quantity) for line in order.lines], stock.INCOMING,
                            order.updated_at)  # issue 19: incoming until received
    uow.save_if_unchanged(order)
    uow.record_event(sent.event, order, PurchaseOrderOut)


def _prepare(order_id: str, *, with_supplier: bool = False) -> Any:
    """Read the order with the tenant and this year's number series; `with_supplier`: then its supplier (whose
    id the order holds), whom an email goes to."""
    def prepare(uow: UnitOfWork) -> None:
        uow.prefetch([(PurchaseOrder, order_id)], series=[(PURCHASE_ORDER_SERIES.key, today().year)])
        order = uow.find(PurchaseOrder, order_id)
        if with_supplier and order is not None:
            uow.prefetch([(Party, order.supplier_id)])

    return prepare


def issue(tenant_id: str, order_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """Draft → sent without an email (the supplier got it another way): numbered, its PDF rendered."""
    def attempt(uow: UnitOfWork) -> PurchaseOrder:
        order = uow.load(PurchaseOrder, order_id)
        _stage_sent(uow, order)
        uow.respond(PurchaseOrderOut, order)
        uow.commit()
        return order

    return once(tenant_id, idempotency_key, "issue_purchase_order", {"id": order_id},
                lambda: represent(retrying_unit(tenant_id, attempt, prepare=_prepare(order_id))), in_unit=True)


def send(tenant_id: str, order_id: str, request: dict[str, Any], idempotency_key: str | None = None
         ) -> dict[str, Any]:
    """Email the order to the supplier with its PDF: a draft is numbered and becomes `sent` in the same
    transaction as its email is queued (a bad recipient changes nothing); a sent order is emailed again."""
    # Imported here: the email service brings every emailed kind's schemas and the MIME builder, which the
    # bills and supplier functions (they import this module for goods received and billing) never use (cold start)
    from ledgerline.services import emails

    def attempt(uow: UnitOfWork) -> Any:
        order = uow.load(PurchaseOrder, order_id)
        if order.status == PurchaseOrderStatus.DRAFT:
            _stage_sent(uow, order)
        email = emails.stage_email(uow, uow.tenant(), KIND, order, request)  # checks the order as sent
        uow.respond(EmailOut, email)
        uow.commit()
        return email

    return once(tenant_id, idempotency_key, "send_purchase_order", {"id": order_id, **request},
                lambda: emails.represent(retrying_unit(tenant_id, attempt,
                                                       prepare=_prepare(order_id, with_supplier=True))),
                in_unit=True)


def cancel(tenant_id: str, order_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    def attempt(uow: UnitOfWork) -> PurchaseOrder:
        order = uow.load(PurchaseOrder, order_id)
        was_sent = order.sent_at is not None
        cancelled = rules.cancel(state_of(order))
        order.cancelled_at = order.updated_at = utc_now()
        if was_sent:  # issue 19: what was not received is no longer incoming
            stock.stage_commitments(uow, [(line.item_id, -(line.quantity - (line.received_quantity or Decimal(0))))
                                          for line in order.lines], stock.INCOMING, order.updated_at)
        adopt(order, cancelled.state)
        uow.save_if_unchanged(order)
        uow.record_event(cancelled.event, order, PurchaseOrderOut)
        uow.respond(PurchaseOrderOut, order)
        uow.commit()
        return order

    return once(tenant_id, idempotency_key, "cancel_purchase_order", {"id": order_id},
                lambda: represent(retrying_unit(tenant_id, attempt)), in_unit=True)


# ------------------------------------------------------------------------------ receipts and bills


def receive(tenant_id: str, order_id: str, fields: dict[str, Any],
            idempotency_key: str | None = None) -> dict[str, Any]:
    """Goods received: the named quantities (or all still outstanding) added to each line's received
    quantity, in one transaction on the order's version, so a quantity is never received twice."""
    def attempt(uow: UnitOfWork) -> PurchaseOrder:
        order = uow.load(PurchaseOrder, order_id)
        wanted = per_line(len(order.lines), fields.get("lines"), "purchase order")
        transition, taken = rules.receive(state_of(order), wanted)
        received_on = fields.get("received_date") or today()
        if received_on < order.order_date:
            raise invalid("received_date", "must not be before the order date")
        adopt(order, transition.state)
        order.last_received_on = received_on
        order.updated_at = utc_now()
        stock.stage_commitments(uow, [(line.item_id, -quantity) for line, quantity in zip(order.lines, taken,
                                                                                          strict=True)],
                                stock.INCOMING, order.updated_at)  # issue 19: received is no longer incoming
        uow.save_if_unchanged(order)
        uow.record_event(transition.event, order, PurchaseOrderOut)
        uow.respond(PurchaseOrderOut, order)
        uow.commit()
        return order

    return once(tenant_id, idempotency_key, "receive_purchase_order", {"id": order_id, **fields},
                lambda: represent(retrying_unit(tenant_id, attempt)), in_unit=True)


def stage_bill(uow: UnitOfWork, order_id: str, bill_id: str, basis: BillBasis = BillBasis.RECEIVED,
               ) -> tuple[PurchaseOrder, list[dict[str, Any]], tuple[Decimal, ...]]:
    """For the bills' use case (`POST /v1/purchase-orders/{id}/bill`, wired at merge): take what a draft bill
    `bill_id` charges (received and not billed, or with basis `ordered` all not billed) on the caller's unit,
    on the order's version, with `purchase_order.billed`. Returns the order, the bill's line data
    (`rules.bill_lines`, each naming its `purchase_order_line`) and the quantity per order line, which the bill
    keeps to give back (`purchase_order_state.stage_give_back`) when its draft is deleted or it is voided.
    409 `nothing_to_bill` when nothing is left."""
    order = uow.load(PurchaseOrder, order_id)
    transition, taken = rules.bill(state_of(order), basis)
    lines = rules.bill_lines([{"line": int(line.line), **request}
                              for line, request in zip(order.lines, requested_lines(order), strict=True)], taken)
    adopt(order, transition.state)
    order.bill_ids = [*(order.bill_ids or []), bill_id]
    order.updated_at = utc_now()
    uow.save_if_unchanged(order)
    uow.record_event(transition.event, order, PurchaseOrderOut)
    return order, lines, taken


def bill_request(order: PurchaseOrder, lines: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The fields of the draft bill made from `order` for `lines` (`stage_bill`): its supplier, currency and
    prices as ordered, the order's number as the reference and `source: {kind: purchase_order, id}`."""
    return {"supplier_id": order.supplier_id, "currency": order.currency,
            "exchange_rate": order.exchange_rate if order.exchange_rate != 1 else None,
            "prices_include_tax": order.prices_include_tax, "reference": order.number, "notes": order.notes,
            "lines": [dict(line) for line in lines], "source": {"kind": PURCHASE_ORDER_SOURCE, "id": order.id}}
