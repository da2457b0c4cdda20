"""Uploaded files and attachments (issue 15): `/v1/files`, and the `attachment_ids` of other objects.

- `upload`: the size (at most 10 MB) and type (PDF, PNG, JPEG, sniffed from the bytes: `domain/files`) are
  checked before anything is written; the bytes go to the blob store (`pdf/blobs`, area "files", key
  `<tid>/files/<file id>/<sha256>.<ext>`), then the record and its `file.created` event commit in one
  transaction with the Idempotency-Key's record. A commit that fails leaves an unreferenced object behind,
  never a record without bytes.
- `download`: a presigned URL where the blob store has them (S3), else the bytes (the local runtime).
- `delete`: refused (409 `file_in_use`) while an object references the file; the record and the
  `file.deleted` event commit on condition of the version read, then the object is removed.
- Two-step uploads (part FU), for files up to 10 MB in AWS, where a request through API Gateway carries about
  4 MB: `start_upload` records a pending upload (its file id chosen up front, a TTL) and answers a form to POST
  the bytes straight to the blob store (`presign_post`: S3's presigned POST; locally the dev server);
  `complete_upload` reads them back and checks them exactly as `upload` does (413, 415, and the declared
  SHA-256: 422), deleting the object when refused, then stores them at the file's key and commits the file,
  its `file.created` and the upload marked completed in one transaction. Completing again answers that file.
- Attachments: `prefetch_keys` (the records to read with the owner's first read), `stage_attachments` (check
  the ids: unknown or another tenant's → 422 naming `attachment_ids.<i>`; then record the owner on each newly
  attached file and take it off each detached one, each on condition of the file's version, in the owner's
  transaction) and `check_attachments` (the check alone). Other kinds (bills, expenses) reuse them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain import files as rules
from ledgerline.domain.errors import Conflict, FieldIssue, NotFound, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.query import Predicate, Query
from ledgerline.ids import new_id
from ledgerline.observability import logger
from ledgerline.schemas.files import FileOut, FileUploadOut
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.settings import get_settings
from ledgerline.store import lists
from ledgerline.store.files import PendingUpload, UploadedFile
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

AREA = "files"


def _blobs() -> Any:
    """The blob store's module, imported when bytes move (journal entries and parties import this module for
    attachments, and their cold start must not load `ledgerline.pdf`)."""
    from ledgerline.pdf import blobs

    return blobs


def represent(file: UploadedFile) -> dict[str, Any]:
    return FileOut.model_validate(file).model_dump(mode="json")


# ------------------------------------------------------------------------------------------ reads


def get_file(tenant_id: str, file_id: str) -> dict[str, Any]:
    """The file's metadata; NotFound for an unknown id or another tenant's."""
    return represent(open_unit(tenant_id).load(UploadedFile, file_id))


def query_files(tenant_id: str, query: Query, *, purpose: str | None = None, from_date: date | None = None,
                to_date: date | None = None, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of files as a planned query asks (issue 18, part QB: the store's named read `lists.query_files`).
    The list's older filters keep their meaning as predicates: `purpose` an equality, `from_date`/`to_date` the
    UTC days of `created_at` (from the first moment of `from_date` to before the day after `to_date`)."""
    older = [Predicate("purpose", "eq", purpose) if purpose is not None else None,
             Predicate("created_at", "gte", datetime.combine(from_date, time.min, UTC)) if from_date else None,
             Predicate("created_at", "lt", datetime.combine(to_date + timedelta(days=1), time.min, UTC))
             if to_date else None]
    query = replace(query, predicates=(*[p for p in older if p is not None], *query.predicates))
    return lists.query_files(tenant_id, query, limit=limit, start_key=start_key)


@dataclass(frozen=True)
class FileDownload:
    """How the API hands a file out: a presigned URL (AWS) or the bytes (local runtime)."""

    file: UploadedFile
    url: str | None
    expires_at: datetime | None
    content: bytes | None


def download(tenant_id: str, file_id: str) -> FileDownload:
    """The file of this tenant (NotFound otherwise): a presigned URL where the blob store has them, else the
    bytes. The object's key comes from the record, never from the caller."""
    file = open_unit(tenant_id).load(UploadedFile, file_id)
    store = _blobs().blob_store(AREA)
    seconds = get_settings().document_link_seconds
    url = store.link(file.blob_key, file.filename, seconds, file.content_type)
    if url is not None:
        return FileDownload(file, url, utc_now() + timedelta(seconds=seconds), None)
    return FileDownload(file, None, None, store.get(file.blob_key))


# ----------------------------------------------------------------------------------------- writes


def upload(tenant_id: str, data: bytes, filename: str | None, purpose: str | None,
           idempotency_key: str | None = None) -> dict[str, Any]:
    """Store a file: 413 above 10 MB, 415 unless its bytes are a PDF, PNG or JPEG; nothing is written then."""
    rules.check_size(len(data))
    kind = rules.sniff(data)
    sha256 = hashlib.sha256(data).hexdigest()
    name = rules.safe_filename(filename, kind)
    fields = {"sha256": sha256, "size": len(data), "filename": name, "purpose": purpose}
    return once(tenant_id, idempotency_key, "create_file", fields,
                lambda: retrying(lambda: _upload(tenant_id, data, kind, sha256, name, purpose)), in_unit=True)


