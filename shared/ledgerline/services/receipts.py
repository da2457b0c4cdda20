"""Receipts: customer money into a bank account, allocated to invoices; the rest is customer credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import metadata as metadata_rules
from ledgerline.domain import posting
from ledgerline.domain.documents import InvoiceStatus, posted, settlement
from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import JournalLine, reversed_lines
from ledgerline.domain.money import round_money
from ledgerline.domain.query import Query
from ledgerline.ids import new_id
from ledgerline.schemas.documents import InvoiceOut, ReceiptOut
from ledgerline.services import exchange_rates
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import (
    conversion,
    customer,
    exact_amount,
    invalid,
    money_account,
    open_period,
    system_accounts,
)
from ledgerline.services.idempotency import once
from ledgerline.services.invoice_state import adopt, state_of
from ledgerline.services.invoices import record_movement
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.accounts import Account
from ledgerline.store.documents import Allocation, Invoice, Receipt
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.unit_of_work import UnitOfWork, open_unit


def represent(receipt: Receipt) -> dict[str, Any]:
    return ReceiptOut.model_validate(receipt).model_dump(mode="json")


def get_receipt(tenant_id: str, receipt_id: str) -> dict[str, Any]:
    """The receipt as the API shows it; NotFound for an unknown id (one too long to be a key included)."""
    return represent(open_unit(tenant_id).load(Receipt, receipt_id))


def query_receipts(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of receipts as a planned query asks (issue 18: the store's named read `lists.query_receipts`)."""
    return lists.query_receipts(tenant_id, query, limit=limit, start_key=start_key)


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(
        tenant_id, idempotency_key, "create_receipt", fields, lambda: retrying(lambda: _create(tenant_id, fields)),
        in_unit=True,
    )


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    receipt = stage_receipt(uow, tenant_id, fields)
    uow.respond(ReceiptOut, receipt)
    uow.commit()
    return represent(receipt)


def stage_receipt(uow: UnitOfWork, tenant_id: str, fields: dict[str, Any]) -> Receipt:
    """Check and stage a receipt (its record, the invoices it pays, its entry and events) in `uow` without
    committing: `_create` commits it alone, bank reconciliation with the bank transaction it matches."""
    # tenant, customer, bank account and the invoices allocated: one round trip
    uow.prefetch([*_named(Party, fields.get("customer_id")), *_named(Account, fields.get("account_id")),
                  *_invoices_named(fields.get("allocations"))])
    tenant = uow.tenant()
    party = customer(tenant_id, fields["customer_id"], find=uow.find)
    day: date = fields.get("date") or today()
    open_period(tenant, day)
    currency = fields.get("currency") or party.currency or tenant.base_currency
    taken = exchange_rates.rate_on(uow, tenant, currency, day, fields.get("exchange_rate"))
    rate = taken.conversion
    amount = exact_amount(fields["amount"], currency)
    bank = money_account(tenant_id, fields["account_id"], find=uow.find, currency=currency)
    invoices = _allocatable(uow, party.id, currency, fields.get("allocations") or [], "allocations", day)
    allocated = sum((a for _, a in invoices), Decimal(0))
    if allocated > amount:
        raise invalid("allocations", f"allocations total {allocated}, more than the receipt's {amount}")
    now = utc_now()
    created = posted.post(posted.RECEIPT, day)
    receipt = Receipt(
        id=new_id("rct"),
        tenant_id=tenant_id,
        status=created.state.status,
        customer_id=party.id,
        customer_name=party.name,
        date=day,
        amount=amount,
        currency=currency,
        exchange_rate=rate.rate,
        exchange_rate_id=taken.exchange_rate_id,
        account_id=bank.id,
        reference=fields.get("reference"),
        metadata=metadata_rules.merged(None, fields.get("metadata")),
        allocations=[],
        allocated_amount=allocated,
        unallocated_amount=amount - allocated,
        journal_entry_ids=[],
        created_at=now,
        updated_at=now,
    )
    entry = _entry(tenant_id, day, f"Receipt from {party.name}", "receipt", receipt.id, rate, now)
    settlements = _settle(invoices, receipt, entry, day, now, tenant.base_currency)
    lines = posting.receipt_lines(
        amount=amount,
        bank_account=bank.id,
        settlements=settlements,
        credit=receipt.unallocated_amount,
        accounts=system_accounts(tenant),
        conversion=rate,
        description=f"Receipt from {party.name}",
    )
    receipt.journal_entry_ids = [entry.id]
    receipt.unallocated_base = _credit_booked(lines, tenant.system_accounts.customer_credit)

    uow.create(receipt)
    _save_invoices(uow, invoices)
    uow.post_entry(entry, lines)
    uow.record_event(created.event, receipt, ReceiptOut)
    return receipt


