"""Uploaded files (issue 15, attachments): what may be stored and what it is, from the bytes alone.

The content type a client declares is never trusted: `sniff` reads the magic numbers at the start of the
bytes and accepts PDF, PNG and JPEG only; anything else (an executable renamed `bill.pdf`, a ZIP, HTML) is
refused with `UnsupportedFileType`, naming what it looks like where that is known. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ledgerline.domain.errors import FieldIssue, PayloadTooLarge, UnsupportedFileType, ValidationFailed

MAX_FILE_BYTES = 10 * 1024 * 1024
"""At most 10 MB (10 × 1024 × 1024 bytes) per file; one byte more is a 413."""

MAX_ATTACHMENTS = 20
"""Files one object (a journal entry, a party, a bill, …) may reference."""


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    magic: bytes


ACCEPTED: tuple[FileType, ...] = (
    FileType("application/pdf", "pdf", b"%PDF-"),
    FileType("image/png", "png", b"\x89PNG\r\n\x1a\n"),
    FileType("image/jpeg", "jpg", b"\xff\xd8\xff"),
)

# What common refused files start with, only to say clearly what was sent.
_KNOWN_REFUSED: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "a Mach-O or Java class file"),
    (b"#!", "a script"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"<", "markup (HTML, XML or SVG)"),
)


def check_size(size: int) -> None:
    """Refuse an empty file (422) and one above `MAX_FILE_BYTES` (413)."""
    if size > MAX_FILE_BYTES:
        raise PayloadTooLarge(f"file: at most {MAX_FILE_BYTES} bytes (10 MB) per file; this one has more",
                              param="file")
    if size == 0:
        raise ValidationFailed("file: the file is empty", param="file", details=[FieldIssue("file", "empty")])


def sniff(data: bytes) -> FileType:
    """The type the bytes are, from their magic numbers; `UnsupportedFileType` unless PDF, PNG or JPEG."""
    for kind in ACCEPTED:
        if data.startswith(kind.magic):
            return kind
    looks_like = next((name for magic, name in _KNOWN_REFUSED if data.lstrip()[:8].startswith(magic)), None)
    what = f"it looks like {looks_like}" if looks_like else "its content is not one of them"
    raise UnsupportedFileType(f"file: only PDF, PNG and JPEG files are accepted (read from the bytes, whatever "
                              f"the file name or declared type say); {what}", param="file")


_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/;]+")


def safe_filename(name: str | None, kind: FileType) -> str:
    """The client's file name without any path, control characters, quotes or separators (it is echoed in a
    Content-Disposition header), at most 200 characters; `file.<ext>` when nothing is left."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")[:200]
    return cleaned or f"file.{kind.extension}"


# Two-step uploads (part FU): the form to POST the bytes with is valid for UPLOAD_LINK_SECONDS; the pending
# upload lives PENDING_UPLOAD_LIFETIME (the table's TTL), no longer than the bucket keeps its bytes (lifecycle:
# one day, counted from the object's creation, which is later).
UPLOAD_LINK_SECONDS = 15 * 60
PENDING_UPLOAD_LIFETIME = timedelta(hours=24)
UPLOAD_PENDING, UPLOAD_COMPLETED = "pending", "completed"


def upload_expired(expires_at: datetime, now: datetime) -> bool:
    """An upload past its lifetime is gone, whether or not the TTL has deleted its record yet."""
    return expires_at <= now


def check_checksum(declared: str | None, actual: str) -> None:
    """The bytes must have the SHA-256 the client declared when it started the upload (if it did): 422."""
    if declared is not None and declared.lower() != actual:
        raise ValidationFailed(f"sha256: the uploaded bytes have SHA-256 {actual}, not the {declared} declared",
                               param="sha256", code="checksum_mismatch",
                               details=[FieldIssue("sha256", "does not match the uploaded bytes")])


def attachment_issues(ids: list[str], found: dict[str, bool], field: str = "attachment_ids") -> list[FieldIssue]:
    """What is wrong with a list of attachment ids: too many, a repeat, or an id the tenant has no file of
    (`found[id]` False: unknown, or another tenant's: the same answer). Issues name `<field>.<index>`."""
    issues: list[FieldIssue] = []
    if len(ids) > MAX_ATTACHMENTS:
        issues.append(FieldIssue(field, f"at most {MAX_ATTACHMENTS} files"))
    seen: set[str] = set()
    for index, file_id in enumerate(ids):
        if file_id in seen:
            issues.append(FieldIssue(f"{field}.{index}", f"file '{file_id}' is listed twice"))
        elif not found.get(file_id, False):
            issues.append(FieldIssue(f"{field}.{index}", f"no file with id '{file_id}'"))
        seen.add(file_id)
    return issues
