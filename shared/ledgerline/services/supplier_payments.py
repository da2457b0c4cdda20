"""Supplier payments (issue 15): money out of a bank or cash account, allocated to posted bills; the rest is a
supplier prepayment (1400). The payables mirror of services/receipts.py: bills are settled by the same rule
(domain/documents/settlement.py), and each bill's amount due, status and open-bills entry move in the
payment's own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import posting, posting_purchases
from ledgerline.domain.documents import posted, settlement
from ledgerline.domain.documents.bill import BillStatus
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import JournalLine, SourceType, reversed_lines
from ledgerline.domain.money import round_money
from ledgerline.domain.query import Query
from ledgerline.ids import new_id
from ledgerline.schemas.bills import BillOut
from ledgerline.schemas.supplier_credit_notes import SupplierCreditNoteOut
from ledgerline.schemas.supplier_payments import SupplierPaymentOut
from ledgerline.services import bills as bill_service
from ledgerline.services import exchange_rates
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import exact_amount, invalid, money_account, open_period
from ledgerline.services.idempotency import once
from ledgerline.services.receipts import _merged as merged_lines
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.accounts import Account
from ledgerline.store.bills import Bill, BillAllocation, SupplierCreditNote, SupplierPayment
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def represent(payment: SupplierPayment) -> dict[str, Any]:
    return SupplierPaymentOut.model_validate(payment).model_dump(mode="json")


def get_supplier_payment(tenant_id: str, payment_id: str) -> dict[str, Any]:
    """The payment as the API shows it; NotFound for an unknown id (another tenant's included)."""
    return represent(open_unit(tenant_id).load(SupplierPayment, payment_id))


def query_supplier_payments(tenant_id: str, query: Query, *, limit: int,
                            start_key: dict[str, Any] | None) -> Result:
    """A page of supplier payments as a planned query asks (issue 18: the store's named read
    `lists.query_supplier_payments`)."""
    return lists.query_supplier_payments(tenant_id, query, limit=limit, start_key=start_key)


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_supplier_payment", fields,
                lambda: retrying(lambda: _create(tenant_id, fields)), in_unit=True)


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    payment = stage_supplier_payment(uow, tenant_id, fields)
    uow.respond(SupplierPaymentOut, payment)
    uow.commit()
    return represent(payment)


def stage_supplier_payment(uow: UnitOfWork, tenant_id: str, fields: dict[str, Any], *,
                           releasing: frozenset[str] = frozenset()) -> SupplierPayment:
    """Check and stage a payment (its record, the bills it pays, its entry and events) in `uow` without
    committing: `_create` commits it alone, bank reconciliation with the money-out transaction it matches.
    `releasing`: bills whose scheduled amount (a payment run's) this payment books, so it is lowered by what
    it pays them."""
    # tenant, supplier, bank account and the bills paid: one round trip
    uow.prefetch([*_named(Party, fields.get("supplier_id")), *_named(Account, fields.get("account_id")),
                  *_bills_named(fields.get("allocations"))])
    tenant = uow.tenant()
    party = bill_service.supplier(uow.find(Party, fields["supplier_id"]), fields["supplier_id"])
    day: date = fields.get("date") or today()
    open_period(tenant, day)
    currency = fields.get("currency") or party.currency or tenant.base_currency
    rate = exchange_rates.rate_on(uow, tenant, currency, day, fields.get("exchange_rate")).conversion
    amount = exact_amount(fields["amount"], currency)
    bank = money_account(tenant_id, fields["account_id"], find=uow.find, currency=currency)
    payable = bill_service.payable_account(uow, tenant)
    owed = _allocatable(uow, party.id, currency, fields.get("allocations") or [], "allocations", day)
    allocated = sum((a for _, a in owed), Decimal(0))
    if allocated > amount:
        raise invalid("allocations", f"allocations total {allocated}, more than the payment's {amount}")
    prepayment = amount - allocated
    accounts = posting_purchases.PaymentAccounts(
        payable=payable, fx=tenant.system_accounts.fx,
        supplier_prepayments=prepayments_account(uow, tenant) if prepayment else "")
    now = utc_now()
    created = posted.post(posted.SUPPLIER_PAYMENT, day)
    payment = SupplierPayment(
        id=new_id("spay"), tenant_id=tenant_id, status=created.state.status, supplier_id=party.id,
        supplier_name=party.name, date=day, amount=amount, currency=currency, exchange_rate=rate.rate,
        account_id=bank.id, reference=fields.get("reference"), allocations=[], allocated_amount=allocated,
        unallocated_amount=prepayment, journal_entry_ids=[], created_at=now, updated_at=now)
    description = f"Payment to {party.name}"
    entry = JournalEntry.new(tenant_id, day, rate, source_type="supplier_payment", source_id=payment.id,
                             description=description, at=now)
    settlements = _settle(owed, payment, entry, day, now, tenant.base_currency, releasing)
    lines = posting_purchases.supplier_payment_lines(
        amount=amount, bank_account=bank.id, settlements=settlements, prepayment=prepayment, accounts=accounts,
        conversion=rate, description=description)
    payment.journal_entry_ids = [entry.id]
    payment.unallocated_base = sum((line.debit - line.credit for line in lines
                                    if prepayment and line.account_id == accounts.supplier_prepayments),
                                   Decimal(0))

    record_metadata.on_create(payment, fields)
    uow.create(payment)
    _save_bills(uow, owed)
    uow.post_entry(entry, lines)
    uow.record_event(created.event, payment, SupplierPaymentOut)
    return payment


