"""The HTML part of an email (mail/mime.html_of, issue 14, part L): the text, escaped, in paragraphs."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from ledgerline.mail.mime import Attachment, build_message, html_of, message_id


def test_paragraphs_and_line_breaks_follow_the_text_and_markup_is_escaped():
    html = html_of("Dear <b>Smith</b> & Co\n\nLine one\nLine two\n\n\nKind regards\nAcme", "Invoice <1>")
    assert "<title>Invoice &lt;1&gt;</title>" in html
    assert "<p>Dear &lt;b&gt;Smith&lt;/b&gt; &amp; Co</p>\n<p>Line one<br>\nLine two</p>\n" in html
    assert "<p>Kind regards<br>\nAcme</p>" in html


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_no_text_can_inject_markup(text):
    html = html_of(text)
    body = html.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]
    stripped = body.replace("<p>", "").replace("</p>", "").replace("<br>", "")
    assert "<" not in stripped and ">" not in stripped


def test_the_message_is_mixed_with_an_alternative_of_text_and_html_then_the_pdf():
    built = build_message(sender="a@acme.example", to=["b@x.example"], cc=[], subject="Invoice 1",
                          body="Grüße\n\nAcme", msg_id=message_id("ten_1", "eml_1"),
                          at=datetime(2026, 1, 1, tzinfo=UTC), attachment=Attachment("INV-1.pdf", b"%PDF-1.4"))
    parsed = email.message_from_bytes(built.as_bytes(), policy=email.policy.default)
    alternative, pdf = list(parsed.iter_parts())
    assert (parsed.get_content_type(), alternative.get_content_type(), pdf.get_filename()) == (
        "multipart/mixed", "multipart/alternative", "INV-1.pdf")
    plain, html = list(alternative.iter_parts())
    assert plain.get_content().strip() == "Grüße\n\nAcme"
    assert "<p>Grüße</p>\n<p>Acme</p>" in html.get_content()
