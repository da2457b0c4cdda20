"""Rendered documents (PDFs) as the API shows them and the `document.rendered` event carries them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StrictInt, StringConstraints, field_validator

from ledgerline.schemas.common import Input, Output, Timestamps

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


# Two-step uploads (issue 15, part FU): `POST /v1/files/uploads`, then `POST /v1/files/uploads/{id}/complete`.

UPLOAD_EXAMPLE_ID = "fupl_01K2X3Y4Z5A6B7C8D9E0F1G2H3"


class FileUploadCreate(Input):
    """What the client is about to upload; the bytes go straight to storage with the form the answer holds."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "filename": "bill-4711.pdf", "content_type": "application/pdf", "size": 7340032,
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "purpose": "bill"}]})

    filename: Annotated[str, StringConstraints(min_length=1, max_length=255)] = Field(
        description="The file's name (any path is dropped)")
    content_type: Literal["application/pdf", "image/png", "image/jpeg"] = Field(
        description="The type the client declares; the file's type is still read from its bytes on completion")
    size: StrictInt = Field(ge=1, le=10 * 1024 * 1024,
                            description="Bytes, at most 10 MB (10485760); the storage refuses a larger file")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")] | None = Field(
        None, description="SHA-256 of the bytes, hex; when given, completion refuses other bytes (422)")
    purpose: Purpose | None = Field(None, description="What the file is for (a free tag), as on `POST /v1/files`")


class UploadForm(Output):
    """Send the file as `multipart/form-data` to `url`: every one of `fields` first, then the file as `file`."""

    url: str = Field(description="Where to POST the form (in AWS the documents bucket; locally the dev server)")
    fields: dict[str, str] = Field(description="Form fields to send unchanged, before the file")
    expires_at: datetime = Field(description="The form is refused after this moment")


class FileUploadOut(Timestamps):
    """A two-step upload: where to send the bytes, and the file it becomes once completed."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "file_upload", "id": UPLOAD_EXAMPLE_ID, "status": "pending", "filename": "bill-4711.pdf",
        "content_type": "application/pdf", "size": 7340032, "sha256": None, "purpose": "bill",
        "file_id": None, "expires_at": "2026-03-03T09:15:00Z",
        "upload": {"url": "https://ledgerline-documents.s3.amazonaws.com/",
                   "fields": {"key": f"uploads/ten_01K2X3Y4Z5A6B7C8D9E0F1G2H4/{UPLOAD_EXAMPLE_ID}",
                              "Content-Type": "application/pdf", "x-amz-algorithm": "AWS4-HMAC-SHA256",
                              "x-amz-credential": "…", "x-amz-date": "20260302T091500Z", "policy": "eyJ…",
                              "x-amz-signature": "…"},
                   "expires_at": "2026-03-02T09:30:00Z"},
        "created_at": "2026-03-02T09:15:00Z", "updated_at": "2026-03-02T09:15:00Z", "version": 1}]})

    object: Literal["file_upload"] = "file_upload"
    id: str
    status: Literal["pending", "completed"]
    filename: str
    content_type: str = Field(description="As declared; the file's own type is sniffed on completion")
    size: int = Field(description="Bytes, as declared (the largest the form accepts)")
    sha256: str | None
    purpose: str | None
    file_id: str | None = Field(description="The file made by completing the upload (null until then)")
    expires_at: datetime = Field(description="An upload not completed by then is gone (404), its bytes too")
    upload: UploadForm | None = Field(None, description="The form to send the bytes with (on creation)")


AttachmentIds = Annotated[list[str], Field(
    max_length=20, description="Ids of uploaded files (`POST /v1/files`) this object references",
    examples=[["file_01K2X3Y4Z5A6B7C8D9E0F1G2H3"]])]


def no_attachments(value: Any) -> Any:
    """Records from before attachments (and those given none) show an empty list."""
    return [] if value is None else value