def allocate(tenant_id: str, payment_id: str, fields: dict[str, Any],
             idempotency_key: str | None = None) -> dict[str, Any]:
    """Apply a payment's unallocated amount (a supplier prepayment) to the supplier's bills."""
    return once(tenant_id, idempotency_key, "allocate_supplier_payment", {"id": payment_id, **fields},
                lambda: retrying(lambda: represent(
                    allocate_prepayment(tenant_id, SupplierPayment, payment_id, fields))), in_unit=True)


# A supplier prepayment (1400) is held by a supplier payment (what it paid beyond its allocations) or a supplier
# credit note (what it credited beyond what its bill owed). Both are used up by the same two paths below: applied
# to the supplier's bills (`allocate_prepayment`) or paid back by the supplier (`refund_prepayment`).
HeldPrepayment = SupplierPayment | SupplierCreditNote


@dataclass(frozen=True)
class _Holder:
    kind: posted.PostedKind
    out: type[Any]
    allocation_source: str
    refund_source: str
    refunded: EventType


_HOLDERS: dict[type[Any], _Holder] = {
    SupplierPayment: _Holder(posted.SUPPLIER_PAYMENT, SupplierPaymentOut, SourceType.SUPPLIER_PAYMENT_ALLOCATION,
                             SourceType.SUPPLIER_PAYMENT_REFUND, EventType.SUPPLIER_PAYMENT_REFUNDED),
    SupplierCreditNote: _Holder(posted.SUPPLIER_CREDIT_NOTE, SupplierCreditNoteOut,
                                SourceType.SUPPLIER_CREDIT_NOTE_ALLOCATION, SourceType.SUPPLIER_CREDIT_NOTE_REFUND,
                                EventType.SUPPLIER_CREDIT_NOTE_REFUNDED),
}


def _entries_of(holder: HeldPrepayment) -> list[str]:
    if isinstance(holder, SupplierCreditNote):
        return list(holder.journal_entry_ids or [holder.journal_entry_id])
    return list(holder.journal_entry_ids)


