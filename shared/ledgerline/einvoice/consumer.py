"""The bus consumer of `einvoice.queued` (issue 17, item 6): hands a queued Peppol submission to the access point
(`services/einvoice_delivery.deliver`). A submission the access point has not decided on yet stays `sent` and the
run raises `StillPending`, so the bus delivers the event again later (its retry policy's backoff) and the next
run polls again. Email submissions go with their email (`email.queued`, the email sender)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.domain.test_mode import is_live
from ledgerline.einvoice.access_point import TestModeAccessPoint, access_point
from ledgerline.observability import logger
from ledgerline.services import einvoice_delivery


class StillPending(Exception):
    """The access point has the document but has not said delivered or rejected yet: ask again later."""


def _send(tenant_id: str, submission_id: str) -> str:
    # Test mode (issue 20): a test twin's e-invoices are delivered at once and go nowhere
    point = access_point() if is_live(tenant_id) else TestModeAccessPoint()
    return einvoice_delivery.deliver(tenant_id, submission_id, point)


HANDLERS: dict[EventType, Callable[[str, str], str]] = {EventType.EINVOICE_QUEUED: _send}


def on_bus_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    detail = event["detail"]
    kind = event.get("detail-type") or detail.get("type")
    handler = HANDLERS.get(kind)  # type: ignore[call-overload]
    if handler is None:
        return {"delivered": False, "reason": f"not handled: {kind}"}
    try:
        status = handler(detail["tenant_id"], detail["object_id"])
    except NotFound:
        logger.info("e-invoice submission or its document gone", extra={"object_id": detail["object_id"]})
        return {"delivered": False, "reason": "not_found"}
    if status == "sent":
        raise StillPending(f"submission {detail['object_id']} is sent; the access point has not decided yet")
    return {"delivered": status == "delivered", "status": status}
