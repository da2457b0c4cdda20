"""Supplier bills (issue 15): drafts from the supplier's invoice, posting that numbers them (`BILL-…`) and
writes the ledger (domain/posting_purchases.py), voids. The purchase-side mirror of services/invoices.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import chart, posting, posting_purchases, receivables
from ledgerline.domain.banking import payment_runs
from ledgerline.domain.documents import bill as bill_rules
from ledgerline.domain.documents.base import Transition
from ledgerline.domain.documents.purchase_order import BillBasis
from ledgerline.domain.errors import AlreadyExists, PreconditionFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import reversed_lines
from ledgerline.domain.kinds import BILL_SERIES
from ledgerline.domain.money import round_money
from ledgerline.domain.posting_purchases import PurchaseLine, PurchaseTaxCode
from ledgerline.domain.query import Query
from ledgerline.domain.tenants import TenantStatus, format_number
from ledgerline.ids import new_id
from ledgerline.schemas.bills import BillOut
from ledgerline.schemas.common import read_at
from ledgerline.services import exchange_rates, files, stock
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import conversion, invalid, open_tax_period
from ledgerline.services.idempotency import once
from ledgerline.services.pricing import (
    PURCHASES,
    price_fields,
    referenced_positions,
    requested_positions,
    tenant_input_tax,
)
from ledgerline.services.purchase_order_state import stage_give_back
from ledgerline.services.purchase_orders import bill_request, stage_bill
from ledgerline.services.retry import retrying, retrying_unit
from ledgerline.store import bills, lists
from ledgerline.store.accounts import Account
from ledgerline.store.bills import Bill, PurchaseTaxSubtotal, StockReceipt
from ledgerline.store.codes import CodeGuard
from ledgerline.store.documents import Movement
from ledgerline.store.items import Item
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.purchase_orders import PurchaseOrder
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.table import Contention
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

Status = bill_rules.BillStatus
DUE_SOON_DAYS = 3  # `bill.due_soon`: this many days before a bill is due


def represent(bill: Bill) -> dict[str, Any]:
    return BillOut.model_validate(bill, context=read_at(utc_now())).model_dump(mode="json")


# ----------------------------------------------------------------------------------------- reads


def get_bill(tenant_id: str, bill_id: str) -> dict[str, Any]:
    """The bill as the API shows it; NotFound for an unknown id (another tenant's included)."""
    return represent(open_unit(tenant_id).load(Bill, bill_id))


def query_bills(tenant_id: str, query: Query, *, today: date, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of bills as a planned query asks (issue 18: the store's named read `lists.query_bills`)."""
    return lists.query_bills(tenant_id, query, today=today, limit=limit, start_key=start_key)


def supplier(party: Party | None, party_id: str, field: str = "supplier_id") -> Party:
    if party is None:
        raise invalid(field, f"no supplier with id '{party_id}'")
    if party.archived or party.kind not in ("supplier", "both"):
        raise invalid(field, f"party '{party_id}' is archived or not a supplier")
    return party


def _prefetch(uow: UnitOfWork, fields: dict[str, Any], *also: tuple[Any, str], previous: Any = None) -> None:
    """The tenant, the supplier, the records the lines name, the files attached (and `previous`ly attached)
    and the supplier reference's guard: one read."""
    supplier_id, reference = fields.get("supplier_id"), fields.get("supplier_reference")
    parties = [(Party, supplier_id)] if isinstance(supplier_id, str) else []
    guards = []
    if isinstance(supplier_id, str) and isinstance(reference, str):
        guard = bills.reference_guard(uow.tenant_id, supplier_id, reference)
        guards.append((guard.pk, guard.sk))
    uow.prefetch([*also, *parties, *referenced_positions(fields),
                  *files.prefetch_keys(fields.get("attachment_ids"), previous)], at=guards)


# ---------------------------------------------------------------------------------------- drafts


def create_draft(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    """A draft bill; its supplier reference is claimed in the same transaction (taken: 409). Two requests
    racing for one reference: the loser's commit fails on the guard, and its retry finds it taken."""
    def attempt() -> dict[str, Any]:
        uow = open_unit(tenant_id)
        _prefetch(uow, fields)
        now = utc_now()
        bill = Bill(id=new_id("bill"), tenant_id=tenant_id, status=Status.DRAFT.value, created_at=now,
                    updated_at=now, amount_paid=Decimal(0), amount_credited=Decimal(0))
        _fill(uow, bill, uow.tenant(), fields)
        files.stage_attachments(uow, bill.id, bill.attachment_ids)
        _claim_reference(uow, bill)
        uow.create(bill)
        uow.record_event(EventType.BILL_CREATED, bill, BillOut)
        uow.respond(BillOut, bill)
        uow.commit()
        return represent(bill)

    return once(tenant_id, idempotency_key, "create_bill", fields, lambda: retrying(attempt), in_unit=True)


def stage_draft(uow: UnitOfWork, fields: dict[str, Any], *, party: Party | None = None) -> Bill:
    """A draft bill staged in `uow` for a use case that commits more with it (an imported e-invoice, issue 17):
    priced, its supplier reference claimed (taken: 409 naming the bill) and `bill.created`. `party`: a
    supplier staged in the same unit. Attachments are the caller's to stage."""
    _prefetch(uow, {name: value for name, value in fields.items() if name != "attachment_ids"})
    now = utc_now()
    bill = Bill(id=new_id("bill"), tenant_id=uow.tenant_id, status=Status.DRAFT.value, created_at=now,
                updated_at=now, amount_paid=Decimal(0), amount_credited=Decimal(0))
    _fill(uow, bill, uow.tenant(), fields, party=party)
    record_metadata.on_create(bill, fields)
    _claim_reference(uow, bill)
    uow.create(bill)
    uow.record_event(EventType.BILL_CREATED, bill, BillOut)
    return bill


def create_from_purchase_order(tenant_id: str, order_id: str, fields: dict[str, Any],
                               idempotency_key: str | None = None) -> dict[str, Any]:
    """`POST /v1/purchase-orders/{id}/bill`: a draft bill for what the order has received and not billed (basis
    `received`) or all it has not billed (`ordered`), at the order's prices, and the order's billed quantities,
    in ONE transaction (`purchase_orders.stage_bill`, on the order's version: two racing requests cannot bill
    the same quantity). Deleting the draft or voiding the bill gives the quantities back."""
    def attempt() -> dict[str, Any]:
        uow = open_unit(tenant_id)
        uow.prefetch([(PurchaseOrder, order_id), *files.prefetch_keys(fields.get("attachment_ids"))])
        bill_id = new_id("bill")
        order, lines, taken = stage_bill(uow, order_id, bill_id, BillBasis(fields.get("basis") or "received"))
        request = bill_request(order, lines)
        earlier = len(order.bill_ids or []) - 1
        body = {name: request[name] for name in ("supplier_id", "currency", "exchange_rate", "prices_include_tax",
                                                 "notes")}
        body["lines"] = [{k: v for k, v in line.items() if k != "purchase_order_line"} for line in request["lines"]]
        body["supplier_reference"] = fields.get("supplier_reference") or (
            order.number if earlier == 0 else f"{order.number}-{earlier + 1}")
        body |= {name: fields[name] for name in ("bill_date", "due_date", "attachment_ids") if fields.get(name)}
        _prefetch(uow, body)
        now = utc_now()
        bill = Bill(id=bill_id, tenant_id=tenant_id, status=Status.DRAFT.value, created_at=now, updated_at=now,
                    amount_paid=Decimal(0), amount_credited=Decimal(0), purchase_order_id=order.id,
                    purchase_order_quantities=[str(quantity) for quantity in taken])
        _fill(uow, bill, uow.tenant(), body)
        files.stage_attachments(uow, bill.id, bill.attachment_ids)
        _claim_reference(uow, bill)
        uow.create(bill)
        uow.record_event(EventType.BILL_CREATED, bill, BillOut)
        uow.respond(BillOut, bill)
        uow.commit()
        return represent(bill)

    return once(tenant_id, idempotency_key, "bill_purchase_order", {"id": order_id, **fields},
                lambda: retrying(attempt), in_unit=True)


def _give_back(uow: UnitOfWork, bill: Bill) -> None:
    """A bill made from a purchase order is gone (draft deleted, or voided): the order may bill it again."""
    if bill.purchase_order_id and bill.purchase_order_quantities:
        stage_give_back(uow, bill.purchase_order_id, bill.id,
                        [Decimal(quantity) for quantity in bill.purchase_order_quantities])


def _claim_reference(uow: UnitOfWork, bill: Bill) -> None:
    guard = bill.reference_guard()
    holder = uow.find_at(CodeGuard, (guard.pk, guard.sk))
    if holder is not None and holder.target_id != bill.id:
        raise AlreadyExists(f"supplier_reference: the supplier's invoice '{bill.supplier_reference}' is already "
                            f"recorded as bill {holder.target_id}", param="supplier_reference",
                            code="duplicate_supplier_reference")
    if holder is None:
        uow.create(guard)


def update_draft(tenant_id: str, bill_id: str, changes: dict[str, Any], expected_version: int | None) -> Bill:
    first: list[int] = []

    def attempt() -> Bill:
        uow = open_unit(tenant_id)
        uow.prefetch([(Bill, bill_id)])
        bill = uow.load(Bill, bill_id)
        if first and bill.version != first[0]:
            raise PreconditionFailed("The bill was changed by another request; read it again and retry")
        first.append(bill.version)
        check_version(bill, expected_version)
        if record_metadata.only(changes):  # issue 20: not accounting data, so any status may change it
            return record_metadata.change(uow, bill, changes, EventType.BILL_UPDATED, BillOut)
        bill_rules.check_draft(state_of(bill), "edit")
        bill_changes = record_metadata.take(bill, changes)
        current: dict[str, Any] = {
            "supplier_id": bill.supplier_id, "supplier_reference": bill.supplier_reference,
            "bill_date": bill.bill_date, "due_date": bill.due_date, "currency": bill.currency,
            # a rate taken from the exchange rates is looked up again (the date may change)
            "exchange_rate": bill.exchange_rate if bill.exchange_rate != 1 and bill.exchange_rate_id is None
            else None, "notes": bill.notes,
            "prices_include_tax": bill.prices_include_tax, "attachment_ids": bill.attachment_ids,
            **_requested_with_locations(bill),
        }
        if {"bill_date", "payment_terms_days", "supplier_id"} & set(bill_changes):
            current.pop("due_date")  # recomputed from terms unless given again
        fields = current | bill_changes
        previous = list(bill.attachment_ids or [])
        _prefetch(uow, fields, previous=previous)
        before = bill.reference_guard()
        _fill(uow, bill, uow.tenant(), fields)
        if "attachment_ids" in changes:
            files.stage_attachments(uow, bill.id, bill.attachment_ids, previous)
        if (bill.supplier_id, bill.supplier_reference) != (current["supplier_id"], current["supplier_reference"]):
            uow.delete(before)
            _claim_reference(uow, bill)
        bill.updated_at = utc_now()
        uow.save_if_unchanged(bill)
        uow.record_event(EventType.BILL_UPDATED, bill, BillOut)
        uow.commit()
        return bill

    return retrying(attempt)


def _requested_with_locations(bill: Bill) -> dict[str, Any]:
    """The bill's lines as a request sends them (`requested_positions`), each with its stock location (issue 19),
    so that a PATCH of other fields keeps them."""
    requested = requested_positions(bill)
    if requested.get("lines"):
        for asked, line in zip(requested["lines"], bill.lines, strict=True):
            asked["location_id"] = getattr(line, "location_id", None)
    return requested


def delete_draft(tenant_id: str, bill_id: str, expected_version: int | None) -> Bill:
    """A draft has no number and no ledger effect: it is deleted, and its supplier reference freed."""
    uow = open_unit(tenant_id)
    bill = uow.load(Bill, bill_id)
    check_version(bill, expected_version)
    bill_rules.check_draft(state_of(bill), "delete")
    if bill.attachment_ids:  # its files are free to delete again
        uow.prefetch(files.prefetch_keys(bill.attachment_ids))
        files.stage_attachments(uow, bill.id, [], bill.attachment_ids)
    _give_back(uow, bill)
    uow.delete(bill)
    uow.create(lists.bill_tombstone(bill, utc_now()))  # `updated_since` shows it deleted (issue 18)
    uow.delete(bill.reference_guard())
    if bill.einvoice_sha256:  # an imported e-invoice (issue 17) may be imported again
        uow.delete(bills.einvoice_guard(tenant_id, bill.einvoice_sha256))
    uow.record_event(EventType.BILL_DELETED, bill, BillOut)
    try:
        uow.commit()
    except Contention as exc:
        raise PreconditionFailed("The bill was changed by another request; read it again and retry") from exc
    return bill


def _fill(uow: UnitOfWork, bill: Bill, tenant: Tenant, fields: dict[str, Any], party: Party | None = None) -> None:
    party = party or supplier(uow.find(Party, fields["supplier_id"]), fields["supplier_id"])
    bill_date: date = fields.get("bill_date") or today()
    currency = fields.get("currency") or party.currency or tenant.base_currency
    taken = exchange_rates.rate_on(uow, tenant, currency, bill_date, fields.get("exchange_rate"))
    rate = taken.conversion.rate
    include_tax = bool(fields.get("prices_include_tax"))
    priced = price_fields(tenant, fields, currency=currency, prices_include_tax=include_tax, find=uow.find,
                          direction=PURCHASES, on=bill_date)
    due_date = fields.get("due_date")
    if due_date is None:
        terms = next(t for t in (fields.get("payment_terms_days"), party.payment_terms_days,
                                 tenant.payment_terms_days) if t is not None)
        due_date = bill_date + timedelta(days=int(terms))
    if due_date < bill_date:
        raise invalid("due_date", "must not be before bill_date")
    totals = priced.totals
    bill.supplier_id, bill.supplier_name = party.id, party.name
    bill.supplier_reference = fields["supplier_reference"]
    bill.bill_date, bill.due_date = bill_date, due_date
    bill.currency, bill.exchange_rate = currency, rate
    bill.exchange_rate_id = taken.exchange_rate_id
    bill.notes, bill.prices_include_tax = fields.get("notes"), include_tax
    if "buyer_reference" in fields or "order_reference" in fields:  # an imported e-invoice's (issue 17)
        bill.buyer_reference, bill.order_reference = fields.get("buyer_reference"), fields.get("order_reference")
    bill.attachment_ids = list(fields["attachment_ids"]) if fields.get("attachment_ids") else None
    bill.lines = priced.lines
    _place_lines(uow, bill, fields)
    bill.positions, bill.allowances, bill.charges = priced.positions, priced.allowances, priced.charges
    bill.tax_breakdown = purchase_breakdown(uow, tenant, priced, currency)
    bill.subtotal, bill.tax_total = totals.subtotal, totals.tax_total
    bill.rounding_adjustment, bill.total = totals.rounding_adjustment, totals.total
    bill.amount_due = totals.total


def _place_lines(uow: UnitOfWork, bill: Bill, fields: dict[str, Any]) -> None:
    """Each requested line's stock location (issue 19) kept on its priced line: it must be one of the tenant's
    locations, not archived (422 naming `lines[i].location_id`). Lines given as `positions` have none (the
    default location)."""
    requested = fields.get("lines") if fields.get("positions") is None else None
    for index, (line, asked) in enumerate(zip(bill.lines, requested or [], strict=False)):
        location_id = asked.get("location_id")
        if location_id:
            stock.check_location(uow, location_id, f"lines[{index}].location_id")
        line.location_id = location_id or None


def purchase_breakdown(uow: UnitOfWork, tenant: Tenant, priced: Any, currency: str) -> list[PurchaseTaxSubtotal]:
    """The priced tax subtotals of a purchase (`purchase_tax`), each with the taxable of its lines on fixed-asset
    accounts (`posting_purchases.investment_taxable`: their input tax is on investments, CH box 405)."""
    invested = posting_purchases.investment_taxable([
        (line.tax_code_id, line.net_amount + (line.adjustment or Decimal(0)),
         posting_purchases.is_investment(getattr(uow.find(Account, line.account_id), "subtype", None)))
        for line in priced.lines])
    return [purchase_tax(uow, tenant, tax, currency, invested.get(tax.tax_code_id)) for tax in priced.tax_breakdown]


def investments(document: Any) -> dict[str, Decimal]:
    """Per tax code, the taxable of a priced purchase's investment lines (none on documents priced before)."""
    return {tax.tax_code_id: tax.investment_taxable for tax in document.tax_breakdown
            if getattr(tax, "investment_taxable", None)}


def purchase_tax(uow: UnitOfWork, tenant: Tenant, tax: Any, currency: str,
                 investment_taxable: Decimal | None = None) -> PurchaseTaxSubtotal:
    """A priced tax subtotal with what posting needs of its code, as it is now (a later change to the code
    does not change a bill already entered). Reverse charge: the rate is the code's and the tax the
    self-assessed tax (the bill was priced at 0 for it)."""
    code: TaxCode = uow.find(TaxCode, tax.tax_code_id)
    input_account = code.input_account_id or tenant_input_tax(tenant) or _account_by_code(uow, "input_tax")
    category = code.category_or_default
    amount = (posting_purchases.self_assessed_tax(tax.taxable_amount, code.rate, currency)
              if category == posting_purchases.REVERSE_CHARGE else tax.tax_amount)
    return PurchaseTaxSubtotal(tax_code_id=tax.tax_code_id, tax_code=tax.tax_code, rate=code.rate,
                               taxable_amount=tax.taxable_amount, tax_amount=amount, input_account_id=input_account,
                               output_account_id=code.account_id, recoverable_percent=code.recoverable_or_default,
                               category=category, investment_taxable=investment_taxable)


def _account_by_code(uow: UnitOfWork, role: str) -> str:
    """A system account of a tenant made before issue 15 recorded it: the default chart's account of that
    code (its chart has had 2000 and 1300 from the start)."""
    code = chart.SYSTEM_ACCOUNT_CODES[role]
    account = uow.find_by_code(Account, code)
    if account is None or account.archived:
        raise invalid("tenant", f"the tenant has no {role.replace('_', ' ')} account ({code})")
    return account.id


def payable_account(uow: UnitOfWork, tenant: Tenant) -> str:
    accounts = tenant.system_accounts
    return (accounts.payable if accounts is not None and accounts.payable else None) or \
        _account_by_code(uow, "payable")


# ------------------------------------------------------------------------------------- posting


def state_of(bill: Bill) -> bill_rules.BillState:
    return bill_rules.BillState(status=bill.status, issue_date=bill.bill_date, due_date=bill.due_date,
                                total=bill.total, amount_paid=bill.amount_paid, amount_credited=bill.amount_credited,
                                amount_due=bill.amount_due)


def adopt(bill: Bill, transition: Transition[bill_rules.BillState], now: datetime) -> EventType:
    state = transition.state
    was_paid = bill.status == Status.PAID
    bill.status = state.status
    bill.amount_paid, bill.amount_credited, bill.amount_due = state.amount_paid, state.amount_credited, \
        state.amount_due
    if state.status == Status.PAID and not was_paid:
        bill.paid_at = now
    elif state.status != Status.PAID and was_paid:
        bill.paid_at = None
    bill.updated_at = now
    return transition.event


def post(tenant_id: str, bill_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """Draft → awaiting payment in ONE transaction: the next gapless `BILL-` number, the journal entry
    (payable, expenses, input and self-assessed tax), the balances, and `bill.posted`."""
    def prepare(uow: UnitOfWork) -> None:
        uow.prefetch([(Bill, bill_id)], series=[(BILL_SERIES.key, today().year)])

    return once(tenant_id, idempotency_key, "post_bill", {"id": bill_id},
                lambda: represent(retrying_unit(tenant_id, lambda uow: _post(uow, bill_id), prepare=prepare,
                                                in_turn=True)),
                in_unit=True)


def _post(uow: UnitOfWork, bill_id: str) -> Bill:
    tenant = uow.tenant()
    bill = uow.load(Bill, bill_id)
    posted = bill_rules.post(state_of(bill))
    open_tax_period(tenant, bill.bill_date, "bill_date")
    year = bill.bill_date.year
    last = uow.last_number(BILL_SERIES.key, year)
    number = format_number(tenant.number_format(BILL_SERIES), year, last + 1)
    rate = conversion(tenant, bill.currency, bill.exchange_rate if bill.exchange_rate != 1 else None)
    payable = payable_account(uow, tenant)
    inventory = _inventory_accounts(uow, tenant, bill)
    bought = purchase_lines(bill, inventory)
    lines, taxes = posting_purchases.bill_lines(
        lines=bought, breakdown=breakdown(bill), codes=purchase_codes(bill), total=bill.total,
        rounding_adjustment=bill.rounding_adjustment,
        accounts=posting_purchases.PurchaseAccounts(payable=payable, rounding=tenant.system_accounts.rounding),
        conversion=rate, description=f"Bill {number}", investments=investments(bill))
    now = utc_now()
    entry = JournalEntry.new(tenant.id, bill.bill_date, rate, source_type="bill", source_id=bill.id,
                             description=f"Bill {number} from {bill.supplier_name} ({bill.supplier_reference})",
                             at=now)
    uow.take_number(BILL_SERIES.key, year, last)
    bill.number, bill.posted_at, bill.journal_entry_id = number, now, entry.id
    event = adopt(bill, posted, now)
    bill.base_total = sum((line.credit for line in lines if line.account_id == payable), Decimal(0))
    bill.base_settled = round_money(Decimal(0), tenant.base_currency)
    bill.movements = []
    update_closed_on(bill)
    _stage_stock_in(uow, tenant, bill, bought, rate, inventory, now)
    uow.save_if_unchanged(bill)
    uow.post_entry(entry, lines, tax_buckets(taxes))
    uow.record_event(event, bill, BillOut)
    uow.respond(BillOut, bill)
    uow.commit()
    return bill


def tax_buckets(taxes: list[posting.TaxAmount], sign: int = 1) -> dict[str, tuple[Decimal, Decimal]]:
    """What a bill (or an expense) adds to the tax buckets: its input tax in the input buckets and a reverse
    charge's self-assessed tax in the output ones, so the VAT return and the tax summary show purchases."""
    return posting.tax_totals(taxes, sign)


def purchase_lines(bill: Bill, inventory: dict[str, tuple[Item, str]] | None = None) -> list[PurchaseLine]:
    """The lines as posting sees them; those of a stock-managed item (`inventory`: item id → the item and its
    inventory account, issue 19) post their net to inventory."""
    inventory = inventory or {}
    return [PurchaseLine(line.account_id, line.net_amount + (line.adjustment or Decimal(0)), line.tax_code_id,
                         inventory[line.item_id][1] if line.item_id in inventory else None)
            for line in bill.lines]


def _inventory_accounts(uow: UnitOfWork, tenant: Tenant, bill: Bill) -> dict[str, tuple[Item, str]]:
    """The bill's stock-managed items (issue 19), each with its inventory account."""
    items = stock.tracked_items(uow, [line.item_id for line in bill.lines if line.item_id])
    return {item_id: (item, stock.inventory_account(uow, tenant, item, "lines")) for item_id, item in items.items()}


def _stage_stock_in(uow: UnitOfWork, tenant: Tenant, bill: Bill, bought: list[PurchaseLine],
                    rate: posting.Conversion, inventory: dict[str, tuple[Item, str]], now: datetime) -> None:
    """A posted bill puts its stock-managed lines into stock at their net base value (the amounts the entry
    debits to inventory), into each line's location (absent: the default; one archived since the draft: 422 naming
    `lines[i].location_id`), and remembers what it put in where for a void and supplier returns."""
    if not inventory:
        return
    arriving: dict[tuple[str, str | None], list[Decimal]] = {}
    for index, (line, value) in enumerate(zip(bill.lines, posting_purchases.stock_values(bought, rate),
                                              strict=True)):
        if value is None:
            continue
        if line.quantity <= 0 or value < 0:
            raise invalid(f"lines[{index}].quantity", "a line of a stock-managed item must bring a positive "
                                                      "quantity at a value of zero or more")
        location_id = getattr(line, "location_id", None)
        if location_id:
            stock.check_location(uow, location_id, f"lines[{index}].location_id")
        slot = arriving.setdefault((line.item_id, location_id), [Decimal(0), Decimal(0)])
        slot[0] += line.quantity
        slot[1] += value
    received = stock.stage_receipts(uow, tenant, [(inventory[item_id][0], quantity, value, location_id)
                                                  for (item_id, location_id), (quantity, value) in arriving.items()],
                                    day=bill.bill_date, source_type="bill", source_id=bill.id, now=now)
    bill.stock_receipts = [StockReceipt(item_id=item_id, location_id=location_id, quantity=quantity, value=value)
                           for item_id, location_id, quantity, value in received]


def breakdown(bill: Bill) -> list[tuple[str, Decimal, Decimal]]:
    """(tax code, taxable, tax charged by the supplier): reverse charge charges none."""
    return [(tax.tax_code_id, tax.taxable_amount,
             Decimal(0) if tax.category == posting_purchases.REVERSE_CHARGE else tax.tax_amount)
            for tax in bill.tax_breakdown]


def purchase_codes(bill: Bill) -> dict[str, PurchaseTaxCode]:
    return {tax.tax_code_id: PurchaseTaxCode(tax.tax_code_id, tax.rate, tax.input_account_id, tax.output_account_id,
                                             tax.recoverable_percent, tax.category) for tax in bill.tax_breakdown}


def update_closed_on(bill: Bill) -> None:
    bill.closed_on = None
    if bill.status in Bill.CLOSED_STATUSES:
        bill.closed_on = receivables.closed_on(issue_date=bill.bill_date, total=bill.total,
                                               base_total=bill.base_total, movements=bill_movements(bill))


def bill_movements(bill: Bill) -> list[receivables.Movement]:
    return [receivables.Movement(m.date, m.amount, m.base_amount) for m in bill.movements or []]


def record_movement(bill: Bill, day: date, amount: Decimal, base_amount: Decimal, source_type: str,
                    journal_entry_id: str) -> None:
    """Keep a dated change to what the bill owes (supplier payments will call it as receipts do for invoices)."""
    bill.movements = [*(bill.movements or []), Movement(date=day, amount=amount, base_amount=base_amount,
                                                        source_type=source_type, journal_entry_id=journal_entry_id)]
    update_closed_on(bill)


# -------------------------------------------------------------------------------- after posting


def void(tenant_id: str, bill_id: str, void_date: date | None, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "void_bill", {"id": bill_id, "date": str(void_date)},
                lambda: retrying(lambda: _void(tenant_id, bill_id, void_date)), in_unit=True)


def _void(tenant_id: str, bill_id: str, void_date: date | None) -> dict[str, Any]:
    """Post the mirror of the bill's entry; the number stays used and the bill reads `voided`. Its supplier
    reference stays claimed: the supplier's invoice was recorded (a corrected one comes with its own number)."""
    uow = open_unit(tenant_id)
    uow.prefetch([(Bill, bill_id)])
    tenant = uow.tenant()
    bill = uow.load(Bill, bill_id)
    day = void_date or today()
    voided = bill_rules.void(state_of(bill), day)
    payment_runs.check_unscheduled(bill.scheduled_amount, "void")  # issue 16: the bank would still pay it
    open_tax_period(tenant, day)
    original = uow.load(JournalEntry, bill.journal_entry_id)
    now = utc_now()
    rate = posting.Conversion(bill.currency, tenant.base_currency, bill.exchange_rate)
    entry = JournalEntry.new(tenant_id, day, rate, source_type="bill_void", source_id=bill.id,
                             description=f"Void of bill {bill.number}", reverses_id=original.id, at=now)
    owed, owed_base = bill.amount_due, (bill.base_total or Decimal(0)) - (bill.base_settled or Decimal(0))
    event = adopt(bill, voided, now)
    bill.voided_at, bill.void_journal_entry_id = now, entry.id
    record_movement(bill, day, owed, owed_base, "bill_void", entry.id)
    _give_back(uow, bill)
    stock.stage_returns(uow, [(r.item_id, r.location_id, r.quantity, r.value) for r in bill.stock_receipts or []],
                        day=day, source_type="bill_void", source_id=bill.id, now=now)
    uow.save_if_unchanged(bill)
    taxes = posting_purchases.purchase_taxes(breakdown(bill), purchase_codes(bill), rate, investments(bill))
    uow.post_entry(entry, reversed_lines(original.journal_lines()), tax_buckets(taxes, sign=-1))
    uow.record_event(event, bill, BillOut)
    uow.respond(BillOut, bill)
    uow.commit()
    return represent(bill)


# ------------------------------------------------------------------------------------- due soon


def announce_due_soon(tenant_id: str, day: date, *, dry_run: bool = False) -> list[Bill]:
    """`bill.due_soon` for every open bill due within `DUE_SOON_DAYS` days after `day` (a missed day is caught
    up), once per bill and due date: the bill keeps the due date it was announced for (`due_soon_for`), set in
    the event's transaction. Returns the bills announced (or, in a dry run, that would be)."""
    announced: list[Bill] = []
    due = [bill for bill in bills.open_bills_due_between(tenant_id, day, day + timedelta(days=DUE_SOON_DAYS))
           if bill.due_soon_for != bill.due_date]
    if due and open_unit(tenant_id).tenant().status == TenantStatus.DEACTIVATED:
        return []  # its books are kept, but nothing is announced on its behalf any more
    for listed in due:
        if dry_run:
            announced.append(listed)
            continue
        bill = retrying(lambda bill_id=listed.id: _announce(tenant_id, bill_id))
        if bill is not None:
            announced.append(bill)
    return announced


def _announce(tenant_id: str, bill_id: str) -> Bill | None:
    uow = open_unit(tenant_id)
    bill = uow.load(Bill, bill_id)
    if bill.status not in Bill.OPEN_STATUSES or bill.due_soon_for == bill.due_date:
        return None  # paid or announced meanwhile
    bill.due_soon_for = bill.due_date
    uow.save_if_unchanged(bill)
    uow.record_event(EventType.BILL_DUE_SOON, bill, BillOut)
    uow.commit()
    return bill
