"""PDFs of posted documents: render once, keep the file, record where it is and its SHA-256.

The same use case serves the event-driven render (the PDF renderer function, on `invoice.posted`,
`credit_note.posted`, `reminder.created`) and the API (`GET …/pdf`), which renders on demand when the
event-driven render has not happened yet. Whichever records the file first wins (a conditional write
of the document's file item); rendering is deterministic and the object key holds the content hash,
so concurrent renders of the same document write the same object and agree on the SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.transactions import TransactWrite

from ledgerline.clock import utc_now
from ledgerline.domain.documents import InvalidState, InvoiceStatus
from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.ids import new_id
from ledgerline.pdf import views
from ledgerline.pdf.blobs import blob_key, blob_store
from ledgerline.pdf.model import PdfDocument
from ledgerline.schemas.files import DocumentFileOut
from ledgerline.services.document_rules import record_event
from ledgerline.settings import get_settings
from ledgerline.store.documents import CreditNote, Invoice
from ledgerline.store.files import DocumentFile, add_file, find_file
from ledgerline.store.parties import Party
from ledgerline.store.records import TenantRecord, load
from ledgerline.store.reminders import find_reminder
from ledgerline.store.table import Contention, commit
from ledgerline.store.tenants import Tenant, load_tenant

CONTENT_TYPE = "application/pdf"
RENDERER = "reportlab/ledgerline-pdf-1"


@dataclass(frozen=True)
class Download:
    """How the API hands a PDF out: a presigned URL (AWS) or the bytes (local runtime)."""

    file: DocumentFile
    url: str | None
    expires_at: datetime | None
    content: bytes | None


def invoice_pdf(tenant_id: str, invoice_id: str) -> DocumentFile:
    invoice = load(Invoice, tenant_id, invoice_id)
    if invoice.status == InvoiceStatus.DRAFT:
        raise InvalidState("A draft invoice has no PDF: post it first (drafts can still change)", param="status",
                           code="document_not_posted")
    return _ensure(tenant_id, invoice, "invoice", invoice.number, invoice.customer_id,
                   lambda tenant, party: views.invoice_document(tenant, invoice, party))


def credit_note_pdf(tenant_id: str, note_id: str) -> DocumentFile:
    note = load(CreditNote, tenant_id, note_id)
    return _ensure(tenant_id, note, "credit_note", note.number, note.customer_id,
                   lambda tenant, party: views.credit_note_document(tenant, note, party))


def reminder_pdf(tenant_id: str, reminder_id: str) -> DocumentFile:
    reminder = find_reminder(tenant_id, reminder_id)
    number = f"{reminder.invoice_number}-reminder-{reminder.level}"
    return _ensure(tenant_id, reminder, "reminder", number, reminder.customer_id,
                   lambda tenant, party: views.reminder_document(tenant, reminder, party))


def download(file: DocumentFile) -> Download:
    """A presigned URL where the blob store has them, else the bytes."""
    store = blob_store()
    seconds = get_settings().document_link_seconds
    url = store.link(file.blob_key, file.filename, seconds)
    if url is not None:
        return Download(file, url, utc_now() + timedelta(seconds=seconds), None)
    return Download(file, None, None, store.get(file.blob_key))


def _ensure(tenant_id: str, document: TenantRecord, kind: str, number: str | None, customer_id: str,
            build: Callable[[Tenant, Party | None], PdfDocument]) -> DocumentFile:
    existing = find_file(document, document.id)
    if existing is not None:
        return existing
    data = _render(build(load_tenant(tenant_id), _customer(tenant_id, customer_id)))
    sha256 = hashlib.sha256(data).hexdigest()
    key = blob_key(tenant_id, kind, document.id, sha256)
    blob_store().put(key, data, CONTENT_TYPE)
    now = utc_now()
    file = DocumentFile(
        *DocumentFile.of(document, document.id),
        id=new_id("file"),
        tenant_id=tenant_id,
        document_type=kind,
        document_id=document.id,
        document_number=number,
        filename=f"{number or document.id}.pdf",
        content_type=CONTENT_TYPE,
        blob_key=key,
        sha256=sha256,
        size=len(data),
        renderer=RENDERER,
        created_at=now,
        updated_at=now,
    )

    def write(tx: TransactWrite) -> None:
        add_file(tx, file)
        record_event(tx, file, EventType.DOCUMENT_RENDERED, DocumentFileOut)

    try:
        commit(write)
    except Contention:
        # Another render recorded the document's file first: that one is the document's PDF.
        winner = find_file(document, document.id)
        if winner is None:
            raise
        return winner
    return file


def _render(document: PdfDocument) -> bytes:
    from ledgerline.pdf.render import render  # ReportLab is imported by the functions that render only

    return render(document)


def _customer(tenant_id: str, party_id: str) -> Party | None:
    try:
        return load(Party, tenant_id, party_id)
    except NotFound:
        return None

