"""Revaluations (issue 16, part X): `T#<tid>` / `REVAL#<YYYY-MM>`, one per period: what was revalued at the
period's end, by how much, and the entry and its reversal (created with them, in their transaction)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.records import TenantRecord


class Revaluation(TenantRecord):
    PREFIX = "REVAL"
    NOUN = "revaluation"

    period = UnicodeAttribute()  # YYYY-MM; also the id
    as_of = DateAttribute()  # the period's last day: the rates' day and the entry's date
    reversal_date = DateAttribute()  # the next period's first day
    currency = UnicodeAttribute()  # the base currency
    rates = JSONAttribute()  # {currency: {"rate": "1.7", "exchange_rate_id": "EUR-2026-01-31"}}
    items = JSONAttribute()  # [{kind, id, label, account_id, currency, amount, carried_base, rate, revalued_base,
    #                           difference}], as strings
    gain = DecimalAttribute()
    loss = DecimalAttribute()
    net = DecimalAttribute()
    journal_entry_id = UnicodeAttribute(null=True)  # None: nothing to revalue
    reversal_journal_entry_id = UnicodeAttribute(null=True)
