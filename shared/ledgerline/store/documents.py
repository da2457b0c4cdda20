"""Invoices, credit notes and receipts: one partition per document, `T#<tid>#<KIND>#<id>` / `DOC`.

GSI1 lists a tenant's documents of one kind by date. GSI2 holds posted invoices in two partitions: the
open ones by due date (`T#<tid>#OPEN` / `<due date>#<id>`) and the closed ones, paid or voided, by the
day they closed for good (`T#<tid>#CLOSED` / `<closed on>#<id>`), so aged receivables at a past date read
what is open now plus what closed after that date, never every invoice.
A posted invoice's payment reference has a pointer `T#<tid>` / `PAYREF#<reference>` → the invoice, written
in the posting transaction (`find_invoice_by_reference`, `find_open_invoice_by_reference`).
GSI3 holds a customer's open items (`customer_items`): `T#<tid>#CUST#<party>` / `INV#<due date>#<id>` for
each open invoice, `CREDIT#<date>#<id>` for each posted receipt or credit note with unallocated credit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition

from ledgerline.domain.banking.references import compact
from ledgerline.domain.documents import invoice as invoice_rules
from ledgerline.domain.query import normalise
from ledgerline.store.attributes import CompressedAttribute, DateAttribute, DecimalAttribute
from ledgerline.store.query import moment_key
from ledgerline.store.records import Page, TenantRecord, check_start_key, dated_between, page_of, tenant_partition
from ledgerline.store.table import TableModel, connection, is_condition_failure


class DocumentLine(MapAttribute):
    item_id = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    quantity = DecimalAttribute()
    unit_price = DecimalAttribute()
    account_id = UnicodeAttribute()
    tax_code_id = UnicodeAttribute(null=True)
    tax_rate = DecimalAttribute()
    tax_account_id = UnicodeAttribute(null=True)
    net_amount = DecimalAttribute()
    tax_amount = DecimalAttribute()
    amount = DecimalAttribute()
    # Its share of the document's discounts, allowances and charges (signed; none: zero): what posting adds to
    # its net for its account's revenue (domain/positions.Totals.line_adjustments).
    adjustment = DecimalAttribute(null=True)
    location_id = UnicodeAttribute(null=True)  # issue 19: a bill line's stock location (absent: the default)


class StockIssue(MapAttribute):
    """What a posted invoice took out of stock (issue 19, `stock_issued_by: invoice`): one item at one location,
    the quantity and the cost it left at, put back exactly when the invoice is voided."""

    item_id = UnicodeAttribute()
    location_id = UnicodeAttribute()
    quantity = DecimalAttribute()
    value = DecimalAttribute()  # the cost of goods sold, in the base currency (positive)


class DocumentRef(MapAttribute):
    """Another document this one came from or was converted into (issue 14): its kind and id."""

    kind = UnicodeAttribute()
    id = UnicodeAttribute()


class TaxSubtotal(MapAttribute):
    tax_code_id = UnicodeAttribute()
    tax_code = UnicodeAttribute()
    rate = DecimalAttribute()
    taxable_amount = DecimalAttribute()
    tax_amount = DecimalAttribute()


class DocumentRecord(TenantRecord):
    """A document in its own partition; listed through GSI1 by `<date>#<id>`."""

    LIST = ""

    @classmethod
    def key(cls, tenant_id: str, record_id: str) -> tuple[str, str]:
        return f"{tenant_partition(tenant_id)}#{cls.PREFIX}#{record_id}", "DOC"

    @classmethod
    def list_partition(cls, tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#{cls.LIST}"

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#<LIST>#<name>`."""
        return f"{cls.list_partition(tenant_id)}#{name}"

    def list_date(self) -> date:
        raise NotImplementedError

    def assign_keys(self) -> None:
        super().assign_keys()
        self.gsi1pk = self.list_partition(self.tenant_id)
        self.gsi1sk = f"{self.list_date().isoformat()}#{self.id}"


