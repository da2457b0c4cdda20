"""Exchange rates (issue 16, part X): `T#<tid>` / `FXRATE#<currency>-<date>` (one per currency and day).

The sort key orders a tenant's rates by currency, then date: the rate a document takes (the latest on or
before its date) is one query, `FXRATE#<cur>-` .. `FXRATE#<cur>-<day>` descending, limit 1 (`rate_on`).
"""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import UnicodeAttribute

from ledgerline.domain.query import normalise
from ledgerline.store.attributes import DateAttribute, DecimalAttribute
from ledgerline.store.query import moment_key
from ledgerline.store.records import TenantRecord, tenant_partition
from ledgerline.store.table import connection


class ExchangeRate(TenantRecord):
    PREFIX = "FXRATE"
    NOUN = "exchange rate"

    currency = UnicodeAttribute()
    date = DateAttribute()
    rate = DecimalAttribute()  # base currency units per unit of `currency`
    source = UnicodeAttribute()
    search_source = UnicodeAttribute(null=True)  # issue 18 (part Q2): the casefolded copy for search

    LIST = "FXRATES"

    def assign_keys(self) -> None:
        """Its record key (by currency, then date), and issue 18's indexes: GSI4 by currency, then date (the
        `currency=` lookup, ties by date then id), GSI5 by `updated_at` (changes), GSI6 by date."""
        super().assign_keys()
        self.search_source = normalise(self.source) or None
        self.gsi4pk = self.index_partition(self.tenant_id, "CURRENCY")
        self.gsi4sk = f"{self.currency}#{self.date.isoformat()}#{self.id}"
        self.gsi5pk, self.gsi5sk = (self.index_partition(self.tenant_id, "UPDATED"),
                                    f"{moment_key(self.updated_at)}#{self.id}")
        self.gsi6pk, self.gsi6sk = self.index_partition(self.tenant_id, "DATE"), f"{self.date.isoformat()}#{self.id}"

    @classmethod
    def index_partition(cls, tenant_id: str, name: str) -> str:
        """A partition of one of issue 18's indexes: `T#<tid>#FXRATES#<name>`."""
        return f"{tenant_partition(tenant_id)}#{cls.LIST}#{name}"


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
