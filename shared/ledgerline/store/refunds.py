"""Refunds: customer credit paid back out, one partition per refund, `T#<tid>#RFD#<id>` / `DOC`.

GSI1 lists a tenant's refunds by date (`T#<tid>#REFUNDS` / `<date>#<id>`), like the other documents.
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute

from ledgerline.store.attributes import DecimalAttribute
from ledgerline.store.documents import MoneyMovement


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

