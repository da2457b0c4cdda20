"""Dunning against DynamoDB Local: the daily job across the levels, reminders API, fees, policy, PDFs."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from ledgerline import clock
from ledgerline.clock import FixedClock
from ledgerline.local import cli
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.reminders import job
from ledgerline.services import reminders, reports
from ledgerline.store.tenant_directory import all_tenant_ids
from tests.conftest import load_event
from tests.integration.books import Books
from tests.lambda_context import LambdaContext

ISSUE, DUE = date(2030, 1, 10), date(2030, 1, 31)  # in the future: the tests travel there with the clock
CLOCK = FixedClock()


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[FixedClock]:
    """The process's clock, fixed (the app, the job, the CLI and the handlers read it); the real one after."""
    CLOCK.set(datetime.now(UTC))
    clock.use(CLOCK)
    yield CLOCK
    clock.use(None)


def travel_to(day: date) -> None:
    """Make `day` today for everything that reads the clock's day (the job, reads of invoice statuses).
    The job only writes for today or earlier (issue 11.27), so time travel is how the tests run it later."""
    CLOCK.travel_to(day)


@pytest.fixture(autouse=True)
def store() -> Iterator[MemoryBlobStore]:
    memory = MemoryBlobStore()
    blobs.use(memory)
    yield memory
    blobs.use(None)


def run(books: Books, days_after_due: int) -> job.RunReport:
    day = DUE + timedelta(days=days_after_due)
    travel_to(day)
    return job.run(day, [books.tenant_id])


def overdue_invoice(books: Books, customer: str | None = None, **fields) -> dict:
    return books.posted(customer or books.customer(), issue_date=str(ISSUE), due_date=str(DUE), **fields)


def balance_2030(books: Books, code: str) -> Decimal:
    rows = {row.code: row for row in reports.trial_balance.report(books.tenant_id, date(2030, 12, 31)).accounts}
    return rows[code].balance if code in rows else Decimal(0)


def reminders_of(books: Books, invoice: dict) -> list[dict]:
    return books.get(f"/v1/invoices/{invoice['id']}/reminders")["data"]


def test_time_travel_across_the_levels(books: Books):
    # Given a posted invoice due on DUE
    invoice = overdue_invoice(books)
    # On the due date nothing happens; the day after, it is marked overdue, once
    assert run(books, 0).overdue_invoices == 0
    first = run(books, 1)
    assert (first.overdue_invoices, first.marked_overdue, first.reminders_created) == (1, 1, 0)
    assert books.invoice(invoice["id"])["status"] == "overdue"
    assert run(books, 1).marked_overdue == 0
    # The stored status answers the overdue filter
    listed = books.get("/v1/invoices?status=overdue")["data"]
    assert [i["id"] for i in listed] == [invoice["id"]]
    assert run(books, 6).reminders_created == 0
    # Level 1 at 7 days, level 2 at 21, level 3 at 35; nothing in between or after
    created = {offset: run(books, offset).reminders_created for offset in (7, 8, 14, 20, 21, 22, 34, 35, 36, 60)}
    assert created == {7: 1, 8: 0, 14: 0, 20: 0, 21: 1, 22: 0, 34: 0, 35: 1, 36: 0, 60: 0}
    listed = reminders_of(books, invoice)
    assert [(r["level"], r["date"], r["pay_by"]) for r in listed] == [
        (1, "2030-02-07", "2030-02-17"), (2, "2030-02-21", "2030-03-03"), (3, "2030-03-07", "2030-03-17")]
    assert [r["title"] for r in listed] == ["Payment reminder", "Second reminder", "Final reminder"]
    assert all(r["amount_due"] == "1375.00" and r["is_sent"] is False and r["fee"] is None for r in listed)
    assert listed[0]["invoice_number"] == invoice["number"] and listed[0]["customer_name"] == "Globex"
    # Every change wrote its event: one overdue mark, three reminders
    events = books.events()
    assert events.count("invoice.overdue") == 1 and events.count("reminder.created") == 3


def test_running_the_job_twice_or_concurrently_for_a_day_creates_nothing_new(books: Books):
    invoice = overdue_invoice(books)
    assert run(books, 7).reminders_created == 1
    again = run(books, 7)
    assert (again.overdue_invoices, again.marked_overdue, again.reminders_created) == (1, 0, 0)
    # Overlapping runs racing for the next level: exactly one wins
    policy = reminders.load_policy(books.tenant_id)
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: reminders.process_invoice(books.tenant_id, invoice["id"],
                                                                      DUE + timedelta(days=21), policy), range(4)))
    assert sum(o.reminder is not None for o in outcomes) == 1
    assert [r["level"] for r in reminders_of(books, invoice)] == [1, 2]
    assert books.events().count("reminder.created") == 2


