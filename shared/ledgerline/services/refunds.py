"""Refunds: customer credit (unallocated receipts and credit-note excess) paid back out of a bank account.

A refund draws on named credit (`receipt_id` or `credit_note_id`) or, without one, on the customer's
credit-holding documents oldest first (found through the customer's open items, GSI3, then each read
consistently). Every document it draws on is saved in the posting transaction on condition of the
version that was read, so two refunds (or a refund and an allocation) racing for the same credit
cannot both take it: the loser re-reads and is refused if the credit is gone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import posting
from ledgerline.domain.documents import posted, settlement
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import reversed_lines
from ledgerline.domain.query import Query
from ledgerline.domain.refunds import Credit, Take, take_credit
from ledgerline.ids import new_id
from ledgerline.schemas.refunds import RefundOut
from ledgerline.services import exchange_rates
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import (
    exact_amount,
    invalid,
    money_account,
    open_period,
    system_accounts,
)
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.accounts import Account
from ledgerline.store.documents import CreditNote, Receipt, customer_items
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.refunds import Refund, RefundSource
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

SOURCE_MODELS: dict[str, type[Receipt] | type[CreditNote]] = {"receipt": Receipt, "credit_note": CreditNote}
ID_PREFIXES = {"rct": "receipt", "cn": "credit_note"}


def represent(refund: Refund) -> dict[str, Any]:
    return RefundOut.model_validate(refund).model_dump(mode="json")


def get_refund(tenant_id: str, refund_id: str) -> dict[str, Any]:
    """The refund as the API shows it; NotFound for an unknown id (one too long to be a key included)."""
    return represent(open_unit(tenant_id).load(Refund, refund_id))


def query_refunds(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of refunds as a planned query asks (issue 18: the store's named read `lists.query_refunds`)."""
    return lists.query_refunds(tenant_id, query, limit=limit, start_key=start_key)


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_refund", fields,
                lambda: retrying(lambda: _create(tenant_id, fields)), in_unit=True)


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    # tenant, customer, bank account and the credit named: one round trip
    uow.prefetch([(model, record_id) for model, record_id in (
        (Party, fields.get("customer_id")), (Account, fields.get("account_id")),
        (Receipt, fields.get("receipt_id")), (CreditNote, fields.get("credit_note_id")))
        if isinstance(record_id, str)])
    tenant = uow.tenant()
    party = _customer(uow, fields["customer_id"])
    day: date = fields.get("date") or today()
    open_period(tenant, day)
    named = _named_source(uow, party.id, fields)
    currency = fields.get("currency") or (named.currency if named else None) or party.currency or tenant.base_currency
    taken = exchange_rates.rate_on(uow, tenant, currency, day, fields.get("exchange_rate"))
    rate = taken.conversion
    amount = exact_amount(fields["amount"], currency)
    bank = money_account(tenant_id, fields["account_id"], find=uow.find, currency=currency)
    documents = [named] if named else _credit_documents(uow, party.id, currency, day)
    takes = take_credit([_credit(d) for d in documents], amount=amount, currency=currency, day=day,
                        base_currency=tenant.base_currency, named_source=named is not None)
    now = utc_now()
    created = posted.post(posted.REFUND, day)
    refund = Refund(
        id=new_id("rfd"),
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
        receipt_id=fields.get("receipt_id"),
        credit_note_id=fields.get("credit_note_id"),
        sources=[RefundSource(source_type=t.credit.source_type, source_id=t.credit.source_id, amount=t.amount,
                              base_amount=t.base_amount) for t in takes],
        journal_entry_id="",
        created_at=now,
        updated_at=now,
    )
    description = f"Refund to {party.name}"
    entry = JournalEntry.new(tenant_id, day, rate, source_type="refund", source_id=refund.id,
                             description=description, at=now)
    refund.journal_entry_id = entry.id
    lines = posting.refund_lines(amount=amount, bank_account=bank.id,
                                 credit_base=sum((t.base_amount for t in takes), Decimal(0)),
                                 accounts=system_accounts(tenant), conversion=rate, description=description)
    changed = _draw(documents, takes, now)

    record_metadata.on_create(refund, fields)
    uow.create(refund)
    for document in changed:
        uow.save_if_unchanged(document)  # a concurrent use of the credit: Contention, and the refund retries
    uow.post_entry(entry, lines)
    uow.record_event(created.event, refund, RefundOut)
    uow.respond(RefundOut, refund)
    uow.commit()
    return represent(refund)


def reverse(tenant_id: str, refund_id: str, reverse_date: date | None,
            idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "reverse_refund", {"id": refund_id, "date": str(reverse_date)},
                lambda: retrying(lambda: _reverse(tenant_id, refund_id, reverse_date)), in_unit=True)


