"""The PDF use cases on the in-memory unit of work (the integration tier's test_documents.py is the spec): render
once, keep the bytes in the blob store, record the file and its `document.rendered` event in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D

import pytest

from ledgerline.domain.documents import InvalidState
from ledgerline.domain.dunning import DEFAULT_LEVELS
from ledgerline.domain.errors import NotFound
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import MemoryBlobStore
from ledgerline.services import credit_notes, invoices, pdfs, reminders
from ledgerline.services.reminders import Policy
from ledgerline.store.documents import Invoice
from ledgerline.store.files import DocumentFile
from ledgerline.store.table import Contention

TODAY = date.today()


@pytest.fixture
def blob_store() -> Iterator[MemoryBlobStore]:
    memory = MemoryBlobStore()
    blobs.use(memory)
    yield memory
    blobs.use(None)


def draft(books, **fields):
    line = {"description": "Work", "quantity": D(10), "unit_price": D(125), "account_id": books.accounts["4000"],
            "tax_code_id": books.tax_codes["GST10"]}
    body = {"customer_id": books.customer_id, "issue_date": TODAY, "lines": [line]}
    return invoices.create_draft(books.tenant_id, body | fields)


def posted(books, **fields):
    return invoices.post(books.tenant_id, draft(books, **fields)["id"])


def stored_file(books, document_model, document_id):
    document = books.table.load(document_model, books.tenant_id, document_id)
    return books.table.get(DocumentFile, *DocumentFile.of(document, document_id))


def test_a_posted_invoice_is_rendered_once_and_recorded_with_its_event_in_one_transaction(books, blob_store):
    invoice = posted(books)
    before = books.table.transactions
    file = pdfs.invoice_pdf(books.tenant_id, invoice["id"])
    assert books.table.transactions == before + 1
    data = blob_store.get(file.blob_key)
    assert data.startswith(b"%PDF") and file.sha256 == hashlib.sha256(data).hexdigest()
    assert (file.document_type, file.document_number, file.filename, file.size, file.version) == (
        "invoice", invoice["number"], f"{invoice['number']}.pdf", len(data), 1)
    assert stored_file(books, Invoice, invoice["id"]).sha256 == file.sha256
    event = books.table.events(books.tenant_id)[-1]
    assert (event.type, event.object_id, event.sequence) == ("document.rendered", file.id, 1)


def test_asking_again_reads_the_recorded_file_and_writes_nothing(books, blob_store, read_rounds):
    invoice = posted(books)
    first = pdfs.invoice_pdf(books.tenant_id, invoice["id"])
    before, events = books.table.transactions, books.table.event_types(books.tenant_id)
    read_rounds.clear()
    again = pdfs.invoice_pdf(books.tenant_id, invoice["id"])
    assert (again.id, again.sha256) == (first.id, first.sha256)
    assert (books.table.transactions, books.table.event_types(books.tenant_id)) == (before, events)
    assert read_rounds == [2, 1]  # the tenant with the invoice, then its file


def test_rendering_reads_the_customer_in_one_more_round(books, blob_store, read_rounds):
    invoice = posted(books)
    read_rounds.clear()
    pdfs.invoice_pdf(books.tenant_id, invoice["id"])
    # tenant and invoice; its file (none yet); the customer with the default bank account's pointer (issue 16)
    assert read_rounds == [2, 1, 2]


def test_a_draft_has_no_pdf_and_an_unknown_invoice_is_not_found(books, blob_store):
    made = draft(books)
    with pytest.raises(InvalidState) as error:
        pdfs.invoice_pdf(books.tenant_id, made["id"])
    assert error.value.code == "document_not_posted"
    with pytest.raises(NotFound):
        pdfs.invoice_pdf(books.tenant_id, "inv_" + "x" * 2100)
    assert blob_store.objects == {} and books.table.event_types(books.tenant_id)[-1] == "invoice.created"


def test_a_render_that_lost_the_race_answers_the_file_recorded_first(books, blob_store, monkeypatch):
    invoice = posted(books)
    commit = type(books.table.unit(books.tenant_id)).commit
    winner: list[DocumentFile] = []

    def another_render_first(self):  # noqa: ANN001, ANN202
        if not winner and any(isinstance(getattr(w, "entity", None), DocumentFile) for w in self.writes):
            monkeypatch.setattr(type(self), "commit", commit)
            winner.append(pdfs.invoice_pdf(books.tenant_id, invoice["id"]))
        return commit(self)

    monkeypatch.setattr(type(books.table.unit(books.tenant_id)), "commit", another_render_first)
    answered = pdfs.invoice_pdf(books.tenant_id, invoice["id"])
    assert answered.id == winner[0].id
    assert books.table.event_types(books.tenant_id).count("document.rendered") == 1


def test_contention_without_a_recorded_file_is_raised(books, blob_store, monkeypatch):
    invoice = posted(books)

    def conflict(self):  # noqa: ANN001, ANN202
        raise Contention("TransactionConflict")

    monkeypatch.setattr(type(books.table.unit(books.tenant_id)), "commit", conflict)
    with pytest.raises(Contention):
        pdfs.invoice_pdf(books.tenant_id, invoice["id"])


def test_a_credit_note_pdf(books, blob_store):
    invoice = posted(books)
    note = credit_notes.create(books.tenant_id, {"invoice_id": invoice["id"], "date": TODAY, "amount": D("100")})
    file = pdfs.credit_note_pdf(books.tenant_id, note["id"])
    assert (file.document_type, file.document_id, file.filename) == ("credit_note", note["id"], f"{note['number']}.pdf")
    assert blob_store.get(file.blob_key).startswith(b"%PDF")


def test_a_reminder_pdf_and_a_withdrawn_reminder_has_none(books, blob_store):
    invoice = posted(books, issue_date=date(TODAY.year - 1, 1, 1), due_date=date(TODAY.year - 1, 1, 31))
    reminder = reminders.process_invoice(books.tenant_id, invoice["id"], TODAY,
                                         Policy(True, DEFAULT_LEVELS, None)).reminder
    assert reminder is not None
    file = pdfs.reminder_pdf(books.tenant_id, reminder.id)
    assert (file.document_type, file.document_number) == ("reminder", f"{invoice['number']}-reminder-1")
    assert file.pk == reminder.pk  # beside the reminder, in its invoice's partition
    reminders.delete(books.tenant_id, reminder.id, None)
    with pytest.raises(NotFound):
        pdfs.reminder_pdf(books.tenant_id, reminder.id)