def test_a_paid_invoice_gets_no_reminder_and_a_part_paid_one_shows_what_is_left(books: Books):
    customer = books.customer()
    paid, part_paid = overdue_invoice(books, customer), overdue_invoice(books, customer)
    # Paid on the due date (a receipt cannot settle an invoice before its issue date, issue 11.8)
    books.receipt(customer, "1375.00", [(paid["id"], "1375.00")], date=str(DUE))
    books.receipt(customer, "375.00", [(part_paid["id"], "375.00")], date=str(DUE))
    report = run(books, 10)
    assert (report.overdue_invoices, report.reminders_created) == (1, 1)  # the paid one is not even looked at
    assert reminders_of(books, paid) == [] and books.invoice(paid["id"])["status"] == "paid"
    reminder, = reminders_of(books, part_paid)
    assert (reminder["amount_paid"], reminder["amount_due"], reminder["invoice_total"]) == ("375.00", "1000.00",
                                                                                          "1375.00")
    # Paying the rest stops the next levels
    books.receipt(customer, "1000.00", [(part_paid["id"], "1000.00")], date=str(DUE + timedelta(days=11)))
    assert run(books, 40).reminders_created == 0
    assert books.invoice(part_paid["id"])["status"] == "paid"


def test_voiding_stops_further_reminders(books: Books):
    invoice = overdue_invoice(books)
    run(books, 7)
    books.post(f"/v1/invoices/{invoice['id']}/void", {"date": str(DUE + timedelta(days=8))}, expect=200)
    assert run(books, 21).overdue_invoices == 0 and run(books, 35).reminders_created == 0
    assert [r["level"] for r in reminders_of(books, invoice)] == [1]
    assert books.invoice(invoice["id"])["status"] == "voided"


def test_a_fee_is_charged_by_a_posted_fee_invoice(books: Books):
    # Given a policy with a fee on the second level
    policy = books.call("PUT", "/v1/dunning-policy", {"levels": [
        {"days_after_due": 7, "title": "Reminder", "message": "Please pay."},
        {"days_after_due": 14, "title": "Mahnung", "message": "Bitte zahlen.", "fee": "20", "payment_days": 5},
    ]}, expect=200, **{"If-Match": '"0"'}).json()
    assert policy["version"] == 1 and policy["levels"][1]["fee"] == "20.00" and policy["fee_currency"] == "AUD"
    invoice = overdue_invoice(books)
    run(books, 7)
    assert run(books, 14).reminders_created == 1
    second = reminders_of(books, invoice)[1]
    assert (second["fee"], second["fee_currency"], second["pay_by"]) == ("20.00", "AUD", "2030-02-19")
    # Then the fee is an ordinary posted invoice to the same customer, booked to Other income, without tax
    fee = books.invoice(second["fee_invoice_id"])
    assert fee["number"] == second["fee_invoice_number"] == "INV-2030-0002"
    assert (fee["status"], fee["total"], fee["tax_total"], fee["customer_id"]) == (
        "awaiting_payment", "20.00", "0.00", invoice["customer_id"])
    assert fee["reference"] == f"Reminder 2 for {invoice['number']}" and fee["due_date"] == "2030-02-19"
    assert balance_2030(books, "4900") == Decimal("-20.00") and balance_2030(books, "1100") == Decimal("1395.00")
    # And fee invoices are not dunned themselves (they only turn overdue)
    report = run(books, 60)
    assert report.reminders_created == 0 and report.marked_overdue == 1
    assert reminders_of(books, fee) == []


def test_reminders_api_read_send_delete_and_pdf(books: Books, make_tenant, api, store):
    invoice = overdue_invoice(books)
    run(books, 7)
    first, = reminders_of(books, invoice)
    path = f"/v1/reminders/{first['id']}"
    assert books.get(path)["level"] == 1 and books.get(path)["invoice_id"] == invoice["id"]
    # The PDF: a letter with what is due
    pdf = books.call("GET", f"{path}/pdf", expect=200)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "PAYMENT REMINDER" in text and invoice["number"] in text and "AUD 1,375.00" in text
    # Another tenant sees none of it
    other = make_tenant()
    for other_path in (path, f"{path}/pdf", f"/v1/invoices/{invoice['id']}/reminders"):
        assert api.get(other_path, headers=other.headers).status_code == 404
    # Only the most recent unsent reminder can be deleted
    run(books, 21)
    first_sent = books.post(f"{path}/send", expect=200)
    assert first_sent["is_sent"] is True and first_sent["sent_at"] and first_sent["version"] == 2
    assert books.call("DELETE", path, expect=409).json()["error"]["code"] == "reminder_sent"
    second = reminders_of(books, invoice)[1]
    second_path = f"/v1/reminders/{second['id']}"
    assert books.call("DELETE", second_path, expect=200).json() == {"id": second["id"], "object": "reminder",
                                                                     "deleted": True}
    books.call("GET", second_path, expect=404)
    assert [r["level"] for r in reminders_of(books, invoice)] == [1]
    # A deleted level is not created again; the next one follows on schedule
    assert run(books, 22).reminders_created == 0
    assert run(books, 35).reminders_created == 1
    assert [r["level"] for r in reminders_of(books, invoice)] == [1, 3]
    # The tenant-wide list: what is still to send
    unsent = books.get("/v1/reminders?is_sent=false")["data"]
    assert [r["level"] for r in unsent] == [3]
    assert "reminder.sent" in books.events() and "reminder.deleted" in books.events()