def assign_ordered_query_keys(record: Any, party: str, *, numbered: bool = True) -> None:
    """Issue 18's indexes of an order-like document (`store/lists.ordered_list`: sales and purchase orders,
    delivery notes) or, without a number, a payment-like one (`store/lists.payment_list`: receipts, refunds,
    supplier payments): by number (GSI4; drafts `~`, after every number), by `updated_at` (GSI5), by casefolded
    reference (GSI7, sparse), and the searchable copies `search_number`, `search_reference` and
    `search_<party>_name` (the entity declares them). Maintained by DynamoDB with the write."""
    tenant_id = record.tenant_id
    record.search_reference = normalise(record.reference) or None
    setattr(record, f"search_{party}_name", normalise(getattr(record, f"{party}_name")) or None)
    if numbered:
        record.search_number = normalise(record.number) or None
        record.gsi4pk = record.index_partition(tenant_id, "NUMBER")
        record.gsi4sk = f"{record.number or '~'}#{record.id}"
    record.gsi5pk = record.index_partition(tenant_id, "UPDATED")
    record.gsi5sk = f"{moment_key(record.updated_at)}#{record.id}"
    record.gsi7pk, record.gsi7sk = ((record.index_partition(tenant_id, "REF"), f"{record.search_reference}#{record.id}")
                                    if record.search_reference else (None, None))


class PricedDocument(DocumentRecord):
    """What invoices and credit notes share: a customer, priced lines and their totals."""

    status = UnicodeAttribute()
    number = UnicodeAttribute(null=True)
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    exchange_rate_id = UnicodeAttribute(null=True)  # the rate record it took (issue 16); None: given or base
    # Issue 13 (write capacity): the nested lists no query reads are stored compressed (store/attributes.py)
    lines = CompressedAttribute(ListAttribute(of=DocumentLine))
    tax_breakdown = CompressedAttribute(ListAttribute(of=TaxSubtotal))
    subtotal = DecimalAttribute()
    tax_total = DecimalAttribute()
    rounding_adjustment = DecimalAttribute()
    total = DecimalAttribute()
    # Issue 14: the positions as priced (schemas/positions.PositionOut, amounts as strings) and the
    # document-level allowances and charges (AllowanceChargeOut); none on documents made of lines only.
    positions = CompressedAttribute(JSONAttribute(null=True))
    allowances = CompressedAttribute(JSONAttribute(null=True))
    charges = CompressedAttribute(JSONAttribute(null=True))


class Movement(MapAttribute):
    """A dated change to what an invoice owes (see domain/receivables.py): positive settles, negative reopens."""

    date = DateAttribute()
    amount = DecimalAttribute()
    base_amount = DecimalAttribute()
    source_type = UnicodeAttribute()
    journal_entry_id = UnicodeAttribute()


