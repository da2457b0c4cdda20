"""The PDF renderer: a consumer of bus events (the event each kind with a PDF renders on, domain/kinds.KINDS:
`invoice.posted`, `credit_note.posted`, `reminder.created`, `delivery.issued`), and the renderer the API
functions invoke.

Given an EventBridge event whose detail is an outbox event, render the document's PDF and record it.
Delivering the same event again (EventBridge retries, a replay, the local relay) finds the file already
recorded and does nothing. Given `{"render": {"tenant_id", "kind", "id"}}` (a synchronous Invoke by an API
function, whose `GET …/pdf` found no PDF yet: those functions carry no PDF stack), do the same for that
document.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType, pdf_events
from ledgerline.observability import logger
from ledgerline.services import pdfs
from ledgerline.store.files import DocumentFile

# Each kind with a PDF → its renderer (services/pdfs.py).
RENDERERS: dict[str, Callable[[str, str], DocumentFile]] = {
    "invoice": partial(pdfs.invoice_pdf, in_process=True),
    "credit_note": partial(pdfs.credit_note_pdf, in_process=True),
    "reminder": partial(pdfs.reminder_pdf, in_process=True),
    "quote": partial(pdfs.quote_pdf, in_process=True),
    "delivery": partial(pdfs.delivery_pdf, in_process=True),
    "purchase_order": partial(pdfs.purchase_order_pdf, in_process=True),
    "order": partial(pdfs.order_pdf, in_process=True),  # on request only (GET, an email): no `pdf_on` event
}

# What this consumer handles: {event type: handler}, derived from the registry (a kind's `pdf_on`).
HANDLERS: dict[EventType, Callable[[str, str], DocumentFile]] = {
    event_type: RENDERERS[kind] for event_type, kind in pdf_events().items()
}


def on_bus_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    if "render" in event:
        return on_render_request(event["render"])
    detail = event["detail"]
    kind = event.get("detail-type") or detail.get("type")
    tenant_id, object_id = detail["tenant_id"], detail["object_id"]
    handler = HANDLERS.get(kind)
    if handler is None:
        return {"rendered": False, "reason": f"not rendered on {kind}"}
    return _render(handler, kind, tenant_id, object_id)


def on_render_request(request: dict[str, Any]) -> dict[str, Any]:
    """An API function's synchronous request to render one document (`pdf/renderer_function.py`)."""
    handler = RENDERERS.get(request.get("kind", ""))
    if handler is None:
        return {"rendered": False, "reason": f"no PDF for kind {request.get('kind')!r}"}
    return _render(handler, request["kind"], request["tenant_id"], request["id"])


def _render(handler: Callable[[str, str], DocumentFile], kind: str, tenant_id: str, object_id: str
            ) -> dict[str, Any]:
    try:
        file = handler(tenant_id, object_id)
    except NotFound:
        # A reminder withdrawn before its PDF was made: nothing to render, and retrying will not help.
        logger.info("document gone before rendering", extra={"type": kind, "object_id": object_id})
        return {"rendered": False, "reason": "not_found"}
    except InvalidState as exc:
        if exc.code != "document_not_posted":
            raise
        # A quote taken back to draft before its PDF was made (issue 14): issuing it again renders it.
        logger.info("document not issued when rendering", extra={"type": kind, "object_id": object_id})
        return {"rendered": False, "reason": "not_issued"}
    return {"rendered": True, "document_id": file.document_id, "sha256": file.sha256, "key": file.blob_key}
