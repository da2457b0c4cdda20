"""Recurring invoices against DynamoDB Local: catch-up, double and concurrent runs, auto_post numbering, API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest

from ledgerline import clock
from ledgerline.clock import FixedClock
from ledgerline.local import cli
from ledgerline.recurring import job
from tests.integration.books import Books

CLOCK = FixedClock()


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[FixedClock]:
    CLOCK.set(datetime(2030, 1, 1, 6, tzinfo=UTC))
    clock.use(CLOCK)
    yield CLOCK
    clock.use(None)


def template(books: Books, **fields) -> dict:
    body = {"customer_id": books.customer(),
            "lines": [{"description": "Hosting", "unit_price": "100.00", "tax_code_id": books.tax_codes["GST10"]}],
            "schedule": {"interval": "monthly", "day_of_month": "last", "start_date": "2030-01-01"}}
    return books.post("/v1/recurring-invoices", body | fields)


def run_on(books: Books, day: date) -> job.RunReport:
    CLOCK.travel_to(day)
    return job.run(day, [books.tenant_id])


def history(books: Books, template_id: str) -> list[dict]:
    return books.get(f"/v1/recurring-invoices/{template_id}/invoices")["data"]


def test_a_job_down_for_months_catches_up_each_period_once_and_a_second_run_adds_nothing(books: Books):
    made = template(books)
    assert made["next_run_date"] == "2030-01-31"
    report = run_on(books, date(2030, 4, 5))
    assert report.invoices_created == 3
    assert run_on(books, date(2030, 4, 5)).invoices_created == 0
    invoices = history(books, made["id"])
    assert [i["issue_date"] for i in invoices] == ["2030-01-31", "2030-02-28", "2030-03-31"]
    assert all(i["source"] == {"kind": "recurring_invoice", "id": made["id"]} and i["status"] == "draft"
               for i in invoices)
    shown = books.get(f"/v1/recurring-invoices/{made['id']}")
    assert (shown["next_run_date"], shown["last_run_date"], shown["invoices_created"]) == ("2030-04-30",
                                                                                           "2030-03-31", 3)
    assert books.events().count("invoice.created") == 3


def test_concurrent_runs_make_one_invoice_per_period(books: Books):
    made = template(books, auto_post=True)
    CLOCK.travel_to(date(2030, 3, 5))
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda _: job.run(date(2030, 3, 5), [books.tenant_id]), range(4)))
    assert sum(report.invoices_created for report in reports) == 2
    assert sum(report.failures for report in reports) == 0
    invoices = history(books, made["id"])
    assert [(i["issue_date"], i["number"]) for i in invoices] == [("2030-01-31", "INV-2030-0001"),
                                                                  ("2030-02-28", "INV-2030-0002")]
    assert books.events().count("invoice.posted") == 2


def test_auto_post_numbers_in_period_order_posts_the_ledger_and_auto_send_marks_sent(books: Books):
    # issue 14, part L: auto_send queues one email per invoice (sent, and the invoice marked sent, by the email
    # consumer: tests/integration/test_recurring_emails.py) instead of marking it sent at once.
    made = template(books, auto_post=True, auto_send=True, customer_id=books.customer(email="ap@globex.example"))
    report = run_on(books, date(2030, 3, 31))
    invoices = history(books, made["id"])
    assert [i["number"] for i in invoices] == ["INV-2030-0001", "INV-2030-0002", "INV-2030-0003"]
    assert all(i["status"] == "awaiting_payment" or i["status"] == "overdue" for i in invoices)
    assert all(i["journal_entry_id"] for i in invoices)
    assert books.balance("1100") == 330
    assert (report.emails_queued, books.events().count("email.queued")) == (3, 3)
    assert all([e["status"] for e in books.get(f"/v1/invoices/{i['id']}/emails")["data"]] == ["queued"]
               for i in invoices)


def test_pause_resume_patch_delete_and_the_list_api(books: Books):
    made = template(books)
    paused = books.post(f"/v1/recurring-invoices/{made['id']}/pause", expect=200)
    assert paused["status"] == "paused"
    assert run_on(books, date(2030, 3, 1)).invoices_created == 0
    books.post(f"/v1/recurring-invoices/{made['id']}/pause", expect=409)
    resumed = books.post(f"/v1/recurring-invoices/{made['id']}/resume", expect=200)
    assert (resumed["status"], resumed["next_run_date"]) == ("active", "2030-03-31")
    listed = books.get("/v1/recurring-invoices?status=active")["data"]
    assert made["id"] in [t["id"] for t in listed]
    assert books.get("/v1/recurring-invoices?status=paused")["data"] == []
    changed = books.call("PATCH", f"/v1/recurring-invoices/{made['id']}", {"notes": "Thanks"},
                         expect=200, **{"If-Match": str(resumed["version"])}).json()
    assert changed["notes"] == "Thanks"
    books.call("PATCH", f"/v1/recurring-invoices/{made['id']}", {"schedule": {"interval": "weekly",
               "day_of_month": 3, "start_date": "2030-01-01"}}, expect=422)
    books.call("DELETE", f"/v1/recurring-invoices/{made['id']}", expect=200)
    books.call("GET", f"/v1/recurring-invoices/{made['id']}", expect=404)
    events = books.events()
    for kind in ("created", "paused", "resumed", "updated", "deleted"):
        assert f"recurring_invoice.{kind}" in events


def test_the_cli_runs_the_job_for_a_date_and_a_dry_run_writes_nothing(books: Books, capsys):
    made = template(books)
    CLOCK.travel_to(date(2030, 2, 28))
    assert cli.main(["recurring", "run", "--date", "2030-02-28", "--tenant", books.tenant_id, "--dry-run"]) == 0
    out = capsys.readouterr().out
    dry = json.loads(out[out.index("{\n"):])
    assert (dry["dry_run"], dry["invoices_created"], len(dry["actions"])) == (True, 0, 2)
    assert history(books, made["id"]) == []
    assert cli.main(["recurring", "run", "--date", "2030-03-30", "--tenant", books.tenant_id]) == 2  # future: refused
    capsys.readouterr()
    assert cli.main(["recurring", "run", "--date", "2030-02-28", "--tenant", books.tenant_id]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{\n"):])["invoices_created"] == 2


def test_create_replays_an_idempotency_key_and_a_deactivated_tenant_gets_no_invoices(books: Books):
    body = {"customer_id": books.customer(), "lines": [{"description": "Hosting", "unit_price": "10.00"}],
            "schedule": {"interval": "weekly", "start_date": "2030-01-07"}}
    first = books.call("POST", "/v1/recurring-invoices", body, expect=201, **{"Idempotency-Key": "rinv-1"})
    again = books.call("POST", "/v1/recurring-invoices", body, expect=201, **{"Idempotency-Key": "rinv-1"})
    assert again.json()["id"] == first.json()["id"] and again.headers.get("Idempotent-Replayed") == "true"
    assert books.events().count("recurring_invoice.created") == 1
    from ledgerline.services.tenants import deactivate_tenant

    deactivate_tenant(books.tenant_id)
    report = run_on(books, date(2030, 2, 1))
    assert (report.templates, report.invoices_created) == (0, 0)


def test_a_template_that_cannot_run_fails_alone_and_stays_due(books: Books):
    broken = template(books)
    fine = template(books)
    books.call("DELETE", f"/v1/parties/{broken['customer_id']}", expect=200)
    report = run_on(books, date(2030, 1, 31))
    assert (report.failures, report.invoices_created) == (1, 1)
    assert books.get(f"/v1/recurring-invoices/{broken['id']}")["next_run_date"] == "2030-01-31"
    assert books.get(f"/v1/recurring-invoices/{fine['id']}")["next_run_date"] == "2030-02-28"


def test_the_scheduled_job_runs_from_the_scheduler_sample_event(books: Books):
    import importlib

    from tests.conftest import load_event
    from tests.lambda_context import LambdaContext

    made = template(books)
    CLOCK.travel_to(date(2030, 2, 8))  # the day the sample event is scheduled for
    event = load_event("scheduler/daily.json") | {"tenant_id": books.tenant_id}
    handler = importlib.import_module("functions.recurring_invoices.job").handler
    result = handler(event, LambdaContext())
    assert (result["date"], result["invoices_created"]) == ("2030-02-08", 1)
    assert handler(event, LambdaContext())["invoices_created"] == 0
    assert [i["issue_date"] for i in history(books, made["id"])] == ["2030-01-31"]
