"""Emails sent for documents (issue 14, part M): `T#<tid>#EMAIL#<id>` / `DOC`.

GSI1 lists one document's emails, oldest first: `T#<tid>#EMAILS#<document id>` / `<queued at>#<id>`.
The consumer that sends an email claims it (queued → sending) with a write conditional on its version, so
one send request is sent at most once however often its event is delivered.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ledgerline.store.records import Page, TenantRecord, check_start_key, page_of, tenant_partition
from ledgerline.store.table import connection


class Email(TenantRecord):
    PREFIX = "EMAIL"
    NOUN = "email"

    document_type = UnicodeAttribute()
    document_id = UnicodeAttribute()
    document_number = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    sender = UnicodeAttribute()
    to = ListAttribute(of=UnicodeAttribute)
    cc = ListAttribute(of=UnicodeAttribute, null=True)
    subject = UnicodeAttribute()
    message = UnicodeAttribute()
    attach_pdf = UnicodeAttribute()  # "true"/"false" (kept as text: the flag of the request)
    message_id = UnicodeAttribute()  # the Message-ID header (mail/mime.message_id)
    provider_message_id = UnicodeAttribute(null=True)  # SES's id, or the SMTP sink's
    error = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    bounced_at = UTCDateTimeAttribute(null=True)
    failed_at = UTCDateTimeAttribute(null=True)
    # E-invoice delivery by email (issue 17, item 6): the format attached beside the PDF, and the submission
    einvoice_format = UnicodeAttribute(null=True)
    submission_id = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, record_id: str) -> tuple[str, str]:
        return f"{tenant_partition(tenant_id)}#{cls.PREFIX}#{record_id}", "DOC"

    @staticmethod
    def list_partition(tenant_id: str, document_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#EMAILS#{document_id}"

    def assign_keys(self) -> None:
        super().assign_keys()
        self.gsi1pk = self.list_partition(self.tenant_id, self.document_id)
        self.gsi1sk = f"{self.created_at.isoformat()}#{self.id}"


def list_emails(tenant_id: str, document_id: str, *, limit: int, start_key: dict[str, Any] | None) -> Page[Email]:
    """A document's emails, oldest first (one GSI1 query)."""
    connection()
    partition = Email.list_partition(tenant_id, document_id)
    check_start_key(start_key, "GSI1PK", partition)
    results = Email.gsi1.query(partition, limit=limit + 1, last_evaluated_key=start_key)
    return page_of(results, limit, index=Email.gsi1)
