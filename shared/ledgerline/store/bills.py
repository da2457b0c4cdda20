"""Supplier bills (issue 15): one partition per bill, `T#<tid>#BILL#<id>` / `DOC`.

GSI1 lists a tenant's bills by bill date (`T#<tid>#BILLS` / `<bill date>#<id>`). GSI2 is the open-bills
index, the mirror of the open-invoices index: open bills by due date (`T#<tid>#OPENBILLS` / `<due date>#<id>`)
and closed ones, paid or voided, by the day they closed for good (`T#<tid>#CLOSEDBILLS` / `<closed on>#<id>`),
so aged payables at a past date read what is open now plus what closed after that date. GSI3 holds a
supplier's open bills (`T#<tid>#SUPP#<party>` / `BILL#<due date>#<id>`), what supplier payments allocate to.

A supplier's invoice number (`supplier_reference`) is unique per supplier: a guard item
`T#<tid>` / `BILLREF_CODE#<supplier id>#<reference>` written with the bill on condition that it does not
exist (the way codes are claimed: store/codes.py).
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
from pynamodb.expressions.condition import Condition

from ledgerline.domain.documents import bill as bill_rules
from ledgerline.domain.documents import invoice as invoice_rules
from ledgerline.domain.query import normalise
from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.codes import CodeGuard
from ledgerline.store.documents import (
    DocumentLine,
    DocumentRecord,
    Movement,
    TaxSubtotal,
    assign_ordered_query_keys,
)
from ledgerline.store.query import moment_key
from ledgerline.store.records import Page, check_start_key, page_of, tenant_partition
from ledgerline.store.table import connection

REFERENCE_GUARD = "BILLREF"
EINVOICE_GUARD = "BILLEINV"  # issue 17: one bill per imported e-invoice file (its SHA-256)


class StockReceipt(MapAttribute):  # type: ignore[type-arg]
    """What a posted bill put into stock (issue 19): the quantity and value of one item at one location,
    taken back out exactly when the bill is voided."""

    item_id = UnicodeAttribute()
    location_id = UnicodeAttribute()
    quantity = DecimalAttribute()
    value = DecimalAttribute()
    returned = DecimalAttribute(null=True)  # sent back on supplier credit notes since (issue 19; absent: none)


class PurchaseTaxSubtotal(TaxSubtotal):
    """A bill's tax per code with what posting needs of the code as it was priced: the input and output
    (self-assessed) tax accounts, the recoverable percent and the VAT category (AE: reverse charge, whose
    `tax_amount` is the self-assessed tax while the bill charges none)."""

    input_account_id = UnicodeAttribute()
    output_account_id = UnicodeAttribute()
    recoverable_percent = DecimalAttribute()
    category = UnicodeAttribute()
    # the taxable of its lines on fixed-asset accounts: their input tax is on investments (CH box 405); absent on
    # documents priced before, whose input tax is all on material and services
    investment_taxable = DecimalAttribute(null=True)


class PricedPurchase(DocumentRecord):
    """What bills and expenses share: priced lines with input tax and their totals, in a currency at a rate
    (the purchase-side mirror of store/documents.PricedDocument)."""

    status = UnicodeAttribute()
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    exchange_rate_id = UnicodeAttribute(null=True)  # the rate record it took (issue 16); None: given or base
    prices_include_tax = BooleanAttribute()
    notes = UnicodeAttribute(null=True)
    attachment_ids = ListAttribute(of=UnicodeAttribute, null=True)
    lines = ListAttribute(of=DocumentLine)
    tax_breakdown = ListAttribute(of=PurchaseTaxSubtotal)
    subtotal = DecimalAttribute()
    tax_total = DecimalAttribute()
    rounding_adjustment = DecimalAttribute()
    total = DecimalAttribute()
    # the positions as priced and the document-level allowances and charges, as on invoices (issue 14: see
    # store/documents.PricedDocument); none on purchases made of lines only
    positions = JSONAttribute(null=True)
    allowances = JSONAttribute(null=True)
    charges = JSONAttribute(null=True)


class Bill(PricedPurchase):
    PREFIX = "BILL"
    LIST = "BILLS"
    NOUN = "bill"

    number = UnicodeAttribute(null=True)
    supplier_id = UnicodeAttribute()
    supplier_name = UnicodeAttribute()
    supplier_reference = UnicodeAttribute()
    bill_date = DateAttribute()
    due_date = DateAttribute()
    amount_paid = DecimalAttribute()
    amount_credited = DecimalAttribute()
    amount_due = DecimalAttribute()
    scheduled_amount = DecimalAttribute(null=True)  # scheduled by payment runs, not yet booked (issue 16)
    base_total = DecimalAttribute(null=True)
    base_settled = DecimalAttribute(null=True)
    journal_entry_id = UnicodeAttribute(null=True)
    void_journal_entry_id = UnicodeAttribute(null=True)
    posted_at = UTCDateTimeAttribute(null=True)
    voided_at = UTCDateTimeAttribute(null=True)
    paid_at = UTCDateTimeAttribute(null=True)
    movements = ListAttribute(of=Movement, null=True)
    # A bill made from a purchase order (issue 15): the order, and the quantity it took of each order line
    # (decimal strings, one per line), given back when its draft is deleted or it is voided
    purchase_order_id = UnicodeAttribute(null=True)
    purchase_order_quantities = ListAttribute(of=UnicodeAttribute, null=True)
    stock_receipts = ListAttribute(of=StockReceipt, null=True)  # issue 19: what posting put into stock
    closed_on = DateAttribute(null=True)
    # The due date `bill.due_soon` was written for (once per due date; a new due date is announced again)
    due_soon_for = DateAttribute(null=True)
    # Imported from a supplier's e-invoice (issue 17 item 5): BT-10, BT-13, and the guard of the file's SHA-256
    buyer_reference = UnicodeAttribute(null=True)
    order_reference = UnicodeAttribute(null=True)
    einvoice_sha256 = UnicodeAttribute(null=True)

    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_number = UnicodeAttribute(null=True)
    search_supplier_name = UnicodeAttribute(null=True)
    search_supplier_reference = UnicodeAttribute(null=True)

    OPEN_STATUSES = bill_rules.BILL_OPEN_STATUSES
    CLOSED_STATUSES = bill_rules.BILL_CLOSED_STATUSES

    def list_date(self) -> date:
        return self.bill_date

    @classmethod
    def open_partition(cls, tenant_id: str) -> str:
        """GSI2's partition of open bills by due date."""
        return f"{tenant_partition(tenant_id)}#OPENBILLS"

    def assign_query_keys(self) -> None:
        """Issue 18's indexes (`store/lists.BILL_LIST`): by number (GSI4; drafts `~`, after every number), by
        `updated_at` (GSI5), by due date (GSI6), by casefolded supplier reference (GSI7), and the searchable
        copies. Maintained by DynamoDB with the write."""
        tenant_id = self.tenant_id
        self.search_number = normalise(self.number) or None
        self.search_supplier_name = normalise(self.supplier_name) or None
        self.search_supplier_reference = normalise(self.supplier_reference) or None
        self.gsi4pk, self.gsi4sk = self.index_partition(tenant_id, "NUMBER"), f"{self.number or '~'}#{self.id}"
        self.gsi5pk = self.index_partition(tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"
        self.gsi6pk, self.gsi6sk = self.index_partition(tenant_id, "DUE"), f"{self.due_date.isoformat()}#{self.id}"
        self.gsi7pk, self.gsi7sk = ((self.index_partition(tenant_id, "REF"),
                                     f"{self.search_supplier_reference}#{self.id}")
                                    if self.search_supplier_reference else (None, None))

    def assign_keys(self) -> None:
        super().assign_keys()
        partition = tenant_partition(self.tenant_id)
        is_open = self.status in self.OPEN_STATUSES
        if is_open:
            self.gsi2pk, self.gsi2sk = self.open_partition(self.tenant_id), f"{self.due_date.isoformat()}#{self.id}"
        elif self.status in self.CLOSED_STATUSES and self.closed_on is not None:
            self.gsi2pk, self.gsi2sk = f"{partition}#CLOSEDBILLS", f"{self.closed_on.isoformat()}#{self.id}"
        else:
            self.gsi2pk = self.gsi2sk = None
        if is_open:
            self.gsi3pk = supplier_items_partition(self.tenant_id, self.supplier_id)
            self.gsi3sk = f"BILL#{self.due_date.isoformat()}#{self.id}"
        else:
            self.gsi3pk = self.gsi3sk = None
        self.assign_query_keys()

    def reference_guard(self) -> CodeGuard:
        return reference_guard(self.tenant_id, self.supplier_id, self.supplier_reference, self.id)


def reference_guard(tenant_id: str, supplier_id: str, reference: str, bill_id: str = "") -> CodeGuard:
    """The item that holds a supplier's invoice number for one bill."""
    return CodeGuard.for_code(tenant_id, REFERENCE_GUARD, f"{supplier_id}#{reference}", bill_id)


def einvoice_guard(tenant_id: str, sha256: str, bill_id: str = "") -> CodeGuard:
    """The item that holds an imported e-invoice file (its SHA-256) for the bill it became (issue 17)."""
    return CodeGuard.for_code(tenant_id, EINVOICE_GUARD, sha256, bill_id)


def supplier_items_partition(tenant_id: str, supplier_id: str) -> str:
    return f"{tenant_partition(tenant_id)}#SUPP#{supplier_id}"


def open_bills_of_supplier(tenant_id: str, supplier_id: str) -> list[Bill]:
    """A supplier's open bills by due date (GSI3; eventually consistent: callers that move money re-read
    each bill they use)."""
    connection()
    return list(Bill.gsi3.query(supplier_items_partition(tenant_id, supplier_id)))


def open_bills(tenant_id: str, *, currency: str, limit: int = 1000) -> list[Bill]:
    """The tenant's open bills in `currency` (the open-bills index, oldest due date first): what reconciliation
    suggests a money-out bank transaction pays. Eventually consistent: matching re-reads each bill it pays."""
    connection()
    return list(Bill.gsi2.query(f"{tenant_partition(tenant_id)}#OPENBILLS", filter_condition=Bill.currency == currency,
                                limit=limit))


def open_bills_due_before(tenant_id: str, day: date, *, limit: int, start_key: dict[str, Any] | None) -> Page[Bill]:
    """Open bills whose due date is before `day`, from the sparse open-bills index."""
    connection()
    partition = f"{tenant_partition(tenant_id)}#OPENBILLS"
    check_start_key(start_key, "GSI2PK", partition)
    results = Bill.gsi2.query(partition, Bill.gsi2sk < day.isoformat(), limit=limit + 1, last_evaluated_key=start_key)
    return page_of(results, limit, index=Bill.gsi2)


def open_bills_due_between(tenant_id: str, first: date, last: date) -> list[Bill]:
    """Open bills due from `first` to `last` (both included), by due date, from the open-bills index."""
    connection()
    partition = f"{tenant_partition(tenant_id)}#OPENBILLS"
    return list(Bill.gsi2.query(partition, Bill.gsi2sk.between(first.isoformat(), f"{last.isoformat()}#~")))


def bills_open_at(tenant_id: str, day: date) -> Iterator[Bill]:
    """Every bill that may have owed something at the end of `day`: those open now and those closed after
    `day`, dated on or before it (two GSI2 queries, as `documents.invoices_open_at`)."""
    connection()
    dated = Bill.bill_date <= day
    partition = tenant_partition(tenant_id)
    yield from Bill.gsi2.query(f"{partition}#OPENBILLS", filter_condition=dated)
    yield from Bill.gsi2.query(f"{partition}#CLOSEDBILLS", Bill.gsi2sk > f"{day.isoformat()}#~",
                               filter_condition=dated)


def bill_status_condition(statuses: frozenset[str], today: date) -> Condition:
    """`bill_rules.effective_status` as a filter, for a non-empty set of statuses as the API shows them (open
    and past due reads overdue, as for invoices)."""
    cutoff = invoice_rules.overdue_cutoff(today)
    past_due = (Bill.due_date < cutoff) & (Bill.amount_due > 0)
    is_open = Bill.status.is_in(*Bill.OPEN_STATUSES)
    wanted = set(statuses)
    if set(Bill.OPEN_STATUSES) <= wanted:
        by_status: list[Condition] = [is_open]
    else:
        by_status = [is_open & past_due] if bill_rules.BillStatus.OVERDUE in wanted else []
        if bill_rules.BillStatus.AWAITING_PAYMENT in wanted:
            by_status.append(is_open & ((Bill.due_date >= cutoff) | (Bill.amount_due <= 0)))
    closed = sorted(wanted - set(Bill.OPEN_STATUSES))
    if closed:
        by_status.append(Bill.status.is_in(*closed))
    either = by_status[0]
    for other in by_status[1:]:
        either = either | other
    return either


class Expense(PricedPurchase):
    """An expense (issue 15): a purchase paid at once, posted when it is created. `T#<tid>#EXP#<id>` / `DOC`,
    listed by date through GSI1 (`T#<tid>#EXPENSES` / `<date>#<id>`)."""

    PREFIX = "EXP"
    LIST = "EXPENSES"
    NOUN = "expense"

    supplier_id = UnicodeAttribute(null=True)
    payee_name = UnicodeAttribute()
    date = DateAttribute()
    paid_from_account_id = UnicodeAttribute()
    reference = UnicodeAttribute(null=True)
    journal_entry_id = UnicodeAttribute()
    reversal_journal_entry_id = UnicodeAttribute(null=True)
    reversed_at = UTCDateTimeAttribute(null=True)
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_reference = UnicodeAttribute(null=True)
    search_payee_name = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.date

    def assign_keys(self) -> None:
        super().assign_keys()
        assign_ordered_query_keys(self, "payee", numbered=False)  # issue 18: `store/lists.EXPENSE_LIST`


# ----------------------------------------------------------------------------- supplier payments


class BillAllocation(MapAttribute):
    """Part of a supplier payment applied to one bill (the mirror of a receipt's `Allocation`)."""

    bill_id = UnicodeAttribute()
    bill_number = UnicodeAttribute()
    amount = DecimalAttribute()
    base_amount = DecimalAttribute()
    date = DateAttribute()
    journal_entry_id = UnicodeAttribute()


class SupplierPayment(DocumentRecord):
    """A supplier payment (issue 15): money out of a bank or cash account, allocated to posted bills; what is
    not allocated is a supplier prepayment (1400). `T#<tid>#SPAY#<id>` / `DOC`, listed by date through GSI1
    (`T#<tid>#SUPPLIERPAYMENTS` / `<date>#<id>`)."""

    PREFIX = "SPAY"
    LIST = "SUPPLIERPAYMENTS"
    NOUN = "supplier payment"

    status = UnicodeAttribute()
    supplier_id = UnicodeAttribute()
    supplier_name = UnicodeAttribute()
    date = DateAttribute()
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    account_id = UnicodeAttribute()
    reference = UnicodeAttribute(null=True)
    allocations = ListAttribute(of=BillAllocation)
    allocated_amount = DecimalAttribute()
    unallocated_amount = DecimalAttribute()
    unallocated_base = DecimalAttribute(null=True)  # the prepayment booked, in the base currency
    refunded_amount = DecimalAttribute(null=True)  # prepayment the supplier paid back
    journal_entry_ids = ListAttribute(of=UnicodeAttribute)
    reversal_journal_entry_id = UnicodeAttribute(null=True)
    reversed_at = UTCDateTimeAttribute(null=True)
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_reference = UnicodeAttribute(null=True)
    search_supplier_name = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.date

    def assign_keys(self) -> None:
        super().assign_keys()
        assign_ordered_query_keys(self, "supplier", numbered=False)  # issue 18: `store/lists.payment_list`


# -------------------------------------------------------------------------- supplier credit notes


class SupplierCreditNote(DocumentRecord):
    """A supplier credit note (issue 15): a posted bill credited by lines or a net amount, posted on creation;
    what exceeds the bill's amount due is a supplier prepayment. `T#<tid>#SCN#<id>` / `DOC`, listed by date
    through GSI1 (`T#<tid>#SUPPLIERCREDITNOTES` / `<date>#<id>`)."""

    PREFIX = "SCN"
    LIST = "SUPPLIERCREDITNOTES"
    NOUN = "supplier credit note"

    status = UnicodeAttribute()
    bill_id = UnicodeAttribute()
    bill_number = UnicodeAttribute()
    supplier_id = UnicodeAttribute()
    supplier_name = UnicodeAttribute()
    supplier_reference = UnicodeAttribute(null=True)
    date = DateAttribute()
    reason = UnicodeAttribute(null=True)
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    lines = ListAttribute(of=DocumentLine)
    tax_breakdown = ListAttribute(of=PurchaseTaxSubtotal)
    subtotal = DecimalAttribute()
    tax_total = DecimalAttribute()
    rounding_adjustment = DecimalAttribute()
    total = DecimalAttribute()
    applied_amount = DecimalAttribute()
    unallocated_amount = DecimalAttribute()
    journal_entry_id = UnicodeAttribute()
    # its excess used later, the same way as a supplier payment's prepayment (absent on notes made before)
    allocations = ListAttribute(of=BillAllocation, null=True)  # applied to the supplier's other bills
    allocated_amount = DecimalAttribute(null=True)
    unallocated_base = DecimalAttribute(null=True)  # the excess held on 1400, in the base currency
    refunded_amount = DecimalAttribute(null=True)  # excess the supplier paid back
    journal_entry_ids = ListAttribute(of=UnicodeAttribute, null=True)  # its own entry, then allocations', refunds'
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_supplier_reference = UnicodeAttribute(null=True)
    search_supplier_name = UnicodeAttribute(null=True)
    search_bill_number = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.date

    def assign_keys(self) -> None:
        super().assign_keys()
        self.assign_query_keys()

    def assign_query_keys(self) -> None:
        """Issue 18's indexes (`store/lists.SUPPLIER_CREDIT_NOTE_LIST`): by `updated_at` (GSI5), by casefolded
        supplier reference (GSI7, sparse), and the searchable copies. It has no number of its own."""
        tenant_id = self.tenant_id
        self.search_supplier_reference = normalise(self.supplier_reference) or None
        self.search_supplier_name = normalise(self.supplier_name) or None
        self.search_bill_number = normalise(self.bill_number) or None
        self.gsi5pk = self.index_partition(tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"
        reference = self.search_supplier_reference
        self.gsi7pk, self.gsi7sk = ((self.index_partition(tenant_id, "REF"), f"{reference}#{self.id}") if reference
                                    else (None, None))
