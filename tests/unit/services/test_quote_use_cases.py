"""Quotes' use cases on the in-memory unit of work (issue 14; the integration tier's test_quotes.py covers
DynamoDB Local)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from ledgerline import clock
from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import PreconditionFailed, ValidationFailed
from ledgerline.services import invoices, quotes
from ledgerline.store.documents import Invoice
from ledgerline.store.quotes import Quote

ISSUE = date.today()
YEAR = ISSUE.year


def draft(books, **fields):
    body = {"customer_id": books.customer_id, "issue_date": ISSUE,
            "lines": [{"description": "Work", "quantity": D(10), "unit_price": D(125),
                       "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}]}
    return quotes.create_draft(books.tenant_id, body | fields)


def test_create_prices_the_draft_as_an_invoice_and_writes_nothing_in_the_ledger(books):
    created = draft(books)
    stored = books.table.load(Quote, books.tenant_id, created["id"])
    assert (stored.status, stored.total, stored.tax_total, stored.number) == ("draft", D("1375"), D("125"), None)
    assert created["valid_until"] == str(ISSUE + timedelta(days=30)) and created["converted_to"] == []
    assert created["total"] == "1375.00"
    assert books.table.event_types(books.tenant_id) == ["quote.created"]
    assert books.balances() == {}


def test_valid_until_before_the_issue_date_is_refused_naming_the_field(books):
    with pytest.raises(ValidationFailed) as error:
        draft(books, valid_until=ISSUE - timedelta(days=1))
    assert error.value.param == "valid_until"
    assert draft(books, validity_days=10)["valid_until"] == str(ISSUE + timedelta(days=10))
    assert books.table.event_types(books.tenant_id) == ["quote.created"]


def test_update_reprices_and_checks_the_version_and_an_issued_quote_is_not_edited(books):
    created = draft(books)
    lines = [{"description": "Less", "quantity": D(2), "unit_price": D(50), "account_id": books.accounts["4000"],
              "tax_code_id": books.tax_codes["GST10"]}]
    updated = quotes.update_draft(books.tenant_id, created["id"], {"lines": lines}, expected_version=1)
    assert (updated.total, updated.version) == (D("110.00"), 2)
    with pytest.raises(PreconditionFailed):
        quotes.update_draft(books.tenant_id, created["id"], {"notes": "x"}, expected_version=1)
    quotes.issue(books.tenant_id, created["id"])
    with pytest.raises(InvalidState):
        quotes.update_draft(books.tenant_id, created["id"], {"notes": "x"}, expected_version=None)


def test_issue_numbers_from_the_quote_series_and_revert_keeps_the_number(books):
    first, second = draft(books), draft(books)
    issued = quotes.issue(books.tenant_id, first["id"])
    assert (issued["status"], issued["number"]) == ("open", f"QUO-{YEAR}-0001")
    reverted = quotes.revert_issue(books.tenant_id, first["id"])
    assert (reverted["status"], reverted["number"]) == ("draft", f"QUO-{YEAR}-0001")
    quotes.update_draft(books.tenant_id, first["id"], {"notes": "Revised"}, expected_version=None)
    again = quotes.issue(books.tenant_id, first["id"])
    assert (again["status"], again["number"], again["notes"]) == ("open", f"QUO-{YEAR}-0001", "Revised")
    assert quotes.issue(books.tenant_id, second["id"])["number"] == f"QUO-{YEAR}-0002"
    assert books.table.number(books.tenant_id, "QUO", YEAR) == 2
    assert books.table.number(books.tenant_id, "INV", YEAR) == 0
    quotes.revert_issue(books.tenant_id, second["id"])
    with pytest.raises(InvalidState):  # a numbered draft is not deleted: its number would be lost
        quotes.delete_draft(books.tenant_id, second["id"], expected_version=None)
    assert books.balances() == {}


def test_the_tenants_quote_format_numbers_the_quote(books):
    from ledgerline.services import tenants

    tenants.update_tenant(books.tenant_id, {"number_formats": {"quote": "OFF-{YYYY}/{SEQ:3}"}}, None)
    assert quotes.issue(books.tenant_id, draft(books)["id"])["number"] == f"OFF-{YEAR}/001"
    assert tenants.get_tenant(books.tenant_id).number_formats["quote"] == "OFF-{YYYY}/{SEQ:3}"


def test_accept_and_decline_with_a_reason(books):
    accepted, declined = draft(books), draft(books)
    for made in (accepted, declined):
        quotes.issue(books.tenant_id, made["id"])
    assert quotes.accept(books.tenant_id, accepted["id"])["status"] == "accepted"
    answer = quotes.decline(books.tenant_id, declined["id"], "Too dear")
    assert (answer["status"], answer["decline_reason"]) == ("declined", "Too dear")
    with pytest.raises(InvalidState):
        quotes.accept(books.tenant_id, declined["id"])
    types = books.table.event_types(books.tenant_id)
    assert types.count("quote.accepted") == 1 and types.count("quote.declined") == 1


def test_a_quote_past_valid_until_reads_expired_without_a_write_and_cannot_be_accepted(books):
    made = draft(books, valid_until=ISSUE + timedelta(days=5))
    quotes.issue(books.tenant_id, made["id"])
    writes = books.table.transactions
    later = clock.FixedClock(datetime.combine(ISSUE + timedelta(days=6), datetime.min.time(), UTC))
    with clock.using(later):
        assert quotes.get_quote(books.tenant_id, made["id"])["status"] == "expired"
        with pytest.raises(InvalidState, match="expired"):
            quotes.accept(books.tenant_id, made["id"])
        with pytest.raises(InvalidState):
            quotes.convert(books.tenant_id, made["id"], "invoice")
    assert books.table.transactions == writes
    assert books.table.load(Quote, books.tenant_id, made["id"]).status == "open"
    assert quotes.get_quote(books.tenant_id, made["id"])["status"] == "open"


def test_convert_makes_a_draft_invoice_with_the_same_lines_linked_both_ways_in_one_transaction(books):
    made = draft(books, reference="PO-7", notes="Thanks")
    quotes.issue(books.tenant_id, made["id"])
    quotes.accept(books.tenant_id, made["id"])
    before = books.table.transactions
    answer = quotes.convert(books.tenant_id, made["id"], "invoice")
    assert books.table.transactions == before + 1
    assert answer["status"] == "converted" and len(answer["converted_to"]) == 1
    link = answer["converted_to"][0]
    assert link["kind"] == "invoice"
    invoice = invoices.get_invoice(books.tenant_id, link["id"])
    assert invoice["source"] == {"kind": "quote", "id": made["id"]}
    assert (invoice["status"], invoice["customer_id"], invoice["currency"], invoice["total"]) == (
        "draft", books.customer_id, made["currency"], made["total"])
    assert invoice["reference"] == "PO-7" and invoice["notes"] == "Thanks"
    assert [(line["description"], line["quantity"], line["unit_price"], line["tax_code_id"])
            for line in invoice["lines"]] == [(line["description"], line["quantity"], line["unit_price"],
                                               line["tax_code_id"]) for line in made["lines"]]
    assert books.table.event_types(books.tenant_id)[-2:] == ["invoice.created", "quote.converted"]
    with pytest.raises(InvalidState):
        quotes.convert(books.tenant_id, made["id"], "invoice")
    assert len(books.table.partition(Invoice, Invoice.key(books.tenant_id, link["id"])[0])) == 1
    assert books.balances() == {}


def test_converting_a_draft_or_into_an_unknown_kind_writes_nothing(books):
    made = draft(books)
    with pytest.raises(InvalidState):
        quotes.convert(books.tenant_id, made["id"], "invoice")
    quotes.issue(books.tenant_id, made["id"])
    with pytest.raises(ValidationFailed) as error:
        quotes.convert(books.tenant_id, made["id"], "receipt")
    assert error.value.param == "to"
    assert books.table.event_types(books.tenant_id) == ["quote.created", "quote.issued"]


def test_converting_into_an_order_stages_the_order_and_the_quote_in_one_transaction(books):
    made = draft(books)
    quotes.issue(books.tenant_id, made["id"])
    before = books.table.transactions
    converted = quotes.convert(books.tenant_id, made["id"], "order")
    assert books.table.transactions == before + 1
    (link,) = converted["converted_to"]
    assert link["kind"] == "order"
    assert books.table.event_types(books.tenant_id)[-2:] in (["order.created", "quote.converted"],
                                                             ["quote.converted", "order.created"])
    assert books.balances() == {}


def test_a_failing_conversion_leaves_the_quote_open_and_no_invoice(books, monkeypatch):
    made = draft(books)
    quotes.issue(books.tenant_id, made["id"])
    from ledgerline.services import invoices as invoice_service

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ValidationFailed("customer_id: archived", param="customer_id")

    monkeypatch.setattr(invoice_service, "stage_draft", broken)
    with pytest.raises(ValidationFailed):
        quotes.convert(books.tenant_id, made["id"], "invoice")
    assert quotes.get_quote(books.tenant_id, made["id"])["status"] == "open"
    assert books.table.event_types(books.tenant_id) == ["quote.created", "quote.issued"]


def test_delete_removes_a_draft_never_issued(books):
    made = draft(books)
    quotes.delete_draft(books.tenant_id, made["id"], expected_version=1)
    assert books.table.get(Quote, *Quote.key(books.tenant_id, made["id"])) is None
    assert books.table.event_types(books.tenant_id)[-1] == "quote.deleted"


def test_webhooks_subscribe_to_quote_events_and_each_carries_the_quote(books):
    import json

    from ledgerline.domain import webhooks
    from ledgerline.domain.events import EventType, of_family
    from ledgerline.schemas.event_data import EVENT_DATA
    from ledgerline.schemas.quotes import QuoteOut

    assert webhooks.unknown_event_types(["quote.*", "quote.converted", "quote.issued"]) == []
    assert {t.value for t in of_family("quote")} == {f"quote.{a}" for a in (
        "created", "updated", "deleted", "issued", "accepted", "declined", "reverted", "converted", "sent",
        "expired")}
    assert all(EVENT_DATA[t] is QuoteOut for t in of_family("quote"))
    made = draft(books)
    quotes.issue(books.tenant_id, made["id"])
    answer = quotes.convert(books.tenant_id, made["id"], "invoice")
    event = next(e for e in books.table.events(books.tenant_id) if e.type == EventType.QUOTE_CONVERTED)
    data = json.loads(event.data) if isinstance(event.data, str) else event.data
    assert data["status"] == "converted" and data["converted_to"] == answer["converted_to"]
