"""Quotes (issue 14): drafts that can change; issuing numbers them from their own series; accepted,
declined, reverted to draft, or converted into a draft invoice (one transaction). No ledger effect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain.documents import quote as quote_rules
from ledgerline.domain.documents.base import InvalidState, Transition
from ledgerline.domain.documents.quote import QuoteState, QuoteStatus
from ledgerline.domain.errors import PreconditionFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.kinds import QUOTE, QUOTE_SERIES
from ledgerline.domain.query import Query
from ledgerline.domain.tenants import format_number
from ledgerline.ids import new_id
from ledgerline.schemas.common import read_at
from ledgerline.schemas.quotes import QuoteOut
from ledgerline.services import invoices, orders
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import conversion, customer, invalid
from ledgerline.services.idempotency import once
from ledgerline.services.pricing import price_fields, referenced_positions, requested_positions
from ledgerline.services.retry import retrying, retrying_unit
from ledgerline.store import lists
from ledgerline.store import quotes as quote_store
from ledgerline.store.documents import DocumentRef
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.quotes import Quote
from ledgerline.store.records import Page, check_version
from ledgerline.store.table import Contention
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

DEFAULT_VALIDITY_DAYS = 30


def represent(quote: Quote) -> dict[str, Any]:
    return QuoteOut.model_validate(quote, context=read_at(utc_now())).model_dump(mode="json")


def state_of(quote: Quote) -> QuoteState:
    return QuoteState(status=quote.status, valid_until=quote.valid_until, numbered=quote.number is not None)


def _adopt(quote: Quote, transition: Transition[QuoteState]) -> None:
    quote.status = transition.state.status
    quote.updated_at = utc_now()


# ----------------------------------------------------------------------------------------- reads


def get_quote(tenant_id: str, quote_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(Quote, quote_id))


def query_quotes(tenant_id: str, query: Query, *, today: date, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of quotes as a planned query asks (issue 18: the store's named read `lists.query_quotes`)."""
    return lists.query_quotes(tenant_id, query, today=today, limit=limit, start_key=start_key)


# ------------------------------------------------------------------------------------- lines
# Every place a quote's lines or positions are read or written: the invoices' lines or rich positions (with
# allowances and charges), priced as invoices are (services/pricing.price_fields).


def _prefetched_lines(fields: dict[str, Any]) -> list[tuple[Any, str]]:
    return referenced_positions(fields)


def _line_fields(quote: Quote) -> dict[str, Any]:
    """The quote's lines or positions, allowances and charges as a request names them (a PATCH's current
    ones, a document made from the quote, a copy)."""
    return requested_positions(quote)


def _price(uow: UnitOfWork, quote: Quote, tenant: Tenant, fields: dict[str, Any]) -> None:
    """Price the lines or positions and set the totals (domain/positions.py through services/pricing, as
    invoices do)."""
    priced = price_fields(tenant, fields, currency=quote.currency, prices_include_tax=quote.prices_include_tax,
                          find=uow.find)
    totals = priced.totals
    quote.lines, quote.tax_breakdown = priced.lines, priced.tax_breakdown
    quote.positions, quote.allowances, quote.charges = priced.positions, priced.allowances, priced.charges
    quote.subtotal, quote.tax_total = totals.subtotal, totals.tax_total
    quote.rounding_adjustment, quote.total = totals.rounding_adjustment, totals.total


# ---------------------------------------------------------------------------------------- drafts


def _prefetch(uow: UnitOfWork, fields: dict[str, Any], *also: tuple[Any, str]) -> None:
    customer_id = fields.get("customer_id")
    parties = [(Party, customer_id)] if isinstance(customer_id, str) else []
    uow.prefetch([*also, *parties, *_prefetched_lines(fields)])


