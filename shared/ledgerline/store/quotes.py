"""Quotes (issue 14): one partition per quote, `T#<tid>#QUO#<id>` / `DOC`, listed through GSI1 by issue date
(`T#<tid>#QUOTES` / `<issue date>#<id>`). A quote is a priced document with no ledger effect."""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.condition import Condition

from ledgerline.domain.documents import quote as quote_rules
from ledgerline.domain.query import normalise
from ledgerline.store.attributes import DateAttribute
from ledgerline.store.documents import DocumentRef, PricedDocument
from ledgerline.store.query import moment_key
from ledgerline.store.records import Page, check_start_key, page_of, tenant_partition
from ledgerline.store.table import connection


class Quote(PricedDocument):
    PREFIX = "QUO"
    LIST = "QUOTES"
    NOUN = "quote"

    issue_date = DateAttribute()
    valid_until = DateAttribute()
    reference = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    prices_include_tax = BooleanAttribute()
    issued_at = UTCDateTimeAttribute(null=True)
    issue_count = NumberAttribute(null=True)  # times issued (its PDF is rendered once per issue)
    accepted_at = UTCDateTimeAttribute(null=True)
    declined_at = UTCDateTimeAttribute(null=True)
    decline_reason = UnicodeAttribute(null=True)
    converted_at = UTCDateTimeAttribute(null=True)
    converted_to = ListAttribute(of=DocumentRef, null=True)
    # The issue (`issue_count`) whose expiry `quote.expired` announced. While an open quote's current issue
    # is not announced, it is in the sparse GSI2 partition `T#<tid>#QUOTES_EXPIRING` by `<valid_until>#<id>`,
    # which the daily job reads (`expiring_quotes`).
    expiry_noted = NumberAttribute(null=True)
    # Issue 18: casefolded copies of the searchable text (`domain/query.normalise`).
    search_number = UnicodeAttribute(null=True)
    search_reference = UnicodeAttribute(null=True)
    search_customer_name = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.issue_date

    @staticmethod
    def expiring_partition(tenant_id: str) -> str:
        return f"{tenant_partition(tenant_id)}#QUOTES_EXPIRING"

    def assign_keys(self) -> None:
        super().assign_keys()
        if self.status == quote_rules.QuoteStatus.OPEN and (self.expiry_noted or 0) < (self.issue_count or 1):
            self.gsi2pk = self.expiring_partition(self.tenant_id)
            self.gsi2sk = f"{self.valid_until.isoformat()}#{self.id}"
        else:
            self.gsi2pk = self.gsi2sk = None
        self.assign_query_keys()

    def assign_query_keys(self) -> None:
        """Issue 18's indexes (`store/lists.QUOTE_LIST`): by number (GSI4; drafts `~`), by `updated_at` (GSI5),
        by `valid_until` (GSI6), by casefolded reference (GSI7, sparse), and the searchable copies."""
        tenant_id = self.tenant_id
        self.search_number = normalise(self.number) or None
        self.search_reference = normalise(self.reference) or None
        self.search_customer_name = normalise(self.customer_name) or None
        self.gsi4pk, self.gsi4sk = self.index_partition(tenant_id, "NUMBER"), f"{self.number or '~'}#{self.id}"
        self.gsi5pk = self.index_partition(tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"
        self.gsi6pk = self.index_partition(tenant_id, "DUE")
        self.gsi6sk = f"{self.valid_until.isoformat()}#{self.id}"
        self.gsi7pk, self.gsi7sk = ((self.index_partition(tenant_id, "REF"), f"{self.search_reference}#{self.id}")
                                    if self.search_reference else (None, None))


def quote_status_condition(statuses: frozenset[str], today: date) -> Condition:
    """`quote_rules.effective_status` as a filter, for a non-empty set of statuses as the API shows them
    (`expired`: open and past `valid_until`)."""
    wanted = set(statuses)
    expired, open_ = quote_rules.QuoteStatus.EXPIRED.value, quote_rules.QuoteStatus.OPEN.value
    by_status: list[Condition] = []
    if expired in wanted and open_ in wanted:
        by_status.append(Quote.status == open_)
    elif expired in wanted:
        by_status.append((Quote.status == open_) & (Quote.valid_until < today))
    elif open_ in wanted:
        by_status.append((Quote.status == open_) & (Quote.valid_until >= today))
    others = sorted(wanted - {expired, open_})
    if others:
        by_status.append(Quote.status.is_in(*others))
    either = by_status[0]
    for other in by_status[1:]:
        either = either | other
    return either


def expiring_quotes(tenant_id: str, day: date, *, limit: int, start_key: dict[str, Any] | None) -> Page[Quote]:
    """Open quotes valid until before `day` whose expiry is not announced yet, from the sparse GSI2 partition
    (the daily job's read: no scan, and an announced quote leaves the partition)."""
    connection()
    partition = Quote.expiring_partition(tenant_id)
    check_start_key(start_key, "GSI2PK", partition)
    results = Quote.gsi2.query(partition, Quote.gsi2sk < day.isoformat(), limit=limit + 1,
                               last_evaluated_key=start_key)
    return page_of(results, limit, index=Quote.gsi2)
