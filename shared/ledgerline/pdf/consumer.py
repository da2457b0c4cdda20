"""The PDF renderer: a consumer of bus events (`invoice.posted`, `credit_note.posted`, `reminder.created`).

Given an EventBridge event whose detail is an outbox event, render the document's PDF and record it.
Delivering the same event again (EventBridge retries, a replay, the local relay) finds the file already
recorded and does nothing.
"""

from __future__ import annotations

from typing import Any

from ledgerline.domain.errors import NotFound
from ledgerline.observability import logger
from ledgerline.services import pdfs
from ledgerline.store.files import DocumentFile

RENDERED_ON = ("invoice.posted", "credit_note.posted", "reminder.created")


def on_bus_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    detail = event["detail"]
    kind = event.get("detail-type") or detail.get("type")
    tenant_id, object_id = detail["tenant_id"], detail["object_id"]
    try:
        file = _render(kind, tenant_id, object_id)
    except NotFound:
        # A reminder withdrawn before its PDF was made: nothing to render, and retrying will not help.
        logger.info("document gone before rendering", extra={"type": kind, "object_id": object_id})
        return {"rendered": False, "reason": "not_found"}
    if file is None:
        return {"rendered": False, "reason": f"not rendered on {kind}"}
    return {"rendered": True, "document_id": file.document_id, "sha256": file.sha256, "key": file.blob_key}


def _render(kind: str, tenant_id: str, object_id: str) -> DocumentFile | None:
    if kind == "invoice.posted":
        return pdfs.invoice_pdf(tenant_id, object_id)
    if kind == "credit_note.posted":
        return pdfs.credit_note_pdf(tenant_id, object_id)
    if kind == "reminder.created":
        return pdfs.reminder_pdf(tenant_id, object_id)
    return None
