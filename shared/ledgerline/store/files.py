"""Rendered files of documents: `<the document's PK>` / `FILE#<document id>`; uploaded files (issue 15):
`T#<tid>#UPLOAD#<file id>` / `DOC`, listed through GSI1 (`T#<tid>#FILES` / `<created date>#<id>`).

One item per document (invoice, credit note, reminder) once its PDF exists: where the bytes are in the
blob store and their SHA-256. The item sits in the document's own partition, so it is read with the
same tenant-scoped key as the document, and its creation is conditional: the first render recorded is
the document's PDF for good, however many renders race (the event-driven one, on-demand ones).
"""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute

from ledgerline.domain.query import normalise
from ledgerline.store.documents import DocumentRecord
from ledgerline.store.query import moment_key
from ledgerline.store.records import TenantRecord, tenant_partition
from ledgerline.store.table import TableModel


class DocumentFile(TenantRecord):
    PREFIX = "FILE"
    NOUN = "document file"

    document_type = UnicodeAttribute()
    document_id = UnicodeAttribute()
    document_number = UnicodeAttribute(null=True)
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    blob_key = UnicodeAttribute()
    sha256 = UnicodeAttribute()
    size = NumberAttribute()
    renderer = UnicodeAttribute()

    @classmethod
    def of(cls, document: TableModel, document_id: str) -> tuple[str, str]:
        """The key of a document's file: beside the document, in the document's partition."""
        return document.pk, f"{cls.PREFIX}#{document_id}"

    def assign_keys(self) -> None:
        pass  # set from the document by `of` when created


class UploadedFile(DocumentRecord):
    """A file a client uploaded (`POST /v1/files`): its metadata here, its bytes in the blob store under
    `blob_key` (`<tid>/files/<file id>/<sha256>.<ext>`). `attached_to` lists the ids of the objects that
    reference it (journal entries, parties, bills, …), kept in the same transaction as their writes on
    condition of this record's version, so a file is deleted only while nothing references it."""

    PREFIX = "UPLOAD"
    LIST = "FILES"
    NOUN = "file"

    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    sha256 = UnicodeAttribute()
    purpose = UnicodeAttribute(null=True)
    blob_key = UnicodeAttribute()
    attached_to = ListAttribute(of=UnicodeAttribute, null=True)
    # Issue 18 (part QB): whether anything references the file (`attached=`), and the casefolded filename.
    attached = BooleanAttribute(null=True)
    search_filename = UnicodeAttribute(null=True)

    def list_date(self) -> date:
        return self.created_at.date()

    def assign_keys(self) -> None:
        """GSI1 by the moment of upload (`created_at` to the microsecond, so a range on it is a key range), GSI4
        by casefolded filename, GSI5 by `updated_at` (`store/lists.FILE_LIST`). Every write of a file goes
        through the unit of work, which calls this."""
        super().assign_keys()
        self.gsi1sk = f"{moment_key(self.created_at)}#{self.id}"
        self.attached = bool(self.attached_to)
        self.search_filename = normalise(self.filename) or None
        self.gsi4pk = self.index_partition(self.tenant_id, "NAME")
        self.gsi4sk = f"{self.search_filename or ''}#{self.id}"
        self.gsi5pk = self.index_partition(self.tenant_id, "UPDATED")
        self.gsi5sk = f"{moment_key(self.updated_at)}#{self.id}"


class PendingUpload(TenantRecord):
    """A two-step upload (issue 15, part FU: `POST /v1/files/uploads`): what the client declared, where its
    bytes are to land (`blob_key`, `uploads/<tid>/<id>`) and the file it becomes (`file_id`, chosen up front,
    so completing twice makes one file). In its own partition `T#<tid>#FUPLOAD#<id>` / `DOC`; `expires_at` is
    the table's TTL attribute, so one never completed goes by itself."""

    PREFIX = "FUPLOAD"
    NOUN = "upload"

    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    sha256 = UnicodeAttribute(null=True)
    purpose = UnicodeAttribute(null=True)
    blob_key = UnicodeAttribute()
    file_id = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | completed
    expires_at = TTLAttribute()

    @classmethod
    def key(cls, tenant_id: str, record_id: str) -> tuple[str, str]:
        return f"{tenant_partition(tenant_id)}#{cls.PREFIX}#{record_id}", "DOC"
