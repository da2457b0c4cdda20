"""/v1/files (issue 15): upload a PDF, PNG or JPEG (multipart), read its metadata, download it, list, delete.

Other objects reference files by `attachment_ids` (journal entries, parties; bills and expenses next).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse

from ledgerline.api.auth import require
from ledgerline.api.headers import IdempotencyKeyHeader
from ledgerline.api.lazy_routes import LazyRoute
from ledgerline.api.list_query import ListQuery, QueryListResponse, respond
from ledgerline.api.pagination import PageRequest
from ledgerline.api.versioning import expected_version, with_etag
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.files import MAX_FILE_BYTES
from ledgerline.domain.query import FILES
from ledgerline.domain.query import Query as PlannedQuery
from ledgerline.schemas.common import Day
from ledgerline.schemas.errors import NON_JSON_ROUTE_ERRORS
from ledgerline.schemas.files import FileDownloadOut, FileOut, FileUploadCreate, FileUploadOut, Purpose
from ledgerline.services import files

router = APIRouter(prefix="/v1/files", tags=["files"])
router.route_class = LazyRoute  # built on first use, not at cold start (api/lazy_routes.py)
FILE_ID = Path(description="The file's id (`file_…`)")
READ, WRITE = require("files:read"), require("files:write")


class FileBytes(Response):
    """Declares the file's bytes first in the OpenAPI document; the presigned-URL JSON of AWS is second."""

    media_type = "application/octet-stream"


DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NON_JSON_ROUTE_ERRORS,
    200: {
        "description": "In the local runtime, the file itself (its stored content type); in AWS, where to "
                       "download it (a presigned URL)",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                    "application/json": {"schema": FileDownloadOut.model_json_schema(),
                                         "example": {"object": "file_download",
                                                     "file_id": "file_01K2X3Y4Z5A6B7C8D9E0F1G2H3",
                                                     "filename": "bill-4711.pdf", "content_type": "application/pdf",
                                                     "url": "https://ledgerline-documents.s3.amazonaws.com/…",
                                                     "expires_at": "2026-03-02T09:20:00Z",
                                                     "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c"
                                                               "d15d6c15b0f00a08", "size": 48213}}},
    },
}


@router.post("", status_code=201, response_model=FileOut, operation_id="create_file",
             summary="Upload a file (PDF, PNG or JPEG, at most 10 MB) as multipart/form-data",
             responses={413: {"description": "The file is larger than 10 MB"},
                        415: {"description": "The file's bytes are not a PDF, PNG or JPEG"}})
