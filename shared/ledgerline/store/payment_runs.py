"""Payment runs (issue 16, item 4): `T#<tid>#PRUN#<id>` / `DOC`, listed by execution date through GSI1
(`T#<tid>#PAYMENTRUNS` / `<date>#<id>`). Each scheduled transfer is a map on the run (one bill each); the
pain.001 file is in the blob store (`file_key`, with its SHA-256)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.expressions.condition import Condition

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentRecord, dated_documents
from ledgerline.store.records import Page


class ScheduledPayment(MapAttribute):
    """One transfer of the run: `scheduled` until the statement books it (`booked`, with the supplier payment
    and the bank transaction), or `cancelled` with the run."""

    position = NumberAttribute()
    end_to_end_id = UnicodeAttribute()
    status = UnicodeAttribute()
    bill_id = UnicodeAttribute()
    bill_number = UnicodeAttribute(null=True)
    supplier_id = UnicodeAttribute()
    supplier_name = UnicodeAttribute()
    supplier_reference = UnicodeAttribute(null=True)
    amount = DecimalAttribute()
    creditor_iban = UnicodeAttribute()
    creditor_bic = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    reference_type = UnicodeAttribute(null=True)
    supplier_payment_id = UnicodeAttribute(null=True)
    bank_transaction_id = UnicodeAttribute(null=True)
    booked_on = DateAttribute(null=True)


class PaymentRun(DocumentRecord):
    PREFIX = "PRUN"
    LIST = "PAYMENTRUNS"
    NOUN = "payment run"

    status = UnicodeAttribute()  # scheduled | completed | cancelled
    bank_account_id = UnicodeAttribute()
    currency = UnicodeAttribute()
    execution_date = DateAttribute()
    due_by = DateAttribute(null=True)
    file_format = UnicodeAttribute()
    message_id = UnicodeAttribute()
    payments = ListAttribute(of=ScheduledPayment)
    supplier_ids = ListAttribute(of=UnicodeAttribute)  # the suppliers paid, for the list's filter
    total = DecimalAttribute()
    file_key = UnicodeAttribute()
    file_sha256 = UnicodeAttribute()
    file_size = NumberAttribute()
    cancelled_at = UTCDateTimeAttribute(null=True)
    completed_at = UTCDateTimeAttribute(null=True)

    def list_date(self) -> date:
        return self.execution_date


def list_payment_runs(tenant_id: str, *, statuses: Iterable[str] | None, bank_account_id: str | None,
                      supplier_id: str | None, from_date: date | None, to_date: date | None, limit: int,
                      start_key: dict[str, Any] | None) -> Page[PaymentRun]:
    """Payment runs by execution date, of any of `statuses`, from one bank account and paying one supplier
    when given."""
    condition: Condition | None = None
    if statuses is not None:
        condition = PaymentRun.status.is_in(*sorted(statuses))
    if bank_account_id is not None:
        wanted = PaymentRun.bank_account_id == bank_account_id
        condition = wanted if condition is None else condition & wanted
    if supplier_id is not None:
        paying = PaymentRun.supplier_ids.contains(supplier_id)
        condition = paying if condition is None else condition & paying
    return dated_documents(PaymentRun, tenant_id, from_date=from_date, to_date=to_date,
                           filter_condition=condition, limit=limit, start_key=start_key)
