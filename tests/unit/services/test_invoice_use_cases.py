"""Invoices' use cases on the in-memory unit of work (the integration tier's test_invoices.py is the spec)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import PreconditionFailed, ValidationFailed
from ledgerline.services import invoices
from ledgerline.store.documents import Invoice
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import open_unit

ISSUE = date.today()
YEAR = ISSUE.year


def draft(books, **fields):
    body = {"customer_id": books.customer_id, "issue_date": ISSUE,
            "lines": [{"description": "Work", "quantity": D(10), "unit_price": D(125),
                       "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}]}
    return invoices.create_draft(books.tenant_id, body | fields)


def test_create_draft_writes_the_draft_and_its_event_and_nothing_in_the_ledger(books):
    created = draft(books)
    stored = books.table.load(Invoice, books.tenant_id, created["id"])
    assert (stored.status, stored.total, stored.tax_total, stored.version) == ("draft", D("1375"), D("125"), 1)
    assert created["due_date"] == str(ISSUE + timedelta(days=30))
    assert books.table.event_types(books.tenant_id)[-1:] == ["invoice.created"]
    assert books.balances() == {}


def test_create_draft_reads_everything_the_request_names_in_one_round(books, monkeypatch):
    rounds: list[int] = []
    fetch = type(open_unit(books.tenant_id))._fetch

    def counted(self, keys):  # noqa: ANN001, ANN202
        rounds.append(len(keys))
        return fetch(self, keys)

    monkeypatch.setattr(type(open_unit(books.tenant_id)), "_fetch", counted)
    draft(books)
    # tenant, customer, account and tax code, together
    assert rounds == [4]


def test_create_draft_refuses_an_unknown_customer_and_writes_nothing(books):
    with pytest.raises(ValidationFailed) as error:
        draft(books, customer_id="pty_nobody")
    assert error.value.param == "customer_id"
    assert books.table.event_types(books.tenant_id) == []


def test_an_invoicing_period_is_kept_patched_and_refused_when_it_ends_before_it_starts(books):
    """E-invoicing BG-14 (issue 17): `period_start`/`period_end` (BT-73/74), either may be alone; BR-29."""
    created = draft(books, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
    assert (created["period_start"], created["period_end"]) == ("2026-01-01", "2026-01-31")
    updated = invoices.update_draft(books.tenant_id, created["id"], {"period_end": None}, None)
    assert (updated.period_start, updated.period_end) == (date(2026, 1, 1), None)
    events = books.table.event_types(books.tenant_id)
    for fields in ({"period_start": date(2026, 2, 1), "period_end": date(2026, 1, 31)},):
        with pytest.raises(ValidationFailed) as error:
            draft(books, **fields)
        assert error.value.param == "period_end"
        with pytest.raises(ValidationFailed):
            invoices.update_draft(books.tenant_id, created["id"], fields, None)
    assert books.table.event_types(books.tenant_id) == events
    stored = books.table.load(Invoice, books.tenant_id, created["id"])
    assert (stored.period_start, stored.period_end) == (date(2026, 1, 1), None)


def test_update_draft_recomputes_and_checks_the_version(books):
    created = draft(books)
    lines = [{"description": "More", "quantity": D(2), "unit_price": D(50), "account_id": books.accounts["4000"],
              "tax_code_id": books.tax_codes["GST10"]}]
    updated = invoices.update_draft(books.tenant_id, created["id"], {"lines": lines}, expected_version=1)
    assert (updated.total, updated.version) == (D("110.00"), 2)
    assert books.table.load(Invoice, books.tenant_id, created["id"]).total == D("110")
    with pytest.raises(PreconditionFailed):
        invoices.update_draft(books.tenant_id, created["id"], {"notes": "x"}, expected_version=1)
    assert books.table.event_types(books.tenant_id).count("invoice.updated") == 1


def test_delete_draft_removes_it(books):
    created = draft(books)
    invoices.delete_draft(books.tenant_id, created["id"], expected_version=None)
    assert books.table.get(Invoice, *Invoice.key(books.tenant_id, created["id"])) is None
    assert books.table.event_types(books.tenant_id)[-1] == "invoice.deleted"


def test_post_numbers_the_invoice_and_writes_entry_balances_tax_and_event_in_one_transaction(books):
    created = draft(books)
    before = books.table.transactions
    posted = invoices.post(books.tenant_id, created["id"])
    assert books.table.transactions == before + 1
    assert (posted["number"], posted["status"]) == (f"INV-{YEAR}-0001", "awaiting_payment")
    assert books.balances() == {"1100": D("1375"), "4000": D("-1250"), "2200": D("-125")}
    assert books.table.tax_totals(books.tenant_id) == {books.tax_codes["GST10"]: (D("1250"), D("125"))}
    entry = books.table.load(JournalEntry, books.tenant_id, posted["journal_entry_id"])
    assert (entry.source_type, entry.source_id, entry.total) == ("invoice", created["id"], D("1375"))
    assert len(books.table.ledger_lines(books.tenant_id, books.accounts["1100"])) == 1
    assert books.table.event_types(books.tenant_id)[-1] == "invoice.posted"
    assert books.table.number(books.tenant_id, "INV", YEAR) == 1
    second = invoices.post(books.tenant_id, draft(books)["id"])
    assert second["number"] == f"INV-{YEAR}-0002"


def test_post_refuses_a_posted_invoice(books):
    created = draft(books)
    invoices.post(books.tenant_id, created["id"])
    with pytest.raises(InvalidState):
        invoices.post(books.tenant_id, created["id"])


def test_a_number_taken_meanwhile_fails_the_whole_posting(books):
    created = draft(books)
    unit = open_unit(books.tenant_id)
    tenant, invoice = unit.tenant(), unit.load(Invoice, created["id"])
    invoices.stage_posting(unit, tenant, invoice)
    invoices.post(books.tenant_id, draft(books)["id"])  # another posting takes number 1 first
    events = len(books.table.events(books.tenant_id))
    with pytest.raises(Contention):
        unit.commit()
    assert len(books.table.events(books.tenant_id)) == events
    assert books.table.load(Invoice, books.tenant_id, created["id"]).status == "draft"
    assert books.balances()["1100"] == D("1375")  # only the other invoice


def test_void_mirrors_the_entry(books):
    posted = invoices.post(books.tenant_id, draft(books)["id"])
    voided = invoices.void(books.tenant_id, posted["id"], ISSUE)
    assert (voided["status"], voided["amount_due"]) == ("voided", "0.00")
    assert books.balances() == {}
    assert books.table.tax_totals(books.tenant_id) == {books.tax_codes["GST10"]: (D(0), D(0))}
    assert books.table.event_types(books.tenant_id)[-1] == "invoice.voided"
    with pytest.raises(InvalidState):
        invoices.void(books.tenant_id, posted["id"], None)


def test_void_refuses_a_date_before_the_issue_date(books):
    posted = invoices.post(books.tenant_id, draft(books)["id"])
    with pytest.raises(ValidationFailed) as error:
        invoices.void(books.tenant_id, posted["id"], ISSUE - timedelta(days=1))
    assert error.value.param == "date"
    assert books.balances() == {"1100": D("1375"), "4000": D("-1250"), "2200": D("-125")}


def test_send_marks_it_sent(books):
    posted = invoices.post(books.tenant_id, draft(books)["id"])
    sent = invoices.send(books.tenant_id, posted["id"])
    assert sent["sent_at"] is not None
    assert books.table.event_types(books.tenant_id)[-1] == "invoice.sent"


# -- issue 20: metadata ------------------------------------------------------------------------------


def test_metadata_is_kept_on_create_and_a_metadata_only_patch_changes_a_posted_invoice_in_nothing_else(books):
    created = draft(books, metadata={"order_id": "42", "empty": ""})
    assert created["metadata"] == {"order_id": "42"}
    posted = invoices.post(books.tenant_id, created["id"])
    balances = books.balances()
    before = books.table.load(Invoice, books.tenant_id, created["id"])
    changed = invoices.update_draft(books.tenant_id, created["id"], {"metadata": {"order_id": None, "a": "b"}},
                                    posted["version"])
    after = books.table.load(Invoice, books.tenant_id, created["id"])
    assert after.metadata == {"a": "b"} and changed.version == posted["version"] + 1
    assert (after.status, after.number, after.total, after.lines[0].amount) == (
        before.status, before.number, before.total, before.lines[0].amount)
    assert books.balances() == balances
    assert books.table.event_types(books.tenant_id)[-1] == "invoice.updated"
    with pytest.raises(InvalidState):
        invoices.update_draft(books.tenant_id, created["id"], {"metadata": {"x": "y"}, "notes": "n"}, None)
    assert books.table.load(Invoice, books.tenant_id, created["id"]).metadata == {"a": "b"}
