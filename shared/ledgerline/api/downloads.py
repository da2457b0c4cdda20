"""How routers hand out a document's PDF: a presigned URL as JSON in AWS, the bytes locally."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Response
from fastapi.responses import JSONResponse

from ledgerline.schemas.errors import NON_JSON_ROUTE_ERRORS
from ledgerline.schemas.files import DocumentPdfOut

if TYPE_CHECKING:  # the PDF use cases are imported by the PDF routes when called, not at a cold start
    from ledgerline.services.pdfs import Download


class PDFResponse(Response):
    """Declares application/pdf first in the OpenAPI document (the routes' `response_class`), so that a
    generated client reads the bytes; the presigned-URL JSON of AWS is the second content type."""

    media_type = "application/pdf"


PDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NON_JSON_ROUTE_ERRORS,
    200: {
        "description": "In the local runtime, the PDF itself; in AWS, where to download it (a presigned URL)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "application/json": {"schema": DocumentPdfOut.model_json_schema()}},
    },
}


def pdf_response(download: Download) -> Response:
    file = download.file
    headers = {"ETag": f'"{file.sha256}"', "X-Content-SHA256": file.sha256}
    if download.content is not None:
        headers["Content-Disposition"] = f'inline; filename="{file.filename}"'
        return Response(download.content, media_type="application/pdf", headers=headers)
    body = DocumentPdfOut(document_type=file.document_type, document_id=file.document_id, filename=file.filename,
                          url=download.url, expires_at=download.expires_at, sha256=file.sha256, size=file.size)
    return JSONResponse(body.model_dump(mode="json"), headers=headers)
