"""Recurring invoices' use cases on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerline.clock import FixedClock, using
from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import PreconditionFailed, ValidationFailed
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import emails, recurring_invoices
from ledgerline.store.documents import Invoice
from ledgerline.store.emails import Email
from ledgerline.store.parties import Party
from ledgerline.store.recurring_invoices import RecurringInvoice, RecurringRun

from .test_email_use_cases import FakeTransport


def template(books, **fields):
    body = {"customer_id": books.customer_id,
            "lines": [{"description": "Hosting", "quantity": "1", "unit_price": "100.00",
                       "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}],
            "schedule": {"interval": "monthly", "every": 1, "day_of_month": "last", "start_date": "2026-01-01"},
            "auto_post": False, "auto_send": False}
    return recurring_invoices.create(books.tenant_id, body | fields)


def invoices_of(books, template_id):
    partition = RecurringInvoice.key(books.tenant_id, template_id)[0]
    runs = [books.table.get(RecurringRun, pk, sk) for (pk, sk) in sorted(books.table.items)
            if pk == partition and sk.startswith("RUN#")]
    return [books.table.load(Invoice, books.tenant_id, run.invoice_id) for run in runs]


def test_create_keeps_the_template_shows_the_first_run_and_writes_its_event(books):
    created = template(books)
    assert (created["status"], created["next_run_date"], created["invoices_created"]) == ("active", "2026-01-31", 0)
    assert created["lines"][0]["unit_price"] == "100.00"
    assert books.table.event_types(books.tenant_id) == ["recurring_invoice.created"]
    assert books.balances() == {}


def test_create_refuses_an_unknown_customer_a_bad_schedule_and_auto_send_without_auto_post(books):
    for fields, param in (({"customer_id": "pty_nobody"}, "customer_id"),
                          ({"schedule": {"interval": "weekly", "day_of_month": 3, "start_date": "2026-01-01"}},
                           "schedule.day_of_month"),
                          ({"auto_send": True}, "auto_send")):
        with pytest.raises(ValidationFailed) as error:
            template(books, **fields)
        assert error.value.param == param
    assert books.table.event_types(books.tenant_id) == []


def test_a_late_run_catches_up_every_period_once_and_a_second_run_adds_nothing(books):
    created = template(books)
    with using(FixedClock(datetime(2026, 4, 5, 6, tzinfo=UTC))):
        made = recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 4, 5))
        again = recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 4, 5))
    assert [m.date for m in made] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert again == []
    made_invoices = invoices_of(books, created["id"])
    assert [i.issue_date for i in made_invoices] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert all((i.status, i.total, i.source.kind, i.source.id) == ("draft", D("110"), "recurring_invoice",
                                                                   created["id"]) for i in made_invoices)
    stored = books.table.load(RecurringInvoice, books.tenant_id, created["id"])
    assert (stored.next_run_date, stored.last_run_date, stored.invoices_created) == (date(2026, 4, 30),
                                                                                     date(2026, 3, 31), 3)
    assert books.table.event_types(books.tenant_id).count("invoice.created") == 3
    # each invoice names the days it is for (e-invoicing BG-14, issue 17): from its day to the next one's
    assert [(i.period_start, i.period_end) for i in made_invoices] == [
        (date(2026, 1, 31), date(2026, 2, 27)), (date(2026, 2, 28), date(2026, 3, 30)),
        (date(2026, 3, 31), date(2026, 4, 29))]


def with_email(books, address: str | None) -> None:
    customer = books.table.load(Party, books.tenant_id, books.customer_id)
    customer.email = address
    books.table.put(customer)


def test_auto_post_numbers_each_invoice_in_period_order_and_balances_the_books(books):
    # issue 14, part L: auto_send queues an email per invoice in its period's transaction (it marked the
    # invoice sent at once before); the email consumer sends it and then marks the invoice sent.
    with_email(books, "ap@customer.example")
    created = template(books, auto_post=True, auto_send=True)
    with using(FixedClock(datetime(2026, 3, 1, 6, tzinfo=UTC))):
        made = recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 3, 1))
    numbers = [invoice.number for invoice in invoices_of(books, created["id"])]
    assert numbers == ["INV-2026-0001", "INV-2026-0002"]
    assert all(m.posted and m.email_id and m.not_sent is None for m in made)
    assert all(i.status == "awaiting_payment" for i in invoices_of(books, created["id"]))
    assert books.balances()["1100"] == D("220")
    types = books.table.event_types(books.tenant_id)
    assert (types.count("invoice.posted"), types.count("email.queued"), types.count("invoice.sent")) == (2, 2, 0)
    queued = [books.table.load(Email, books.tenant_id, m.email_id) for m in made]
    assert [(e.document_id, list(e.to), e.status) for e in queued] == [
        (m.invoice_id, ["ap@customer.example"], "queued") for m in made]


def test_auto_send_emails_each_invoice_once_and_the_sent_email_marks_it_sent(books):
    with_email(books, "ap@customer.example")
    created = template(books, auto_post=True, auto_send=True)
    with using(FixedClock(datetime(2026, 2, 1, 6, tzinfo=UTC))):
        made = recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 2, 1))
        assert recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 2, 1)) == []  # run twice
    blobs.use(MemoryBlobStore())
    try:
        transport = FakeTransport()
        assert emails.deliver(books.tenant_id, made[0].email_id, transport) == "sent"
    finally:
        blobs.use(None)
    assert len(transport.sent) == 1 and transport.sent[0][2] == ["ap@customer.example"]
    invoice = books.table.load(Invoice, books.tenant_id, made[0].invoice_id)
    assert invoice.sent_at is not None
    assert books.table.event_types(books.tenant_id).count("email.queued") == 1


def test_auto_send_to_a_customer_without_email_creates_and_posts_but_reports_it_not_sent(books):
    with_email(books, None)
    created = template(books, auto_post=True, auto_send=True)
    with using(FixedClock(datetime(2026, 3, 1, 6, tzinfo=UTC))):
        made = recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 3, 1))
    assert [(m.posted, m.email_id, m.not_sent) for m in made] == [(True, None, recurring_invoices.NO_EMAIL)] * 2
    assert all(i.status == "awaiting_payment" and i.sent_at is None for i in invoices_of(books, created["id"]))
    types = books.table.event_types(books.tenant_id)
    assert (types.count("invoice.posted"), types.count("invoice.not_sent"), types.count("email.queued")) == (2, 2, 0)


def test_dry_run_reports_the_due_periods_and_writes_nothing(books):
    created = template(books)
    before = books.table.event_types(books.tenant_id)
    made = recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 3, 1), dry_run=True)
    assert [(m.period, m.date, m.invoice_id) for m in made] == [(0, date(2026, 1, 31), None),
                                                                (1, date(2026, 2, 28), None)]
    assert books.table.event_types(books.tenant_id) == before


def test_count_finishes_the_template(books):
    created = template(books, schedule={"interval": "monthly", "start_date": "2026-01-15", "count": 2})
    with using(FixedClock(datetime(2026, 6, 1, 6, tzinfo=UTC))):
        made = recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 6, 1))
    assert len(made) == 2
    shown = recurring_invoices.get(books.tenant_id, created["id"])
    assert (shown["status"], shown["next_run_date"]) == ("finished", None)


def test_pause_stops_runs_and_resume_skips_the_paused_days(books):
    created = template(books)
    with using(FixedClock(datetime(2026, 1, 5, 6, tzinfo=UTC))):
        recurring_invoices.pause(books.tenant_id, created["id"])
        with pytest.raises(InvalidState):
            recurring_invoices.pause(books.tenant_id, created["id"])
    assert recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 3, 1)) == []
    with using(FixedClock(datetime(2026, 3, 10, 6, tzinfo=UTC))):
        resumed = recurring_invoices.resume(books.tenant_id, created["id"])
    assert (resumed["status"], resumed["next_run_date"]) == ("active", "2026-03-31")
    assert books.table.event_types(books.tenant_id)[-2:] == ["recurring_invoice.paused", "recurring_invoice.resumed"]


def test_update_checks_the_version_and_a_new_schedule_goes_on_after_the_last_day_invoiced(books):
    created = template(books)
    with using(FixedClock(datetime(2026, 2, 1, 6, tzinfo=UTC))):
        recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 2, 1))
    stored = books.table.load(RecurringInvoice, books.tenant_id, created["id"])
    with pytest.raises(PreconditionFailed):
        recurring_invoices.update(books.tenant_id, created["id"], {"notes": "x"}, expected_version=1)
    updated = recurring_invoices.update(
        books.tenant_id, created["id"],
        {"schedule": {"interval": "weekly", "every": 1, "start_date": "2026-01-03"}}, stored.version)
    assert updated["next_run_date"] == "2026-02-07"  # the first Saturday after 31 January
    assert books.table.event_types(books.tenant_id)[-1] == "recurring_invoice.updated"


def test_delete_removes_the_template_and_keeps_its_invoices(books):
    created = template(books)
    with using(FixedClock(datetime(2026, 2, 1, 6, tzinfo=UTC))):
        recurring_invoices.run_due(books.tenant_id, created["id"], date(2026, 2, 1))
    recurring_invoices.delete(books.tenant_id, created["id"], expected_version=None)
    assert books.table.get(RecurringInvoice, *RecurringInvoice.key(books.tenant_id, created["id"])) is None
    assert len(invoices_of(books, created["id"])) == 1
    assert books.table.event_types(books.tenant_id)[-1] == "recurring_invoice.deleted"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(interval=st.sampled_from(["weekly", "monthly", "quarterly"]),
       days=st.lists(st.integers(0, 120), min_size=1, max_size=6))
def test_any_sequence_of_runs_invoices_each_period_once_in_order(books, interval, days):
    """Runs on any days (late, repeated, out of order) make exactly the schedule's periods up to the latest day."""
    created = template(books, schedule={"interval": interval, "start_date": "2026-01-10"})
    start = date(2026, 1, 10)
    latest = start
    for offset in days:
        day = start + timedelta(days=offset)
        latest = max(latest, day)
        with using(FixedClock(datetime(2027, 1, 1, tzinfo=UTC))):
            recurring_invoices.run_due(books.tenant_id, created["id"], day)
    made = [invoice.issue_date for invoice in invoices_of(books, created["id"])]
    rule = recurring_invoices.schedule_of({"interval": interval, "start_date": "2026-01-10"})
    assert made == [when for _, when in rule.due(0, latest)]
