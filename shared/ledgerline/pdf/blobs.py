"""The blob store port: where rendered documents and uploaded files (issue 15) are kept.

- `S3BlobStore`: the private documents bucket in AWS; downloads go through presigned GET URLs.
- `FolderBlobStore`: a local folder (`.ledgerline/documents/`, uploaded files in `.ledgerline/files/`) for
  `ledgerline dev`; the API serves the bytes itself, since there is nothing to presign.
- `MemoryBlobStore`: a dict, for unit tests.

Keys start with the tenant id (`<tid>/<kind>/<document id>/<sha256>.pdf`; an uploaded file's
`<tid>/files/<file id>/<sha256>.<ext>`), and the content hash is part of the key: the same bytes always land
on the same object, so writing twice is harmless. Keys are made by the API from records it read for the
caller's tenant, never taken from a client. One store serves each `area` ("documents", "files"): in AWS
both are the documents bucket (the key prefixes differ), locally two folders.

Two-step uploads (issue 15, part FU): `presign_post` hands a client a form to POST a file straight to the
store (S3: a presigned POST, `generate_presigned_post`; the folder: a form the dev server's
`POST /local/uploads` checks the same way, `FolderBlobStore.receive_post`), under a pending key
`uploads/<tid>/<upload id>` that the bucket's lifecycle rule expires; `find` reads it back, bounded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from ledgerline.clock import utc_now
from ledgerline.settings import get_settings


class BlobStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def link(self, key: str, filename: str, expires_in: int, content_type: str = "application/pdf") -> str | None:
        """A URL that downloads the object for `expires_in` seconds, or None where the API serves bytes."""

    def delete(self, key: str) -> None: ...

    def find(self, key: str, limit: int) -> bytes | None:
        """At most `limit` bytes of the object from its start, or None when there is no object."""

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int,
                     local_url: str) -> PresignedPost:
        """A form that lets a client POST one file of 1 to `max_bytes` bytes to exactly `key` until it expires
        (`local_url`: where the dev server receives it, for the folder store)."""


@dataclass(frozen=True)
class PresignedPost:
    """Where and how to POST a file: `multipart/form-data` to `url` with `fields` first, then `file`."""

    url: str
    fields: dict[str, str]
    expires_at: datetime


def upload_key(tenant_id: str, upload_id: str) -> str:
    """Where a two-step upload's bytes wait for completion: under the tenant's prefix of the `uploads/` area,
    which the bucket's lifecycle rule expires (S3 rules match a key's start only)."""
    return f"uploads/{tenant_id}/{upload_id}"


def blob_key(tenant_id: str, kind: str, document_id: str, sha256: str, extension: str = "pdf") -> str:
    return f"{tenant_id}/{kind}/{document_id}/{sha256}.{extension}"


class S3BlobStore:
    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def link(self, key: str, filename: str, expires_in: int, content_type: str = "application/pdf") -> str | None:
        return self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key, "ResponseContentType": content_type,
                    "ResponseContentDisposition": f'inline; filename="{filename}"'},
            ExpiresIn=expires_in,
        )

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def find(self, key: str, limit: int) -> bytes | None:
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{limit - 1}")
        except self.client.exceptions.NoSuchKey:
            return None
        return found["Body"].read()

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int,
                     local_url: str) -> PresignedPost:
        expires_at = utc_now().replace(microsecond=0) + timedelta(seconds=expires_in)
        made = self.client.generate_presigned_post(
            Bucket=self.bucket, Key=key, Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in)
        return PresignedPost(made["url"], dict(made["fields"]), expires_at)


class UploadRefused(Exception):
    """A POST to the dev server's upload URL that S3 would refuse too (its `status` and S3-like `code`)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


class FolderBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"blob key escapes the folder: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # One partial file per writer: the renderer on the bus and a GET …/pdf may write the same key at once
        partial = path.with_suffix(f".{uuid.uuid4().hex}.partial")
        partial.write_bytes(data)
        partial.replace(path)  # readers never see half a file

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def link(self, key: str, filename: str, expires_in: int, content_type: str = "application/pdf") -> str | None:
        return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def find(self, key: str, limit: int) -> bytes | None:
        path = self._path(key)
        if not path.is_file():
            return None
        with path.open("rb") as opened:
            return opened.read(limit)

    # The dev server's stand-in for S3's POST policy: the same fields' roles (key, Content-Type, policy),
    # the policy signed with an HMAC of the process's cursor secret instead of SigV4.
    @staticmethod
    def _signature(policy: str) -> str:
        secret = get_settings().cursor_secret.get_secret_value().encode()
        return hmac.new(secret, policy.encode(), hashlib.sha256).hexdigest()

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int,
                     local_url: str) -> PresignedPost:
        expires_at = utc_now().replace(microsecond=0) + timedelta(seconds=expires_in)
        policy = base64.b64encode(json.dumps({
            "expiration": expires_at.isoformat().replace("+00:00", "Z"), "key": key,
            "content_type": content_type, "content_length_range": [1, max_bytes]}).encode()).decode()
        return PresignedPost(local_url, {"key": key, "Content-Type": content_type, "policy": policy,
                                         "x-ledgerline-signature": self._signature(policy)}, expires_at)

    def receive_post(self, fields: dict[str, str], data: bytes) -> None:
        """Store a file POSTed to the dev server's upload URL if its form is one `presign_post` made, unexpired,
        for this key and content type, and the file's size is in range; `UploadRefused` otherwise."""
        policy = fields.get("policy", "")
        given = fields.get("x-ledgerline-signature", "").encode()  # bytes: any text compares, none raises
        if not hmac.compare_digest(self._signature(policy).encode(), given):
            raise UploadRefused(403, "AccessDenied", "Invalid according to Policy: the signature does not match")
        terms = json.loads(base64.b64decode(policy))
        if datetime.fromisoformat(terms["expiration"].replace("Z", "+00:00")) < utc_now():
            raise UploadRefused(403, "AccessDenied", "Invalid according to Policy: Policy expired")
        if fields.get("key") != terms["key"] or fields.get("Content-Type") != terms["content_type"]:
            raise UploadRefused(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed")
        low, high = terms["content_length_range"]
        if len(data) < low:
            raise UploadRefused(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
        if len(data) > high:
            raise UploadRefused(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
        self.put(terms["key"], data, terms["content_type"])


class MemoryBlobStore:
    def __init__(self, *, presign: bool = False) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.presign = presign

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = (data, content_type)

    def get(self, key: str) -> bytes:
        return self.objects[key][0]

    def link(self, key: str, filename: str, expires_in: int, content_type: str = "application/pdf") -> str | None:
        return f"memory://{key}?expires_in={expires_in}" if self.presign else None

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def find(self, key: str, limit: int) -> bytes | None:
        found = self.objects.get(key)
        return None if found is None else found[0][:limit]

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int,
                     local_url: str) -> PresignedPost:
        expires_at = utc_now().replace(microsecond=0) + timedelta(seconds=expires_in)
        return PresignedPost(f"memory://uploads?expires_in={expires_in}", {
            "key": key, "Content-Type": content_type, "content-length-range": f"1,{max_bytes}"}, expires_at)


_chosen: list[BlobStore] = []


@cache
def _default(area: str = "documents") -> BlobStore:
    settings = get_settings()
    if settings.documents_bucket:
        import boto3
        from botocore.config import Config

        # Presigned URLs must be SigV4 (SigV2 URLs are refused by newer regions and for SSE-KMS objects).
        client = boto3.client("s3", region_name=settings.region, config=Config(signature_version="s3v4"))
        return S3BlobStore(settings.documents_bucket, client)
    if settings.is_local:
        root = Path(settings.data_dir)
        if not root.is_absolute():
            from ledgerline.local.template import PROJECT_ROOT

            root = PROJECT_ROOT / root
        return FolderBlobStore(root / area)
    raise RuntimeError("LEDGERLINE_DOCUMENTS_BUCKET must be set outside the local runtime")


def blob_store(area: str = "documents") -> BlobStore:
    """The process's blob store for `area` ("documents": rendered PDFs; "files": uploads), built on first use
    (one S3 client per process and area)."""
    return _chosen[-1] if _chosen else _default(area)


def use(store: BlobStore | None) -> None:
    """Make `store` the process's blob store (tests); None: back to the configured one."""
    _chosen.clear()
    if store is not None:
        _chosen.append(store)
    _default.cache_clear()