def _upload(tenant_id: str, data: bytes, kind: rules.FileType, sha256: str, name: str,
            purpose: str | None) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch()  # the tenant and the Idempotency-Key's record: a replay answers before any bytes are stored
    uow.tenant()
    now = utc_now()
    file_id = new_id("file")
    key = _blobs().blob_key(tenant_id, AREA, file_id, sha256, kind.extension)
    file = UploadedFile(id=file_id, tenant_id=tenant_id, filename=name, content_type=kind.content_type,
                        size=len(data), sha256=sha256, purpose=purpose, blob_key=key, attached_to=[],
                        created_at=now, updated_at=now)
    _blobs().blob_store(AREA).put(key, data, kind.content_type)
    uow.create(file)
    uow.record_event(EventType.FILE_CREATED, file, FileOut)
    uow.respond(FileOut, file)
    uow.commit()
    return represent(file)


# ------------------------------------------------------------------------------- two-step uploads


def represent_upload(upload: PendingUpload, form: Any = None) -> dict[str, Any]:
    shown = FileUploadOut(
        id=upload.id, status=upload.status, filename=upload.filename, content_type=upload.content_type,
        size=upload.size, sha256=upload.sha256, purpose=upload.purpose,
        file_id=upload.file_id if upload.status == rules.UPLOAD_COMPLETED else None, expires_at=upload.expires_at,
        upload=None if form is None else {"url": form.url, "fields": form.fields, "expires_at": form.expires_at},
        created_at=upload.created_at, updated_at=upload.updated_at,
        version=upload.version or 1)  # a new record is version 1 once committed
    return shown.model_dump(mode="json")


def start_upload(tenant_id: str, fields: dict[str, Any], local_url: str,
                 idempotency_key: str | None = None) -> dict[str, Any]:
    """A pending upload and the form to POST its bytes with (a presigned S3 POST in AWS); nothing is stored
    but the pending record, which expires by itself (`rules.PENDING_UPLOAD_LIFETIME`)."""
    return once(tenant_id, idempotency_key, "create_file_upload", fields,
                lambda: _start_upload(tenant_id, fields, local_url), in_unit=True)


def _start_upload(tenant_id: str, fields: dict[str, Any], local_url: str) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch()
    uow.tenant()
    now = utc_now()
    upload_id = new_id("fupl")
    key = _blobs().upload_key(tenant_id, upload_id)
    form = _blobs().blob_store(AREA).presign_post(key, fields["content_type"], fields["size"],
                                                  rules.UPLOAD_LINK_SECONDS, local_url)
    upload = PendingUpload(id=upload_id, tenant_id=tenant_id, filename=fields["filename"],
                           content_type=fields["content_type"], size=fields["size"],
                           sha256=(fields.get("sha256") or "").lower() or None, purpose=fields.get("purpose"),
                           blob_key=key, file_id=new_id("file"), status=rules.UPLOAD_PENDING,
                           expires_at=now + rules.PENDING_UPLOAD_LIFETIME, created_at=now, updated_at=now)
    uow.create(upload)
    shown = represent_upload(upload, form)
    uow.respond_data(shown)
    uow.commit()
    return shown


def _live_upload(uow: UnitOfWork, upload_id: str) -> PendingUpload:
    """The tenant's upload; NotFound for an unknown id, another tenant's, or one expired (the TTL deletes
    expired items within days, not at once)."""
    upload = uow.load(PendingUpload, upload_id)
    if rules.upload_expired(upload.expires_at, utc_now()):
        raise NotFound(f"No such upload: '{upload_id}'", param="id")
    return upload


@dataclass(frozen=True)
class Completed:
    file: dict[str, Any]
    created: bool


def complete_upload(tenant_id: str, upload_id: str, idempotency_key: str | None = None) -> Completed:
    """The file the upload's bytes make (201), or the one it made already (200); 404 for no upload of the
    tenant's; 409 `upload_not_received` before the bytes arrived; 413/415/422 (the object deleted) when the
    bytes are refused, as a direct upload would be."""
    created: list[bool] = []
    result = once(tenant_id, idempotency_key, "complete_file_upload", {"upload_id": upload_id},
                  lambda: retrying(lambda: _complete(tenant_id, upload_id, created)), in_unit=True)
    return Completed(result, bool(created and created[-1]))


