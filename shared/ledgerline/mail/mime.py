"""The MIME message of an email (standard library `email.message.EmailMessage`).

The body is multipart/alternative: the text as written (text/plain) and the same text as HTML (text/html:
escaped, a paragraph per blank-line-separated block, line breaks kept); the PDF, if any, is attached beside
them (multipart/mixed).

The Message-ID names the email record and its tenant (`<email id>.<tenant id>@ledgerline.mail>`), so a
bounce notification, which carries the original headers, finds the record without any other lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

MESSAGE_ID_DOMAIN = "ledgerline.mail"
PDF = "application/pdf"


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str = PDF


def message_id(tenant_id: str, email_id: str) -> str:
    return f"<{email_id}.{tenant_id}@{MESSAGE_ID_DOMAIN}>"


def parse_message_id(value: str | None) -> tuple[str, str] | None:
    """(tenant id, email id) of a Message-ID this module made; None for any other."""
    if not value:
        return None
    value = value.strip().strip("<>")
    local, _, domain = value.partition("@")
    email_id, _, tenant_id = local.partition(".")
    if domain != MESSAGE_ID_DOMAIN or not email_id.startswith("eml_") or not tenant_id.startswith("ten_"):
        return None
    return tenant_id, email_id


def build_message(*, sender: str, to: list[str], cc: list[str], subject: str, body: str, msg_id: str,
                  at: datetime, attachment: Attachment | None = None,
                  attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Message-ID"] = msg_id
    message["Date"] = format_datetime(at)
    message.set_content(body)
    message.add_alternative(html_of(body, subject), subtype="html")
    for each in ((attachment,) if attachment is not None else ()) + tuple(attachments):
        maintype, _, subtype = each.content_type.partition("/")
        message.add_attachment(each.data, maintype=maintype, subtype=subtype, filename=each.filename)
    return message


def html_of(text: str, title: str = "") -> str:
    """The HTML part of a text body: every character escaped (a customer's name is no markup), a paragraph
    per block of lines separated by a blank line, a `<br>` per line break within one."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    paragraphs = "\n".join("<p>" + "<br>\n".join(escape(line) for line in block.strip("\n").split("\n")) + "</p>"
                           for block in blocks)
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(title)}</title></head>\n'
            f'<body style="font-family: Helvetica, Arial, sans-serif; font-size: 14px; line-height: 1.4">\n'
            f"{paragraphs}\n</body></html>\n")
