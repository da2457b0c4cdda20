"""Credit notes: the mirror of (part of) a posted invoice; they reduce what is due, excess is credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import posting
from ledgerline.domain.documents import posted, settlement
from ledgerline.domain.events import EventType
from ledgerline.domain.query import Query
from ledgerline.domain.tenants import format_number
from ledgerline.ids import new_id
from ledgerline.schemas.documents import CreditNoteOut, InvoiceOut
from ledgerline.services import metadata as record_metadata
from ledgerline.services import stock
from ledgerline.services.document_rules import invalid, open_tax_period, system_accounts
from ledgerline.services.idempotency import once
from ledgerline.services.invoice_state import adopt, state_of
from ledgerline.services.invoices import record_movement, tax_amounts
from ledgerline.services.pricing import price_lines, price_positions, referenced, referenced_positions
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.documents import CreditNote, Invoice
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.query import Result
from ledgerline.store.unit_of_work import open_unit


def represent(note: CreditNote) -> dict[str, Any]:
    return CreditNoteOut.model_validate(note).model_dump(mode="json")


def get_credit_note(tenant_id: str, note_id: str) -> CreditNote:
    """The credit note; NotFound for an unknown id (one too long to be a key included)."""
    return open_unit(tenant_id).load(CreditNote, note_id)


def query_credit_notes(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of credit notes as a planned query asks (issue 18: the store's named read
    `lists.query_credit_notes`)."""
    return lists.query_credit_notes(tenant_id, query, limit=limit, start_key=start_key)


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(
        tenant_id, idempotency_key, "create_credit_note", fields, lambda: retrying(lambda: _create(tenant_id, fields)),
        in_unit=True,
    )


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    day: date = fields.get("date") or today()
    # tenant, invoice, the records the lines name and the year's number series: one round trip
    invoice_id = fields.get("invoice_id")
    uow.prefetch([*([(Invoice, invoice_id)] if isinstance(invoice_id, str) else []),
                  *referenced_positions(fields)], series=[("CN", day.year)])
    tenant = uow.tenant()
    invoice = uow.load(Invoice, fields["invoice_id"])
    settlement.check_creditable(state_of(invoice), day)
    open_tax_period(tenant, day)
    requested = fields.get("lines")
    if fields.get("positions") is not None:
        requested = fields["positions"]
    # `lines` are priced like the invoice's lines; `amount` is always net (before tax), so it is priced
    # without tax included whatever the invoice does (the line's net is then exactly `amount`).
    include_tax = invoice.prices_include_tax and requested is not None
    if requested is None:
        first = invoice.lines[0]
        requested = [
            {
                "description": fields.get("reason") or f"Credit for invoice {invoice.number}",
                "quantity": Decimal(1),
                "unit_price": fields["amount"],
                "account_id": first.account_id,
                "tax_code_id": first.tax_code_id,
            }
        ]
        uow.prefetch(referenced(requested))  # the invoice's account and tax code, together
    # Lines given here are sales lines (the tenant's default tax code applies); an amount takes the invoice's code
    default_tax = tenant.default_tax_code_id if fields.get("amount") is None else None
    if fields.get("positions") is not None or fields.get("allowances") or fields.get("charges"):
        tree = requested if fields.get("positions") is not None else [{"type": "item", **line} for line in requested]
        priced = price_positions(tenant, tree, currency=invoice.currency, prices_include_tax=include_tax,
                                 allowances=fields.get("allowances"), charges=fields.get("charges"),
                                 field="positions" if fields.get("positions") is not None else "lines",
                                 default_tax_code_id=default_tax, find=uow.find)
    else:
        priced = price_lines(tenant, requested, currency=invoice.currency, prices_include_tax=include_tax,
                             default_tax_code_id=default_tax, find=uow.find)
    total = priced.totals.total
    credited, applied = settlement.credit(state_of(invoice), total, day)
    conversion = posting.Conversion(invoice.currency, tenant.base_currency, invoice.exchange_rate)
    base = posting.settlement_base(
        amount=applied,
        amount_due=invoice.amount_due,
        base_total=invoice.base_total,
        base_settled=invoice.base_settled,
        conversion=conversion,
    )
    year = day.year
    last = uow.last_number("CN", year)
    number = format_number(tenant.credit_note_number_format, year, last + 1)
    taxes = posting.convert_taxes(tax_amounts(priced), conversion)
    lines = posting.credit_note_lines(
        nets_by_account=priced.nets_by_account(),
        taxes=taxes,
        rounding_adjustment=priced.totals.rounding_adjustment,
        settlement=posting.Settlement(applied, base),
        credit=total - applied,
        accounts=system_accounts(tenant),
        conversion=conversion,
        description=f"Credit note {number}",
    )
    now = utc_now()
    entry = JournalEntry.new(tenant_id, day, conversion, source_type="credit_note", source_id=None, at=now,
                             description=f"Credit note {number} for invoice {invoice.number}")
    created = posted.post(posted.CREDIT_NOTE, day)
    note = CreditNote(
        id=new_id("cn"),
        tenant_id=tenant_id,
        status=created.state.status,
        number=number,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        customer_name=invoice.customer_name,
        date=day,
        currency=invoice.currency,
        exchange_rate=invoice.exchange_rate,
        exchange_rate_id=invoice.exchange_rate_id,  # a credit note takes its invoice's rate
        reason=fields.get("reason"),
        lines=priced.lines,
        positions=priced.positions,
        allowances=priced.allowances,
        charges=priced.charges,
        tax_breakdown=priced.tax_breakdown,
        subtotal=priced.totals.subtotal,
        tax_total=priced.totals.tax_total,
        rounding_adjustment=priced.totals.rounding_adjustment,
        total=total,
        amount_applied=applied,
        unallocated_amount=total - applied,
        journal_entry_id=entry.id,
        created_at=now,
        updated_at=now,
    )
    entry.source_id = note.id
    if fields.get("restock"):  # returned goods go back into stock (issue 19)
        if fields.get("amount") is not None:
            raise invalid("restock", "returned goods are credited by lines, not by amount")
        note.restock = True
        note.stock_journal_entry_id = stock.stage_sales_return(uow, tenant, note, invoice, now)
    invoice_event = adopt(invoice, credited, now)
    invoice.base_settled += base
    if applied:
        record_movement(invoice, day, applied, base, "credit_note", entry.id)

    uow.take_number("CN", year, last)
    record_metadata.on_create(note, fields)
    uow.create(note)
    uow.save_if_unchanged(invoice)
    uow.post_entry(entry, lines, posting.tax_totals(taxes, sign=-1))
    uow.record_event(created.event, note, CreditNoteOut)
    uow.record_event(invoice_event, invoice, InvoiceOut)
    uow.respond(CreditNoteOut, note)
    uow.commit()
    return represent(note)


def update_metadata(tenant_id: str, note_id: str, changes: dict[str, Any],
                    expected_version: int | None) -> dict[str, Any]:
    """PATCH of a credit note's metadata (issue 20): nothing else of it changes once made."""
    return represent(record_metadata.update(tenant_id, CreditNote, note_id, changes, expected_version,
                                            EventType.CREDIT_NOTE_UPDATED, CreditNoteOut))