def allocate_prepayment(tenant_id: str, model: type[HeldPrepayment], holder_id: str,
                        fields: dict[str, Any]) -> Any:
    """Apply the prepayment a payment or credit note holds to the supplier's bills, in one transaction."""
    held_by = _HOLDERS[model]
    uow = open_unit(tenant_id)
    uow.prefetch([(model, holder_id), *_bills_named(fields.get("allocations"))])
    tenant = uow.tenant()
    holder = uow.load(model, holder_id)
    day: date = fields.get("date") or today()
    allocation = posted.allocate(held_by.kind, posted.PostedState(holder.status, holder.date), day)
    open_period(tenant, day)
    owed = _allocatable(uow, holder.supplier_id, holder.currency, fields["allocations"], "allocations", day)
    amount = sum((a for _, a in owed), Decimal(0))
    if amount > holder.unallocated_amount:
        raise invalid("allocations", f"allocations total {amount}, more than the {held_by.kind.noun}'s "
                                     f"unallocated {holder.unallocated_amount}")
    rate = posting.Conversion(holder.currency, tenant.base_currency, holder.exchange_rate)
    accounts = posting_purchases.PaymentAccounts(payable=bill_service.payable_account(uow, tenant),
                                                 supplier_prepayments=prepayments_account(uow, tenant),
                                                 fx=tenant.system_accounts.fx)
    now = utc_now()
    description = f"Prepayment to {holder.supplier_name} applied"
    entry = JournalEntry.new(tenant_id, day, rate, source_type=held_by.allocation_source, source_id=holder.id,
                             description=description, at=now)
    held_base = holder.unallocated_base if holder.unallocated_base is not None else \
        rate.base(holder.unallocated_amount)
    prepayment_base = posting.part_base(amount=amount, remaining=holder.unallocated_amount,
                                        remaining_base=held_base, conversion=rate)
    settlements = _settle(owed, holder, entry, day, now, tenant.base_currency)
    lines = posting_purchases.prepayment_application_lines(
        settlements=settlements, prepayment_base=prepayment_base, accounts=accounts, conversion=rate,
        description=description)
    held = settlement.draw(settlement.HeldCredit(holder.unallocated_amount), amount, refund=False)
    holder.allocated_amount = (holder.allocated_amount or Decimal(0)) + amount
    holder.unallocated_amount = held.unallocated
    holder.unallocated_base = held_base - prepayment_base
    holder.journal_entry_ids = [*_entries_of(holder), entry.id]
    holder.updated_at = now

    uow.save_if_unchanged(holder)
    _save_bills(uow, owed)
    uow.post_entry(entry, lines)
    uow.record_event(allocation.event, holder, held_by.out)
    uow.respond(held_by.out, holder)
    uow.commit()
    return holder


def refund(tenant_id: str, payment_id: str, fields: dict[str, Any],
           idempotency_key: str | None = None) -> dict[str, Any]:
    """Money back from the supplier that uses up (part of) the payment's prepayment."""
    return once(tenant_id, idempotency_key, "refund_supplier_payment", {"id": payment_id, **fields},
                lambda: retrying(lambda: represent(
                    refund_prepayment(tenant_id, SupplierPayment, payment_id, fields))), in_unit=True)


def refund_prepayment(tenant_id: str, model: type[HeldPrepayment], holder_id: str,
                      fields: dict[str, Any]) -> Any:
    """Money in from the supplier against the prepayment a payment or credit note holds: debit the bank at the
    rate of the refund's date (given, else the tenant's rate of that date), credit 1400 at the rate it was held."""
    held_by = _HOLDERS[model]
    uow = open_unit(tenant_id)
    uow.prefetch([(model, holder_id), *_named(Account, fields.get("account_id"))])
    tenant = uow.tenant()
    holder = uow.load(model, holder_id)
    day: date = fields.get("date") or today()
    posted.allocate(held_by.kind, posted.PostedState(holder.status, holder.date), day)  # posted, dated
    open_period(tenant, day)
    amount = exact_amount(fields["amount"], holder.currency)
    bank = money_account(tenant_id, fields["account_id"], find=uow.find, currency=holder.currency)
    held = settlement.draw(settlement.HeldCredit(holder.unallocated_amount, holder.refunded_amount or Decimal(0)),
                           amount, refund=True)
    rate = exchange_rates.rate_on(uow, tenant, holder.currency, day, fields.get("exchange_rate")).conversion
    held_at = posting.Conversion(holder.currency, tenant.base_currency, holder.exchange_rate)
    held_base = holder.unallocated_base if holder.unallocated_base is not None else \
        held_at.base(holder.unallocated_amount)
    prepayment_base = posting.part_base(amount=amount, remaining=holder.unallocated_amount,
                                        remaining_base=held_base, conversion=held_at)
    accounts = posting_purchases.PaymentAccounts(payable="", supplier_prepayments=prepayments_account(uow, tenant),
                                                 fx=tenant.system_accounts.fx)
    now = utc_now()
    description = f"Refund from {holder.supplier_name}"
    entry = JournalEntry.new(tenant_id, day, rate, source_type=held_by.refund_source, source_id=holder.id,
                             description=description, at=now)
    lines = posting_purchases.prepayment_refund_lines(amount=amount, prepayment_base=prepayment_base,
                                                      bank_account=bank.id, accounts=accounts, conversion=rate,
                                                      description=description)
    holder.unallocated_amount, holder.refunded_amount = held.unallocated, held.refunded
    holder.unallocated_base = held_base - prepayment_base
    holder.journal_entry_ids = [*_entries_of(holder), entry.id]
    holder.updated_at = now

    uow.save_if_unchanged(holder)
    uow.post_entry(entry, lines)
    uow.record_event(held_by.refunded, holder, held_by.out)
    uow.respond(held_by.out, holder)
    uow.commit()
    return holder


