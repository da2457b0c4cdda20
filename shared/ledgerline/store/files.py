"""Rendered files of documents: `<the document's PK>` / `FILE#<document id>`.

One item per document (invoice, credit note, reminder) once its PDF exists: where the bytes are in the
blob store and their SHA-256. The item sits in the document's own partition, so it is read with the
same tenant-scoped key as the document, and its creation is conditional: the first render recorded is
the document's PDF for good, however many renders race (the event-driven one, on-demand ones).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from ledgerline.store.records import TenantRecord
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

