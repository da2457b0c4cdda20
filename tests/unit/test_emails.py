"""Documents sent by email (issue 14, part M): the pure rules (templates, recipients, life cycle), the MIME
builder (parsed back with the standard `email` package) and SES's bounce notifications."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain import emails as rules
from ledgerline.domain.documents.base import InvalidState
from ledgerline.domain.emails import EmailStatus
from ledgerline.domain.errors import ValidationFailed
from ledgerline.mail import bounces
from ledgerline.mail.mime import Attachment, build_message, message_id, parse_message_id

VALUES = {
    "number": "INV-2026-0007",
    "total": "1375.00",
    "currency": "AUD",
    "due_date": "2026-02-04",
    "customer_name": "Globex",
    "company_name": "Acme",
}


# ------------------------------------------------------------------------------------ templates


def test_placeholders_are_filled_and_other_braces_kept():
    assert (
        rules.fill("Invoice {number}: {currency} {total} due {due_date}, {customer_name}", VALUES)
        == "Invoice INV-2026-0007: AUD 1375.00 due 2026-02-04, Globex"
    )
    assert rules.fill("{unknown} and {} and {{number}}", VALUES) == "{unknown} and {} and {INV-2026-0007}"
    assert rules.fill("due {due_date}", {"number": "CN-1"}) == "due "  # a document without a due date


def test_unknown_placeholders_are_named():
    assert rules.unknown_placeholders("{number} {nope} {total} {also_not}") == ["also_not", "nope"]
    assert rules.unknown_placeholders("Invoice {number}") == []


def test_the_tenants_template_wins_over_the_default_per_field():
    default = rules.MAIL_KINDS["invoice"]
    assert rules.template_for("invoice", None) == (default.subject, default.body)
    assert rules.template_for("invoice", {"invoice": {"subject": "R {number}"}}) == ("R {number}", default.body)
    assert (
        rules.template_for("credit_note", {"invoice": {"subject": "R"}})[0] == rules.MAIL_KINDS["credit_note"].subject
    )


def test_every_default_template_uses_known_placeholders_only():
    for kind in rules.MAIL_KINDS.values():
        assert rules.unknown_placeholders(kind.subject + kind.body) == []


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_filling_never_fails_and_keeps_text_without_placeholders(text):
    filled = rules.fill(text, VALUES)
    if "{" not in text:
        assert filled == text


# ----------------------------------------------------------------------------------- recipients


def test_to_defaults_to_the_party_email_and_cc_drops_repeats():
    assert rules.recipients(None, ["boss@g.example", "AP@g.example"], "ap@g.example") == (
        ["ap@g.example"],
        ["boss@g.example"],
    )
    assert rules.recipients(["x@g.example", "X@g.example"], [], "ap@g.example") == (["x@g.example"], [])


def test_no_to_and_no_party_email_is_a_422_on_to():
    with pytest.raises(ValidationFailed) as raised:
        rules.recipients([], [], None)
    assert raised.value.param == "to"


def test_too_many_recipients_is_a_422_on_cc():
    with pytest.raises(ValidationFailed) as raised:
        rules.recipients([f"a{i}@x.example" for i in range(30)], [f"b{i}@x.example" for i in range(30)], None)
    assert raised.value.param == "cc"


# ----------------------------------------------------------------------------------- life cycle


def test_only_a_queued_email_is_sent():
    assert [s.value for s in EmailStatus if rules.should_send(s)] == ["queued"]


@given(st.lists(st.sampled_from(list(EmailStatus)), max_size=8))
def test_no_sequence_sends_an_email_twice(steps):
    """Whatever order the moves come in, an email reaches `sending` (is handed to the transport) at most once."""
    status, sends = EmailStatus.QUEUED, 0
    for step in steps:
        if rules.can_move(status, step):
            sends += step == EmailStatus.SENDING
            status = rules.move(status, step)
        else:
            with pytest.raises(InvalidState):
                rules.move(status, step)
    # back to queued happens only after a transient failure, which sent nothing
    assert sends <= 1 + steps.count(EmailStatus.QUEUED)
    assert not rules.can_move(EmailStatus.SENT, EmailStatus.SENDING)
    assert not rules.can_move(EmailStatus.BOUNCED, EmailStatus.SENT)


def test_bounce_addresses():
    assert rules.is_bounce_address("Nobody@Bounce.Invalid ")
    assert not rules.is_bounce_address("ap@bounce.invalid.example")


# -------------------------------------------------------------------------------------- MIME


def test_the_message_has_every_header_the_body_and_the_pdf():
    msg_id = message_id("ten_01ABC", "eml_01XYZ")
    built = build_message(
        sender="billing@acme.example",
        to=["ap@globex.example"],
        cc=["boss@globex.example"],
        subject="Invoice INV-1 from Acme",
        body="Dear Globex\n\nAttached.",
        msg_id=msg_id,
        at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        attachment=Attachment("INV-1.pdf", b"%PDF-1.4 fake"),
    )
    parsed = email.message_from_bytes(built.as_bytes(), policy=email.policy.default)
    assert (parsed["From"], parsed["To"], parsed["Cc"]) == (
        "billing@acme.example",
        "ap@globex.example",
        "boss@globex.example",
    )
    assert parsed["Subject"] == "Invoice INV-1 from Acme" and parsed["Message-ID"] == msg_id
    assert parsed["Date"].datetime == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    assert parsed.get_body(preferencelist=("plain",)).get_content() == "Dear Globex\n\nAttached.\n"
    [pdf] = list(parsed.iter_attachments())
    assert (pdf.get_content_type(), pdf.get_filename(), pdf.get_content()) == (
        "application/pdf",
        "INV-1.pdf",
        b"%PDF-1.4 fake",
    )


def test_without_attachment_or_cc_and_with_non_ascii_text():
    built = build_message(
        sender="a@acme.example",
        to=["b@x.example", "c@x.example"],
        cc=[],
        subject="Rechnung Nr. 7 – Müller",
        body="Grüße",
        msg_id=message_id("ten_1", "eml_1"),
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    parsed = email.message_from_bytes(built.as_bytes(), policy=email.policy.default)
    assert parsed["Cc"] is None and parsed["To"] == "b@x.example, c@x.example"
    assert parsed["Subject"] == "Rechnung Nr. 7 – Müller" and list(parsed.iter_attachments()) == []
    # the text part (issue 14, part L: an HTML part now comes beside it, which get_body() would prefer)
    assert parsed.get_body(preferencelist=("plain",)).get_content().strip() == "Grüße"


def test_the_message_id_names_the_tenant_and_the_email():
    assert parse_message_id(message_id("ten_01ABC", "eml_01XYZ")) == ("ten_01ABC", "eml_01XYZ")
    assert parse_message_id("<something@else.example>") is None and parse_message_id(None) is None


# -------------------------------------------------------------------------------- SES bounces


SAMPLE = Path(__file__).parents[2] / "events" / "sns" / "ses_bounce.json"


def test_a_permanent_bounce_and_a_complaint_are_reasons_a_transient_bounce_is_not():
    notification = bounces.notification_of(json.loads(SAMPLE.read_text())["Records"][0])
    assert bounces.reason_of(notification).startswith("bounce (Permanent/General): ap@globex.example")
    transient = {**notification, "bounce": {**notification["bounce"], "bounceType": "Transient"}}
    assert bounces.reason_of(transient) is None
    complaint = {
        "notificationType": "Complaint",
        "complaint": {"complainedRecipients": [{"emailAddress": "a@b.c"}], "complaintFeedbackType": "abuse"},
    }
    assert bounces.reason_of(complaint) == "complaint (abuse): a@b.c"
    assert bounces.reason_of({"eventType": "Delivery"}) is None