class Invoice(PricedDocument):
    PREFIX = "INV"
    LIST = "INVOICES"
    NOUN = "invoice"

    issue_date = DateAttribute()
    supply_date = DateAttribute(null=True)  # when supplied, if not on the issue date (printed on the PDF)
    period_start = DateAttribute(null=True)  # e-invoicing BG-14 invoicing period: BT-73 (issue 17)
    period_end = DateAttribute(null=True)  # BT-74
    buyer_reference = UnicodeAttribute(null=True)  # e-invoicing BT-10 (issue 17)
    order_reference = UnicodeAttribute(null=True)  # e-invoicing BT-13
    due_date = DateAttribute()
    reference = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    prices_include_tax = BooleanAttribute()
    amount_paid = DecimalAttribute()
    amount_credited = DecimalAttribute()
    amount_due = DecimalAttribute()
    base_total = DecimalAttribute(null=True)
    base_settled = DecimalAttribute(null=True)
    journal_entry_id = UnicodeAttribute(null=True)
    void_journal_entry_id = UnicodeAttribute(null=True)
    posted_at = UTCDateTimeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    voided_at = UTCDateTimeAttribute(null=True)
    paid_at = UTCDateTimeAttribute(null=True)
    # Set on the invoice that charges a reminder's fee: the id of the reminded invoice. It is not dunned.
    reminder_fee_for = UnicodeAttribute(null=True)
    # The document it was made from (a quote converted into it, a recurring invoice's period, issue 14); None
    # for one created directly.
    source = DocumentRef(null=True)
    # Every settlement, reversal and void, dated (None on invoices posted before they were kept), and the
    # first day from which the invoice owes nothing for good (set once it is paid or voided).
    movements = CompressedAttribute(ListAttribute(of=Movement, null=True))
    closed_on = DateAttribute(null=True)
    # The document it was made from (issue 14), and, for an order, the quantity it took of each order line
    # (decimal strings, in the order's line order): what deleting the draft or voiding it gives back.
    source_quantities = ListAttribute(of=UnicodeAttribute, null=True)
    # The structured payment reference printed on it (issue 16, part Q): a QR reference or an RF creditor
    # reference, derived from its number when it is posted (domain/banking/references.invoice_reference).
    payment_reference = UnicodeAttribute(null=True)
    # Issue 18: casefolded copies of the searchable text (`store/query.normalise`), for search and the
    # case-insensitive text operators.
    search_number = UnicodeAttribute(null=True)
    search_reference = UnicodeAttribute(null=True)
    search_customer_name = UnicodeAttribute(null=True)
    # Issue 19 (part S): what credit notes with `restock` brought back, "<item id>=<decimal>" per item, saved with
    # the invoice in each note's transaction, so returns stay capped at what it sold (`domain/stock.return_issue`)
    restocked = ListAttribute(of=UnicodeAttribute, null=True)
    # Issue 19 (part S2): what posting took out of stock and at what cost (`stock_issued_by: invoice`), so that
    # a void puts the goods back where and at the cost they left at
    stock_issued = ListAttribute(of=StockIssue, null=True)

    OPEN_STATUSES = invoice_rules.OPEN_STATUSES  # the life cycle's one definition of open and closed
    CLOSED_STATUSES = invoice_rules.CLOSED_STATUSES

    def list_date(self) -> date:
        return self.issue_date

    def assign_keys(self) -> None:
        super().assign_keys()
        if self.status in self.OPEN_STATUSES:
            self.gsi2pk = f"{tenant_partition(self.tenant_id)}#OPEN"
            self.gsi2sk = f"{self.due_date.isoformat()}#{self.id}"
        elif self.status in self.CLOSED_STATUSES and self.closed_on is not None:
            self.gsi2pk = f"{tenant_partition(self.tenant_id)}#CLOSED"
            self.gsi2sk = f"{self.closed_on.isoformat()}#{self.id}"
        else:
            self.gsi2pk = self.gsi2sk = None
        is_open = self.status in self.OPEN_STATUSES
        _customer_item(self, f"{INVOICE_ITEM}#{self.due_date.isoformat()}#{self.id}" if is_open else None)
        self.assign_query_keys()

    def assign_query_keys(self) -> None:
        """Issue 18's indexes (`store/invoice_queries.py`): by number (GSI4), by `updated_at` (GSI5), by due
        date (GSI6), by reference (GSI7), and the searchable copies. Maintained by DynamoDB with the write."""
        tenant_id = self.tenant_id
        self.search_number = normalise(self.number) or None
        self.search_reference = normalise(self.reference) or None
        self.search_customer_name = normalise(self.customer_name) or None
        # A draft has no number: it sorts after every number (`~`), and no number lookup finds it.
        self.gsi4pk, self.gsi4sk = self.index_partition(tenant_id, "NUMBER"), f"{self.number or '~'}#{self.id}"
        self.gsi5pk = self.index_partition(tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"
        self.gsi6pk, self.gsi6sk = self.index_partition(tenant_id, "DUE"), f"{self.due_date.isoformat()}#{self.id}"
        self.gsi7pk, self.gsi7sk = ((self.index_partition(tenant_id, "REF"), f"{self.search_reference}#{self.id}")
                                    if self.search_reference else (None, None))

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#INVOICES#<name>`."""
        return f"{cls.list_partition(tenant_id)}#{name}"

    @classmethod
    def open_partition(cls, tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#OPEN"


class PaymentReference(TableModel):
    """A posted invoice's payment reference (issue 16, part Q): `T#<tid>` / `PAYREF#<reference>` → the invoice,
    put with the posting. Unversioned and written without a condition: the reference is derived from the
    number the same transaction takes on condition (the series), so two postings can never both commit one,
    and a posting that lost the race for the number is not failed a second time by the pointer."""

    PREFIX = "PAYREF"
    NOUN = "payment reference"

    id = UnicodeAttribute()  # the reference, compact
    tenant_id = UnicodeAttribute()
    invoice_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, record_id: str) -> tuple[str, str]:
        return tenant_partition(tenant_id), f"{cls.PREFIX}#{record_id}"

    def assign_keys(self) -> None:
        self.pk, self.sk = self.key(self.tenant_id, self.id)


def find_invoice_by_reference(tenant_id: str, reference: str) -> Invoice | None:
    """The invoice that printed this QR or RF reference (spaces and case ignored), whatever its status."""
    value = compact(reference or "")
    if not value or len(value) > 64:
        return None
    connection()
    try:
        pointer = PaymentReference.get(*PaymentReference.key(tenant_id, value), consistent_read=True)
        return Invoice.get(*Invoice.key(tenant_id, pointer.invoice_id), consistent_read=True)
    except DoesNotExist:
        return None


def find_open_invoice_by_reference(tenant_id: str, reference: str) -> Invoice | None:
    """The open invoice (awaiting payment, partly paid, overdue) that carries this reference, else None: what
    reconciliation matches an incoming payment's QR or RF reference to. Two consistent GetItems."""
    invoice = find_invoice_by_reference(tenant_id, reference)
    return invoice if invoice is not None and invoice.status in Invoice.OPEN_STATUSES else None


class CreditNote(PricedDocument):
    PREFIX = "CN"
    LIST = "CREDITNOTES"
    NOUN = "credit note"

    invoice_id = UnicodeAttribute()
    invoice_number = UnicodeAttribute()
    date = DateAttribute()
    reason = UnicodeAttribute(null=True)
    amount_applied = DecimalAttribute()
    unallocated_amount = DecimalAttribute()
    refunded_amount = DecimalAttribute(null=True)
    journal_entry_id = UnicodeAttribute()
    restock = BooleanAttribute(null=True)  # issue 19: returned goods went back into stock
    stock_journal_entry_id = UnicodeAttribute(null=True)
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_number = UnicodeAttribute(null=True)
    search_customer_name = UnicodeAttribute(null=True)
    search_invoice_number = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.date

    def assign_keys(self) -> None:
        super().assign_keys()
        _customer_item(self, _credit_sort_key(self) if self.unallocated_amount > 0 else None)
        self.assign_query_keys()

    def assign_query_keys(self) -> None:
        """Issue 18's indexes (`store/lists.CREDIT_NOTE_LIST`): by number (GSI4), by `updated_at` (GSI5), and
        the searchable copies. A credit note is numbered when it is made, so every one is in GSI4."""
        tenant_id = self.tenant_id
        self.search_number = normalise(self.number) or None
        self.search_customer_name = normalise(self.customer_name) or None
        self.search_invoice_number = normalise(self.invoice_number) or None
        self.gsi4pk, self.gsi4sk = self.index_partition(tenant_id, "NUMBER"), f"{self.number or '~'}#{self.id}"
        self.gsi5pk = self.index_partition(tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"


class Allocation(MapAttribute):
    invoice_id = UnicodeAttribute()
    invoice_number = UnicodeAttribute()
    amount = DecimalAttribute()
    base_amount = DecimalAttribute()
    date = DateAttribute()
    journal_entry_id = UnicodeAttribute()


class MoneyMovement(DocumentRecord):
    """A posted document that moves money through a bank or cash account for a customer (receipts,
    refunds): what they share, and their list order by date."""

    status = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    date = DateAttribute()
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    exchange_rate_id = UnicodeAttribute(null=True)  # the rate record it took (issue 16); None: given or base
    account_id = UnicodeAttribute()
    reference = UnicodeAttribute(null=True)
    reversal_journal_entry_id = UnicodeAttribute(null=True)
    reversed_at = UTCDateTimeAttribute(null=True)
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_reference = UnicodeAttribute(null=True)
    search_customer_name = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.date

    def assign_keys(self) -> None:
        super().assign_keys()
        assign_ordered_query_keys(self, "customer", numbered=False)  # issue 18: `store/lists.payment_list`


class Receipt(MoneyMovement):
    PREFIX = "RCT"
    LIST = "RECEIPTS"
    NOUN = "receipt"

    allocations = ListAttribute(of=Allocation)
    allocated_amount = DecimalAttribute()
    unallocated_amount = DecimalAttribute()
    refunded_amount = DecimalAttribute(null=True)
    # What the unallocated amount is worth in customer credit, in the base currency (as booked at the
    # receipt's rate); the piece of credit that uses the last of it takes all of this. None on old receipts.
    unallocated_base = DecimalAttribute(null=True)
    journal_entry_ids = ListAttribute(of=UnicodeAttribute)

    def assign_keys(self) -> None:
        super().assign_keys()
        holds_credit = self.status == "posted" and self.unallocated_amount > 0
        _customer_item(self, _credit_sort_key(self) if holds_credit else None)


# ------------------------------------------------------------------ a customer's open items (GSI3)

INVOICE_ITEM, CREDIT_ITEM = "INV", "CREDIT"


def customer_items_partition(tenant_id: str, customer_id: str) -> str:
    return f"{tenant_partition(tenant_id)}#CUST#{customer_id}"


def _customer_item(document: Invoice | CreditNote | Receipt, sort_key: str | None) -> None:
    """Put the document in (or take it out of) its customer's open items."""
    if sort_key is None:
        document.gsi3pk = document.gsi3sk = None
    else:
        document.gsi3pk = customer_items_partition(document.tenant_id, document.customer_id)
        document.gsi3sk = sort_key


def _credit_sort_key(document: CreditNote | Receipt) -> str:
    return f"{CREDIT_ITEM}#{document.date.isoformat()}#{document.id}"


class CustomerItem(DocumentRecord):
    """What a customer's open items show, read from GSI3 (open invoices and credit-holding documents share
    these attributes; the rest of each document is ignored)."""

    status = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    date = DateAttribute(null=True)
    due_date = DateAttribute(null=True)
    amount_due = DecimalAttribute(null=True)
    base_total = DecimalAttribute(null=True)
    base_settled = DecimalAttribute(null=True)
    unallocated_amount = DecimalAttribute(null=True)

    @property
    def is_invoice(self) -> bool:
        return bool(self.gsi3sk and self.gsi3sk.startswith(f"{INVOICE_ITEM}#"))


def customer_items(tenant_id: str, customer_id: str, *, credit_only: bool = False) -> list[CustomerItem]:
    """A customer's open invoices (by due date) and credit-holding receipts and credit notes (by date).

    Cost follows the customer's open items, never the tenant's history. The index is eventually
    consistent: callers that move money re-read each document they use with a consistent read.
    """
    connection()
    partition = customer_items_partition(tenant_id, customer_id)
    condition = CustomerItem.gsi3sk.startswith(f"{CREDIT_ITEM}#") if credit_only else None
    return list(CustomerItem.gsi3.query(partition, condition))


def list_documents(
    model: type[DocumentRecord],
    tenant_id: str,
    *,
    from_date: date | None,
    to_date: date | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page[Any]:
    """A tenant's documents of one kind, oldest first, optionally within a date range (every one of them: each
    list with filters has its own named read: `lists.query_invoices`, `list_receipts`, …)."""
    return dated_documents(model, tenant_id, from_date=from_date, to_date=to_date, filter_condition=None,
                           limit=limit, start_key=start_key)


def dated_documents(
    model: type[DocumentRecord],
    tenant_id: str,
    *,
    from_date: date | None,
    to_date: date | None,
    filter_condition: Condition | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page[Any]:
    """The store's own list query under every named list read: GSI1 by date, then the read's filter."""
    connection()
    partition = model.list_partition(tenant_id)
    check_start_key(start_key, "GSI1PK", partition)
    dates = dated_between(model.gsi1sk, from_date, to_date)
    if dates is None:
        return Page([], None)
    results = model.gsi1.query(
        partition,
        dates,
        filter_condition=filter_condition,
        limit=limit + 1,
        last_evaluated_key=start_key,
    )
    return page_of(results, limit, index=model.gsi1)


def open_invoices_due_before(
    tenant_id: str, day: date, *, limit: int, start_key: dict[str, Any] | None
) -> Page[Invoice]:
    """Open invoices whose due date is before `day`, from the sparse open-invoice index."""
    connection()
    check_start_key(start_key, "GSI2PK", f"{tenant_partition(tenant_id)}#OPEN")
    results = Invoice.gsi2.query(
        f"{tenant_partition(tenant_id)}#OPEN",
        Invoice.gsi2sk < day.isoformat(),
        limit=limit + 1,
        last_evaluated_key=start_key,
    )
    return page_of(results, limit, index=Invoice.gsi2)


def invoices_open_at(tenant_id: str, day: date) -> Iterator[Invoice]:
    """Every invoice that may have owed something at the end of `day`: those open now and those closed
    after `day`, issued on or before it. Two GSI2 queries; for today the second one finds nothing but
    invoices settled by documents dated in the future, so today's report costs what it did."""
    connection()
    issued = Invoice.issue_date <= day
    yield from Invoice.gsi2.query(f"{tenant_partition(tenant_id)}#OPEN", filter_condition=issued)
    yield from Invoice.gsi2.query(f"{tenant_partition(tenant_id)}#CLOSED", Invoice.gsi2sk > f"{day.isoformat()}#~",
                                  filter_condition=issued)


def invoice_status_condition(statuses: frozenset[str], today: date) -> Condition:
    """`invoice_rules.effective_status` as a filter, for a non-empty set of statuses as the API shows them:
    open and past due (`is_overdue`) reads overdue."""
    cutoff = invoice_rules.overdue_cutoff(today)
    past_due = (Invoice.due_date < cutoff) & (Invoice.amount_due > 0)
    is_open = Invoice.status.is_in(*Invoice.OPEN_STATUSES)
    wanted = set(statuses)
    overdue, awaiting = invoice_rules.InvoiceStatus.OVERDUE, invoice_rules.InvoiceStatus.AWAITING_PAYMENT
    if set(Invoice.OPEN_STATUSES) <= wanted:
        by_status: list[Condition] = [is_open]
    else:
        by_status = [is_open & past_due] if overdue in wanted else []
        if awaiting in wanted:
            by_status.append(is_open & ((Invoice.due_date >= cutoff) | (Invoice.amount_due <= 0)))
    closed = sorted(wanted - set(Invoice.OPEN_STATUSES))
    if closed:
        by_status.append(Invoice.status.is_in(*closed))
    either = by_status[0]
    for other in by_status[1:]:
        either = either | other
    return either


def _and(left: Condition | None, right: Condition) -> Condition:
    return right if left is None else left & right


def index_customer_items(tenant_id: str) -> int:
    """Put a tenant's invoices, receipts and credit notes saved before GSI3 existed into (or out of) their
    customers' open items: one conditional UpdateItem per document whose GSI3 keys are not what its
    `assign_keys` says, versions untouched. A document changed meanwhile is skipped (its own save set
    its keys). Returns how many documents it changed; running it again changes none."""
    connection()
    changed = 0
    for model in (Invoice, Receipt, CreditNote):
        for document in model.gsi1.query(model.list_partition(tenant_id)):
            before = (document.gsi3pk, document.gsi3sk)
            document.assign_keys()
            if (document.gsi3pk, document.gsi3sk) == before:
                continue
            if document.gsi3pk is None:
                actions = [model.gsi3pk.remove(), model.gsi3sk.remove()]
            else:
                actions = [model.gsi3pk.set(document.gsi3pk), model.gsi3sk.set(document.gsi3sk)]
            try:
                model._get_connection().update_item(document.pk, document.sk, actions=actions,
                                                     condition=model.version == document.version)
            except UpdateError as exc:
                if not is_condition_failure(exc):
                    raise
                continue
            changed += 1
    return changed
