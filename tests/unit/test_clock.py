"""The clock is passed in (issue 12, item 7): the wall clock is read in one place (`clock.SystemClock`); schemas
read none, taking the moment from their caller; an event's `data` is the object as of its change."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ledgerline import clock
from ledgerline.clock import FixedClock, SystemClock, current_clock, today, using, utc_now
from ledgerline.schemas.api_keys import ApiKeyOut
from ledgerline.schemas.common import read_at
from ledgerline.schemas.documents import InvoiceOut
from ledgerline.services.document_rules import snapshot

PACKAGE = Path(clock.__file__).resolve().parent
DUE = date(2026, 2, 1)


def test_a_fixed_clock_stands_still_until_moved():
    fixed = FixedClock(datetime(2030, 1, 1, 12, tzinfo=UTC))
    assert (fixed.now(), fixed.today()) == (datetime(2030, 1, 1, 12, tzinfo=UTC), date(2030, 1, 1))
    fixed.travel_to(date(2030, 3, 4))
    assert fixed.now() == datetime(2030, 3, 4, 9, tzinfo=UTC)
    fixed.set(datetime(2030, 3, 5, 1, tzinfo=UTC))
    assert fixed.today() == date(2030, 3, 5)
    system = SystemClock().now()
    assert system.tzinfo is not None and abs(system - datetime.now(UTC)) < timedelta(seconds=5)


def test_the_edge_installs_the_clock_that_services_read():
    fixed = FixedClock(datetime(2031, 5, 6, 7, tzinfo=UTC))
    assert isinstance(current_clock(), SystemClock)
    with using(fixed):
        assert current_clock() is fixed and (utc_now(), today()) == (fixed.now(), date(2031, 5, 6))
    assert isinstance(current_clock(), SystemClock)
    clock.use(fixed)  # the process's clock: what an edge installs when it is given none
    try:
        assert current_clock() is fixed
        with using(None) as installed:
            assert installed is fixed
    finally:
        clock.use(None)
    assert isinstance(current_clock(), SystemClock)


def invoice_values(**overrides: Any) -> dict[str, Any]:
    moment = datetime(2026, 1, 10, tzinfo=UTC)
    values = dict(
        id="inv_1", number="INV-2026-0001", status="awaiting_payment", customer_id="pty_1", customer_name="C",
        issue_date=date(2026, 1, 10), due_date=DUE, currency="AUD", exchange_rate="1", reference=None, notes=None,
        prices_include_tax=False, lines=[], tax_breakdown=[], subtotal="100", tax_total="10",
        rounding_adjustment="0", total="110", amount_paid="0", amount_credited="0", amount_due="110",
        journal_entry_id="je_1", posted_at=moment, sent_at=None, voided_at=None, paid_at=None,
        created_at=moment, updated_at=moment, version=2)
    return values | overrides


def test_an_invoice_reads_overdue_only_as_of_a_moment_its_caller_gives():
    # Before: InvoiceOut read the wall clock, so an open invoice past DUE was "overdue" whoever serialized it
    assert InvoiceOut.model_validate(invoice_values()).status == "awaiting_payment"  # no moment: as stored
    at_due = InvoiceOut.model_validate(invoice_values(), context=read_at(datetime(2026, 2, 1, 23, tzinfo=UTC)))
    after = InvoiceOut.model_validate(invoice_values(), context=read_at(datetime(2026, 2, 2, tzinfo=UTC)))
    assert (at_due.status, after.status) == ("awaiting_payment", "overdue")
    paid = invoice_values(status="paid", amount_paid="110", amount_due="0")
    assert InvoiceOut.model_validate(paid, context=read_at(datetime(2027, 1, 1, tzinfo=UTC))).status == "paid"


def test_an_events_data_is_the_invoice_as_of_its_change_not_of_when_it_is_serialized():
    # A change on 20 January to an invoice due on 1 February: its event says awaiting payment, whenever it is
    # built (the wall clock is long past the due date), and says overdue for a change after the due date.
    before_due = SimpleNamespace(**invoice_values(updated_at=datetime(2026, 1, 20, tzinfo=UTC)), tenant_id="ten_1")
    after_due = SimpleNamespace(**invoice_values(updated_at=datetime(2026, 2, 20, tzinfo=UTC)), tenant_id="ten_1")
    for fixed in (FixedClock(datetime(2026, 1, 1, tzinfo=UTC)), FixedClock(datetime(2040, 1, 1, tzinfo=UTC))):
        with using(fixed):
            assert snapshot(InvoiceOut, before_due)["status"] == "awaiting_payment"
            assert snapshot(InvoiceOut, after_due)["status"] == "overdue"


def api_key(**overrides: Any) -> dict[str, Any]:
    return dict(id="key_1", name="ci", scopes=["invoices:read"], last4="abcd",
                expires_at=datetime(2030, 6, 1, tzinfo=UTC), revoked_at=None,
                created_at=datetime(2030, 1, 1, tzinfo=UTC)) | overrides


def test_an_api_keys_status_is_as_of_the_moment_given():
    # Before: ApiKeyOut compared the expiry with the wall clock (2026: "active" for a key expiring in 2030)
    assert ApiKeyOut.model_validate(api_key(), context=read_at(datetime(2030, 6, 1, tzinfo=UTC))).status == "expired"
    assert ApiKeyOut.model_validate(api_key(), context=read_at(datetime(2030, 5, 31, tzinfo=UTC))).status == "active"
    revoked = api_key(revoked_at=datetime(2030, 2, 1, tzinfo=UTC))
    assert ApiKeyOut.model_validate(revoked, context=read_at(datetime(2031, 1, 1, tzinfo=UTC))).status == "revoked"
    shown = ApiKeyOut.model_validate(api_key(), context=read_at(datetime(2031, 1, 1, tzinfo=UTC)))
    assert shown.model_dump(mode="json")["status"] == "expired"


WALL_CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("datetime", "today"),
                    ("time", "time"), ("time", "monotonic_ns")}


def wall_clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and (node.func.value.id, node.func.attr) in WALL_CLOCK_READS:
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_services_schemas_store_domain_and_api_read_no_wall_clock():
    reads = [hit for layer in ("services", "schemas", "store", "domain", "api")
             for path in sorted((PACKAGE / layer).rglob("*.py")) for hit in wall_clock_reads(path)]
    assert reads == []


def test_schemas_read_no_clock_at_all():
    importers = []
    for path in sorted((PACKAGE / "schemas").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "ledgerline.clock" \
                    or isinstance(node, ast.ImportFrom) and node.module == "ledgerline" \
                    and any(alias.name == "clock" for alias in node.names):
                importers.append(path.name)
    assert importers == []
