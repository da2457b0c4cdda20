"""SES bounce and complaint notifications (SES configuration set → SNS topic → this handler).

Each SNS record's `Message` is SES's JSON notification (`eventType`/`notificationType` Bounce or
Complaint); its `mail.commonHeaders.messageId` is the Message-ID mail/mime.py gave the email, which names
the tenant and the email: that email becomes `bounced` (a transient bounce, SES's `Transient`, is left).
"""

from __future__ import annotations

import json
from typing import Any

from ledgerline.domain.errors import NotFound
from ledgerline.mail.mime import parse_message_id
from ledgerline.observability import logger
from ledgerline.services import emails


def notification_of(record: dict[str, Any]) -> dict[str, Any]:
    message = record.get("Sns", {}).get("Message", "{}")
    return json.loads(message) if isinstance(message, str) else message


def reason_of(notification: dict[str, Any]) -> str | None:
    """Why the email bounced, or None when the notification is no lasting bounce or complaint."""
    kind = notification.get("eventType") or notification.get("notificationType")
    if kind == "Bounce":
        bounce = notification.get("bounce", {})
        if bounce.get("bounceType") == "Transient":
            return None
        recipients = ", ".join(r.get("emailAddress", "") for r in bounce.get("bouncedRecipients", []))
        return f"bounce ({bounce.get('bounceType')}/{bounce.get('bounceSubType')}): {recipients}"
    if kind == "Complaint":
        complaint = notification.get("complaint", {})
        recipients = ", ".join(r.get("emailAddress", "") for r in complaint.get("complainedRecipients", []))
        return f"complaint ({complaint.get('complaintFeedbackType', 'unspecified')}): {recipients}"
    return None


def on_sns_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    marked = []
    for record in event.get("Records", []):
        notification = notification_of(record)
        reason = reason_of(notification)
        ids = parse_message_id(notification.get("mail", {}).get("commonHeaders", {}).get("messageId"))
        if reason is None or ids is None:
            continue
        tenant_id, email_id = ids
        try:
            status = emails.mark_bounced(tenant_id, email_id, reason)
        except NotFound:
            logger.info("bounce for an unknown email", extra={"email_id": email_id})
            continue
        marked.append({"email_id": email_id, "status": status})
    return {"marked": marked}
