"""Invoices, credit notes and receipts: one partition per document, `T#<tid>#<KIND>#<id>` / `DOC`.

GSI1 lists a tenant's documents of one kind by date; GSI2 holds only open invoices, by due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.condition import Condition

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.records import Page, TenantRecord, check_start_key, dated_between, page_of, tenant_partition
from ledgerline.store.table import connection


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

    def list_date(self) -> date:
        raise NotImplementedError

    def assign_keys(self) -> None:
        super().assign_keys()
        self.gsi1pk = self.list_partition(self.tenant_id)
        self.gsi1sk = f"{self.list_date().isoformat()}#{self.id}"


class PricedDocument(DocumentRecord):
    """What invoices and credit notes share: a customer, priced lines and their totals."""

    status = UnicodeAttribute()
    number = UnicodeAttribute(null=True)
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    lines = ListAttribute(of=DocumentLine)
    tax_breakdown = ListAttribute(of=TaxSubtotal)
    subtotal = DecimalAttribute()
    tax_total = DecimalAttribute()
    rounding_adjustment = DecimalAttribute()
    total = DecimalAttribute()


class Invoice(PricedDocument):
    PREFIX = "INV"
    LIST = "INVOICES"
    NOUN = "invoice"

    issue_date = DateAttribute()
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

    OPEN_STATUSES = ("awaiting_payment", "overdue")

    def list_date(self) -> date:
        return self.issue_date

    def assign_keys(self) -> None:
        super().assign_keys()
        if self.status in self.OPEN_STATUSES:
            self.gsi2pk = f"{tenant_partition(self.tenant_id)}#OPEN"
            self.gsi2sk = f"{self.due_date.isoformat()}#{self.id}"
        else:
            self.gsi2pk = self.gsi2sk = None


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
    journal_entry_id = UnicodeAttribute()

    def list_date(self) -> date:
        return self.date


class Allocation(MapAttribute):
    invoice_id = UnicodeAttribute()
    invoice_number = UnicodeAttribute()
    amount = DecimalAttribute()
    base_amount = DecimalAttribute()
    date = DateAttribute()
    journal_entry_id = UnicodeAttribute()


class Receipt(DocumentRecord):
    PREFIX = "RCT"
    LIST = "RECEIPTS"
    NOUN = "receipt"

    status = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    date = DateAttribute()
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    exchange_rate = DecimalAttribute()
    account_id = UnicodeAttribute()
    reference = UnicodeAttribute(null=True)
    allocations = ListAttribute(of=Allocation)
    allocated_amount = DecimalAttribute()
    unallocated_amount = DecimalAttribute()
    journal_entry_ids = ListAttribute(of=UnicodeAttribute)
    reversal_journal_entry_id = UnicodeAttribute(null=True)
    reversed_at = UTCDateTimeAttribute(null=True)

    def list_date(self) -> date:
        return self.date


def list_documents(
    model: type[DocumentRecord],
    tenant_id: str,
    *,
    from_date: date | None,
    to_date: date | None,
    filter_condition: Condition | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page[Any]:
    """A tenant's documents of one kind, oldest first, optionally within a date range."""
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


def list_invoices(
    tenant_id: str,
    *,
    statuses: Iterable[str] | None,
    customer_id: str | None,
    from_date: date | None,
    to_date: date | None,
    today: date,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page[Invoice]:
    """Invoices by issue date, of any of `statuses` (as the API shows them). `overdue` is read from the due
    date, as `InvoiceOut` does: an open invoice past its due date with money due is overdue before the
    reminders job has run, and one the job stored `overdue` that is not past due today is awaiting payment."""
    condition: Condition | None = None
    if customer_id is not None:
        condition = Invoice.customer_id == customer_id
    if statuses is not None:
        past_due = (Invoice.due_date < today) & (Invoice.amount_due > 0)
        is_open = Invoice.status.is_in(*Invoice.OPEN_STATUSES)
        wanted = set(statuses)
        if {"awaiting_payment", "overdue"} <= wanted:
            by_status: list[Condition] = [is_open]
        else:
            by_status = [is_open & past_due] if "overdue" in wanted else []
            if "awaiting_payment" in wanted:
                by_status.append(is_open & ((Invoice.due_date >= today) | (Invoice.amount_due <= 0)))
        closed = sorted(wanted - {"awaiting_payment", "overdue"})
        if closed:
            by_status.append(Invoice.status.is_in(*closed))
        either = by_status[0]
        for other in by_status[1:]:
            either = either | other
        condition = _and(condition, either)
    return list_documents(
        Invoice,
        tenant_id,
        from_date=from_date,
        to_date=to_date,
        filter_condition=condition,
        limit=limit,
        start_key=start_key,
    )


def _and(left: Condition | None, right: Condition) -> Condition:
    return right if left is None else left & right
