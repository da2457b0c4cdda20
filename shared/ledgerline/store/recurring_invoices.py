"""Recurring invoices: templates with a schedule, and one run item per period invoiced.

- template  `T#<tid>#RINV#<id>` / `DOC`; GSI1 `T#<tid>#RECURRING` / `<start date>#<id>` lists them;
            GSI2 `T#<tid>#RECURRING_DUE` / `<next run date>#<id>` only while active (sparse): the daily
            job's read of what is due (`due_recurring_invoices`).
- run       `T#<tid>#RINV#<id>` / `RUN#<period day>`: the invoice made for that day. Written with the invoice
            and the template's advance in one transaction, on condition that it does not exist (and the
            template on its version): two runs of the job for one period make one invoice. It is also the
            template's history (`runs_of`).
- issue 18 (part QA): GSI6 `T#<tid>#RECURRING#NEXT` / `<next run date or ~>#<id>` (every template; finished
            ones last), GSI5 `…#UPDATED` / `<updated_at>#<id>` (changes), GSI7 `…#REF` / `<casefolded
            reference>#<id>` (sparse: the lookup); the top-level `start_date` copy of the schedule's and the
            casefolded `search_customer_name` / `search_reference` the planner filters and searches on
            (`store/lists.RECURRING_INVOICE_LIST`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from ledgerline.domain.documents.recurring_invoice import RecurringStatus
from ledgerline.domain.query import normalise
from ledgerline.domain.recurrence import Interval, Schedule
from ledgerline.store.attributes import DateAttribute
from ledgerline.store.documents import DocumentRecord, Invoice
from ledgerline.store.query import moment_key
from ledgerline.store.records import Page, check_start_key, page_of, tenant_partition
from ledgerline.store.table import TableModel, connection


class ScheduleAttribute(MapAttribute):
    interval = UnicodeAttribute()
    every = NumberAttribute()
    day_of_month = UnicodeAttribute(null=True)  # "1"…"31" or "last"
    start_date = DateAttribute()
    end_date = DateAttribute(null=True)
    count = NumberAttribute(null=True)

    def rule(self) -> Schedule:
        day = self.day_of_month
        return Schedule(Interval(self.interval), int(self.every), self.start_date,
                        day if day in (None, "last") else int(day), self.end_date,
                        None if self.count is None else int(self.count))

    @classmethod
    def of(cls, schedule: Schedule) -> ScheduleAttribute:
        day = schedule.day_of_month
        return cls(interval=schedule.interval.value, every=schedule.every,
                   day_of_month=None if day is None else str(day), start_date=schedule.start_date,
                   end_date=schedule.end_date, count=schedule.count)


class RecurringInvoice(DocumentRecord):
    PREFIX = "RINV"
    LIST = "RECURRING"
    NOUN = "recurring invoice"

    status = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    currency = UnicodeAttribute()
    exchange_rate = UnicodeAttribute(null=True)
    payment_terms_days = NumberAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    prices_include_tax = BooleanAttribute(null=True)
    lines = JSONAttribute()  # the invoice lines as the API takes them (JSON), priced at each run
    # or, instead of lines ([] then), rich positions with allowances and charges as the API takes them (JSON)
    positions = JSONAttribute(null=True)
    allowances = JSONAttribute(null=True)
    charges = JSONAttribute(null=True)
    schedule = ScheduleAttribute()
    auto_post = BooleanAttribute()
    auto_send = BooleanAttribute()
    period = NumberAttribute()  # the next period to invoice (0-based)
    next_run_date = DateAttribute(null=True)
    last_run_date = DateAttribute(null=True)
    invoices_created = NumberAttribute()
    # Issue 18 (part QA): what the query planner filters, sorts and searches on, set by `assign_keys`
    start_date = DateAttribute(null=True)  # the schedule's start date, top level
    search_customer_name = UnicodeAttribute(null=True)
    search_reference = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.schedule.start_date

    @staticmethod
    def due_partition(tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#RECURRING_DUE"

    def assign_keys(self) -> None:
        super().assign_keys()
        if self.status == RecurringStatus.ACTIVE and self.next_run_date is not None:
            self.gsi2pk = self.due_partition(self.tenant_id)
            self.gsi2sk = f"{self.next_run_date.isoformat()}#{self.id}"
        else:
            self.gsi2pk = self.gsi2sk = None
        self.assign_query_keys()

    def assign_query_keys(self) -> None:
        """Issue 18's indexes (`store/lists.RECURRING_INVOICE_LIST`): by next run date (GSI6; finished ones,
        with none, last), by `updated_at` (GSI5), by casefolded reference (GSI7, sparse), and the top-level
        copies the planner reads. Maintained by DynamoDB with every write (each goes through `assign_keys`)."""
        tenant_id = self.tenant_id
        self.start_date = self.schedule.start_date
        self.search_customer_name = normalise(self.customer_name) or None
        self.search_reference = normalise(self.reference) or None
        next_run = self.next_run_date.isoformat() if self.next_run_date is not None else "~"
        self.gsi6pk, self.gsi6sk = self.index_partition(tenant_id, "NEXT"), f"{next_run}#{self.id}"
        self.gsi5pk = self.index_partition(tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"
        self.gsi7pk, self.gsi7sk = ((self.index_partition(tenant_id, "REF"), f"{self.search_reference}#{self.id}")
                                    if self.search_reference else (None, None))


class RecurringRun(TableModel):
    """The invoice a template made for one period's day (its guard and its history)."""

    NOUN = "recurring invoice run"

    tenant_id = UnicodeAttribute()
    recurring_invoice_id = UnicodeAttribute()
    period = NumberAttribute()
    date = DateAttribute()
    invoice_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(tenant_id: str, recurring_invoice_id: str, day: date) -> tuple[str, str]:
        return RecurringInvoice.key(tenant_id, recurring_invoice_id)[0], f"RUN#{day.isoformat()}"

    def assign_keys(self) -> None:
        self.pk, self.sk = self.key(self.tenant_id, self.recurring_invoice_id, self.date)


def due_recurring_invoices(tenant_id: str, day: date, *, limit: int,
                           start_key: dict[str, Any] | None) -> Page[RecurringInvoice]:
    """Active templates whose next run is on or before `day`, from the sparse due index."""
    connection()
    partition = RecurringInvoice.due_partition(tenant_id)
    check_start_key(start_key, "GSI2PK", partition)
    results = RecurringInvoice.gsi2.query(partition, RecurringInvoice.gsi2sk < f"{day.isoformat()}#~",
                                          limit=limit + 1, last_evaluated_key=start_key)
    return page_of(results, limit, index=RecurringInvoice.gsi2)


def runs_of(tenant_id: str, recurring_invoice_id: str, *, limit: int,
            start_key: dict[str, Any] | None) -> Page[RecurringRun]:
    """A template's runs by period day, oldest first."""
    connection()
    partition = RecurringInvoice.key(tenant_id, recurring_invoice_id)[0]
    check_start_key(start_key, "PK", partition)
    results = RecurringRun.query(partition, RecurringRun.sk.startswith("RUN#"), limit=limit + 1,
                                 last_evaluated_key=start_key, consistent_read=True)
    return page_of(results, limit)


def invoices_by_id(tenant_id: str, invoice_ids: list[str]) -> dict[str, Invoice]:
    """The invoices that still exist among `invoice_ids` (a draft may have been deleted), one BatchGetItem."""
    connection()
    keys = [Invoice.key(tenant_id, invoice_id) for invoice_id in invoice_ids]
    return {invoice.id: invoice for invoice in Invoice.batch_get(keys, consistent_read=True)}