def reverse(tenant_id: str, payment_id: str, reverse_date: date | None,
            idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "reverse_supplier_payment", {"id": payment_id, "date": str(reverse_date)},
                lambda: retrying(lambda: _reverse(tenant_id, payment_id, reverse_date)), in_unit=True)


def _reverse(tenant_id: str, payment_id: str, reverse_date: date | None) -> dict[str, Any]:
    """Undo a payment without deleting it: mirror its entries and reopen what it paid."""
    uow = open_unit(tenant_id)
    payment = stage_reversal(uow, tenant_id, payment_id, reverse_date)
    uow.respond(SupplierPaymentOut, payment)
    uow.commit()
    return represent(payment)


def stage_reversal(uow: UnitOfWork, tenant_id: str, payment_id: str, reverse_date: date | None, *,
                   rescheduling: frozenset[str] = frozenset()) -> SupplierPayment:
    """Stage a payment's reversal in `uow` without committing (bank reconciliation's unmatch commits it with
    the transaction's change back to unmatched). `rescheduling`: bills a payment run scheduled again (the
    transfer it booked is unmatched), so their scheduled amount rises by what the payment paid them."""
    uow.prefetch([(SupplierPayment, payment_id)])
    tenant = uow.tenant()
    payment = uow.load(SupplierPayment, payment_id)
    day = reverse_date or today()
    reversal = posted.reverse(posted.SUPPLIER_PAYMENT, posted.PostedState(payment.status, payment.date,
                                                                          payment.refunded_amount or Decimal(0)), day)
    open_period(tenant, day)
    # its entries and the bills it paid: one more round trip
    uow.prefetch([*((JournalEntry, entry_id) for entry_id in payment.journal_entry_ids),
                  *((Bill, allocation.bill_id) for allocation in payment.allocations)])
    lines: list[JournalLine] = []
    for entry_id in payment.journal_entry_ids:
        lines += reversed_lines(uow.load(JournalEntry, entry_id).journal_lines())
    now = utc_now()
    rate = posting.Conversion(payment.currency, tenant.base_currency, payment.exchange_rate)
    entry = JournalEntry.new(tenant_id, day, rate, source_type="supplier_payment_reversal", source_id=payment.id,
                             description=f"Reversal of payment to {payment.supplier_name}", at=now)
    reopened: dict[str, Bill] = {}
    for allocation in payment.allocations:
        bill = reopened.get(allocation.bill_id) or uow.load(Bill, allocation.bill_id)
        bill_service.adopt(bill, settlement.unsettle(bill_service.state_of(bill), allocation.amount), now)
        if bill.id in rescheduling:
            bill.scheduled_amount = (bill.scheduled_amount or Decimal(0)) + allocation.amount
        bill.base_settled = (bill.base_settled or Decimal(0)) - allocation.base_amount
        bill_service.record_movement(bill, day, -allocation.amount, -allocation.base_amount,
                                     "supplier_payment_reversal", entry.id)
        reopened[bill.id] = bill
    payment.status, payment.reversed_at, payment.updated_at = reversal.state.status, now, now
    payment.reversal_journal_entry_id = entry.id

    uow.save_if_unchanged(payment)
    for bill in reopened.values():
        uow.save_if_unchanged(bill)
        uow.record_event(EventType.BILL_UPDATED, bill, BillOut)
    uow.post_entry(entry, merged_lines(lines))
    uow.record_event(reversal.event, payment, SupplierPaymentOut)
    return payment


# ------------------------------------------------------------------------------------ helpers


def prepayments_account(uow: UnitOfWork, tenant: Tenant) -> str:
    """The tenant's supplier prepayments account: recorded on tenants made since issue 15, else found by the
    default chart's code 1400 (422 when a tenant made before has none: add an asset account 1400)."""
    accounts = tenant.system_accounts
    recorded = accounts.supplier_prepayments if accounts is not None else None
    if recorded:
        return recorded
    account = uow.find_by_code(Account, "1400")
    if account is None or account.archived:
        raise invalid("amount", "more than the allocations, and the tenant has no supplier prepayments account "
                                "(1400) to hold the rest: create an asset account with code 1400")
    return account.id


