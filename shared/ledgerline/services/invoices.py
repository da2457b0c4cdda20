"""Invoices: drafts that can change, posting that numbers them and writes the ledger, voids."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledgerline.clock import today, utc_now
from ledgerline.domain import metadata as metadata_rules
from ledgerline.domain import posting, receivables
from ledgerline.domain.banking import references
from ledgerline.domain.documents import InvoiceStatus, require_status
from ledgerline.domain.documents import invoice as invoice_rules
from ledgerline.domain.errors import LedgerlineError, PreconditionFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.journal import reversed_lines
from ledgerline.domain.money import round_money
from ledgerline.domain.query import Query
from ledgerline.domain.tenants import format_number
from ledgerline.ids import new_id
from ledgerline.schemas.common import read_at
from ledgerline.schemas.documents import InvoiceOut
from ledgerline.services import exchange_rates, order_quantities, stock
from ledgerline.services.document_rules import (
    conversion,
    customer,
    invalid,
    open_tax_period,
    system_accounts,
)
from ledgerline.services.idempotency import once
from ledgerline.services.invoice_state import adopt, state_of
from ledgerline.services.pricing import (
    nets_by_account,
    price_fields,
    referenced_positions,
    requested_positions,
)
from ledgerline.services.retry import retrying, retrying_unit
from ledgerline.store import lists
from ledgerline.store.banking import BankDefault
from ledgerline.store.buckets import shard_of as bucket_shard
from ledgerline.store.documents import DocumentRef, Invoice, Movement, PaymentReference
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.parties import Party
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.table import Contention
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

OPEN = invoice_rules.OPEN_STATUSES


def represent(invoice: Invoice) -> dict[str, Any]:
    return InvoiceOut.model_validate(invoice, context=read_at(utc_now())).model_dump(mode="json")


# ----------------------------------------------------------------------------------------- reads


def get_invoice(tenant_id: str, invoice_id: str) -> dict[str, Any]:
    """The invoice as the API shows it; NotFound for an unknown id (one too long to be a key included)."""
    return represent(open_unit(tenant_id).load(Invoice, invoice_id))


def query_invoices(tenant_id: str, query: Query, *, today: date, limit: int,
                   start_key: dict[str, Any] | None) -> Result:
    """A page of invoices as a planned query asks (issue 18: the store's named read `lists.query_invoices`)."""
    return lists.query_invoices(tenant_id, query, today=today, limit=limit, start_key=start_key)


def _prefetch(uow: UnitOfWork, fields: dict[str, Any], *also: tuple[Any, str]) -> None:
    """Read the tenant, the customer and the records the lines name in one round trip."""
    customer_id = fields.get("customer_id")
    parties = [(Party, customer_id)] if isinstance(customer_id, str) else []
    uow.prefetch([*also, *parties, *referenced_positions(fields)])


# ---------------------------------------------------------------------------------------- drafts


def create_draft(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        uow = open_unit(tenant_id)
        _prefetch(uow, fields)
        tenant = uow.tenant()
        now = utc_now()
        invoice = Invoice(
            id=new_id("inv"),
            tenant_id=tenant_id,
            status=InvoiceStatus.DRAFT,
            created_at=now,
            updated_at=now,
            amount_paid=Decimal(0),
            amount_credited=Decimal(0),
        )
        _fill(uow, invoice, tenant, fields)
        invoice.metadata = metadata_rules.merged(None, fields.get("metadata"))
        uow.create(invoice)
        uow.record_event(EventType.INVOICE_CREATED, invoice, InvoiceOut)
        uow.respond(InvoiceOut, invoice)
        uow.commit()
        return represent(invoice)

    return once(tenant_id, idempotency_key, "create_invoice", fields, run, in_unit=True)


def update_draft(tenant_id: str, invoice_id: str, changes: dict[str, Any], expected_version: int | None) -> Invoice:
    uow = open_unit(tenant_id)
    _prefetch(uow, changes, (Invoice, invoice_id))
    invoice = uow.load(Invoice, invoice_id)
    check_version(invoice, expected_version)
    if metadata_rules.only_metadata(changes):  # issue 20: not accounting data, so any status may change it
        invoice.metadata = metadata_rules.merged(invoice.metadata, changes["metadata"])
        invoice.updated_at = utc_now()
        uow.save_if_unchanged(invoice)
        uow.record_event(EventType.INVOICE_UPDATED, invoice, InvoiceOut)
        _commit_draft_change(uow)
        return invoice
    require_status("invoice", invoice.status, (InvoiceStatus.DRAFT,), "edit")
    if "metadata" in changes:
        invoice.metadata = metadata_rules.merged(invoice.metadata, changes.pop("metadata"))
    current = {
        "customer_id": invoice.customer_id,
        "issue_date": invoice.issue_date,
        "supply_date": invoice.supply_date,
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "buyer_reference": invoice.buyer_reference,
        "order_reference": invoice.order_reference,
        "currency": invoice.currency,
        "exchange_rate": _given_rate(invoice),
        "reference": invoice.reference,
        "notes": invoice.notes,
        "prices_include_tax": invoice.prices_include_tax,
        "due_date": invoice.due_date,
        **requested_positions(invoice),
    }
    if "issue_date" in changes or "payment_terms_days" in changes or "customer_id" in changes:
        current.pop("due_date")  # recomputed from terms unless given again
    _fill(uow, invoice, uow.tenant(), current | changes)
    invoice.updated_at = utc_now()
    uow.save_if_unchanged(invoice)
    uow.record_event(EventType.INVOICE_UPDATED, invoice, InvoiceOut)
    _commit_draft_change(uow)
    return invoice


def copy(tenant_id: str, invoice_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """A new draft with the invoice's positions (or lines), allowances and charges, customer, currency,
    exchange rate, prices-include-tax, reference, notes and payment terms (its due date's days after its issue
    date); dated today. Any invoice may be copied, posted or voided ones too."""
    def run() -> dict[str, Any]:
        source = open_unit(tenant_id).load(Invoice, invoice_id)
        return create_draft(tenant_id, {
            "customer_id": source.customer_id,
            "currency": source.currency,
            "exchange_rate": _given_rate(source),
            "reference": source.reference,
            "notes": source.notes,
            "prices_include_tax": source.prices_include_tax,
            "payment_terms_days": (source.due_date - source.issue_date).days,
            **requested_positions(source),
        })

    return once(tenant_id, idempotency_key, "copy_invoice", {"id": invoice_id}, run, in_unit=True)


def delete_draft(tenant_id: str, invoice_id: str, expected_version: int | None) -> Invoice:
    """Drafts have no number and no ledger effect, so they may really be deleted. A draft made from an order
    gives its quantities back to the order in the same transaction; if only the order changed meanwhile (a
    delivery), both are read again and the delete retried."""
    for attempt in range(DELETE_ATTEMPTS):
        uow = open_unit(tenant_id)
        invoice = uow.load(Invoice, invoice_id)
        check_version(invoice, expected_version)
        require_status("invoice", invoice.status, (InvoiceStatus.DRAFT,), "delete")
        uow.delete(invoice)
        uow.create(lists.invoice_tombstone(invoice, utc_now()))  # `updated_since` shows it deleted (issue 18)
        order_quantities.stage_give_back(uow, invoice)  # made from an order: its quantities may be invoiced again
        uow.record_event(EventType.INVOICE_DELETED, invoice, InvoiceOut)
        try:
            uow.commit()
            return invoice
        except Contention as exc:
            if invoice.source is None or Invoice.key(tenant_id, invoice_id) in exc.stale \
                    or attempt == DELETE_ATTEMPTS - 1:
                raise PreconditionFailed("The invoice was changed by another request; read it again and retry") \
                    from exc
    raise AssertionError("unreachable")


DELETE_ATTEMPTS = 5  # when only the order a draft came from changed meanwhile


def _commit_draft_change(uow: UnitOfWork) -> None:
    """A draft edited or deleted by a concurrent request: the caller's copy is stale (412)."""
    try:
        uow.commit()
    except Contention as exc:
        raise PreconditionFailed("The invoice was changed by another request; read it again and retry") from exc


def _given_rate(invoice: Invoice) -> Decimal | None:
    """The rate the request gave: a rate taken from the exchange rates is looked up again (another date)."""
    return invoice.exchange_rate if invoice.exchange_rate != 1 and invoice.exchange_rate_id is None else None


def _fill(uow: UnitOfWork, invoice: Invoice, tenant: Tenant, fields: dict[str, Any]) -> None:
    party = customer(tenant.id, fields["customer_id"], find=uow.find)
    issue_date: date = fields.get("issue_date") or today()
    currency = fields.get("currency") or party.currency or tenant.base_currency
    taken = exchange_rates.rate_on(uow, tenant, currency, issue_date, fields.get("exchange_rate"))
    rate = taken.conversion.rate
    include_tax = fields.get("prices_include_tax")
    include_tax = tenant.prices_include_tax if include_tax is None else include_tax
    priced = price_fields(tenant, fields, currency=currency, prices_include_tax=include_tax, find=uow.find,
                          on=issue_date)
    due_date = fields.get("due_date")
    if due_date is None:
        terms = next(
            t
            for t in (fields.get("payment_terms_days"), party.payment_terms_days, tenant.payment_terms_days)
            if t is not None
        )
        due_date = issue_date + timedelta(days=int(terms))
    if due_date < issue_date:
        raise invalid("due_date", "must not be before issue_date")
    totals = priced.totals
    invoice.customer_id, invoice.customer_name = party.id, party.name
    invoice.issue_date, invoice.due_date = issue_date, due_date
    invoice.supply_date = fields.get("supply_date")
    invoice.period_start, invoice.period_end = fields.get("period_start"), fields.get("period_end")
    if invoice.period_start and invoice.period_end and invoice.period_end < invoice.period_start:
        raise invalid("period_end", "must not be before period_start")  # BR-29
    invoice.buyer_reference = fields.get("buyer_reference") or getattr(party, "leitweg_id", None)
    invoice.order_reference = fields.get("order_reference")
    invoice.currency, invoice.exchange_rate = currency, rate
    invoice.exchange_rate_id = taken.exchange_rate_id
    invoice.reference, invoice.notes = fields.get("reference"), fields.get("notes")
    invoice.prices_include_tax = include_tax
    invoice.lines, invoice.tax_breakdown = priced.lines, priced.tax_breakdown
    invoice.positions, invoice.allowances, invoice.charges = priced.positions, priced.allowances, priced.charges
    invoice.subtotal, invoice.tax_total = totals.subtotal, totals.tax_total
    invoice.rounding_adjustment, invoice.total = totals.rounding_adjustment, totals.total
    invoice.amount_due = totals.total


# ------------------------------------------------------------------------------------- posting


def post(tenant_id: str, invoice_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """Draft → awaiting payment, in ONE transaction: the next gapless number, the journal entry,
    the balances and the `invoice.posted` event. If any part fails, none of it happened."""
    return once(
        tenant_id,
        idempotency_key,
        "post_invoice",
        {"id": invoice_id},
        lambda: represent(retrying_unit(tenant_id, lambda uow: _post(uow, invoice_id),
                                        prepare=lambda uow: _read_for_post(uow, invoice_id), in_turn=True)),
        in_unit=True,
    )


def _read_for_post(uow: UnitOfWork, invoice_id: str) -> None:
    # The series of this year is read with the tenant and the invoice: the invoice is almost always dated
    # this year (if not, its year's series is read after it).
    # The default bank account's pointer too: it tells whether the reference is a QR or an RF reference.
    uow.prefetch([(Invoice, invoice_id), (BankDefault, BankDefault.ID)], series=[("INV", today().year)])


def _post(uow: UnitOfWork, invoice_id: str) -> Invoice:
    """One attempt, on what `_read_for_post` read. After a lost race for the number (`retrying_unit`), `uow`
    holds the series as DynamoDB returned it, and everything else as it was read: nothing is read again."""
    tenant = uow.tenant()
    invoice = uow.load(Invoice, invoice_id)
    require_status("invoice", invoice.status, (InvoiceStatus.DRAFT,), "post")
    stage_posting(uow, tenant, invoice)
    uow.respond(InvoiceOut, invoice)
    uow.commit()
    return invoice  # shown (`represent`) after the tenant's turn: the next writer need not wait for it


def stage_posting(uow: UnitOfWork, tenant: Tenant, invoice: Invoice, *, numbered: int | None = None,
                  shard: int | None = None) -> None:
    """Posting a draft, staged on the unit of work: the number, the invoice, its entry and its event.
    `numbered`: the number it gets, taken by the caller with others (`post_drafts`), whose postings share
    the buckets' `shard`."""
    tenant_id = tenant.id
    posted = invoice_rules.post(state_of(invoice))
    open_tax_period(tenant, invoice.issue_date, "issue_date")
    year = invoice.issue_date.year
    last = uow.last_number("INV", year) if numbered is None else numbered - 1
    rate = conversion(tenant, invoice.currency, invoice.exchange_rate if invoice.exchange_rate != 1 else None)
    number = format_number(tenant.invoice_number_format, year, last + 1)
    taxes = posting.convert_taxes(tax_amounts(invoice), rate)
    lines = posting.invoice_lines(
        total=invoice.total,
        nets_by_account=_nets_by_account(invoice),
        taxes=taxes,
        rounding_adjustment=invoice.rounding_adjustment,
        accounts=system_accounts(tenant),
        conversion=rate,
        description=f"Invoice {number}",
    )
    now = utc_now()
    entry = JournalEntry.new(
        tenant_id,
        invoice.issue_date,
        rate,
        source_type="invoice",
        source_id=invoice.id,
        description=f"Invoice {number} to {invoice.customer_name}",
        at=now,
    )

    if numbered is None:
        uow.take_number("INV", year, last)
    invoice.number, invoice.posted_at = number, now
    invoice.payment_reference = payment_reference(uow, tenant, year, last + 1)
    event = adopt(invoice, posted, now)
    invoice.journal_entry_id = entry.id
    invoice.base_total = sum(
        (line.debit for line in lines if line.account_id == tenant.system_accounts.receivable), Decimal(0)
    )
    invoice.base_settled = round_money(Decimal(0), tenant.base_currency)
    invoice.movements = []
    update_closed_on(invoice)
    uow.save_if_unchanged(invoice)
    # put without a condition: the series taken above on condition makes the reference unique (the pointer's doc)
    uow.save_if_unchanged(PaymentReference(id=invoice.payment_reference, tenant_id=tenant_id,
                                           invoice_id=invoice.id, created_at=now))
    uow.post_entry(entry, lines, posting.tax_totals(taxes), shard=shard)
    stock.stage_invoice(uow, tenant, invoice, now)  # issue 19: a tenant without deliveries ships on the invoice
    uow.record_event(event, invoice, InvoiceOut)


def payment_reference(uow: UnitOfWork, tenant: Tenant, year: int, sequence: int) -> str:
    """The reference the invoice numbered `sequence` in `year` prints (issue 16, part Q): a QR reference when
    the tenant is in CH/LI and its default bank account has a QR-IBAN (read from the default's pointer, which
    the posting reads with the invoice), else an RF creditor reference."""
    default = uow.find(BankDefault, BankDefault.ID)
    qr = references.uses_qr_reference(tenant.country, default.qr_iban if default is not None else None)
    return references.invoice_reference(year, sequence, qr=qr)


# --------------------------------------------------------------------- many at once (bulk import)

MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit of items in one TransactWriteItems
Outcome = dict[str, Any] | LedgerlineError


def create_drafts(tenant_id: str, many: list[dict[str, Any]]) -> list[Outcome]:
    """Drafts created together: one read of everything they name, then as few transactions as fit (two items
    per draft: the invoice and its `invoice.created`). Each draft is checked on its own, and one whose fields
    are wrong fails alone; if a transaction fails as a whole (an item too large), its drafts are created one
    by one, so only the bad one fails. No Idempotency-Key: the bulk route sends keyed items the single way."""
    uow = open_unit(tenant_id)
    uow.prefetch([record for fields in many for record in _named(fields)])
    tenant = uow.tenant()
    outcomes: list[Outcome | None] = [None] * len(many)
    staged: list[tuple[int, Invoice]] = []

    def flush() -> None:
        try:
            uow.commit()
            for index, invoice in staged:
                outcomes[index] = represent(invoice)
        except LedgerlineError:
            uow.unstage(0)
            for index, _ in staged:
                try:
                    outcomes[index] = create_draft(tenant_id, many[index])
                except LedgerlineError as exc:
                    outcomes[index] = exc
        staged.clear()

    for index, fields in enumerate(many):
        mark = uow.staged()
        try:
            invoice = _new_draft(uow, tenant, fields)
        except LedgerlineError as exc:
            uow.unstage(mark)
            outcomes[index] = exc
            continue
        if uow.transaction_items() > MAX_TRANSACTION_ITEMS:
            uow.unstage(mark)
            flush()
            _stage_draft(uow, invoice)
        staged.append((index, invoice))
    if staged:
        flush()
    return [outcome for outcome in outcomes if outcome is not None]


def _named(fields: dict[str, Any]) -> list[tuple[Any, str]]:
    customer_id = fields.get("customer_id")
    return [*([(Party, customer_id)] if isinstance(customer_id, str) else []), *referenced_positions(fields)]


def _new_draft(uow: UnitOfWork, tenant: Tenant, fields: dict[str, Any]) -> Invoice:
    return stage_draft(uow, tenant, fields)


def stage_draft(uow: UnitOfWork, tenant: Tenant, fields: dict[str, Any], *, source: DocumentRef | None = None
                ) -> Invoice:
    """A new draft staged on the caller's unit with its `invoice.created` (a quote converted into an invoice
    passes the quote as `source`); the caller commits."""
    invoice = draft_of(uow, tenant, fields, source=source)
    _stage_draft(uow, invoice)
    return invoice


def draft_of(uow: UnitOfWork, tenant: Tenant, fields: dict[str, Any], *, source: DocumentRef | None = None
             ) -> Invoice:
    """A new draft priced from `fields` (as POST /v1/invoices takes them), not staged: the one place a draft's
    lines are handled, also for the invoices a recurring invoice or a quote makes (`source`)."""
    now = utc_now()
    invoice = Invoice(id=new_id("inv"), tenant_id=tenant.id, status=InvoiceStatus.DRAFT, created_at=now,
                      updated_at=now, amount_paid=Decimal(0), amount_credited=Decimal(0), source=source)
    _fill(uow, invoice, tenant, fields)
    return invoice


def stage_draft_from(uow: UnitOfWork, tenant: Tenant, fields: dict[str, Any], *, source: dict[str, str],
                     source_quantities: list[Decimal] | None = None) -> Invoice:
    """A draft made from another document (issue 14: an order), staged on the caller's unit with its
    `source: {kind, id}`; `source_quantities`, the quantity it took of each of an order's lines, is what
    deleting the draft or voiding the invoice gives back (services/order_quantities.py)."""
    invoice = draft_of(uow, tenant, fields, source=DocumentRef(kind=source["kind"], id=source["id"]))
    if source_quantities is not None:
        invoice.source_quantities = [str(quantity) for quantity in source_quantities]
    _stage_draft(uow, invoice)
    return invoice


def _stage_draft(uow: UnitOfWork, invoice: Invoice) -> None:
    uow.create(invoice)
    uow.record_event(EventType.INVOICE_CREATED, invoice, InvoiceOut)


def post_drafts(tenant_id: str, invoice_ids: list[str]) -> dict[str, Outcome]:
    """Post drafts several per transaction: consecutive numbers of the invoices' year taken once per
    transaction, their entries' bucket ADDs merged, as many invoices as fit in 100 items. Each is checked
    on its own (a draft that may not post fails alone); a transaction that loses the series to another
    writer is restaged from the series DynamoDB returned (nothing re-read), and one whose invoice changed
    meanwhile re-reads that invoice, which then fails alone while the rest post. Same result per invoice
    as `post`."""
    outcomes: dict[str, Outcome] = {}
    pending = list(invoice_ids)
    while pending:
        group = pending

        def prepare(uow: UnitOfWork, group: list[str] = group) -> None:
            uow.prefetch([(Invoice, invoice_id) for invoice_id in group] + [(BankDefault, BankDefault.ID)],
                         series=[("INV", today().year)])

        done, alone, pending = retrying_unit(tenant_id, lambda uow, group=group: _post_group(uow, group),
                                             prepare=prepare, in_turn=True)
        outcomes.update({invoice_id: represent(outcome) if isinstance(outcome, Invoice) else outcome
                         for invoice_id, outcome in done.items()})
        for invoice_id in alone:  # too large to share a transaction: posted as the single route would
            try:
                outcomes[invoice_id] = post(tenant_id, invoice_id)
            except LedgerlineError as exc:
                outcomes[invoice_id] = exc
    return outcomes


def _post_group(uow: UnitOfWork, invoice_ids: list[str]) -> tuple[dict[str, Invoice | LedgerlineError], list[str],
                                                                  list[str]]:
    """One transaction's worth of postings from the front of `invoice_ids`: (outcomes, to post alone, rest)."""
    tenant = uow.tenant()
    outcomes: dict[str, Invoice | LedgerlineError] = {}
    staged: list[Invoice] = []
    year, last, shard = None, 0, None
    for position, invoice_id in enumerate(invoice_ids):
        mark = uow.staged()
        try:
            invoice = uow.load(Invoice, invoice_id)
            require_status("invoice", invoice.status, (InvoiceStatus.DRAFT,), "post")
            if year is None:
                year, last, shard = invoice.issue_date.year, uow.last_number("INV", invoice.issue_date.year), \
                    bucket_shard(invoice.id)
            elif invoice.issue_date.year != year:  # another year's series: the next transaction's
                return _commit_group(uow, staged, year, last, outcomes), [], invoice_ids[position:]
            stage_posting(uow, tenant, invoice, numbered=last + len(staged) + 1, shard=shard)
        except LedgerlineError as exc:
            uow.unstage(mark)
            outcomes[invoice_id] = exc
            continue
        if uow.transaction_items() + 1 > MAX_TRANSACTION_ITEMS:  # + the number series
            uow.unstage(mark)
            if not staged:
                return outcomes, [invoice_id], invoice_ids[position + 1:]
            return _commit_group(uow, staged, year, last, outcomes), [], invoice_ids[position:]
        staged.append(invoice)
    return _commit_group(uow, staged, year, last, outcomes), [], []


def _commit_group(uow: UnitOfWork, staged: list[Invoice], year: int | None, last: int,
                  outcomes: dict[str, Invoice | LedgerlineError]) -> dict[str, Invoice | LedgerlineError]:
    if staged and year is not None:
        uow.take_number("INV", year, last, count=len(staged))
        uow.commit()
    return outcomes | {invoice.id: invoice for invoice in staged}


def tax_amounts(document: Any) -> list[tuple[str, str, Decimal, Decimal]]:
    """(tax code, tax account, taxable, tax) of an invoice or credit note, from its tax breakdown; the
    account is the one its lines of that code were priced with."""
    accounts = {line.tax_code_id: line.tax_account_id for line in document.lines if line.tax_account_id}
    return [(tax.tax_code_id, accounts[tax.tax_code_id], tax.taxable_amount, tax.tax_amount)
            for tax in document.tax_breakdown if tax.tax_code_id in accounts]


def _nets_by_account(invoice: Invoice) -> dict[str, Decimal]:
    """Revenue per account: line nets with their shares of discounts, allowances and charges."""
    return nets_by_account(invoice.lines)


def record_movement(invoice: Invoice, day: date, amount: Decimal, base_amount: Decimal, source_type: str,
                    journal_entry_id: str) -> None:
    """Keep a dated change to what the invoice owes (the caller has changed its amounts and status)."""
    if invoice.movements is None:  # posted before movements were kept: its history is unknown, so none is begun
        return
    invoice.movements = [*invoice.movements, Movement(date=day, amount=amount, base_amount=base_amount,
                                                      source_type=source_type, journal_entry_id=journal_entry_id)]
    update_closed_on(invoice)


def update_closed_on(invoice: Invoice) -> None:
    invoice.closed_on = None
    if invoice.status in Invoice.CLOSED_STATUSES:
        invoice.closed_on = receivables.closed_on(issue_date=invoice.issue_date, total=invoice.total,
                                                  base_total=invoice.base_total, movements=invoice_movements(invoice))


def invoice_movements(invoice: Invoice) -> list[receivables.Movement]:
    return [receivables.Movement(m.date, m.amount, m.base_amount) for m in invoice.movements or []]


# -------------------------------------------------------------------------------- after posting


def void(tenant_id: str, invoice_id: str, void_date: date | None, idempotency_key: str | None = None) -> dict[str, Any]:
    return once(
        tenant_id,
        idempotency_key,
        "void_invoice",
        {"id": invoice_id, "date": str(void_date)},
        lambda: retrying(lambda: _void(tenant_id, invoice_id, void_date)),
        in_unit=True,
    )


def _void(tenant_id: str, invoice_id: str, void_date: date | None) -> dict[str, Any]:
    """Post the mirror of the invoice's entry; the number stays used and the invoice reads `voided`."""
    uow = open_unit(tenant_id)
    uow.prefetch([(Invoice, invoice_id)])
    tenant = uow.tenant()
    invoice = uow.load(Invoice, invoice_id)
    stage_void(uow, tenant, invoice, void_date or today())
    uow.respond(InvoiceOut, invoice)
    uow.commit()
    return represent(invoice)


def stage_void(uow: UnitOfWork, tenant: Tenant, invoice: Invoice, day: date) -> None:
    """Voiding, staged on the unit of work (a reminder's withdrawal voids its fee invoice in its own unit)."""
    tenant_id = tenant.id
    voided = invoice_rules.void(state_of(invoice), day)
    open_tax_period(tenant, day)
    original = uow.load(JournalEntry, invoice.journal_entry_id)
    now = utc_now()
    rate = posting.Conversion(invoice.currency, tenant.base_currency, invoice.exchange_rate)
    entry = JournalEntry.new(
        tenant_id,
        day,
        rate,
        source_type="invoice_void",
        source_id=invoice.id,
        description=f"Void of invoice {invoice.number}",
        reverses_id=original.id,
        at=now,
    )

    owed, owed_base = invoice.amount_due, (invoice.base_total or Decimal(0)) - (invoice.base_settled or Decimal(0))
    event = adopt(invoice, voided, now)
    invoice.voided_at, invoice.void_journal_entry_id = now, entry.id
    record_movement(invoice, day, owed, owed_base, "invoice_void", entry.id)
    uow.save_if_unchanged(invoice)
    order_quantities.stage_give_back(uow, invoice)  # made from an order: its quantities may be invoiced again
    stock.stage_invoice_void(uow, tenant, invoice, day, now)  # issue 19: goods it took out come back
    uow.post_entry(entry, reversed_lines(original.journal_lines()),
                   posting.tax_totals(posting.convert_taxes(tax_amounts(invoice), rate), sign=-1))
    uow.record_event(event, invoice, InvoiceOut)


def send(tenant_id: str, invoice_id: str) -> dict[str, Any]:
    return retrying(lambda: _send(tenant_id, invoice_id))


def _send(tenant_id: str, invoice_id: str) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    invoice = uow.load(Invoice, invoice_id)
    sent = invoice_rules.send(state_of(invoice))
    invoice.sent_at = invoice.updated_at = utc_now()
    uow.save_if_unchanged(invoice)
    uow.record_event(sent.event, invoice, InvoiceOut)
    uow.commit()
    return represent(invoice)
