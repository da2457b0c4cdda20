"""Refunds: customer credit paid back out, one partition per refund, `T#<tid>#RFD#<id>` / `DOC`.

GSI1 lists a tenant's refunds by date (`T#<tid>#REFUNDS` / `<date>#<id>`), like the other documents.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition

from ledgerline.store.attributes import DecimalAttribute
from ledgerline.store.documents import MoneyMovement, dated_documents
from ledgerline.store.records import Page


class RefundSource(MapAttribute):
    """Credit a refund took from one receipt or credit note, in the credit's currency and in the base
    currency at the rate the credit was booked at."""

    source_type = UnicodeAttribute()
    source_id = UnicodeAttribute()
    amount = DecimalAttribute()
    base_amount = DecimalAttribute()


class Refund(MoneyMovement):
    PREFIX = "RFD"
    LIST = "REFUNDS"
    NOUN = "refund"

    receipt_id = UnicodeAttribute(null=True)
    credit_note_id = UnicodeAttribute(null=True)
    sources = ListAttribute(of=RefundSource)
    journal_entry_id = UnicodeAttribute()


def list_refunds(
    tenant_id: str,
    *,
    customer_id: str | None,
    status: str | None,
    from_date: date | None,
    to_date: date | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page[Refund]:
    """Refunds by date, of one customer and one status when given (filters on the date range GSI1 reads)."""
    condition: Condition | None = None
    if customer_id is not None:
        condition = Refund.customer_id == customer_id
    if status is not None:
        condition = Refund.status == status if condition is None else condition & (Refund.status == status)
    return dated_documents(Refund, tenant_id, from_date=from_date, to_date=to_date, filter_condition=condition,
                           limit=limit, start_key=start_key)
