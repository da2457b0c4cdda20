"""Payment runs (issue 16, item 4): `T#<tid>#PRUN#<id>` / `DOC`, listed by execution date through GSI1
(`T#<tid>#PAYMENTRUNS` / `<date>#<id>`). Each scheduled transfer is a map on the run (one bill each); the
pain.001 file is in the blob store (`file_key`, with its SHA-256)."""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ledgerline.domain.query import normalise
from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentRecord
from ledgerline.store.query import moment_key


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

    # Issue 18 (part QA): the casefolded message id for search (`store/lists.PAYMENT_RUN_LIST`)
    search_message_id = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.execution_date

    def assign_keys(self) -> None:
        """Its list key (GSI1 by execution date) and issue 18's: by `updated_at` (GSI5) and the searchable copy.
        Every write of a run (create, cancel, each booking) goes through the unit of work, which calls this."""
        super().assign_keys()
        self.search_message_id = normalise(self.message_id) or None
        self.gsi5pk = self.index_partition(self.tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"
