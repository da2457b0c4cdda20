"""PDFs of posted documents: render once, keep the file, record where it is and its SHA-256.

The same use case serves the event-driven render (the PDF renderer function, on `invoice.posted`,
`credit_note.posted`, `reminder.created`) and the API (`GET …/pdf`), which renders on demand when the
event-driven render has not happened yet. Whichever records the file first wins (a conditional write
of the document's file item); rendering is deterministic and the object key holds the content hash,
so concurrent renders of the same document write the same object and agree on the SHA-256.

Reads and the write go through the unit of work (`open_unit`): the document (with the tenant, in one batch),
its file item beside it, the customer when rendering; then the file item and its `document.rendered` event in
one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ledgerline.clock import utc_now
from ledgerline.domain.documents import InvalidState, InvoiceStatus
from ledgerline.domain.documents.delivery import DeliveryStatus
from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.ids import new_id
from ledgerline.pdf import views
from ledgerline.pdf.blobs import blob_key, blob_store
from ledgerline.pdf.model import PdfDocument
from ledgerline.schemas.files import DocumentFileOut
from ledgerline.settings import get_settings
from ledgerline.store.banking import BankAccount, BankDefault
from ledgerline.store.documents import CreditNote, Invoice
from ledgerline.store.files import DocumentFile
from ledgerline.store.parties import Party
from ledgerline.store.purchase_orders import PurchaseOrder
from ledgerline.store.quotes import Quote
from ledgerline.store.records import TenantRecord
from ledgerline.store.sales import Delivery, Order
from ledgerline.store.table import Contention
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

CONTENT_TYPE = "application/pdf"
RENDERER = "reportlab/ledgerline-pdf-1"


@dataclass(frozen=True)
class Download:
    """How the API hands a PDF out: a presigned URL (AWS) or the bytes (local runtime)."""

    file: DocumentFile
    url: str | None
    expires_at: datetime | None
    content: bytes | None


def invoice_pdf(tenant_id: str, invoice_id: str, *, in_process: bool = False) -> DocumentFile:
    uow = open_unit(tenant_id)
    uow.prefetch([(Invoice, invoice_id)])
    invoice = uow.load(Invoice, invoice_id)
    if invoice.status == InvoiceStatus.DRAFT:
        raise InvalidState("A draft invoice has no PDF: post it first (drafts can still change)", param="status",
                           code="document_not_posted")
    return _ensure(uow, invoice, "invoice", invoice.number, invoice.customer_id,
                   lambda tenant, party: views.invoice_document(tenant, invoice, party, _default_bank_account(uow)),
                   in_process, render_reads=[(BankDefault, BankDefault.ID)])


def _default_bank_account(uow: UnitOfWork) -> BankAccount | None:
    """The tenant's default bank account (issue 16), whose details and payment part the invoice prints: its
    pointer was read with the customer; the account itself is one more read, when there is a default."""
    pointer = uow.find(BankDefault, BankDefault.ID)
    return uow.find(BankAccount, pointer.bank_account_id) if pointer is not None else None


def credit_note_pdf(tenant_id: str, note_id: str, *, in_process: bool = False) -> DocumentFile:
    uow = open_unit(tenant_id)
    uow.prefetch([(CreditNote, note_id)])
    note = uow.load(CreditNote, note_id)
    return _ensure(uow, note, "credit_note", note.number, note.customer_id,
                   lambda tenant, party: views.credit_note_document(tenant, note, party), in_process)


def quote_pdf(tenant_id: str, quote_id: str, *, in_process: bool = False) -> DocumentFile:
    """An issued quote's PDF (issue 14); a draft has none (409)."""
    uow = open_unit(tenant_id)
    uow.prefetch([(Quote, quote_id)])
    quote = uow.load(Quote, quote_id)
    if quote.status == "draft":
        raise InvalidState("A draft quote has no PDF: issue it first (drafts can still change)", param="status",
                           code="document_not_posted")
    # One PDF per issue: a quote reverted, changed and issued again has the PDF of what it says now.
    issues = quote.issue_count or 1
    return _ensure(uow, quote, "quote", quote.number, quote.customer_id,
                   lambda tenant, party: views.quote_document(tenant, quote, party), in_process,
                   file_id=quote.id if issues == 1 else f"{quote.id}#{issues}")


def reminder_pdf(tenant_id: str, reminder_id: str, *, in_process: bool = False) -> DocumentFile:
    uow = open_unit(tenant_id)
    reminder = uow.find_reminder(reminder_id)
    number = f"{reminder.invoice_number}-reminder-{reminder.level}"
    def render(tenant: Tenant, party: Party | None) -> PdfDocument:
        # the invoice's payment reference and the default bank account's payment part (issue 16, part V)
        invoice = uow.find(Invoice, reminder.invoice_id)
        return views.reminder_document(tenant, reminder, party, _default_bank_account(uow),
                                       invoice.payment_reference if invoice is not None else None)

    return _ensure(uow, reminder, "reminder", number, reminder.customer_id, render, in_process,
                   render_reads=[(BankDefault, BankDefault.ID), (Invoice, reminder.invoice_id)])


