"""Rendered documents (PDFs) as the API shows them and the `document.rendered` event carries them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from ledgerline.schemas.common import Output, Timestamps

DocumentType = Literal["invoice", "credit_note", "reminder", "quote", "delivery", "order", "purchase_order"]


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


# Uploaded files (issue 15): `/v1/files`, and the `attachment_ids` other objects reference them by.

Purpose = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,50}$")]


class FileOut(Timestamps):
    """An uploaded file's metadata; its bytes are at `GET /v1/files/{id}/download`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "file", "id": "file_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "filename": "bill-4711.pdf",
        "content_type": "application/pdf", "size": 48213,
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "purpose": "bill",
        "attached_to": ["je_01K2X3Y4Z5A6B7C8D9E0F1G2H4"], "created_at": "2026-03-02T09:15:00Z",
        "updated_at": "2026-03-02T09:20:00Z", "version": 2}]})

    object: Literal["file"] = "file"
    id: str
    filename: str = Field(description="The uploaded file's name, without any path")
    content_type: Literal["application/pdf", "image/png", "image/jpeg", "application/xml"] = Field(
        description="Read from the file's bytes (magic numbers), never from what the client declared; "
                    "application/xml only for an e-invoice imported by POST /v1/bills/import (purpose `einvoice`)")
    size: int = Field(description="Bytes")
    sha256: str = Field(description="SHA-256 of the file's bytes, hex")
    purpose: str | None = Field(description="What the file is for, as given on upload (free tag)")
    attached_to: list[str] = Field(default_factory=list,
                                   description="Ids of the objects whose `attachment_ids` name this file")

    @field_validator("attached_to", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class FileDownloadOut(Output):
    """Where to download an uploaded file (in AWS: a presigned S3 URL that expires)."""

    object: Literal["file_download"] = "file_download"
    file_id: str
    filename: str
    content_type: str
    url: str = Field(description="A presigned GET URL for the file")
    expires_at: datetime
    sha256: str
    size: int


AttachmentIds = Annotated[list[str], Field(
    max_length=20, description="Ids of uploaded files (`POST /v1/files`) this object references",
    examples=[["file_01K2X3Y4Z5A6B7C8D9E0F1G2H3"]])]


def no_attachments(value: Any) -> Any:
    """Records from before attachments (and those given none) show an empty list."""
    return [] if value is None else value