def allocate(
    tenant_id: str, receipt_id: str, fields: dict[str, Any], idempotency_key: str | None = None
) -> dict[str, Any]:
    """Apply a receipt's unallocated credit to invoices."""
    return once(
        tenant_id,
        idempotency_key,
        "allocate_receipt",
        {"id": receipt_id, **fields},
        lambda: retrying(lambda: _allocate(tenant_id, receipt_id, fields)),
        in_unit=True,
    )


def _allocate(tenant_id: str, receipt_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(Receipt, receipt_id), *_invoices_named(fields.get("allocations"))])
    tenant = uow.tenant()
    receipt = uow.load(Receipt, receipt_id)
    day: date = fields.get("date") or today()
    allocation = posted.allocate(posted.RECEIPT, _state(receipt), day)
    open_period(tenant, day)
    invoices = _allocatable(
        uow, receipt.customer_id, receipt.currency, fields["allocations"], "allocations", day
    )
    amount = sum((a for _, a in invoices), Decimal(0))
    if amount > receipt.unallocated_amount:
        raise invalid(
            "allocations",
            f"allocations total {amount}, more than the receipt's unallocated {receipt.unallocated_amount}",
        )
    rate = conversion(tenant, receipt.currency, receipt.exchange_rate if receipt.exchange_rate != 1 else None)
    now = utc_now()
    entry = _entry(
        tenant_id, day, f"Credit from receipt {receipt.id} applied", "receipt_allocation", receipt.id, rate, now
    )
    held_base = receipt.unallocated_base
    if held_base is None:  # a receipt from before the base amount was kept
        held_base = rate.base(receipt.unallocated_amount)
    credit_base = posting.part_base(
        amount=amount, remaining=receipt.unallocated_amount, remaining_base=held_base, conversion=rate
    )
    settlements = _settle(invoices, receipt, entry, day, now, tenant.base_currency)
    lines = posting.credit_application_lines(
        settlements=settlements,
        credit_base=credit_base,
        accounts=system_accounts(tenant),
        conversion=rate,
        description=entry.description,
    )
    held = settlement.draw(settlement.HeldCredit(receipt.unallocated_amount), amount, refund=False)
    receipt.allocated_amount += amount
    receipt.unallocated_amount = held.unallocated
    receipt.unallocated_base = held_base - credit_base
    receipt.journal_entry_ids = [*receipt.journal_entry_ids, entry.id]
    receipt.updated_at = now

    uow.save_if_unchanged(receipt)
    _save_invoices(uow, invoices)
    uow.post_entry(entry, lines)
    uow.record_event(allocation.event, receipt, ReceiptOut)
    uow.respond(ReceiptOut, receipt)
    uow.commit()
    return represent(receipt)


def reverse(
    tenant_id: str, receipt_id: str, reverse_date: date | None, idempotency_key: str | None = None
) -> dict[str, Any]:
    return once(
        tenant_id,
        idempotency_key,
        "reverse_receipt",
        {"id": receipt_id, "date": str(reverse_date)},
        lambda: retrying(lambda: _reverse(tenant_id, receipt_id, reverse_date)),
        in_unit=True,
    )