def delivery_pdf(tenant_id: str, delivery_id: str, *, in_process: bool = False) -> DocumentFile:
    uow = open_unit(tenant_id)
    uow.prefetch([(Delivery, delivery_id)])
    delivery = uow.load(Delivery, delivery_id)
    if delivery.status == DeliveryStatus.DRAFT:
        raise InvalidState("A draft delivery note has no PDF: issue it first (drafts can still change)",
                           param="status", code="document_not_posted")
    return _ensure(uow, delivery, "delivery", delivery.number, delivery.customer_id,
                   lambda tenant, party: views.delivery_document(tenant, delivery, party), in_process)


def purchase_order_pdf(tenant_id: str, order_id: str, *, in_process: bool = False) -> DocumentFile:
    """A sent purchase order's PDF (issue 15); a draft has none (409)."""
    uow = open_unit(tenant_id)
    uow.prefetch([(PurchaseOrder, order_id)])
    order = uow.load(PurchaseOrder, order_id)
    if order.status == "draft" or order.number is None:
        raise InvalidState("A draft purchase order has no PDF: send it first (drafts can still change)",
                           param="status", code="document_not_posted")
    return _ensure(uow, order, "purchase_order", order.number, order.supplier_id,
                   lambda tenant, party: views.purchase_order_document(tenant, order, party), in_process)


def order_pdf(tenant_id: str, order_id: str, *, in_process: bool = False) -> DocumentFile:
    """A confirmed sales order's confirmation PDF (issue 14, part L), made when first asked for (GET, an
    email); a draft has none (409). A confirmed order's positions no longer change, so one PDF per order."""
    uow = open_unit(tenant_id)
    uow.prefetch([(Order, order_id)])
    order = uow.load(Order, order_id)
    if order.number is None or order.status == "draft":
        raise InvalidState("A draft order has no PDF: confirm it first (drafts can still change)", param="status",
                           code="document_not_posted")
    return _ensure(uow, order, "order", order.number, order.customer_id,
                   lambda tenant, party: views.order_document(tenant, order, party), in_process)


def download(file: DocumentFile) -> Download:
    """A presigned URL where the blob store has them, else the bytes."""
    store = blob_store()
    seconds = get_settings().document_link_seconds
    url = store.link(file.blob_key, file.filename, seconds)
    if url is not None:
        return Download(file, url, utc_now() + timedelta(seconds=seconds), None)
    return Download(file, None, None, store.get(file.blob_key))


def content(file: DocumentFile) -> bytes:
    """The recorded PDF's bytes (from the blob store, also in AWS): what Factur-X embeds its XML in (issue 17)."""
    return blob_store().get(file.blob_key)


def _ensure(uow: UnitOfWork, document: TenantRecord, kind: str, number: str | None, customer_id: str | None,
            build: Callable[[Tenant, Party | None], PdfDocument], in_process: bool,
            file_id: str | None = None,
            render_reads: list[tuple[type[TenantRecord], str]] | None = None) -> DocumentFile:
    """The document's recorded PDF; rendered and recorded first if there is none. `in_process`: render here
    (the renderer function); otherwise an API function in AWS has the renderer function render it."""
    tenant_id = uow.tenant_id
    file_key = DocumentFile.of(document, file_id or document.id)  # `file_id`: one of several of the document
    existing = uow.find_at(DocumentFile, file_key)
    if existing is not None:
        return existing
    renderer = get_settings().pdf_renderer_function
    if renderer and not in_process:
        return _rendered_by(renderer, tenant_id, kind, document.id, file_key)
    # with the tenant, unless it was read already; and what only rendering needs (`render_reads`)
    uow.prefetch(([(Party, customer_id)] if customer_id else []) + (render_reads or []))
    customer = uow.find(Party, customer_id) if customer_id else None
    data = _render(build(uow.tenant(), customer))
    sha256 = hashlib.sha256(data).hexdigest()
    key = blob_key(tenant_id, kind, document.id, sha256)
    blob_store().put(key, data, CONTENT_TYPE)
    now = utc_now()
    file = DocumentFile(
        *file_key,
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
    uow.create(file)  # on condition that no file was recorded for the document yet
    uow.record_event(EventType.DOCUMENT_RENDERED, file, DocumentFileOut)
    try:
        uow.commit()
    except Contention:
        # Another render recorded the document's file first: that one is the document's PDF.
        winner = open_unit(tenant_id).find_at(DocumentFile, file_key)
        if winner is None:
            raise
        return winner
    return file


def _rendered_by(function: str, tenant_id: str, kind: str, document_id: str,
                 file_key: tuple[str, str]) -> DocumentFile:
    """Render in the renderer function (which records the file, as the bus-driven render does) and read it."""
    from ledgerline.pdf.renderer_function import render_in_renderer

    render_in_renderer(function, tenant_id, kind, document_id)
    file = open_unit(tenant_id).find_at(DocumentFile, file_key)
    if file is None:  # the renderer found the document gone (a reminder withdrawn meanwhile)
        raise NotFound(f"No such {kind.replace('_', ' ')}: '{document_id}'", param="id")
    return file


def _render(document: PdfDocument) -> bytes:
    from ledgerline.pdf.render import render  # ReportLab is imported by the functions that render only

    return render(document)