def test_deleting_a_reminder_voids_its_fee_invoice(books: Books):
    books.call("PUT", "/v1/dunning-policy", {"levels": [
        {"days_after_due": 7, "title": "Reminder", "message": "Please pay.", "fee": "5.00"}]}, expect=200)
    invoice = overdue_invoice(books)
    run(books, 7)
    reminder, = reminders_of(books, invoice)
    books.call("DELETE", f"/v1/reminders/{reminder['id']}", expect=200)
    assert books.invoice(reminder["fee_invoice_id"])["status"] == "voided"
    assert balance_2030(books, "4900") == 0


def test_reminding_by_hand(books: Books):
    invoice = overdue_invoice(books)
    path = f"/v1/invoices/{invoice['id']}/reminders"
    # Not for a day after today: it would mark the invoice overdue and date the reminder ahead of time
    ahead = books.call("POST", path, {"date": str(DUE + timedelta(days=2))}, expect=422).json()["error"]
    assert ahead["param"] == "date"
    travel_to(DUE + timedelta(days=2))
    early = books.call("POST", path, {"date": str(DUE)}, expect=409).json()["error"]
    assert early["code"] == "not_overdue"
    levels = [books.post(path, {"date": str(DUE + timedelta(days=2))})["level"] for _ in range(3)]
    assert levels == [1, 2, 3]
    assert books.invoice(invoice["id"])["status"] == "overdue"
    assert books.call("POST", path, {"date": str(DUE + timedelta(days=2))}, expect=409).json()["error"]["code"] == \
        "dunning_exhausted"
    draft = books.draft(books.customer())
    books.call("POST", f"/v1/invoices/{draft['id']}/reminders", expect=409)


def test_the_dunning_policy_api(books: Books):
    default = books.get("/v1/dunning-policy")
    assert default["is_default"] and default["version"] == 0 and default["enabled"]
    assert [lv["days_after_due"] for lv in default["levels"]] == [7, 21, 35]
    body = {"levels": [{"days_after_due": 10, "title": "Reminder", "message": "Please pay."}]}
    changed = books.call("PUT", "/v1/dunning-policy", body, expect=200)
    assert changed.headers["etag"] == '"1"' and not changed.json()["is_default"]
    assert books.call("PUT", "/v1/dunning-policy", body, expect=412, **{"If-Match": '"0"'}).json()["error"][
        "code"] == "version_mismatch"
    unordered = {"levels": [{"days_after_due": 10, "title": "A", "message": "m"},
                            {"days_after_due": 5, "title": "B", "message": "m"}]}
    error = books.call("PUT", "/v1/dunning-policy", unordered, expect=422).json()["error"]
    assert error["param"] == "levels.1.days_after_due"
    bad_account = {**body, "fee_account_id": books.accounts["1010"]}
    assert books.call("PUT", "/v1/dunning-policy", bad_account, expect=422).json()["error"]["param"] == \
        "fee_account_id"
    # Disabled: invoices still turn overdue, but nobody is reminded
    books.call("PUT", "/v1/dunning-policy", {**body, "enabled": False}, expect=200)
    overdue_invoice(books)
    report = run(books, 30)
    assert (report.marked_overdue, report.reminders_created) == (1, 0)