def _reverse(tenant_id: str, receipt_id: str, reverse_date: date | None) -> dict[str, Any]:
    """Undo a receipt without deleting it: mirror its entries and reopen what it paid."""
    uow = open_unit(tenant_id)
    receipt = stage_reversal(uow, tenant_id, receipt_id, reverse_date)
    uow.respond(ReceiptOut, receipt)
    uow.commit()
    return represent(receipt)


def stage_reversal(uow: UnitOfWork, tenant_id: str, receipt_id: str, reverse_date: date | None) -> Receipt:
    """Stage a receipt's reversal in `uow` without committing (bank reconciliation's unmatch commits it with
    the bank transaction)."""
    uow.prefetch([(Receipt, receipt_id)])
    tenant = uow.tenant()
    receipt = uow.load(Receipt, receipt_id)
    day = reverse_date or today()
    reversal = posted.reverse(posted.RECEIPT, _state(receipt), day)
    open_period(tenant, day)
    # its entries and the invoices it paid: one more round trip
    uow.prefetch([*((JournalEntry, entry_id) for entry_id in receipt.journal_entry_ids),
                  *((Invoice, allocation.invoice_id) for allocation in receipt.allocations)])
    lines: list[JournalLine] = []
    for entry_id in receipt.journal_entry_ids:
        lines += reversed_lines(uow.load(JournalEntry, entry_id).journal_lines())
    now = utc_now()
    rate = conversion(tenant, receipt.currency, receipt.exchange_rate if receipt.exchange_rate != 1 else None)
    entry = _entry(
        tenant_id, day, f"Reversal of receipt from {receipt.customer_name}", "receipt_reversal", receipt.id, rate, now
    )
    reopened: dict[str, Invoice] = {}
    for allocation in receipt.allocations:
        invoice = reopened.get(allocation.invoice_id) or uow.load(Invoice, allocation.invoice_id)
        adopt(invoice, settlement.unsettle(state_of(invoice), allocation.amount), now)
        invoice.base_settled -= allocation.base_amount
        record_movement(invoice, day, -allocation.amount, -allocation.base_amount, "receipt_reversal", entry.id)
        reopened[invoice.id] = invoice
    receipt.status, receipt.reversed_at, receipt.updated_at = reversal.state.status, now, now
    receipt.reversal_journal_entry_id = entry.id

    uow.save_if_unchanged(receipt)
    for invoice in reopened.values():
        uow.save_if_unchanged(invoice)
        uow.record_event(EventType.INVOICE_UPDATED, invoice, InvoiceOut)
    uow.post_entry(entry, _merged(lines))
    uow.record_event(reversal.event, receipt, ReceiptOut)
    return receipt


# ------------------------------------------------------------------------------------ helpers


def _named(model: Any, record_id: Any) -> list[tuple[Any, str]]:
    return [(model, record_id)] if isinstance(record_id, str) else []


def _invoices_named(allocations: list[dict[str, Any]] | None) -> list[tuple[type[Invoice], str]]:
    """The invoices a request allocates to, to be read with the rest of it."""
    return [(Invoice, a["invoice_id"]) for a in allocations or [] if isinstance(a.get("invoice_id"), str)]


def _allocatable(
    uow: UnitOfWork, customer_id: str, currency: str, allocations: list[dict[str, Any]], field: str, day: date
) -> list[tuple[Invoice, Decimal]]:
    """Load and check each invoice to be paid on `day`; another tenant's invoice is simply not found (404)."""
    result: list[tuple[Invoice, Decimal]] = []
    issues: list[FieldIssue] = []
    seen: set[str] = set()
    for index, allocation in enumerate(allocations):
        where = f"{field}.{index}"
        invoice = uow.load(Invoice, allocation["invoice_id"])
        amount = Decimal(allocation["amount"])
        if invoice.id in seen:
            issues.append(FieldIssue(f"{where}.invoice_id", "each invoice may appear once"))
        elif invoice.customer_id != customer_id:
            issues.append(FieldIssue(f"{where}.invoice_id", "belongs to another customer"))
        elif invoice.currency != currency:
            issues.append(FieldIssue(f"{where}.invoice_id", f"is in {invoice.currency}, not {currency}"))
        elif reason := settlement.settlement_error(state_of(invoice), day):
            issues.append(FieldIssue(f"{where}.invoice_id", reason))
        elif round_money(amount, currency) != amount:
            issues.append(FieldIssue(f"{where}.amount", f"has more decimals than {currency} allows"))
        elif reason := settlement.excess_error(state_of(invoice), amount, round_money(invoice.amount_due, currency)):
            issues.append(FieldIssue(f"{where}.amount", reason))
        seen.add(invoice.id)
        result.append((invoice, amount))
    if issues:
        raise ValidationFailed(
            f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues, code="invalid_allocation"
        )
    return result


