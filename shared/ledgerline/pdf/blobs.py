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
"""

from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from ledgerline.settings import get_settings


class BlobStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def link(self, key: str, filename: str, expires_in: int, content_type: str = "application/pdf") -> str | None:
        """A URL that downloads the object for `expires_in` seconds, or None where the API serves bytes."""

    def delete(self, key: str) -> None: ...


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
