"""`quote.expired` once per issue (issue 14, part L) on the in-memory unit of work; the daily job's read and
concurrency are in tests/integration/test_quote_expiry.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from ledgerline import clock
from ledgerline.domain.documents import quote as quote_rules
from ledgerline.domain.documents.quote import QuoteState
from ledgerline.services import quotes
from ledgerline.store.quotes import Quote

ISSUE = date.today()


def issued(books, days: int = 5) -> dict:
    made = quotes.create_draft(books.tenant_id, {
        "customer_id": books.customer_id, "issue_date": ISSUE, "valid_until": ISSUE + timedelta(days=days),
        "lines": [{"description": "Work", "quantity": D(1), "unit_price": D(100)}]})
    return quotes.issue(books.tenant_id, made["id"])


def on(day: date) -> clock.FixedClock:
    return clock.FixedClock(datetime.combine(day, datetime.min.time(), UTC))


def test_an_expired_quote_is_announced_once_and_leaves_the_index(books):
    made = issued(books)
    stored = books.table.load(Quote, books.tenant_id, made["id"])
    assert stored.gsi2pk == Quote.expiring_partition(books.tenant_id)
    last_day, after = ISSUE + timedelta(days=5), ISSUE + timedelta(days=6)
    assert quotes.announce_expiry(books.tenant_id, made["id"], last_day) is False  # still valid that day
    with clock.using(on(after)):
        assert quotes.announce_expiry(books.tenant_id, made["id"], after) is True
        assert quotes.announce_expiry(books.tenant_id, made["id"], after) is False
    stored = books.table.load(Quote, books.tenant_id, made["id"])
    assert (stored.status, stored.expiry_noted, stored.gsi2pk) == ("open", 1, None)
    assert books.table.event_types(books.tenant_id).count("quote.expired") == 1


def test_accepted_declined_and_draft_quotes_are_never_announced(books):
    accepted, declined = issued(books), issued(books)
    quotes.accept(books.tenant_id, accepted["id"])
    quotes.decline(books.tenant_id, declined["id"], None)
    after = ISSUE + timedelta(days=30)
    with clock.using(on(after)):
        for quote in (accepted, declined):
            assert quotes.announce_expiry(books.tenant_id, quote["id"], after) is False
            assert books.table.load(Quote, books.tenant_id, quote["id"]).gsi2pk is None
    assert "quote.expired" not in books.table.event_types(books.tenant_id)


@given(status=st.sampled_from(["draft", "open", "accepted", "declined", "converted"]),
       days=st.integers(-3, 3), issue=st.integers(1, 3), noted=st.integers(0, 3))
def test_expiry_is_due_only_for_an_open_quote_past_its_day_not_announced_for_its_issue(status, days, issue, noted):
    today = date(2030, 1, 10)
    due = quote_rules.expiry_due(QuoteState(status, today + timedelta(days=days), True), today, issue, noted)
    assert (due is not None) == (status == "open" and days < 0 and noted < issue)