def _named(model: Any, record_id: Any) -> list[tuple[Any, str]]:
    return [(model, record_id)] if isinstance(record_id, str) else []


def _bills_named(allocations: list[dict[str, Any]] | None) -> list[tuple[type[Bill], str]]:
    return [(Bill, a["bill_id"]) for a in allocations or [] if isinstance(a.get("bill_id"), str)]


def _allocatable(uow: UnitOfWork, supplier_id: str, currency: str, allocations: list[dict[str, Any]], field: str,
                 day: date) -> list[tuple[Bill, Decimal]]:
    """Load and check each bill to be paid on `day`; another tenant's bill is simply not found (404)."""
    result: list[tuple[Bill, Decimal]] = []
    issues: list[FieldIssue] = []
    seen: set[str] = set()
    for index, allocation in enumerate(allocations):
        where = f"{field}.{index}"
        bill = uow.load(Bill, allocation["bill_id"])
        amount = Decimal(allocation["amount"])
        state = bill_service.state_of(bill)
        if bill.id in seen:
            issues.append(FieldIssue(f"{where}.bill_id", "each bill may appear once"))
        elif bill.supplier_id != supplier_id:
            issues.append(FieldIssue(f"{where}.bill_id", "belongs to another supplier"))
        elif bill.currency != currency:
            issues.append(FieldIssue(f"{where}.bill_id", f"is in {bill.currency}, not {currency}"))
        elif reason := settlement.settlement_error(state, day):
            issues.append(FieldIssue(f"{where}.bill_id", reason))
        elif round_money(amount, currency) != amount:
            issues.append(FieldIssue(f"{where}.amount", f"has more decimals than {currency} allows"))
        elif reason := settlement.excess_error(state, amount, round_money(bill.amount_due, currency)):
            issues.append(FieldIssue(f"{where}.amount", reason))
        seen.add(bill.id)
        result.append((bill, amount))
    if issues:
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues,
                               code="invalid_allocation")
    return result


def _settle(owed: list[tuple[Bill, Decimal]], payment: HeldPrepayment, entry: JournalEntry, day: date,
            now: datetime, base_currency: str, releasing: frozenset[str] = frozenset()) -> list[posting.Settlement]:
    """Apply amounts to the loaded bills (the settlement rule) and record the allocations on the payment."""
    settlements = []
    for bill, amount in owed:
        if bill.id in releasing:  # a payment run's transfer, now booked: no longer only scheduled
            bill.scheduled_amount = max((bill.scheduled_amount or Decimal(0)) - amount, Decimal(0))
        base = posting.settlement_base(
            amount=amount, amount_due=bill.amount_due, base_total=bill.base_total or Decimal(0),
            base_settled=bill.base_settled or Decimal(0),
            conversion=posting.Conversion(bill.currency, base_currency, bill.exchange_rate))
        bill_service.adopt(bill, settlement.settle(bill_service.state_of(bill), amount, day), now)
        bill.base_settled = (bill.base_settled or Decimal(0)) + base
        bill_service.record_movement(bill, day, amount, base, entry.source_type, entry.id)
        payment.allocations = [*(payment.allocations or []), BillAllocation(
            bill_id=bill.id, bill_number=bill.number, amount=amount, base_amount=base, date=day,
            journal_entry_id=entry.id)]
        settlements.append(posting.Settlement(amount, base))
    return settlements


def _save_bills(uow: UnitOfWork, owed: list[tuple[Bill, Decimal]]) -> None:
    for bill, _ in owed:
        uow.save_if_unchanged(bill)
        paid = bill.status == BillStatus.PAID
        uow.record_event(EventType.BILL_PAID if paid else EventType.BILL_UPDATED, bill, BillOut)


def update_metadata(tenant_id: str, payment_id: str, changes: dict[str, Any],
                    expected_version: int | None) -> dict[str, Any]:
    """PATCH of a supplier payment's metadata (issue 20): nothing else of it changes once made."""
    return represent(record_metadata.update(tenant_id, SupplierPayment, payment_id, changes, expected_version,
                                            EventType.SUPPLIER_PAYMENT_UPDATED, SupplierPaymentOut))