def _reverse(tenant_id: str, refund_id: str, reverse_date: date | None) -> dict[str, Any]:
    """Undo a refund (the money came back): mirror its entry and give the credit back to its sources."""
    uow = open_unit(tenant_id)
    uow.prefetch([(Refund, refund_id)])
    tenant = uow.tenant()
    refund = uow.load(Refund, refund_id)
    day = reverse_date or today()
    reversal = posted.reverse(posted.REFUND, posted.PostedState(refund.status, refund.date), day)
    open_period(tenant, day)
    # its entry and the documents it drew on: one more round trip
    uow.prefetch([(JournalEntry, refund.journal_entry_id),
                  *((SOURCE_MODELS[source.source_type], source.source_id) for source in refund.sources)])
    original = uow.load(JournalEntry, refund.journal_entry_id)
    now = utc_now()
    rate = posting.Conversion(refund.currency, tenant.base_currency, refund.exchange_rate)
    entry = JournalEntry.new(tenant_id, day, rate, source_type="refund_reversal", source_id=refund.id,
                             description=f"Reversal of refund to {refund.customer_name}", at=now)
    restored: dict[str, Receipt | CreditNote] = {}
    for source in refund.sources:
        document = restored.get(source.source_id) or uow.load(SOURCE_MODELS[source.source_type],
                                                               source.source_id)
        held = settlement.restore(_held(document), source.amount)
        document.unallocated_amount, document.refunded_amount = held.unallocated, held.refunded
        if getattr(document, "unallocated_base", None) is not None:
            document.unallocated_base += source.base_amount
        document.updated_at = now
        restored[document.id] = document
    refund.status, refund.reversed_at, refund.updated_at = reversal.state.status, now, now
    refund.reversal_journal_entry_id = entry.id

    uow.save_if_unchanged(refund)
    for document in restored.values():
        uow.save_if_unchanged(document)
    uow.post_entry(entry, reversed_lines(original.journal_lines()))
    uow.record_event(reversal.event, refund, RefundOut)
    uow.respond(RefundOut, refund)
    uow.commit()
    return represent(refund)


# ------------------------------------------------------------------------------------ helpers


def _customer(uow: UnitOfWork, party_id: str) -> Party:
    """Like every document's customer, except that an archived customer's credit can still be paid back."""
    party = uow.find(Party, party_id)
    if party is None:
        raise invalid("customer_id", f"no customer with id '{party_id}'")
    if party.kind not in ("customer", "both"):
        raise invalid("customer_id", f"party '{party_id}' is not a customer")
    return party


def _named_source(uow: UnitOfWork, customer_id: str, fields: dict[str, Any]) -> Receipt | CreditNote | None:
    receipt_id, note_id = fields.get("receipt_id"), fields.get("credit_note_id")
    if receipt_id and note_id:
        raise invalid("credit_note_id", "send receipt_id or credit_note_id, not both")
    if not (receipt_id or note_id):
        return None
    field, model, source_id = ("receipt_id", Receipt, receipt_id) if receipt_id else \
        ("credit_note_id", CreditNote, note_id)
    document = uow.find(model, source_id)  # type: ignore[arg-type]
    if document is None:
        raise invalid(field, f"no {model.NOUN} with id '{source_id}'")
    if document.customer_id != customer_id:
        raise invalid(field, "belongs to another customer")
    if document.status != "posted":
        raise invalid(field, f"the {model.NOUN} is {document.status}")
    return document


def _credit_documents(uow: UnitOfWork, customer_id: str, currency: str, day: date) -> list[Receipt | CreditNote]:
    """The customer's credit-holding documents; those the refund may draw on are read again consistently
    (the index may lag; together, in one round trip), the others are only needed to name the currencies the
    customer holds."""
    items = [(item, ID_PREFIXES.get(item.id.split("_", 1)[0]))
             for item in customer_items(uow.tenant_id, customer_id, credit_only=True)]
    usable = [(item, source_type) for item, source_type in items if source_type is not None]
    drawable = {item.id for item, _ in usable if item.currency == currency and item.date is not None
                and item.date <= day}
    uow.prefetch([(SOURCE_MODELS[source_type], item.id) for item, source_type in usable if item.id in drawable])
    documents: list[Any] = []
    for item, source_type in usable:
        if item.id in drawable:
            document = uow.find(SOURCE_MODELS[source_type], item.id)
            if document is not None and document.status == "posted" and document.customer_id == customer_id:
                documents.append(document)
        else:
            documents.append(item)
    return documents


def _credit(document: Any) -> Credit:
    source_type = ID_PREFIXES[document.id.split("_", 1)[0]]
    return Credit(source_type, document.id, document.date, document.currency, document.unallocated_amount,
                  document.exchange_rate, held_base=getattr(document, "unallocated_base", None))


def _draw(documents: list[Any], takes: list[Take], now: Any) -> list[Receipt | CreditNote]:
    by_id = {document.id: document for document in documents}
    changed = []
    for take in takes:
        document = by_id[take.credit.source_id]
        held = settlement.draw(_held(document), take.amount, refund=True)
        document.unallocated_amount, document.refunded_amount = held.unallocated, held.refunded
        if getattr(document, "unallocated_base", None) is not None:  # receipts keep their credit's base value
            document.unallocated_base -= take.base_amount
        document.updated_at = now
        changed.append(document)
    return changed


def _held(document: Receipt | CreditNote) -> settlement.HeldCredit:
    return settlement.HeldCredit(document.unallocated_amount, document.refunded_amount or Decimal(0))


def update_metadata(tenant_id: str, refund_id: str, changes: dict[str, Any],
                    expected_version: int | None) -> dict[str, Any]:
    """PATCH of a refund's metadata (issue 20): nothing else of it changes once made."""
    return represent(record_metadata.update(tenant_id, Refund, refund_id, changes, expected_version,
                                            EventType.REFUND_UPDATED, RefundOut))
