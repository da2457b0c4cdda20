"""Uploaded files (issue 15): the type comes from the bytes, the size is bounded, names are made safe."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain import files
from ledgerline.domain.errors import PayloadTooLarge, UnsupportedFileType, ValidationFailed

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50)


@pytest.mark.parametrize(("data", "content_type", "extension"), [
    (PDF, "application/pdf", "pdf"), (PNG, "image/png", "png"), (JPEG, "image/jpeg", "jpg")])
def test_pdf_png_and_jpeg_are_known_by_their_magic_numbers(data, content_type, extension):
    kind = files.sniff(data)
    assert (kind.content_type, kind.extension) == (content_type, extension)


@pytest.mark.parametrize(("data", "named"), [
    (EXE, "a Windows executable"), (b"\x7fELF\x02\x01\x01" + bytes(9), "an ELF executable"),
    (b"#!/bin/sh\nrm -rf /\n", "a script"), (b"PK\x03\x04" + bytes(20), "a ZIP archive"),
    (b"<html><script>alert(1)</script></html>", "markup"), (b"GIF89a" + bytes(10), "a GIF image")])
def test_a_renamed_executable_or_other_type_is_refused_saying_what_it_looks_like(data, named):
    with pytest.raises(UnsupportedFileType) as refused:
        files.sniff(data)
    assert named in refused.value.message and "PDF, PNG and JPEG" in refused.value.message
    assert (refused.value.param, refused.value.code) == ("file", "unsupported_file_type")


def test_a_pdf_header_not_at_the_start_is_not_a_pdf():
    with pytest.raises(UnsupportedFileType):
        files.sniff(EXE + PDF)


@given(st.binary(min_size=1, max_size=64).filter(
    lambda data: not data.startswith((b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))))
def test_any_bytes_that_do_not_start_with_an_accepted_magic_number_are_refused(data):
    with pytest.raises(UnsupportedFileType):
        files.sniff(data)


@given(st.sampled_from([PDF, PNG, JPEG]), st.binary(max_size=64))
def test_whatever_follows_an_accepted_magic_number_keeps_its_type(head, tail):
    assert files.sniff(head + tail) == files.sniff(head)


def test_ten_megabytes_are_accepted_and_one_byte_more_is_too_large():
    files.check_size(10 * 1024 * 1024)
    with pytest.raises(PayloadTooLarge) as refused:
        files.check_size(10 * 1024 * 1024 + 1)
    assert (refused.value.param, refused.value.code) == ("file", "file_too_large")


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        files.check_size(0)
    assert refused.value.param == "file"


@pytest.mark.parametrize(("given_name", "kept"), [
    ("bill-4711.pdf", "bill-4711.pdf"), ("../../etc/passwd", "passwd"), ("C:\\Users\\me\\scan.png", "scan.png"),
    ('evil".pdf\r\nX-Injected: 1', "evil_.pdf_X-Injected: 1"), ("", "file.pdf"), (None, "file.pdf"),
    ("...", "file.pdf")])
def test_file_names_lose_paths_quotes_and_control_characters(given_name, kept):
    assert files.safe_filename(given_name, files.sniff(PDF)) == kept


def test_a_file_name_is_at_most_200_characters():
    assert len(files.safe_filename("a" * 500 + ".pdf", files.sniff(PDF))) == 200


def test_attachment_issues_name_the_index_of_each_unknown_or_repeated_id():
    issues = files.attachment_issues(["file_a", "file_x", "file_a"], {"file_a": True, "file_x": False})
    assert [(i.field, i.message) for i in issues] == [
        ("attachment_ids.1", "no file with id 'file_x'"), ("attachment_ids.2", "file 'file_a' is listed twice")]
    assert files.attachment_issues([], {}) == []
    assert files.attachment_issues(["f"] * 21, {"f": True})[0].field == "attachment_ids"