def _complete(tenant_id: str, upload_id: str, created: list[bool]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(PendingUpload, upload_id)])
    upload = _live_upload(uow, upload_id)
    if upload.status == rules.UPLOAD_COMPLETED:
        created.append(False)
        return represent(uow.load(UploadedFile, upload.file_id))
    store = _blobs().blob_store(AREA)
    data = store.find(upload.blob_key, rules.MAX_FILE_BYTES + 1)  # one byte more than allowed is enough
    if data is None:
        fresh = open_unit(tenant_id).load(PendingUpload, upload_id)  # a completion racing this one took them
        if fresh.status == rules.UPLOAD_COMPLETED:
            created.append(False)
            return represent(open_unit(tenant_id).load(UploadedFile, fresh.file_id))
        raise Conflict("The upload's bytes have not arrived: POST the file with the upload's form first",
                       param="id", code="upload_not_received")
    try:
        rules.check_size(len(data))
        kind = rules.sniff(data)
        sha256 = hashlib.sha256(data).hexdigest()
        rules.check_checksum(upload.sha256, sha256)
    except Exception:
        store.delete(upload.blob_key)  # refused bytes are not kept; the form may be used again while valid
        raise
    now = utc_now()
    name = rules.safe_filename(upload.filename, kind)
    key = _blobs().blob_key(tenant_id, AREA, upload.file_id, sha256, kind.extension)
    file = UploadedFile(id=upload.file_id, tenant_id=tenant_id, filename=name, content_type=kind.content_type,
                        size=len(data), sha256=sha256, purpose=upload.purpose, blob_key=key, attached_to=[],
                        created_at=now, updated_at=now)
    store.put(key, data, kind.content_type)  # the same key whoever completes: a racing completion is harmless
    upload.status, upload.updated_at = rules.UPLOAD_COMPLETED, now
    uow.create(file)  # the file id was chosen with the upload: two completions cannot make two files
    uow.save_if_unchanged(upload)
    uow.record_event(EventType.FILE_CREATED, file, FileOut)
    uow.respond(FileOut, file)
    uow.commit()
    created.append(True)
    try:
        store.delete(upload.blob_key)
    except Exception:  # noqa: BLE001 - the lifecycle rule removes what is left under uploads/
        logger.exception("uploaded object not removed", extra={"blob_key": upload.blob_key})
    return represent(file)


def delete(tenant_id: str, file_id: str, expected_version: int | None = None) -> None:
    """Delete a file nothing references (409 `file_in_use` otherwise); If-Match is checked when given."""
    removed = retrying(lambda: _delete(tenant_id, file_id, expected_version))
    try:
        _blobs().blob_store(AREA).delete(removed.blob_key)
    except Exception:  # noqa: BLE001 - the record is gone for good; an object left behind is unreachable
        logger.exception("file object not removed", extra={"blob_key": removed.blob_key})


def _delete(tenant_id: str, file_id: str, expected_version: int | None) -> UploadedFile:
    uow = open_unit(tenant_id)
    uow.prefetch([(UploadedFile, file_id)])
    file = uow.load(UploadedFile, file_id)
    check_version(file, expected_version)
    if file.attached_to:
        raise Conflict(f"The file is attached to {', '.join(file.attached_to)}: remove it from their "
                       "attachment_ids first", param="id", code="file_in_use")
    uow.delete(file)  # on condition of the version read: an attachment racing in makes this retry and refuse
    uow.record_event(EventType.FILE_DELETED, file, FileOut)
    uow.commit()
    return file


# ------------------------------------------------------------------------------------ attachments


def _ids(value: Any) -> list[str]:
    return [item for item in (value or []) if isinstance(item, str)]


def prefetch_keys(*id_lists: Any) -> list[tuple[type[UploadedFile], str]]:
    """The file records to read with the owner's first read (`uow.prefetch([...])`)."""
    return [(UploadedFile, file_id) for ids in id_lists for file_id in _ids(ids)]


def attachment_issues(uow: UnitOfWork, ids: Any, field: str = "attachment_ids") -> list[FieldIssue]:
    """What is wrong with these attachment ids for the unit's tenant (none: an empty list)."""
    wanted = _ids(ids)
    found = {file_id: uow.find(UploadedFile, file_id) is not None for file_id in dict.fromkeys(wanted)}
    return rules.attachment_issues(wanted, found, field)


def check_attachments(uow: UnitOfWork, ids: Any, field: str = "attachment_ids") -> None:
    """422 naming `<field>.<index>` when an id is no file of the tenant (another tenant's included)."""
    if issues := attachment_issues(uow, ids, field):
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues)


def stage_attachments(uow: UnitOfWork, owner_id: str, ids: Any, previous: Iterable[str] = (),
                      field: str = "attachment_ids") -> None:
    """Check `ids`, then stage the files' back references: the owner added to each file newly attached and
    removed from each one no longer listed (`previous`: what the owner listed before), each save on condition
    of the file's version, in the owner's transaction."""
    check_attachments(uow, ids, field)
    wanted, before = _ids(ids), list(previous)
    now = utc_now()
    for file_id in [*(i for i in wanted if i not in before), *(i for i in before if i not in wanted)]:
        file = uow.find(UploadedFile, file_id)
        if file is None:  # detached from a file that was deleted meanwhile (cannot be: it was referenced)
            continue
        owners = list(file.attached_to or [])
        file.attached_to = [*owners, owner_id] if file_id in wanted else [o for o in owners if o != owner_id]
        file.updated_at = now
        uow.save_if_unchanged(file)