def create(response: Response,
           file: UploadFile = File(description="The file: PDF, PNG or JPEG, at most 10 MB (10485760 bytes). Its "
                                               "type is read from its bytes; the declared type is ignored"),
           purpose: Purpose | None = Form(None, description="What the file is for (a tag you choose, such as "
                                                            "`bill` or `receipt`), filterable in the list",
                                          examples=["bill"]),
           idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Stores the file and records its size and SHA-256. A file above 10 MB is a 413 and one whose bytes are
    not a PDF, PNG or JPEG a 415 (`unsupported_file_type`), whatever its name and declared type; nothing is
    stored then. In AWS, API Gateway and Lambda limit a request's size to about 4 MB of file: above that, use
    the two-step upload (`POST /v1/files/uploads`). Send
    `Idempotency-Key` to make retries safe."""
    data = file.file.read(MAX_FILE_BYTES + 1)  # one byte more than allowed is enough to refuse it
    return with_etag(response, files.upload(principal.tenant_id, data, file.filename, purpose, idempotency_key))


UPLOAD_ID = Path(description="The upload's id (`fupl_…`)")
LOCAL_UPLOAD_PATH = "/local/uploads"  # the dev server's stand-in for the bucket (local/server.py)


@router.post("/uploads", status_code=201, response_model=FileUploadOut, operation_id="create_file_upload",
             summary="Start a two-step upload of a file up to 10 MB: a form to POST its bytes straight to storage")
def create_upload(request: Request, response: Response, body: FileUploadCreate = Body(),
                  idempotency_key: str | None = IdempotencyKeyHeader, principal: Principal = Depends(WRITE)) -> Any:
    """Answers a pending upload and `upload`: POST the file as `multipart/form-data` to `upload.url`, with every
    one of `upload.fields` first and the file last as `file` (in AWS a presigned S3 POST, which S3 refuses
    above the declared `size` or after `upload.expires_at`; locally the dev server, which checks the same).
    Then call `POST /v1/files/uploads/{id}/complete`. In AWS this is the way to upload files above about
    4 MB (up to 10 MB), which a request through the API cannot carry. An upload never completed expires
    (`expires_at`, 24 hours), its bytes too. Send `Idempotency-Key` to make retries safe."""
    local_url = str(request.base_url).rstrip("/") + LOCAL_UPLOAD_PATH
    made = files.start_upload(principal.tenant_id, body.model_dump(exclude_unset=True), local_url, idempotency_key)
    return with_etag(response, made)


@router.post("/uploads/{id}/complete", status_code=201, response_model=FileOut,
             operation_id="complete_file_upload", summary="Complete a two-step upload: the file its bytes make",
             responses={200: {"description": "The upload was completed before: the same file",
                              "model": FileOut},
                        409: {"description": "`upload_not_received`: the bytes have not been POSTed yet"},
                        413: {"description": "The bytes are larger than 10 MB (they are deleted)"},
                        415: {"description": "The bytes are not a PDF, PNG or JPEG (they are deleted)"}})
def complete_upload(response: Response, id: str = UPLOAD_ID, idempotency_key: str | None = IdempotencyKeyHeader,
                    principal: Principal = Depends(WRITE)) -> Any:
    """Reads the uploaded bytes and checks them exactly as `POST /v1/files` does: the type read from the
    bytes (415 unless PDF, PNG or JPEG), at most 10 MB (413), and the `sha256` declared on the upload if any
    (422 `checksum_mismatch`); refused bytes are deleted. Otherwise records the file (`file.created`) and
    answers it with 201; completing the upload again answers the same file with 200. Another tenant's
    upload, or one expired, is a 404."""
    done = files.complete_upload(principal.tenant_id, id, idempotency_key)
    if not done.created:
        response.status_code = 200
    return with_etag(response, done.file)


FILE_QUERY = ListQuery(FILES)
LIST_DESCRIPTION = """Files by upload date, oldest first. Filter by `purpose`, `from_date` and `to_date` (UTC days of
the upload), or by any field below with an operator (issue 18): `content_type[startswith]=image/`,
`filename[contains]=invoice`, `attached=false` (files nothing references), `size[gt]=1048576`,
`created_at[gte]=2026-03-01T00:00:00Z`, `sort=filename:asc`, `search=scan`, `updated_since=2026-03-01T00:00:00Z`.
""" + FILE_QUERY.description()


@router.get("", response_model=QueryListResponse[FileOut], operation_id="list_files", summary="List files",
            description=LIST_DESCRIPTION, openapi_extra=FILE_QUERY.openapi_extra())
def list_(page: PageRequest = Depends(),
          purpose: Purpose | None = Query(None, description="Only files uploaded with this purpose"),
          from_date: Day | None = Query(None, description="Uploaded on or after"),
          to_date: Day | None = Query(None, description="Uploaded on or before"),
          query: PlannedQuery = Depends(FILE_QUERY), principal: Principal = Depends(READ)) -> Any:
    result = files.query_files(principal.tenant_id, query, purpose=purpose, from_date=from_date, to_date=to_date,
                               limit=page.limit, start_key=page.start_key(principal.tenant_id))
    return respond(page, result.items, result, principal.tenant_id, query)


@router.get("/{id}", response_model=FileOut, operation_id="get_file", summary="Retrieve a file's metadata")
def get(response: Response, id: str = FILE_ID, principal: Principal = Depends(READ)) -> Any:
    """Name, content type (sniffed), size, SHA-256, purpose and the objects that reference the file."""
    return with_etag(response, files.get_file(principal.tenant_id, id))


@router.get("/{id}/download", response_model=None, response_class=FileBytes, responses=DOWNLOAD_RESPONSES,
            operation_id="download_file",
            summary="The file's bytes: a presigned URL in AWS, the file itself locally")
def download(id: str = FILE_ID, principal: Principal = Depends(READ)) -> Response:
    """The bytes as uploaded (their SHA-256 in `X-Content-SHA256`), or in AWS a short-lived presigned URL."""
    found = files.download(principal.tenant_id, id)
    file = found.file
    headers = {"ETag": f'"{file.sha256}"', "X-Content-SHA256": file.sha256, "X-Content-Type-Options": "nosniff"}
    if found.content is not None:
        headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        return Response(found.content, media_type=file.content_type, headers=headers)
    body = FileDownloadOut(file_id=file.id, filename=file.filename, content_type=file.content_type,
                           url=found.url, expires_at=found.expires_at, sha256=file.sha256, size=file.size)
    return JSONResponse(body.model_dump(mode="json"), headers=headers)


@router.delete("/{id}", operation_id="delete_file", summary="Delete a file that nothing references",
               responses={200: {"content": {"application/json": {"example": {
                   "id": "file_01K2X3Y4Z5A6B7C8D9E0F1G2H3", "object": "file", "deleted": True}}}}})
def delete(id: str = FILE_ID, version: int | None = Depends(expected_version),
           principal: Principal = Depends(WRITE)) -> dict[str, Any]:
    """Deletes the file and its bytes. A file still listed in an object's `attachment_ids` is a 409
    (`file_in_use`): take it off there first."""
    files.delete(principal.tenant_id, id, version)
    return {"id": id, "object": "file", "deleted": True}
