"""Emails with an HTML part, and sales orders and delivery notes sent by email (issue 14, part L), against
DynamoDB Local and the local SMTP sink; messages parsed with the standard `email` package."""

from __future__ import annotations

from tests.integration.books import Books
from tests.integration.test_emails_sent import deliver, kept
from tests.integration.test_emails_sent import sink as mail_sink

sink = mail_sink  # the local SMTP sink fixture of test_emails_sent.py


def confirmed_order(books: Books, customer: str) -> dict:
    order = books.post("/v1/orders", {"customer_id": customer, "reference": "PO <4711>", "lines": [
        {"description": "Widget", "quantity": "10", "unit_price": "25.00", "tax_code_id": books.tax_codes["GST10"]}]})
    return books.post(f"/v1/orders/{order['id']}/confirm", expect=200)


def test_an_email_has_a_text_and_an_html_part_and_the_pdf_beside_them(books: Books, sink):
    invoice = books.posted(books.customer("Smith & <Sons>", email="ap@smith.example"))
    queued = books.post(f"/v1/invoices/{invoice['id']}/send", {}, expect=202)
    deliver(books, queued["id"])
    [message] = kept(sink)
    assert message.get_content_type() == "multipart/mixed"
    alternative, pdf = list(message.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF")
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")  # as SMTP carried it
    html = message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Dear Smith & <Sons>\n\nPlease find attached invoice")
    assert "<p>Dear Smith &amp; &lt;Sons&gt;</p>" in html and f"invoice {invoice['number']}" in html
    assert "<p>Kind regards<br>\nTest Pty Ltd</p>" in html


def test_a_confirmed_order_is_sent_by_email_with_its_pdf(books: Books, sink):
    customer = books.customer("Globex", email="buyer@globex.example")
    draft = books.post("/v1/orders", {"customer_id": customer, "lines": [{"description": "X", "unit_price": "1"}]})
    books.call("POST", f"/v1/orders/{draft['id']}/send", {}, expect=409)  # a draft: confirm it first
    order = confirmed_order(books, customer)
    queued = books.post(f"/v1/orders/{order['id']}/send", {"cc": ["boss@globex.example"]}, expect=202)
    assert (queued["status"], queued["to"], queued["document_type"]) == ("queued", ["buyer@globex.example"], "order")
    assert deliver(books, queued["id"]) == {"sent": True, "status": "sent"}
    [message] = kept(sink)
    assert message["Subject"] == f"Order confirmation {order['number']} from Test Pty Ltd"
    [pdf] = list(message.iter_attachments())
    assert pdf.get_filename() == f"{order['number']}.pdf" and pdf.get_content().startswith(b"%PDF")
    assert f"We confirm order {order['number']} for AUD 275.00." in message.get_body(("plain",)).get_content()
    assert [e["status"] for e in books.get(f"/v1/orders/{order['id']}/emails")["data"]] == ["sent"]
    assert books.events().count("order.sent") == 1


def test_an_issued_delivery_note_is_sent_with_its_pdf(books: Books, sink):
    customer = books.customer("Globex", email="goods-in@globex.example")
    order = confirmed_order(books, customer)
    note = books.post(f"/v1/orders/{order['id']}/deliveries", {})
    books.call("POST", f"/v1/deliveries/{note['id']}/send", {}, expect=409)  # a draft: issue it first
    issued = books.post(f"/v1/deliveries/{note['id']}/issue", expect=200)
    queued = books.post(f"/v1/deliveries/{note['id']}/send", {}, expect=202)
    assert deliver(books, queued["id"]) == {"sent": True, "status": "sent"}
    [message] = kept(sink)
    assert message["To"] == "goods-in@globex.example"
    assert message["Subject"] == f"Delivery note {issued['number']} from Test Pty Ltd"
    [pdf] = list(message.iter_attachments())
    assert pdf.get_filename() == f"{issued['number']}.pdf" and pdf.get_content().startswith(b"%PDF")
    assert [e["status"] for e in books.get(f"/v1/deliveries/{note['id']}/emails")["data"]] == ["sent"]
    assert books.events().count("delivery.sent") == 1
    books.call("GET", "/v1/deliveries/dn_unknown/emails", expect=404)


def test_a_confirmed_orders_pdf_shows_its_positions_a_draft_has_none(books: Books, sink):
    from io import BytesIO

    from pypdf import PdfReader

    customer = books.customer("Globex")
    draft = books.post("/v1/orders", {"customer_id": customer, "positions": [
        {"type": "item", "description": "Widget", "quantity": "10", "unit_price": "25.00"},
        {"type": "text", "text": "Assembled on site"},
        {"type": "discount", "percent": "10", "reason": "Volume"}]})
    books.call("GET", f"/v1/orders/{draft['id']}/pdf", expect=409)
    order = books.post(f"/v1/orders/{draft['id']}/confirm", expect=200)
    response = books.call("GET", f"/v1/orders/{order['id']}/pdf", expect=200)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages).split())
    for shown in ("Order confirmation", order["number"], "Widget", "Assembled on site", "Discount 10 %: Volume -25.00"):
        assert shown in text
