"""Rendered documents (PDFs) as the API shows them and the `document.rendered` event carries them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ledgerline.schemas.common import Output, Timestamps

DocumentType = Literal["invoice", "credit_note", "reminder", "quote", "delivery", "order"]


class DocumentFileOut(Timestamps):
    object: Literal["document_file"] = "document_file"
    id: str
    document_type: DocumentType
    document_id: str
    document_number: str | None
    filename: str
    content_type: str
    sha256: str = Field(description="SHA-256 of the file's bytes, hex")
    size: int = Field(description="Bytes")


class DocumentPdfOut(Output):
    """Where to download a document's PDF (in AWS: a presigned S3 URL that expires)."""

    object: Literal["document_pdf"] = "document_pdf"
    document_type: DocumentType
    document_id: str
    filename: str
    url: str = Field(description="A presigned GET URL for the PDF")
    expires_at: datetime
    sha256: str
    size: int