def test_the_scheduled_job_and_the_renderer_run_from_their_sample_events(books: Books, store):
    invoice = overdue_invoice(books)
    travel_to(date(2030, 2, 8))  # the day the sample event is scheduled for
    assert books.tenant_id in set(all_tenant_ids())  # the directory the daily run walks
    # The Scheduler's event (scheduled 8 days after the due date), for this tenant only
    event = load_event("scheduler/daily.json") | {"tenant_id": books.tenant_id}
    result = importlib.import_module("functions.reminders.job").handler(event, LambdaContext())
    assert result["date"] == "2030-02-08" and result["reminders_created"] == 1 and result["marked_overdue"] == 1
    again = importlib.import_module("functions.reminders.job").handler(event, LambdaContext())
    assert again["reminders_created"] == 0
    # reminder.created on the bus → the PDF renderer
    reminder_id = result["reminder_ids"][0]
    created = load_event("eventbridge/reminder_created.json", tenant_id=books.tenant_id, reminder_id=reminder_id,
                         invoice_id=invoice["id"])
    assert created["detail"]["object_id"] == reminder_id
    rendered = importlib.import_module("functions.pdf_renderer.app").handler(created, LambdaContext())
    assert rendered["rendered"] and rendered["key"].startswith(f"{books.tenant_id}/reminder/{reminder_id}/")


def test_the_cli_runs_the_job_for_a_date(books: Books, capsys):
    invoice = overdue_invoice(books)
    travel_to(date(2030, 2, 7))
    assert cli.main(["reminders", "run", "--date", "2030-02-07", "--tenant", books.tenant_id]) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{\n"):])
    assert (report["date"], report["marked_overdue"], report["reminders_created"]) == ("2030-02-07", 1, 1)
    assert [r["level"] for r in reminders_of(books, invoice)] == [1]


def test_a_deactivated_tenant_reminds_nobody(books: Books):
    from ledgerline.services.tenants import deactivate_tenant
    from ledgerline.store.reminders import reminders_of_invoice

    invoice = overdue_invoice(books)
    deactivate_tenant(books.tenant_id)
    report = run(books, 10)
    assert (report.overdue_invoices, report.reminders_created) == (0, 0)
    assert reminders_of_invoice(books.tenant_id, invoice["id"]) == []


def test_a_run_for_a_future_day_is_refused_and_a_dry_run_writes_nothing(books: Books, capsys):
    # Issue 11.27: `reminders run --date <future day>` wrote: the invoice stayed overdue and a reminder was
    # dated in the future. Given an invoice due on DUE, today before it
    invoice = overdue_invoice(books)
    travel_to(DUE - timedelta(days=5))
    later = str(DUE + timedelta(days=7))
    # A real run for a later day is refused, by the CLI and by the job
    assert cli.main(["reminders", "run", "--date", later, "--tenant", books.tenant_id]) == 2
    assert "after today" in capsys.readouterr().err
    with pytest.raises(job.FutureRunRefused):
        job.run(DUE + timedelta(days=7), [books.tenant_id])
    # A dry run says what that day's run will do, and writes nothing
    events_before = books.events()
    assert cli.main(["reminders", "run", "--date", later, "--tenant", books.tenant_id, "--dry-run"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{\n"):])
    assert (report["dry_run"], report["marked_overdue"], report["reminders_created"]) == (True, 1, 1)
    assert report["reminder_ids"] == []
    assert report["actions"] == [{"tenant_id": books.tenant_id, "invoice_id": invoice["id"],
                                  "invoice_number": invoice["number"], "marked_overdue": True,
                                  "reminder_level": 1, "reminder_fee": None}]
    assert books.events() == events_before and reminders_of(books, invoice) == []
    assert books.invoice(invoice["id"])["status"] == "awaiting_payment"
    assert books.get("/v1/invoices?status=overdue")["data"] == []
    # When the day comes, the real run does what the dry run said
    travel_to(DUE + timedelta(days=7))
    done = job.run(DUE + timedelta(days=7), [books.tenant_id])
    assert (done.marked_overdue, done.reminders_created, done.actions) == (1, 1, report["actions"])


def test_an_invoice_stored_overdue_ahead_of_time_reads_as_not_overdue_today(books: Books):
    # Data an earlier version wrote with a future run: stored `overdue`, but not due yet today
    from ledgerline.services.reminders import load_policy, process_invoice

    invoice = overdue_invoice(books)
    travel_to(DUE - timedelta(days=5))
    process_invoice(books.tenant_id, invoice["id"], DUE + timedelta(days=1), load_policy(books.tenant_id))
    assert books.invoice(invoice["id"])["status"] == "awaiting_payment"
    assert books.get("/v1/invoices?status=overdue")["data"] == []
    assert [i["id"] for i in books.get("/v1/invoices?status=awaiting_payment")["data"]] == [invoice["id"]]
    # and once it is past due, it is overdue
    travel_to(DUE + timedelta(days=1))
    assert books.invoice(invoice["id"])["status"] == "overdue"
    assert [i["id"] for i in books.get("/v1/invoices?status=overdue")["data"]] == [invoice["id"]]
