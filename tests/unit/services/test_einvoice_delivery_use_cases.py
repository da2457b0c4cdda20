"""E-invoice delivery's use cases on the in-memory unit of work (issue 17, item 6), with a scripted access point:
queueing (refusals write nothing), the Peppol worker (delivered, rejected, refused, unreachable → retries with
backoff → failed, pending → polled again), a redelivered event submitting once, and the email channel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.einvoice.delivery import Outgoing, Refused, Unreachable, Verdict
from ledgerline.domain.errors import ValidationFailed
from ledgerline.services import einvoice_delivery, invoices, tenants
from ledgerline.settings import configure, get_settings
from ledgerline.store.parties import Party
from ledgerline.store.unit_of_work import open_unit
from tests.unit.services.conftest import fresh_books


class ScriptedAccessPoint:
    """Answers `submit` and `status` from scripts: an exception is raised, anything else returned."""

    def __init__(self, submits: list, statuses: list | None = None) -> None:
        self.submits, self.statuses = list(submits), list(statuses or [])
        self.handed: list[Outgoing] = []
        self.asked: list[str] = []

    def submit(self, outgoing: Outgoing) -> str:
        self.handed.append(outgoing)
        answer = self.submits.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def status(self, transmission_id: str) -> Verdict:
        self.asked.append(transmission_id)
        answer = self.statuses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture(autouse=True)
def few_attempts():
    before = get_settings()
    configure(einvoice_send_attempts=3, einvoice_poll_attempts=2, einvoice_retry_seconds=0.5)
    yield
    configure(einvoice_send_attempts=before.einvoice_send_attempts,
              einvoice_poll_attempts=before.einvoice_poll_attempts,
              einvoice_retry_seconds=before.einvoice_retry_seconds)


def posted(books, *, electronic_address: str | None = "0088:4000001000005", email: str | None = None,
           post: bool = True) -> str:
    tenants.update_tenant(books.tenant_id, {"address": {"country": "AU"}, "tax_id": "DE123456788",
                                            "einvoicing": {"electronic_address": "9930:DE123456788"}}, None)
    party = open_unit(books.tenant_id).load(Party, books.customer_id)
    party.address = {"country": "AU"}  # type: ignore[assignment]
    party.electronic_address = electronic_address
    party.email = email
    books.table.put(party)
    created = invoices.create_draft(books.tenant_id, {
        "customer_id": books.customer_id, "issue_date": date(2026, 2, 1),
        "lines": [{"description": "Work", "quantity": Decimal(1), "unit_price": Decimal(100),
                   "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}]})
    if post:
        invoices.post(books.tenant_id, created["id"])
    return created["id"]


def queue_peppol(books, invoice_id: str, **request) -> dict:
    return einvoice_delivery.queue(books.tenant_id, "invoice", invoice_id,
                                   {"channel": "peppol", "format": "ubl", **request})


def einvoice_events(books) -> list[str]:
    return [t for t in books.table.event_types(books.tenant_id) if t.startswith("einvoice.")]


def test_queueing_records_the_submission_queued_with_its_event(books):
    invoice_id = posted(books)
    submission = queue_peppol(books, invoice_id)
    assert submission["status"] == "queued" and submission["receiver"] == "0088:4000001000005"
    assert submission["channel"] == "peppol" and submission["format"] == "ubl" and submission["attempts"] == 0
    assert einvoice_events(books) == ["einvoice.queued"]
    assert einvoice_delivery.get_submission(books.tenant_id, submission["id"]) == submission


def test_refusals_write_nothing(books):
    draft = posted(books, post=False)
    events = books.table.event_types(books.tenant_id)
    with pytest.raises(InvalidState):
        queue_peppol(books, draft)
    invoice_id = posted(books, electronic_address=None)
    with pytest.raises(ValidationFailed) as error:  # no BT-49 to deliver to
        queue_peppol(books, invoice_id)
    assert error.value.param == "channel" and [i.field for i in error.value.details] == ["BT-49"]
    with pytest.raises(ValidationFailed) as error:  # the peppol format needs more data than the tenant has
        queue_peppol(books, invoice_id, format="peppol")
    assert "BT-49 buyer electronic address" in [i.message for i in error.value.details]
    with pytest.raises(ValidationFailed) as error:
        queue_peppol(books, invoice_id, format="facturx")
    assert error.value.param == "format"
    with pytest.raises(ValidationFailed) as error:
        queue_peppol(books, invoice_id, to=["a@b.example"])
    assert error.value.param == "to"
    assert [t for t in books.table.event_types(books.tenant_id) if t.startswith("einvoice.")] == \
        [t for t in events if t.startswith("einvoice.")] == []


def test_the_worker_hands_the_xml_over_then_polls_it_delivered(books):
    invoice_id = posted(books)
    submission = queue_peppol(books, invoice_id)
    point = ScriptedAccessPoint(["tx_1"], [Verdict("delivered", "accepted by the receiver")])
    waits: list[float] = []
    assert einvoice_delivery.deliver(books.tenant_id, submission["id"], point, waits.append) == "delivered"
    [outgoing] = point.handed
    assert outgoing.receiver == "0088:4000001000005" and outgoing.sender == "9930:DE123456788"
    assert outgoing.document_id == submission["id"] and b"<cbc:ID>" in outgoing.xml
    shown = einvoice_delivery.get_submission(books.tenant_id, submission["id"])
    assert shown["status"] == "delivered" and shown["transmission_id"] == "tx_1" and shown["attempts"] == 1
    assert shown["response"] == "accepted by the receiver" and shown["sent_at"] and shown["delivered_at"]
    assert einvoice_events(books) == ["einvoice.queued", "einvoice.sent", "einvoice.delivered"]
    assert waits == []
    assert "invoice.sent" in books.table.event_types(books.tenant_id)  # handed over: the invoice went out


def test_a_rejection_keeps_the_findings(books):
    invoice_id = posted(books)
    submission = queue_peppol(books, invoice_id)
    finding = {"id": "PEPPOL-EN16931-R010", "severity": "fatal", "location": "/Invoice", "text": "Buyer address"}
    point = ScriptedAccessPoint(["tx_2"], [Verdict("pending"), Verdict("rejected", "2 rules failed", (finding,))])
    waits: list[float] = []
    assert einvoice_delivery.deliver(books.tenant_id, submission["id"], point, waits.append) == "rejected"
    shown = einvoice_delivery.get_submission(books.tenant_id, submission["id"])
    assert shown["findings"] == [finding] and shown["response"] == "2 rules failed" and shown["rejected_at"]
    assert waits == [0.5]  # polled again after the backoff
    assert einvoice_events(books)[-1] == "einvoice.rejected"


def test_a_refusal_at_submission_is_a_rejection_without_retries(books):
    submission = queue_peppol(books, posted(books))
    point = ScriptedAccessPoint([Refused("400 receiver unknown")])
    assert einvoice_delivery.deliver(books.tenant_id, submission["id"], point, lambda s: None) == "rejected"
    shown = einvoice_delivery.get_submission(books.tenant_id, submission["id"])
    assert "receiver unknown" in shown["error"] and len(point.handed) == 1 and shown["sent_at"] is None


def test_an_unreachable_access_point_is_retried_with_backoff_then_the_submission_fails(books):
    submission = queue_peppol(books, posted(books))
    point = ScriptedAccessPoint([Unreachable("connection refused")] * 3)
    waits: list[float] = []
    assert einvoice_delivery.deliver(books.tenant_id, submission["id"], point, waits.append) == "failed"
    assert waits == [0.5, 1.0] and len(point.handed) == 3
    shown = einvoice_delivery.get_submission(books.tenant_id, submission["id"])
    assert shown["attempts"] == 3 and "after 3 attempts" in shown["error"] and shown["failed_at"]
    assert einvoice_events(books) == ["einvoice.queued", "einvoice.failed"]


def test_a_second_attempt_can_succeed(books):
    submission = queue_peppol(books, posted(books))
    point = ScriptedAccessPoint([Unreachable("503"), "tx_3"], [Verdict("delivered")])
    assert einvoice_delivery.deliver(books.tenant_id, submission["id"], point, lambda s: None) == "delivered"
    assert einvoice_delivery.get_submission(books.tenant_id, submission["id"])["attempts"] == 2


def test_pending_stays_sent_and_a_redelivered_event_polls_without_submitting_again(books):
    submission = queue_peppol(books, posted(books))
    point = ScriptedAccessPoint(["tx_4"], [Verdict("pending"), Unreachable("timeout"), Verdict("delivered")])
    assert einvoice_delivery.deliver(books.tenant_id, submission["id"], point, lambda s: None) == "sent"
    assert einvoice_delivery.deliver(books.tenant_id, submission["id"], point, lambda s: None) == "delivered"
    assert len(point.handed) == 1 and point.asked == ["tx_4", "tx_4", "tx_4"]
    assert einvoice_delivery.deliver(books.tenant_id, submission["id"], point, lambda s: None) == "delivered"
    assert einvoice_events(books).count("einvoice.delivered") == 1


def test_the_email_channel_stages_the_email_with_the_format_in_one_transaction(books):
    invoice_id = posted(books, email="ap@customer.example")
    submission = einvoice_delivery.queue(books.tenant_id, "invoice", invoice_id,
                                         {"channel": "email", "format": "ubl"})
    assert submission["to"] == ["ap@customer.example"] and submission["email_id"]
    assert submission["receiver"] is None
    events = books.table.event_types(books.tenant_id)
    assert "email.queued" in events and "einvoice.queued" in events
    # the Peppol worker leaves an email submission to its email
    assert einvoice_delivery.deliver(books.tenant_id, submission["id"], ScriptedAccessPoint([]), None) == "email"


# ------------------------------------------------------------------ any access point behaviour (Hypothesis)

FINDING = {"id": "R", "severity": "fatal", "location": "/", "text": "t"}
submit_answers = st.lists(st.sampled_from(["unreachable", "refused", "accepted"]), min_size=1, max_size=4)
verdicts = st.lists(st.sampled_from(["pending", "unreachable", "delivered", "rejected"]), min_size=0, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(submits=submit_answers, statuses=verdicts, runs=st.integers(min_value=1, max_value=3))
def test_whatever_the_access_point_answers_the_submission_ends_consistently(submits, statuses, runs):
    """The worker, run `runs` times (redelivered events), against any script: the document is handed over until
    the first acceptance or refusal and never after it; the final status follows the script; each status is
    reached once, with its one event, in the life cycle's order."""
    scripted = {"unreachable": Unreachable("down"), "refused": Refused("400 no"), "accepted": "tx_h"}
    answers = {"pending": Verdict("pending"), "unreachable": Unreachable("down"),
               "delivered": Verdict("delivered", "ok"), "rejected": Verdict("rejected", "no", (FINDING,))}
    with fresh_books() as books:
        submission = queue_peppol(books, posted(books))
        point = ScriptedAccessPoint([scripted[a] for a in submits] + [Unreachable("down")] * 10,
                                    [answers[v] for v in statuses] + [Verdict("pending")] * 20)
        for _ in range(runs):
            einvoice_delivery.deliver(books.tenant_id, submission["id"], point, lambda s: None)
        shown = einvoice_delivery.get_submission(books.tenant_id, submission["id"])
        tried = (submits + ["unreachable"] * 3)[:3]  # einvoice_send_attempts=3; then the padding answers
        decided = next((a for a in tried if a != "unreachable"), None)
        handed = len(tried) if decided is None else tried.index(decided) + 1
        assert len(point.handed) == handed and shown["attempts"] == handed
        events = einvoice_events(books)
        assert events[0] == "einvoice.queued" and len(events) == len(set(events))
        if decided is None:
            assert shown["status"] == "failed" and events == ["einvoice.queued", "einvoice.failed"]
        elif decided == "refused":
            assert shown["status"] == "rejected" and events == ["einvoice.queued", "einvoice.rejected"]
        else:
            final = next((v for v in statuses[:2 * runs] if v in ("delivered", "rejected")), None)
            assert events[:2] == ["einvoice.queued", "einvoice.sent"]
            if final is None or statuses.index(final) >= len(point.asked):
                assert shown["status"] == "sent" and len(events) == 2
            else:
                assert shown["status"] == final and events[2] == f"einvoice.{final}"
