"""Payment reminders: in their invoice's partition, one slot per dunning level.

- reminder  `T#<tid>#INV#<invoice id>` / `REMINDER#<level, 2 digits>`; GSI1 `T#<tid>#REMINDERS` /
            `<date>#<id>` lists a tenant's reminders by date (withdrawn ones leave the index).
- pointer   `T#<tid>` / `REMINDER#<reminder id>`: which invoice and level a reminder id is, written in the
            same transaction, so `/v1/reminders/{id}` is two consistent reads.

The slot key makes "at most one reminder per level" a condition of the write: two runs of the job
(or a run and a user) racing for the same level cannot both create it. A withdrawn (deleted) reminder
keeps its slot, so the job does not create that level again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from ledgerline.domain.errors import NotFound
from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import Invoice
from ledgerline.store.records import Page, TenantRecord, check_start_key, dated_between, page_of, tenant_partition
from ledgerline.store.table import TableModel, connection


class Reminder(TenantRecord):
    PREFIX = "REMINDER"
    NOUN = "reminder"

    invoice_id = UnicodeAttribute()
    invoice_number = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    level = NumberAttribute()
    title = UnicodeAttribute()
    message = UnicodeAttribute()
    date = DateAttribute()
    pay_by = DateAttribute()
    currency = UnicodeAttribute()
    invoice_date = DateAttribute()
    invoice_due_date = DateAttribute()
    invoice_total = DecimalAttribute()
    amount_paid = DecimalAttribute()
    amount_due = DecimalAttribute()
    fee = DecimalAttribute(null=True)
    fee_currency = UnicodeAttribute(null=True)
    fee_invoice_id = UnicodeAttribute(null=True)
    fee_invoice_number = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    deleted_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def partition(tenant_id: str, invoice_id: str) -> str:
        return Invoice.key(tenant_id, invoice_id)[0]

    @classmethod
    def slot(cls, tenant_id: str, invoice_id: str, level: int) -> tuple[str, str]:
        return cls.partition(tenant_id, invoice_id), f"{cls.PREFIX}#{level:02d}"

    @staticmethod
    def list_partition(tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#REMINDERS"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def withdrawn(self) -> bool:
        return self.deleted_at is not None

    def assign_keys(self) -> None:
        self.pk, self.sk = self.slot(self.tenant_id, self.invoice_id, self.level)
        if self.withdrawn:
            self.gsi1pk = self.gsi1sk = None
        else:
            self.gsi1pk = self.list_partition(self.tenant_id)
            self.gsi1sk = f"{self.date.isoformat()}#{self.id}"


class ReminderPointer(TableModel):
    """Finds a reminder by its id alone."""

    invoice_id = UnicodeAttribute()
    level = NumberAttribute()

    @staticmethod
    def key(tenant_id: str, reminder_id: str) -> tuple[str, str]:
        return tenant_partition(tenant_id), f"{Reminder.PREFIX}#{reminder_id}"


def add_reminder(tx: TransactWrite, reminder: Reminder) -> None:
    """Claim the reminder's level for its invoice; the transaction fails if the level is taken."""
    reminder.assign_keys()
    tx.save(reminder, condition=TableModel.pk.does_not_exist())
    pointer = ReminderPointer(*ReminderPointer.key(reminder.tenant_id, reminder.id), invoice_id=reminder.invoice_id,
                              level=reminder.level)
    tx.save(pointer, condition=TableModel.pk.does_not_exist())


def reminders_of_invoice(tenant_id: str, invoice_id: str) -> list[Reminder]:
    """Every reminder of an invoice by level, withdrawn ones included (they hold their level)."""
    connection()
    return list(Reminder.query(
        Reminder.partition(tenant_id, invoice_id),
        Reminder.sk.startswith(f"{Reminder.PREFIX}#"),
        consistent_read=True,
    ))


def find_reminder(tenant_id: str, reminder_id: str) -> Reminder:
    """The reminder with this id, or NotFound (also when withdrawn, or another tenant's: the pointer is
    looked up in this tenant's partition)."""
    connection()
    missing = NotFound(f"No such reminder: '{reminder_id}'", param="id")
    try:
        pointer = ReminderPointer.get(*ReminderPointer.key(tenant_id, reminder_id), consistent_read=True)
        reminder = Reminder.get(*Reminder.slot(tenant_id, pointer.invoice_id, int(pointer.level)),
                                consistent_read=True)
    except DoesNotExist as exc:
        raise missing from exc
    if reminder.id != reminder_id or reminder.withdrawn:
        raise missing
    return reminder


def list_reminders(
    tenant_id: str,
    *,
    is_sent: bool | None,
    from_date: date | None,
    to_date: date | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page[Reminder]:
    """A tenant's reminders by date, oldest first; `is_sent=False` is the list of reminders to send."""
    connection()
    partition = Reminder.list_partition(tenant_id)
    check_start_key(start_key, "GSI1PK", partition)
    condition: Condition | None = None
    if is_sent is not None:
        condition = Reminder.sent_at.exists() if is_sent else Reminder.sent_at.does_not_exist()
    dates = dated_between(Reminder.gsi1sk, from_date, to_date)
    if dates is None:
        return Page([], None)
    results = Reminder.gsi1.query(
        partition,
        dates,
        filter_condition=condition,
        limit=limit + 1,
        last_evaluated_key=start_key,
    )
    return page_of(results, limit, index=Reminder.gsi1)
