"""VAT periods: `T#<tid>#VATP#<id>` / `DOC`; GSI1 lists a tenant's periods by their first day
(`T#<tid>#VATPERIODS` / `<from>#<id>`), like the documents. The tenant item keeps every period's range
and status too (`Tenant.vat_periods`), which is what the overlap check and the posting lock read."""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.expressions.condition import Condition

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.documents import DocumentRecord, dated_documents
from ledgerline.store.records import Page


class VatPeriod(DocumentRecord):
    PREFIX = "VATP"
    LIST = "VATPERIODS"
    NOUN = "VAT period"

    status = UnicodeAttribute()
    from_ = DateAttribute(attr_name="from_date")
    to = DateAttribute(attr_name="to_date")
    currency = UnicodeAttribute()
    output_tax = DecimalAttribute(null=True)
    input_tax = DecimalAttribute(null=True)
    net_payable = DecimalAttribute(null=True)
    journal_entry_id = UnicodeAttribute(null=True)
    reversal_journal_entry_id = UnicodeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    reopened_at = UTCDateTimeAttribute(null=True)

    def list_date(self) -> date:
        return self.from_


def list_vat_periods(tenant_id: str, *, status: str | None, from_date: date | None, to_date: date | None,
                     limit: int, start_key: dict[str, Any] | None) -> Page[VatPeriod]:
    """VAT periods by their first day (between `from_date` and `to_date` when given), of one status when given."""
    condition: Condition | None = VatPeriod.status == status if status is not None else None
    return dated_documents(VatPeriod, tenant_id, from_date=from_date, to_date=to_date, filter_condition=condition,
                           limit=limit, start_key=start_key)
