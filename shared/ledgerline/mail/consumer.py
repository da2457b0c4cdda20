"""The email sender: a consumer of `email.queued` on the bus (template.yaml's `EmailSenderFunction` rule;
locally the relay calls it for the same rule). It sends the email once (services/emails.deliver); a
redelivered event finds it claimed or sent and does nothing. A transient transport failure raises, so
EventBridge (or the local relay) delivers the event again."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.domain.test_mode import is_live
from ledgerline.mail.transport import TestModeTransport, transport
from ledgerline.observability import logger
from ledgerline.services import emails


def _send(tenant_id: str, email_id: str) -> str:
    # Test mode (issue 20): a test twin's emails are recorded as sent and go nowhere
    return emails.deliver(tenant_id, email_id, transport() if is_live(tenant_id) else TestModeTransport())


HANDLERS: dict[EventType, Callable[[str, str], str]] = {EventType.EMAIL_QUEUED: _send}


def on_bus_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    detail = event["detail"]
    kind = event.get("detail-type") or detail.get("type")
    handler = HANDLERS.get(kind)  # type: ignore[call-overload]
    if handler is None:
        return {"sent": False, "reason": f"not sent on {kind}"}
    try:
        status = handler(detail["tenant_id"], detail["object_id"])
    except NotFound:
        logger.info("email or its document gone", extra={"object_id": detail["object_id"]})
        with suppress(NotFound):  # the document went (a withdrawn reminder): the email never goes; say so
            emails.fail(detail["tenant_id"], detail["object_id"], "the document no longer exists")
        return {"sent": False, "reason": "not_found"}
    return {"sent": status == "sent", "status": status}
