"""E-invoice submissions (issue 17, item 6): `T#<tid>#EINV#<id>` / `DOC`.

GSI1 lists one document's submissions, oldest first: `T#<tid>#EINVOICES#<document id>` / `<queued at>#<id>`.
The sending worker claims a queued submission (its attempt counted) with a write conditional on its version,
so two deliveries of one `einvoice.queued` event do not both hand the document to the access point.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ledgerline.store.records import Page, TenantRecord, check_start_key, page_of, tenant_partition
from ledgerline.store.table import connection


class EInvoiceSubmission(TenantRecord):
    PREFIX = "EINV"
    NOUN = "e-invoice submission"

    document_type = UnicodeAttribute()  # invoice | credit_note
    document_id = UnicodeAttribute()
    document_number = UnicodeAttribute(null=True)
    channel = UnicodeAttribute()  # email | peppol
    format = UnicodeAttribute()
    receiver = UnicodeAttribute(null=True)  # peppol: the buyer's electronic address (BT-49)
    to = JSONAttribute(null=True)  # email: the recipients
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    email_id = UnicodeAttribute(null=True)  # email: the email that carries it
    transmission_id = UnicodeAttribute(null=True)  # peppol: the access point's id
    response = UnicodeAttribute(null=True)  # the receiver's or access point's answer
    findings = JSONAttribute(null=True)  # rejected: the failed rules [{id, severity, location, text}]
    error = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    delivered_at = UTCDateTimeAttribute(null=True)
    rejected_at = UTCDateTimeAttribute(null=True)
    failed_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, record_id: str) -> tuple[str, str]:
        return f"{tenant_partition(tenant_id)}#{cls.PREFIX}#{record_id}", "DOC"

    @staticmethod
    def list_partition(tenant_id: str, document_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#EINVOICES#{document_id}"

    def assign_keys(self) -> None:
        super().assign_keys()
        self.gsi1pk = self.list_partition(self.tenant_id, self.document_id)
        self.gsi1sk = f"{self.created_at.isoformat()}#{self.id}"


def list_submissions(tenant_id: str, document_id: str, *, limit: int, start_key: dict[str, Any] | None
                     ) -> Page[EInvoiceSubmission]:
    """A document's e-invoice submissions, oldest first (one GSI1 query)."""
    connection()
    partition = EInvoiceSubmission.list_partition(tenant_id, document_id)
    check_start_key(start_key, "GSI1PK", partition)
    results = EInvoiceSubmission.gsi1.query(partition, limit=limit + 1, last_evaluated_key=start_key)
    return page_of(results, limit, index=EInvoiceSubmission.gsi1)