def create_draft(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        uow = open_unit(tenant_id)
        _prefetch(uow, fields)
        now = utc_now()
        quote = Quote(id=new_id(QUOTE.id_prefix), tenant_id=tenant_id, status=QuoteStatus.DRAFT.value,
                      created_at=now, updated_at=now)
        _fill(uow, quote, uow.tenant(), fields)
        record_metadata.on_create(quote, fields)
        uow.create(quote)
        uow.record_event(EventType.QUOTE_CREATED, quote, QuoteOut)
        uow.respond(QuoteOut, quote)
        uow.commit()
        return represent(quote)

    return once(tenant_id, idempotency_key, "create_quote", fields, run, in_unit=True)


def update_draft(tenant_id: str, quote_id: str, changes: dict[str, Any], expected_version: int | None) -> Quote:
    uow = open_unit(tenant_id)
    _prefetch(uow, changes, (Quote, quote_id))
    quote = uow.load(Quote, quote_id)
    check_version(quote, expected_version)
    if record_metadata.only(changes):  # issue 20: not accounting data, so any status may change it
        return record_metadata.change(uow, quote, changes, EventType.QUOTE_UPDATED, QuoteOut)
    quote_rules.check_draft(state_of(quote), "edit")
    changes = record_metadata.take(quote, changes)
    current = {
        "customer_id": quote.customer_id, "issue_date": quote.issue_date, "valid_until": quote.valid_until,
        "currency": quote.currency, "exchange_rate": quote.exchange_rate if quote.exchange_rate != 1 else None,
        "reference": quote.reference, "notes": quote.notes, "prices_include_tax": quote.prices_include_tax,
        **_line_fields(quote),
    }
    if ("issue_date" in changes or "validity_days" in changes) and "valid_until" not in changes:
        current.pop("valid_until")  # recomputed from the validity unless given again
    _fill(uow, quote, uow.tenant(), current | changes)
    quote.updated_at = utc_now()
    uow.save_if_unchanged(quote)
    uow.record_event(EventType.QUOTE_UPDATED, quote, QuoteOut)
    _commit_change(uow)
    return quote


def copy(tenant_id: str, quote_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """A new draft quote with the quote's positions (or lines), allowances and charges, customer, currency,
    exchange rate, prices-include-tax, reference and notes, dated today and valid as many days as the quote
    was; priced again. Any quote may be copied (an expired or declined one to offer it again)."""
    def run() -> dict[str, Any]:
        source = open_unit(tenant_id).load(Quote, quote_id)
        return create_draft(tenant_id, {
            "customer_id": source.customer_id, "currency": source.currency,
            "exchange_rate": source.exchange_rate if source.exchange_rate != 1 else None,
            "reference": source.reference, "notes": source.notes, "prices_include_tax": source.prices_include_tax,
            "validity_days": (source.valid_until - source.issue_date).days, **_line_fields(source),
        })

    return once(tenant_id, idempotency_key, "copy_quote", {"id": quote_id}, run, in_unit=True)


def delete_draft(tenant_id: str, quote_id: str, expected_version: int | None) -> Quote:
    """A draft never issued may be deleted; one that has a number (issued, then reverted) keeps it: 409."""
    uow = open_unit(tenant_id)
    quote = uow.load(Quote, quote_id)
    check_version(quote, expected_version)
    quote_rules.check_draft(state_of(quote), "delete")
    if quote.number is not None:
        raise InvalidState(f"Cannot delete quote {quote.number}: it was issued; decline it instead",
                                       param="status")
    uow.delete(quote)
    uow.create(lists.quote_tombstone(quote, utc_now()))  # `updated_since` shows it deleted (issue 18)
    uow.record_event(EventType.QUOTE_DELETED, quote, QuoteOut)
    _commit_change(uow)
    return quote


def _commit_change(uow: UnitOfWork) -> None:
    try:
        uow.commit()
    except Contention as exc:
        raise PreconditionFailed("The quote was changed by another request; read it again and retry") from exc


def _fill(uow: UnitOfWork, quote: Quote, tenant: Tenant, fields: dict[str, Any]) -> None:
    party = customer(tenant.id, fields["customer_id"], find=uow.find)
    issue_date: date = fields.get("issue_date") or today()
    currency = fields.get("currency") or party.currency or tenant.base_currency
    rate = conversion(tenant, currency, fields.get("exchange_rate")).rate
    include_tax = fields.get("prices_include_tax")
    valid_until = fields.get("valid_until")
    if valid_until is None:
        days = fields.get("validity_days")
        valid_until = issue_date + timedelta(days=DEFAULT_VALIDITY_DAYS if days is None else int(days))
    quote_rules.check_validity(issue_date, valid_until)
    quote.customer_id, quote.customer_name = party.id, party.name
    quote.issue_date, quote.valid_until = issue_date, valid_until
    quote.currency, quote.exchange_rate = currency, rate
    quote.reference, quote.notes = fields.get("reference"), fields.get("notes")
    quote.prices_include_tax = tenant.prices_include_tax if include_tax is None else include_tax
    _price(uow, quote, tenant, fields)


# ------------------------------------------------------------------------------------- issuing


def issue(tenant_id: str, quote_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """Draft → open: the next number of the quote series of its issue year (kept from an earlier issue if it
    was reverted), and `quote.issued`, in one transaction."""
    def prepare(uow: UnitOfWork) -> None:
        uow.prefetch([(Quote, quote_id)], series=[(QUOTE_SERIES.key, today().year)])

    return once(tenant_id, idempotency_key, "issue_quote", {"id": quote_id},
                lambda: represent(retrying_unit(tenant_id, lambda uow: _issue(uow, quote_id), prepare=prepare,
                                                in_turn=True)),
                in_unit=True)


def _issue(uow: UnitOfWork, quote_id: str) -> Quote:
    tenant = uow.tenant()
    quote = uow.load(Quote, quote_id)
    issued = quote_rules.issue(state_of(quote), today())
    if quote.number is None:
        year = quote.issue_date.year
        last = uow.last_number(QUOTE_SERIES.key, year)
        uow.take_number(QUOTE_SERIES.key, year, last)
        quote.number = format_number(tenant.number_format(QUOTE_SERIES), year, last + 1)
    _adopt(quote, issued)
    quote.issued_at = quote.updated_at
    quote.issue_count = (quote.issue_count or 0) + 1
    uow.save_if_unchanged(quote)
    uow.record_event(issued.event, quote, QuoteOut)
    uow.respond(QuoteOut, quote)
    uow.commit()
    return quote


# ------------------------------------------------------------------------ accept, decline, revert


def accept(tenant_id: str, quote_id: str) -> dict[str, Any]:
    return retrying(lambda: _change(tenant_id, quote_id, quote_rules.accept, _accepted))


def decline(tenant_id: str, quote_id: str, reason: str | None) -> dict[str, Any]:
    def declined(quote: Quote) -> None:
        quote.declined_at, quote.decline_reason = quote.updated_at, reason

    return retrying(lambda: _change(tenant_id, quote_id, quote_rules.decline, declined))


def revert_issue(tenant_id: str, quote_id: str) -> dict[str, Any]:
    def reverted(quote: Quote) -> None:
        quote.issued_at = quote.accepted_at = None

    return retrying(lambda: _change(tenant_id, quote_id, quote_rules.revert_issue, reverted))


def _accepted(quote: Quote) -> None:
    quote.accepted_at = quote.updated_at


def _change(tenant_id: str, quote_id: str, rule: Callable[[QuoteState, date], Transition[QuoteState]],
            then: Callable[[Quote], None]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    quote = uow.load(Quote, quote_id)
    changed = rule(state_of(quote), today())
    _adopt(quote, changed)
    then(quote)
    uow.save_if_unchanged(quote)
    uow.record_event(changed.event, quote, QuoteOut)
    uow.commit()
    return represent(quote)


# ------------------------------------------------------------------------------------ expiry


def expiring_quotes(tenant_id: str, day: date, *, limit: int, start_key: dict[str, Any] | None) -> Page[Quote]:
    """Open quotes past their validity on `day` whose expiry is not announced yet (the store's named read)."""
    return quote_store.expiring_quotes(tenant_id, day, limit=limit, start_key=start_key)


def announce_expiry(tenant_id: str, quote_id: str, day: date) -> bool:
    """Write `quote.expired` for a quote that reads expired on `day`, once per issue: the quote records the
    issue it announced (`expiry_noted`, which also takes it out of the job's index) in the event's
    transaction, on its version. Run twice or concurrently, one announces and the other finds it done
    (False). The stored status stays `open`."""
    def attempt() -> bool:
        uow = open_unit(tenant_id)
        quote = uow.find(Quote, quote_id)
        if quote is None:
            return False
        issue = quote.issue_count or 1
        due = quote_rules.expiry_due(state_of(quote), day, issue, quote.expiry_noted or 0)
        if due is None:
            return False
        quote.expiry_noted = issue
        quote.updated_at = utc_now()
        uow.save_if_unchanged(quote)
        uow.record_event(due.event, quote, QuoteOut)
        uow.commit()
        return True

    return retrying(attempt)


# ------------------------------------------------------------------------------------ converting


def _to_invoice(uow: UnitOfWork, tenant: Tenant, quote: Quote) -> DocumentRef:
    """A draft invoice with the quote's customer, currency, rate, lines and texts, issued today."""
    fields = {"customer_id": quote.customer_id, "currency": quote.currency,
              "exchange_rate": quote.exchange_rate if quote.exchange_rate != 1 else None,
              "reference": quote.reference or quote.number, "notes": quote.notes,
              "prices_include_tax": quote.prices_include_tax, **_line_fields(quote)}
    made = invoices.stage_draft(uow, tenant, fields, source=DocumentRef(kind=QUOTE.name, id=quote.id))
    return DocumentRef(kind="invoice", id=made.id)


def _to_order(uow: UnitOfWork, tenant: Tenant, quote: Quote) -> DocumentRef:
    """A draft order with the quote's customer, currency, rate, lines and texts, dated today."""
    fields = {"customer_id": quote.customer_id, "currency": quote.currency,
              "exchange_rate": quote.exchange_rate if quote.exchange_rate != 1 else None,
              "reference": quote.reference or quote.number, "notes": quote.notes,
              "prices_include_tax": quote.prices_include_tax, **_line_fields(quote)}
    made = orders.stage_create(uow, tenant, fields, source={"kind": QUOTE.name, "id": quote.id})
    return DocumentRef(kind="order", id=made.id)


# What a quote converts into: target kind → stages the new document on the unit and names it.
CONVERTERS: dict[str, Callable[[UnitOfWork, Tenant, Quote], DocumentRef]] = {
    "invoice": _to_invoice,
    "order": _to_order,
}


def convert(tenant_id: str, quote_id: str, to: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """The new document, the quote `converted` with a link to it, and both events, in ONE transaction on
    the quote's version: of two concurrent conversions one commits, the other re-reads a converted quote
    (409). Answers the quote (its `converted_to` names the new document)."""
    converter = CONVERTERS.get(to)
    if converter is None:
        raise invalid("to", f"{to}s are not available yet")

    def run(uow: UnitOfWork) -> Quote:
        tenant = uow.tenant()
        quote = uow.load(Quote, quote_id)
        converted = quote_rules.convert(state_of(quote), today())
        # what the new document names, known only from the quote: one more round of reads
        uow.prefetch([(Party, quote.customer_id), *_prefetched_lines(_line_fields(quote))])
        made = converter(uow, tenant, quote)
        _adopt(quote, converted)
        quote.converted_at = quote.updated_at
        quote.converted_to = [*(quote.converted_to or []), made]
        uow.save_if_unchanged(quote)
        uow.record_event(converted.event, quote, QuoteOut)
        uow.respond(QuoteOut, quote)
        uow.commit()
        return quote

    def prepare(uow: UnitOfWork) -> None:
        uow.prefetch([(Quote, quote_id)])

    return once(tenant_id, idempotency_key, "convert_quote", {"id": quote_id, "to": to},
                lambda: represent(retrying_unit(tenant_id, run, prepare=prepare)), in_unit=True)
