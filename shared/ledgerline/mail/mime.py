"""The MIME message of an email (standard library `email.message.EmailMessage`).

The Message-ID names the email record and its tenant (`<email id>.<tenant id>@ledgerline.mail>`), so a
bounce notification, which carries the original headers, finds the record without any other lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

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
                  at: datetime, attachment: Attachment | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Message-ID"] = msg_id
    message["Date"] = format_datetime(at)
    message.set_content(body)
    if attachment is not None:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message
