"""Uploaded files and attachments (issue 15): their use cases on the in-memory unit of work."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerline.domain.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    UnsupportedFileType,
    ValidationFailed,
)
from ledgerline.pdf import blobs
from ledgerline.services import files, journal_entries, master_data, tenants
from ledgerline.store.files import UploadedFile
from ledgerline.store.unit_of_work import open_unit

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


@pytest.fixture(autouse=True)
def blob_store() -> Iterator[blobs.MemoryBlobStore]:
    store = blobs.MemoryBlobStore()
    blobs.use(store)
    yield store
    blobs.use(None)


def upload(books, data: bytes = PDF, name: str | None = "bill.pdf", purpose: str | None = "bill", key=None):
    return files.upload(books.tenant_id, data, name, purpose, key)


def entry(books, **fields):
    return journal_entries.create(books.tenant_id, {"date": date.today(), "lines": [
        {"account_id": books.accounts["1010"], "debit": D("10")},
        {"account_id": books.accounts["4900"], "credit": D("10")}]} | fields)


def test_an_upload_records_size_sha256_and_sniffed_type_and_stores_the_bytes_under_the_tenant(books, blob_store):
    made = upload(books, PNG, name="scan.pdf")  # named .pdf, but its bytes are a PNG
    assert (made["object"], made["id"][:5], made["content_type"], made["size"]) == ("file", "file_", "image/png",
                                                                                   len(PNG))
    assert made["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert (made["filename"], made["purpose"], made["attached_to"]) == ("scan.pdf", "bill", [])
    [(key, (data, content_type))] = blob_store.objects.items()
    assert key == f"{books.tenant_id}/files/{made['id']}/{made['sha256']}.png"
    assert (data, content_type) == (PNG, "image/png")
    assert books.table.event_types(books.tenant_id) == ["file.created"]
    assert books.table.transactions == 1


def test_the_download_is_the_bytes_locally_and_a_presigned_link_where_the_store_has_them(books, blob_store):
    made = upload(books)
    found = files.download(books.tenant_id, made["id"])
    assert (found.content, found.url) == (PDF, None)
    blob_store.presign = True
    linked = files.download(books.tenant_id, made["id"])
    assert linked.content is None and linked.url.startswith(f"memory://{books.tenant_id}/files/")


@pytest.mark.parametrize(("data", "error"), [(b"MZ" + bytes(100), UnsupportedFileType),
                                             (b"%PDF-" + bytes(10 * 1024 * 1024), PayloadTooLarge),
                                             (b"", ValidationFailed)])
def test_a_refused_upload_writes_nothing(books, blob_store, data, error):
    with pytest.raises(error):
        upload(books, data)
    assert blob_store.objects == {} and books.table.transactions == 0
    assert books.table.event_types(books.tenant_id) == []


def test_an_upload_retried_with_its_idempotency_key_answers_the_first_file(books, blob_store):
    first = upload(books, key="upload-1")
    assert upload(books, key="upload-1") == first
    assert len(blob_store.objects) == 1 and books.table.event_types(books.tenant_id) == ["file.created"]


def test_another_tenants_file_is_not_found_and_not_attachable(books):
    other, _ = tenants.create_tenant(name="Other", base_currency="AUD", country="AU")
    theirs = files.upload(other.id, PDF, "theirs.pdf", None)
    with pytest.raises(NotFound):
        files.get_file(books.tenant_id, theirs["id"])
    with pytest.raises(NotFound):
        files.download(books.tenant_id, theirs["id"])
    with pytest.raises(ValidationFailed) as refused:
        entry(books, attachment_ids=[theirs["id"]])
    assert refused.value.param == "attachment_ids.0"


def test_a_journal_entry_references_its_files_and_the_files_know_it(books):
    bill, scan = upload(books), upload(books, PNG)
    posted = entry(books, attachment_ids=[bill["id"], scan["id"]])
    assert posted["attachment_ids"] == [bill["id"], scan["id"]]
    assert journal_entries.get_journal_entry(books.tenant_id, posted["id"])["attachment_ids"] == [bill["id"],
                                                                                                 scan["id"]]
    assert files.get_file(books.tenant_id, bill["id"])["attached_to"] == [posted["id"]]
    assert entry(books)["attachment_ids"] == []


def test_an_unknown_attachment_is_a_422_naming_its_index_and_writes_nothing(books):
    bill = upload(books)
    before = books.table.transactions
    with pytest.raises(ValidationFailed) as refused:
        entry(books, attachment_ids=[bill["id"], "file_nope"])
    assert refused.value.param == "attachment_ids.1"
    assert books.table.transactions == before
    assert files.get_file(books.tenant_id, bill["id"])["attached_to"] == []


def test_a_party_attaches_and_detaches_files_on_create_and_patch(books):
    contract, scan = upload(books), upload(books, PNG)
    party = master_data.create("party", books.tenant_id, {"name": "Supplier", "kind": "supplier",
                                                          "attachment_ids": [contract["id"]]})
    assert party.attachment_ids == [contract["id"]]
    assert files.get_file(books.tenant_id, contract["id"])["attached_to"] == [party.id]
    master_data.update("party", books.tenant_id, party.id, {"attachment_ids": [scan["id"]]}, None)
    assert files.get_file(books.tenant_id, contract["id"])["attached_to"] == []
    assert files.get_file(books.tenant_id, scan["id"])["attached_to"] == [party.id]
    with pytest.raises(ValidationFailed) as refused:
        master_data.update("party", books.tenant_id, party.id, {"attachment_ids": [scan["id"], "file_x"]}, None)
    assert refused.value.param == "attachment_ids.1"
    master_data.update("party", books.tenant_id, party.id, {"name": "Renamed"}, None)  # attachments kept
    assert open_unit(books.tenant_id).load(type(party), party.id).attachment_ids == [scan["id"]]


def test_a_file_in_use_is_not_deleted_and_an_unused_one_is_with_its_bytes(books, blob_store):
    used, unused = upload(books), upload(books, PNG)
    entry(books, attachment_ids=[used["id"]])
    with pytest.raises(Conflict) as refused:
        files.delete(books.tenant_id, used["id"])
    assert refused.value.code == "file_in_use"
    files.delete(books.tenant_id, unused["id"])
    with pytest.raises(NotFound):
        files.get_file(books.tenant_id, unused["id"])
    assert [key for key in blob_store.objects if unused["id"] in key] == []
    assert books.table.event_types(books.tenant_id)[-1] == "file.deleted"


def test_a_file_attached_while_it_is_being_deleted_is_kept(books):
    """The attachment saves the file on its version; the delete is conditional on the version it read."""
    made = upload(books)
    uow = open_unit(books.tenant_id)
    stale = uow.load(UploadedFile, made["id"])  # the delete's read, before the attachment commits
    entry(books, attachment_ids=[made["id"]])
    uow.delete(stale)
    with pytest.raises(Exception) as lost:
        uow.commit()
    assert type(lost.value).__name__ == "Contention"
    assert files.get_file(books.tenant_id, made["id"])["attached_to"]


def test_a_posted_entrys_attachments_change_and_nothing_else_does(books):
    bill, scan = upload(books), upload(books, PNG)
    posted = entry(books, attachment_ids=[bill["id"]])
    balances = books.balances()
    changed = journal_entries.update_attachments(books.tenant_id, posted["id"], [scan["id"]], posted["version"])
    assert changed["attachment_ids"] == [scan["id"]] and changed["lines"] == posted["lines"]
    assert books.balances() == balances
    assert files.get_file(books.tenant_id, bill["id"])["attached_to"] == []
    assert files.get_file(books.tenant_id, scan["id"])["attached_to"] == [posted["id"]]
    assert books.table.event_types(books.tenant_id)[-1] == "journal_entry.updated"
    with pytest.raises(ValidationFailed) as refused:
        journal_entries.update_attachments(books.tenant_id, posted["id"], ["file_nope"], None)
    assert refused.value.param == "attachment_ids.0"
    with pytest.raises(PreconditionFailed):
        journal_entries.update_attachments(books.tenant_id, posted["id"], [], posted["version"])  # stale If-Match


def test_the_blob_port_keeps_uploads_under_the_tenant_and_deletes_them(tmp_path):
    key = blobs.blob_key("ten_1", "files", "file_1", "ab" * 32, "png")
    assert key == f"ten_1/files/file_1/{'ab' * 32}.png"
    folder = blobs.FolderBlobStore(tmp_path / "files")
    folder.put(key, PNG, "image/png")
    assert folder.get(key) == PNG and (tmp_path / "files" / key).is_file()
    assert folder.link(key, "scan.png", 60, "image/png") is None
    folder.delete(key)
    folder.delete(key)  # already gone: nothing to do
    assert not (tmp_path / "files" / key).exists()
    with pytest.raises(ValueError):
        folder.put("../../outside.png", PNG, "image/png")


# ------------------------------------------------------------------ bills and expenses (issue 15, part S)


def _supplier(books) -> str:
    return master_data.create("party", books.tenant_id, {"name": "Supplier", "kind": "supplier"}).id


def _bill(books, supplier: str, reference: str = "R-1", **fields):
    from ledgerline.services import bills

    return bills.create_draft(books.tenant_id, {"supplier_id": supplier, "supplier_reference": reference, "lines": [
        {"description": "Rent", "quantity": D(1), "unit_price": D(100), "account_id": books.accounts["6000"]}]}
        | fields)


def test_a_bill_checks_its_attachments_and_the_files_know_it_until_it_is_deleted(books):
    from ledgerline.services import bills

    supplier, scan = _supplier(books), upload(books)
    other, _ = tenants.create_tenant(name="Other", base_currency="AUD", country="AU")
    theirs = files.upload(other.id, PDF, "theirs.pdf", None)
    before = books.table.transactions
    for wrong, param in (([scan["id"], "file_nope"], "attachment_ids.1"), ([theirs["id"]], "attachment_ids.0")):
        with pytest.raises(ValidationFailed) as refused:
            _bill(books, supplier, attachment_ids=wrong)
        assert refused.value.param == param
    assert books.table.transactions == before
    made = _bill(books, supplier, attachment_ids=[scan["id"]])
    assert files.get_file(books.tenant_id, scan["id"])["attached_to"] == [made["id"]]
    with pytest.raises(Conflict):
        files.delete(books.tenant_id, scan["id"])
    second = upload(books, PNG)
    bills.update_draft(books.tenant_id, made["id"], {"attachment_ids": [second["id"]]}, None)
    assert files.get_file(books.tenant_id, scan["id"])["attached_to"] == []
    assert files.get_file(books.tenant_id, second["id"])["attached_to"] == [made["id"]]
    with pytest.raises(ValidationFailed) as refused:
        bills.update_draft(books.tenant_id, made["id"], {"attachment_ids": ["file_nope"]}, None)
    assert refused.value.param == "attachment_ids.0"
    bills.delete_draft(books.tenant_id, made["id"], None)
    assert files.get_file(books.tenant_id, second["id"])["attached_to"] == []


def test_an_expense_checks_its_attachments(books):
    from ledgerline.services import expenses

    scan = upload(books)
    body = {"payee_name": "Café", "paid_from_account_id": books.accounts["1010"], "date": date.today(),
            "lines": [{"description": "Lunch", "quantity": D(1), "unit_price": D(60),
                       "account_id": books.accounts["6000"]}]}
    with pytest.raises(ValidationFailed) as refused:
        expenses.create(books.tenant_id, body | {"attachment_ids": ["file_nope"]})
    assert refused.value.param == "attachment_ids.0"
    assert books.balances() == {}
    made = expenses.create(books.tenant_id, body | {"attachment_ids": [scan["id"]]})
    assert files.get_file(books.tenant_id, scan["id"])["attached_to"] == [made["id"]]


# ----------------------------------------------------------------- two-step uploads (issue 15, part FU)


def start(books, data: bytes = PDF, **fields):
    body = {"filename": "big-bill.pdf", "content_type": "application/pdf", "size": len(data)} | fields
    return files.start_upload(books.tenant_id, body, "http://127.0.0.1:3000/local/uploads", fields.pop("key", None))


def arrive(blob_store, made, data: bytes = PDF) -> None:
    """The client's POST of the form: the bytes at the form's key."""
    blob_store.put(made["upload"]["fields"]["key"], data, made["content_type"])


def test_an_upload_starts_pending_with_a_form_for_a_key_under_the_tenant(books, blob_store):
    made = start(books, purpose="bill")
    assert (made["object"], made["status"], made["file_id"], made["id"][:5]) == ("file_upload", "pending", None,
                                                                                "fupl_")
    assert made["upload"]["fields"]["key"] == f"uploads/{books.tenant_id}/{made['id']}"
    assert made["upload"]["fields"]["content-length-range"] == f"1,{len(PDF)}"
    assert blob_store.objects == {} and books.table.event_types(books.tenant_id) == []


def test_completing_an_upload_makes_the_file_as_a_direct_upload_would_and_twice_the_same_file(books, blob_store):
    made = start(books, PNG, sha256=hashlib.sha256(PNG).hexdigest(), purpose="receipt")
    arrive(blob_store, made, PNG)
    done = files.complete_upload(books.tenant_id, made["id"])
    assert done.created
    file = done.file
    assert (file["content_type"], file["size"], file["sha256"]) == ("image/png", len(PNG),
                                                                    hashlib.sha256(PNG).hexdigest())
    assert (file["filename"], file["purpose"]) == ("big-bill.pdf", "receipt")
    assert list(blob_store.objects) == [f"{books.tenant_id}/files/{file['id']}/{file['sha256']}.png"]
    assert books.table.event_types(books.tenant_id) == ["file.created"]
    again = files.complete_upload(books.tenant_id, made["id"])
    assert (again.created, again.file) == (False, file)
    assert books.table.event_types(books.tenant_id) == ["file.created"]
    assert files.get_file(books.tenant_id, file["id"]) == file


@pytest.mark.parametrize(("data", "error", "code"), [
    (b"MZ" + bytes(100), UnsupportedFileType, "unsupported_file_type"),
    (b"%PDF-" + bytes(10 * 1024 * 1024), PayloadTooLarge, "file_too_large"),
    (PNG, ValidationFailed, "checksum_mismatch")])
def test_refused_bytes_are_deleted_and_nothing_is_recorded(books, blob_store, data, error, code):
    made = start(books, sha256=hashlib.sha256(PDF).hexdigest())
    arrive(blob_store, made, data)
    with pytest.raises(error) as refused:
        files.complete_upload(books.tenant_id, made["id"])
    assert refused.value.code == code
    assert blob_store.objects == {} and books.table.event_types(books.tenant_id) == []
    with pytest.raises(Conflict) as missing:  # the bytes are gone: the form may be used again while valid
        files.complete_upload(books.tenant_id, made["id"])
    assert missing.value.code == "upload_not_received"


def test_an_upload_whose_bytes_never_arrived_is_a_conflict(books, blob_store):
    made = start(books)
    with pytest.raises(Conflict) as refused:
        files.complete_upload(books.tenant_id, made["id"])
    assert refused.value.code == "upload_not_received"
    assert books.table.transactions == 1  # the upload's own record only


def test_another_tenants_upload_and_an_expired_one_are_not_found(books, blob_store):
    from ledgerline.clock import FixedClock, using

    other, _ = tenants.create_tenant(name="Other", base_currency="AUD", country="AU")
    theirs = files.start_upload(other.id, {"filename": "x.pdf", "content_type": "application/pdf", "size": 9}, "")
    arrive(blob_store, theirs)
    with pytest.raises(NotFound):
        files.complete_upload(books.tenant_id, theirs["id"])
    made = start(books)
    arrive(blob_store, made)
    expired = FixedClock(datetime.fromisoformat(made["expires_at"].replace("Z", "+00:00")))
    with using(expired), pytest.raises(NotFound):
        files.complete_upload(books.tenant_id, made["id"])


def test_an_upload_started_again_with_its_idempotency_key_answers_the_first(books, blob_store):
    first = files.start_upload(books.tenant_id, {"filename": "a.pdf", "content_type": "application/pdf",
                                                 "size": 10}, "", "start-1")
    again = files.start_upload(books.tenant_id, {"filename": "a.pdf", "content_type": "application/pdf",
                                                 "size": 10}, "", "start-1")
    assert again == first


def test_the_folder_store_takes_only_the_post_its_form_allows(tmp_path):
    folder = blobs.FolderBlobStore(tmp_path / "files")
    form = folder.presign_post("uploads/ten_1/fupl_1", "application/pdf", len(PDF), 900, "http://x/local/uploads")
    assert form.url == "http://x/local/uploads"
    for tampered, code in (({"key": "uploads/ten_2/fupl_1"}, "AccessDenied"),
                           ({"Content-Type": "text/html"}, "AccessDenied"),
                           ({"x-ledgerline-signature": "0" * 64}, "AccessDenied")):
        with pytest.raises(blobs.UploadRefused) as refused:
            folder.receive_post(form.fields | tampered, PDF)
        assert refused.value.code == code
    with pytest.raises(blobs.UploadRefused) as large:
        folder.receive_post(form.fields, PDF + b"x")
    assert large.value.code == "EntityTooLarge"
    folder.receive_post(form.fields, PDF)
    assert folder.find("uploads/ten_1/fupl_1", 10) == PDF[:10] and folder.find("uploads/ten_1/nope", 10) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(declared=st.integers(1, 4096), sent=st.integers(0, 4200),
       field=st.sampled_from(["key", "Content-Type", "policy", "x-ledgerline-signature", None]),
       value=st.text(min_size=1, max_size=20))
def test_the_dev_servers_form_takes_exactly_what_it_was_signed_for(tmp_path, declared, sent, field, value):
    """Whatever the sizes and whichever field is changed: stored only if untouched and 1…declared bytes."""
    folder = blobs.FolderBlobStore(tmp_path / "files")
    form = folder.presign_post("uploads/ten_1/fupl_1", "image/png", declared, 900, "http://x/local/uploads")
    fields = dict(form.fields)
    if field is not None:
        fields[field] = fields[field] + value
    data = b"\x89PNG" + bytes(max(sent - 4, 0)) if sent >= 4 else bytes(sent)
    try:
        folder.receive_post(fields, data)
        accepted = True
    except blobs.UploadRefused:
        accepted = False
    assert accepted == (field is None and 1 <= len(data) <= declared)
    assert (folder.find("uploads/ten_1/fupl_1", declared + 1) == data) == accepted
    folder.delete("uploads/ten_1/fupl_1")
