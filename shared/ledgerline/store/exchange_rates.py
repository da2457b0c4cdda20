"""Exchange rates (issue 16, part X): `T#<tid>` / `FXRATE#<currency>-<date>` (one per currency and day).

The sort key orders a tenant's rates by currency, then date: the rate a document takes (the latest on or
before its date) is one query, `FXRATE#<cur>-` .. `FXRATE#<cur>-<day>` descending, limit 1 (`rate_on`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.attributes import UnicodeAttribute

from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.records import Page, TenantRecord, check_start_key, page_of, tenant_partition
from ledgerline.store.table import connection


class ExchangeRate(TenantRecord):
    PREFIX = "FXRATE"
    NOUN = "exchange rate"

    currency = UnicodeAttribute()
    date = DateAttribute()
    rate = DecimalAttribute()  # base currency units per unit of `currency`
    source = UnicodeAttribute()


def _bounds(currency: str, from_date: date | None, to_date: date | None) -> tuple[str, str]:
    low = f"{ExchangeRate.PREFIX}#{currency}-{(from_date or date.min).isoformat()}"
    high = f"{ExchangeRate.PREFIX}#{currency}-{(to_date or date.max).isoformat()}"
    return low, high


def rate_on(tenant_id: str, currency: str, day: date) -> ExchangeRate | None:
    """The latest rate of `currency` on or before `day`: one query, descending, limit 1."""
    connection()
    low, high = _bounds(currency, None, day)
    for rate in ExchangeRate.query(tenant_partition(tenant_id), ExchangeRate.sk.between(low, high),
                                   scan_index_forward=False, limit=1, consistent_read=True):
        return rate
    return None


def list_exchange_rates(tenant_id: str, *, currency: str | None, from_date: date | None, to_date: date | None,
                        limit: int, start_key: dict[str, Any] | None) -> Page[ExchangeRate]:
    """By currency, then date; of one currency by its sort key, else every currency filtered by date."""
    connection()
    check_start_key(start_key, "PK", tenant_partition(tenant_id))
    if from_date and to_date and from_date > to_date:
        return Page([], None)
    if currency is not None:
        low, high = _bounds(currency, from_date, to_date)
        condition, filter_condition = ExchangeRate.sk.between(low, high), None
    else:
        condition = ExchangeRate.sk.startswith(f"{ExchangeRate.PREFIX}#")
        filter_condition = None
        if from_date is not None:
            filter_condition = ExchangeRate.date >= from_date
        if to_date is not None:
            upper = ExchangeRate.date <= to_date
            filter_condition = upper if filter_condition is None else filter_condition & upper
    results = ExchangeRate.query(tenant_partition(tenant_id), condition, filter_condition=filter_condition,
                                 limit=limit + 1, last_evaluated_key=start_key, consistent_read=True)
    return page_of(results, limit)
