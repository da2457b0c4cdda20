"""Supplier credit notes (issue 15): a posted bill credited by lines or a net amount, posted on creation. The
purchase-side mirror of services/credit_notes.py: the bill is settled by the same rule
(`settlement.credit`), the entry is `posting_purchases.supplier_credit_note_lines` (expense and input tax
credited; payable debited for what it takes off the bill, supplier prepayments for any excess)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import posting, posting_purchases
from ledgerline.domain.documents import posted, settlement
from ledgerline.domain.documents.bill import BillStatus
from ledgerline.domain.events import EventType
from ledgerline.domain.query import Query
from ledgerline.ids import new_id
from ledgerline.schemas.bills import BillOut
from ledgerline.schemas.supplier_credit_notes import SupplierCreditNoteOut
from ledgerline.services import bills as bill_service
from ledgerline.services import metadata as record_metadata
from ledgerline.services import stock, supplier_payments
from ledgerline.services.document_rules import open_tax_period
from ledgerline.services.idempotency import once
from ledgerline.services.pricing import PURCHASES, price_lines, referenced
from ledgerline.services.retry import retrying
from ledgerline.services.supplier_payments import prepayments_account
from ledgerline.store import lists
from ledgerline.store.bills import Bill, SupplierCreditNote
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.query import Result
from ledgerline.store.unit_of_work import open_unit


def represent(note: SupplierCreditNote) -> dict[str, Any]:
    return SupplierCreditNoteOut.model_validate(note).model_dump(mode="json")


def get_supplier_credit_note(tenant_id: str, note_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(SupplierCreditNote, note_id))


def query_supplier_credit_notes(tenant_id: str, query: Query, *, limit: int,
                                start_key: dict[str, Any] | None) -> Result:
    """A page of supplier credit notes as a planned query asks (issue 18: the store's named read
    `lists.query_supplier_credit_notes`)."""
    return lists.query_supplier_credit_notes(tenant_id, query, limit=limit, start_key=start_key)


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_supplier_credit_note", fields,
                lambda: retrying(lambda: _create(tenant_id, fields)), in_unit=True)


def _requested_lines(bill: Bill, fields: dict[str, Any]) -> list[dict[str, Any]]:
    if fields.get("lines"):
        return list(fields["lines"])
    first = bill.lines[0]
    return [{"description": fields.get("reason") or f"Credit on {bill.number}", "quantity": Decimal(1),
             "unit_price": Decimal(fields["amount"]), "account_id": first.account_id,
             "tax_code_id": first.tax_code_id}]


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    named = fields.get("lines") or []
    uow.prefetch([(Bill, fields["bill_id"]), *referenced(named)])
    tenant = uow.tenant()
    bill = uow.load(Bill, fields["bill_id"])  # another tenant's: 404
    day: date = fields.get("date") or today()
    settlement.check_creditable(bill_service.state_of(bill), day)
    open_tax_period(tenant, day)
    requested = _requested_lines(bill, fields)
    uow.prefetch(referenced(requested))  # the bill's own account and tax code when crediting an amount
    priced = price_lines(tenant, requested, currency=bill.currency, prices_include_tax=False, find=uow.find,
                         direction=PURCHASES, on=day)
    now = utc_now()
    created = posted.post(posted.SUPPLIER_CREDIT_NOTE, day)
    note = SupplierCreditNote(
        id=new_id("scn"), tenant_id=tenant_id, status=created.state.status, bill_id=bill.id,
        bill_number=bill.number, supplier_id=bill.supplier_id, supplier_name=bill.supplier_name,
        supplier_reference=fields.get("supplier_reference"), date=day, reason=fields.get("reason"),
        currency=bill.currency, exchange_rate=bill.exchange_rate, lines=priced.lines,
        tax_breakdown=bill_service.purchase_breakdown(uow, tenant, priced, bill.currency),
        subtotal=priced.totals.subtotal, tax_total=priced.totals.tax_total,
        rounding_adjustment=priced.totals.rounding_adjustment, total=priced.totals.total, created_at=now,
        updated_at=now)
    transition, applied = settlement.credit(bill_service.state_of(bill), note.total, day)
    excess = note.total - applied
    rate = posting.Conversion(bill.currency, tenant.base_currency, bill.exchange_rate)
    description = f"Supplier credit note on {bill.number}"
    entry = JournalEntry.new(tenant_id, day, rate, source_type="supplier_credit_note", source_id=note.id,
                             description=description, at=now)
    settled = None
    if applied > 0:
        base = posting.settlement_base(amount=applied, amount_due=bill.amount_due,
                                       base_total=bill.base_total or Decimal(0),
                                       base_settled=bill.base_settled or Decimal(0), conversion=rate)
        bill_service.adopt(bill, transition, now)
        bill.base_settled = (bill.base_settled or Decimal(0)) + base
        bill_service.record_movement(bill, day, applied, base, "supplier_credit_note", entry.id)
        settled = posting.Settlement(applied, base)
    payable = bill_service.payable_account(uow, tenant)
    # issue 19 (part S): lines of stock-managed items credit inventory (the bill's mirror) and the goods go back
    inventory = {item_id: (item, stock.inventory_account(uow, tenant, item, "lines"))
                 for item_id, item in stock.tracked_items(uow, [line.item_id for line in note.lines
                                                                if line.item_id]).items()}
    credited = bill_service.purchase_lines(note, inventory)
    lines, taxes = posting_purchases.supplier_credit_note_lines(
        lines=credited, breakdown=bill_service.breakdown(note),
        codes=bill_service.purchase_codes(note), rounding_adjustment=note.rounding_adjustment, settlement=settled,
        excess=excess, accounts=posting_purchases.PurchaseAccounts(payable=payable,
                                                                   rounding=tenant.system_accounts.rounding),
        payment_accounts=posting_purchases.PaymentAccounts(
            payable=payable, supplier_prepayments=prepayments_account(uow, tenant) if excess else "",
            fx=tenant.system_accounts.fx),
        conversion=rate, description=description, investments=bill_service.investments(note))
    note.applied_amount, note.unallocated_amount, note.journal_entry_id = applied, excess, entry.id
    note.journal_entry_ids, note.allocations, note.allocated_amount = [entry.id], [], Decimal(0)
    note.unallocated_base = sum((line.debit - line.credit for line in lines
                                 if excess and line.account_id == prepayments_account(uow, tenant)), Decimal(0))

    leaving: list[tuple[Any, Decimal, Decimal | None]] = []  # per line: (stock-managed item or None, qty, value)
    for index, (line, value) in enumerate(zip(note.lines, posting_purchases.stock_values(credited, rate),
                                              strict=True)):
        if value is None:
            leaving.append((None, line.quantity, None))
            continue
        if line.quantity <= 0 or value < 0:
            raise stock.invalid(f"lines[{index}].quantity", "a line of a stock-managed item must send a positive "
                                                             "quantity back at a value of zero or more")
        leaving.append((inventory[line.item_id][0], line.quantity, value))
    # issue 19: capped at what the bill put in, out of the locations it went into; the bill is saved on its version
    returned = stock.stage_supplier_return(uow, tenant, bill, leaving, day=day, source_id=note.id, now=now)
    record_metadata.on_create(note, fields)
    uow.create(note)
    if applied > 0 or returned:  # returned: the bill's receipts record it, saved on the version read
        uow.save_if_unchanged(bill)
    if applied > 0:
        paid = bill.status == BillStatus.PAID
        uow.record_event(EventType.BILL_PAID if paid else EventType.BILL_UPDATED, bill, BillOut)
    uow.post_entry(entry, lines, bill_service.tax_buckets(taxes, sign=-1))
    uow.record_event(created.event, note, SupplierCreditNoteOut)
    uow.respond(SupplierCreditNoteOut, note)
    uow.commit()
    return represent(note)


def allocate(tenant_id: str, note_id: str, fields: dict[str, Any],
             idempotency_key: str | None = None) -> dict[str, Any]:
    """Apply a credit note's excess (a supplier prepayment, 1400) to the supplier's posted bills: the path a
    supplier payment's prepayment takes (`supplier_payments.allocate_prepayment`)."""
    return once(tenant_id, idempotency_key, "allocate_supplier_credit_note", {"id": note_id, **fields},
                lambda: retrying(lambda: represent(supplier_payments.allocate_prepayment(
                    tenant_id, SupplierCreditNote, note_id, fields))), in_unit=True)


def refund(tenant_id: str, note_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    """Money back from the supplier against a credit note's excess: the supplier refund of a payment's
    prepayment (`supplier_payments.refund_prepayment`)."""
    return once(tenant_id, idempotency_key, "refund_supplier_credit_note", {"id": note_id, **fields},
                lambda: retrying(lambda: represent(supplier_payments.refund_prepayment(
                    tenant_id, SupplierCreditNote, note_id, fields))), in_unit=True)


def update_metadata(tenant_id: str, note_id: str, changes: dict[str, Any],
                    expected_version: int | None) -> dict[str, Any]:
    """PATCH of a supplier credit note's metadata (issue 20): nothing else of it changes once made."""
    return represent(record_metadata.update(tenant_id, SupplierCreditNote, note_id, changes, expected_version,
                                            EventType.SUPPLIER_CREDIT_NOTE_UPDATED, SupplierCreditNoteOut))