def _entry(
    tenant_id: str, day: date, description: str, source_type: str, source_id: str, rate: posting.Conversion, now: Any
) -> JournalEntry:
    return JournalEntry.new(tenant_id, day, rate, source_type=source_type, source_id=source_id,
                            description=description, at=now)


def _settle(
    invoices: list[tuple[Invoice, Decimal]],
    receipt: Receipt,
    entry: JournalEntry,
    day: date,
    now: Any,
    base_currency: str,
) -> list[posting.Settlement]:
    """Apply amounts to the loaded invoices and record the allocations on the receipt."""
    settlements = []
    for invoice, amount in invoices:
        base = posting.settlement_base(
            amount=amount,
            amount_due=invoice.amount_due,
            base_total=invoice.base_total,
            base_settled=invoice.base_settled,
            conversion=posting.Conversion(invoice.currency, base_currency, invoice.exchange_rate),
        )
        adopt(invoice, settlement.settle(state_of(invoice), amount, day), now)
        invoice.base_settled += base
        record_movement(invoice, day, amount, base, entry.source_type, entry.id)
        receipt.allocations = [
            *receipt.allocations,
            Allocation(
                invoice_id=invoice.id,
                invoice_number=invoice.number,
                amount=amount,
                base_amount=base,
                date=day,
                journal_entry_id=entry.id,
            ),
        ]
        settlements.append(posting.Settlement(amount, base))
    return settlements


def _state(receipt: Receipt) -> posted.PostedState:
    return posted.PostedState(receipt.status, receipt.date, receipt.refunded_amount or Decimal(0))


def _credit_booked(lines: list[JournalLine], customer_credit: str) -> Decimal:
    """The customer credit a receipt's entry booked, in the base currency."""
    return sum((line.credit - line.debit for line in lines if line.account_id == customer_credit), Decimal(0))


def _save_invoices(uow: UnitOfWork, invoices: list[tuple[Invoice, Decimal]]) -> None:
    for invoice, _ in invoices:
        uow.save_if_unchanged(invoice)
        if invoice.status == InvoiceStatus.PAID:
            uow.record_event(EventType.INVOICE_PAID, invoice, InvoiceOut)
        else:
            uow.record_event(EventType.INVOICE_UPDATED, invoice, InvoiceOut)


def _merged(lines: list[JournalLine]) -> list[JournalLine]:
    """Combine reversed lines per account and side, so the reversing entry stays small."""
    combined: dict[tuple[str, bool], JournalLine] = {}
    for line in lines:
        key = (line.account_id, line.debit > 0)
        if key in combined:
            prior = combined[key]
            line = JournalLine(
                line.account_id,
                prior.debit + line.debit,
                prior.credit + line.credit,
                line.currency,
                prior.amount + line.amount,
                prior.description,
            )
        combined[key] = line
    return list(combined.values())


def update_metadata(tenant_id: str, receipt_id: str, changes: dict[str, Any],
                    expected_version: int | None) -> dict[str, Any]:
    """PATCH of a receipt's metadata (issue 20): nothing else of it changes once made."""
    return represent(record_metadata.update(tenant_id, Receipt, receipt_id, changes, expected_version,
                                            EventType.RECEIPT_UPDATED, ReceiptOut))
