"""Uploaded files and attachments (issue 15) through the API against DynamoDB Local: sizes, sniffing, SHA-256,
round trips, tenant isolation, attachments; and in AWS (moto S3, the Lambda handler as API Gateway calls it)."""

from __future__ import annotations

import base64
import copy
import hashlib
import importlib
import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from ledgerline.domain.api_keys import digest
from ledgerline.local.dynamodb_local import free_port
from ledgerline.pdf import blobs
from ledgerline.pdf.blobs import FolderBlobStore, S3BlobStore
from ledgerline.store.api_keys import find_by_digest
from tests.conftest import load_event
from tests.integration.books import Books
from tests.lambda_context import LambdaContext

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 3
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)
LIMIT = 10 * 1024 * 1024


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[FolderBlobStore]:
    """The local runtime's store: files under a folder (`.ledgerline/files/` in `ledgerline dev`)."""
    store = FolderBlobStore(tmp_path / "files")
    blobs.use(store)
    yield store
    blobs.use(None)


def upload(books: Books, data: bytes = PDF, name: str = "bill-4711.pdf", declared: str = "application/pdf",
           expect: int = 201, **form: str):
    response = books.api.post("/v1/files", files={"file": (name, data, declared)}, data=form, headers=books.headers)
    assert response.status_code == expect, response.text
    return response.json()


def test_an_upload_round_trips_its_bytes_with_the_right_sha256(books: Books, folder: FolderBlobStore):
    made = upload(books, purpose="bill")
    assert made["sha256"] == hashlib.sha256(PDF).hexdigest() and made["size"] == len(PDF)
    assert (made["content_type"], made["filename"], made["purpose"]) == ("application/pdf", "bill-4711.pdf", "bill")
    assert books.get(f"/v1/files/{made['id']}") == made
    download = books.call("GET", f"/v1/files/{made['id']}/download", expect=200)
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-sha256"] == made["sha256"]
    assert download.headers["content-disposition"] == 'attachment; filename="bill-4711.pdf"'
    # On disk under the tenant's own prefix, named by the file id and the content hash
    path = folder.root / books.tenant_id / "files" / made["id"] / f"{made['sha256']}.pdf"
    assert path.read_bytes() == PDF
    assert "file.created" in books.events()


def test_ten_megabytes_are_accepted_and_one_byte_more_is_a_413(books: Books, folder: FolderBlobStore):
    largest = b"%PDF-" + bytes(LIMIT - 5)
    assert upload(books, largest)["size"] == LIMIT
    refused = upload(books, largest + b"\x00", expect=413)["error"]
    assert (refused["code"], refused["param"]) == ("file_too_large", "file")
    assert len(books.get("/v1/files")["data"]) == 1  # nothing recorded for the refused one


def test_a_renamed_executable_is_refused_whatever_it_is_called_or_declared(books: Books, folder: FolderBlobStore):
    refused = upload(books, EXECUTABLE, name="invoice.pdf", declared="application/pdf", expect=415)["error"]
    assert (refused["code"], refused["param"]) == ("unsupported_file_type", "file")
    assert "Windows executable" in refused["message"]
    assert books.get("/v1/files")["data"] == [] and list(folder.root.glob("**/*.*")) == []


def test_the_content_type_is_sniffed_not_taken_from_the_client(books: Books, folder: FolderBlobStore):
    made = upload(books, JPEG, name="receipt.pdf", declared="application/x-msdownload")
    assert made["content_type"] == "image/jpeg"
    assert books.call("GET", f"/v1/files/{made['id']}/download", expect=200).headers["content-type"] == "image/jpeg"


def test_an_upload_without_a_file_or_with_a_bad_purpose_is_a_422(books: Books, folder: FolderBlobStore):
    missing = books.api.post("/v1/files", data={"purpose": "bill"}, headers=books.headers)
    assert missing.status_code == 422 and missing.json()["error"]["param"] == "file"
    assert upload(books, purpose="Not a tag!", expect=422)["error"]["param"] == "purpose"


def test_another_tenants_file_is_a_404_and_not_attachable(books: Books, make_tenant, folder: FolderBlobStore):
    theirs = upload(books)
    other = Books(books.api, *(lambda key: (key.tenant_id, key.headers))(make_tenant(name="Other")))
    for path in (f"/v1/files/{theirs['id']}", f"/v1/files/{theirs['id']}/download"):
        assert other.call("GET", path, expect=404).json()["error"]["code"] == "resource_missing"
    assert other.call("DELETE", f"/v1/files/{theirs['id']}", expect=404)
    assert other.get("/v1/files")["data"] == []
    entry = other.call("POST", "/v1/journal-entries", {"lines": [
        {"account_id": other.accounts["1010"], "debit": "5.00"},
        {"account_id": other.accounts["4900"], "credit": "5.00"}], "attachment_ids": [theirs["id"]]}, expect=422)
    assert entry.json()["error"]["param"] == "attachment_ids.0"
    party = other.call("POST", "/v1/parties", {"name": "Supplier", "attachment_ids": [theirs["id"]]}, expect=422)
    assert party.json()["error"]["param"] == "attachment_ids.0"
    assert books.get(f"/v1/files/{theirs['id']}")["attached_to"] == []


def test_journal_entries_and_parties_reference_files(books: Books, folder: FolderBlobStore):
    bill, contract = upload(books), upload(books, JPEG, name="contract.jpg")
    entry = books.post("/v1/journal-entries", {"description": "Rent", "attachment_ids": [bill["id"]], "lines": [
        {"account_id": books.accounts["1010"], "debit": "5.00"},
        {"account_id": books.accounts["4900"], "credit": "5.00"}]})
    assert books.get(f"/v1/journal-entries/{entry['id']}")["attachment_ids"] == [bill["id"]]
    party = books.post("/v1/parties", {"name": "Landlord", "kind": "supplier", "attachment_ids": [contract["id"]]})
    assert books.get(f"/v1/parties/{party['id']}")["attachment_ids"] == [contract["id"]]
    assert books.get(f"/v1/files/{bill['id']}")["attached_to"] == [entry["id"]]
    # A file in use is not deleted; taken off the party, it is
    refused = books.call("DELETE", f"/v1/files/{contract['id']}", expect=409).json()["error"]
    assert refused["code"] == "file_in_use"
    patched = books.call("PATCH", f"/v1/parties/{party['id']}", {"attachment_ids": []}, expect=200).json()
    assert patched["attachment_ids"] == []
    assert books.call("DELETE", f"/v1/files/{contract['id']}", expect=200).json()["deleted"] is True
    assert books.call("GET", f"/v1/files/{contract['id']}", expect=404)
    assert "file.deleted" in books.events()
    # An unknown id is a 422 naming its index, and changes nothing
    unknown = books.call("PATCH", f"/v1/parties/{party['id']}", {"attachment_ids": [bill["id"], "file_nope"]},
                         expect=422).json()["error"]
    assert unknown["param"] == "attachment_ids.1"
    assert books.get(f"/v1/files/{bill['id']}")["attached_to"] == [entry["id"]]


def test_a_posted_entry_gets_files_attached_later_with_if_match(books: Books, folder: FolderBlobStore):
    scan = upload(books, JPEG, name="receipt.jpg")
    entry = books.post("/v1/journal-entries", {"description": "Taxi", "lines": [
        {"account_id": books.accounts["1010"], "debit": "5.00"},
        {"account_id": books.accounts["4900"], "credit": "5.00"}]})
    assert entry["attachment_ids"] == []
    path = f"/v1/journal-entries/{entry['id']}"
    stale = books.call("PATCH", path, {"attachment_ids": [scan["id"]]}, expect=412, **{"If-Match": '"9"'})
    assert stale.json()["error"]["code"] == "version_mismatch"
    changed = books.call("PATCH", path, {"attachment_ids": [scan["id"]]}, expect=200,
                         **{"If-Match": f'"{entry["version"]}"'}).json()
    assert changed["attachment_ids"] == [scan["id"]] and changed["lines"] == entry["lines"]
    assert books.get(f"/v1/files/{scan['id']}")["attached_to"] == [entry["id"]]
    refused = books.call("PATCH", path, {"attachment_ids": [], "lines": []}, expect=422).json()["error"]
    assert (refused["param"], refused["details"][0]["message"]) == ("lines", "unknown field")
    assert "journal_entry.updated" in books.events()


def test_files_list_by_upload_date_with_pagination_and_purpose(books: Books, folder: FolderBlobStore):
    made = [upload(books, purpose="bill")["id"], upload(books, purpose="receipt")["id"],
            upload(books, purpose="bill")["id"]]
    first = books.get("/v1/files?limit=2")
    assert [f["id"] for f in first["data"]] == made[:2] and first["has_more"]
    rest = books.get(f"/v1/files?limit=2&cursor={first['next_cursor']}")
    assert [f["id"] for f in rest["data"]] == made[2:]
    assert [f["id"] for f in books.get("/v1/files?purpose=bill")["data"]] == [made[0], made[2]]
    assert books.call("GET", "/v1/files?kind=bill", expect=400).json()["error"]["code"] == "unknown_parameter"


def test_an_upload_retried_with_its_idempotency_key_makes_one_file(books: Books, folder: FolderBlobStore):
    first = books.api.post("/v1/files", files={"file": ("a.pdf", PDF, "application/pdf")},
                           headers={**books.headers, "Idempotency-Key": "upload-1"})
    again = books.api.post("/v1/files", files={"file": ("a.pdf", PDF, "application/pdf")},
                           headers={**books.headers, "Idempotency-Key": "upload-1"})
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert len(books.get("/v1/files")["data"]) == 1


# ------------------------------------------------------------------------------------------- in AWS


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_store(s3_endpoint) -> Iterator[S3BlobStore]:
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test", config=Config(signature_version="s3v4"))
    client.create_bucket(Bucket="ledgerline-documents")
    store = S3BlobStore("ledgerline-documents", client)
    blobs.use(store)
    yield store
    blobs.use(None)


def api_gateway_event(books: Books, method: str, path: str, resource: str, body: bytes | None = None,
                      content_type: str = "application/json", **path_parameters: str) -> dict:
    """An API Gateway proxy event for the files function; a multipart body arrives base64-encoded, as the
    API's binary media type `multipart/form-data` makes API Gateway send it."""
    key_id = find_by_digest(digest(books.headers["Authorization"].split()[1])).id
    event = copy.deepcopy(load_event("api/get_invoice_pdf.json", tenant_id=books.tenant_id, key_id=key_id,
                                     invoice_id="x"))
    event.update(resource=resource, path=path, httpMethod=method, pathParameters=path_parameters or None)
    event["headers"]["Content-Type"] = content_type
    event["requestContext"].update(resourcePath=resource, httpMethod=method, path=f"/dev{path}")
    event["requestContext"]["authorizer"]["scopes"] = "files:write"
    if body is not None:
        event.update(body=base64.b64encode(body).decode(), isBase64Encoded=True)
    return event


def test_in_aws_the_file_is_kept_in_s3_under_the_tenant_and_handed_out_as_a_presigned_url(books: Books, s3_store):
    handler = importlib.import_module("functions.files.app").handler
    boundary = "ledgerline-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bill.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n").encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
    created = handler(api_gateway_event(books, "POST", "/v1/files", "/v1/files", body,
                                        f"multipart/form-data; boundary={boundary}"), LambdaContext())
    assert created["statusCode"] == 201, created["body"]
    made = json.loads(created["body"])
    assert made["sha256"] == hashlib.sha256(PDF).hexdigest()
    key = f"{books.tenant_id}/files/{made['id']}/{made['sha256']}.pdf"
    stored = s3_store.client.get_object(Bucket="ledgerline-documents", Key=key)
    assert stored["Body"].read() == PDF and stored["ContentType"] == "application/pdf"
    response = handler(api_gateway_event(books, "GET", f"/v1/files/{made['id']}/download",
                                         "/v1/files/{id}/download", id=made["id"]), LambdaContext())
    assert response["statusCode"] == 200, response["body"]
    link = json.loads(response["body"])
    assert link["object"] == "file_download" and link["file_id"] == made["id"]
    assert key in link["url"] and "X-Amz-Signature" in link["url"] and "X-Amz-Expires=900" in link["url"]


def test_a_delete_racing_an_attachment_never_leaves_an_entry_pointing_at_no_file(books: Books,
                                                                                  folder: FolderBlobStore):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    for _ in range(4):
        made = upload(books)
        start = Barrier(2)

        def attach(file_id: str = made["id"], start: Barrier = start):
            start.wait()
            return books.call("POST", "/v1/journal-entries", {"attachment_ids": [file_id], "lines": [
                {"account_id": books.accounts["1010"], "debit": "1.00"},
                {"account_id": books.accounts["4900"], "credit": "1.00"}]})

        def delete(file_id: str = made["id"], start: Barrier = start):
            start.wait()
            return books.call("DELETE", f"/v1/files/{file_id}")

        with ThreadPoolExecutor(2) as pool:
            attached, deleted = pool.submit(attach), pool.submit(delete)
            attached, deleted = attached.result(), deleted.result()
        assert {attached.status_code, deleted.status_code} in ({201, 409}, {422, 200}), (attached.text, deleted.text)
        file = books.call("GET", f"/v1/files/{made['id']}")
        if attached.status_code == 201:
            assert file.json()["attached_to"] == [attached.json()["id"]]
        else:
            assert file.status_code == 404


# ------------------------------------------------------------- two-step uploads in AWS (issue 15, part FU)


def test_in_aws_a_two_step_upload_is_a_presigned_s3_post_then_a_completion(books: Books, s3_store):
    handler = importlib.import_module("functions.files.app").handler
    large = b"%PDF-1.7\n" + bytes(range(256)) * 4096 * 6  # about 6 MB: more than a request through the API carries
    body = json.dumps({"filename": "scan.pdf", "content_type": "application/pdf", "size": len(large),
                       "purpose": "bill"}).encode()
    event = api_gateway_event(books, "POST", "/v1/files/uploads", "/v1/files/uploads")
    event.update(body=body.decode(), isBase64Encoded=False)
    started = handler(event, LambdaContext())
    assert started["statusCode"] == 201, started["body"]
    made = json.loads(started["body"])
    form = made["upload"]
    key = f"uploads/{books.tenant_id}/{made['id']}"
    assert form["fields"]["key"] == key and form["url"].endswith("/ledgerline-documents")
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    assert ["content-length-range", 1, len(large)] in policy["conditions"]
    assert {"key": key} in policy["conditions"] and {"Content-Type": "application/pdf"} in policy["conditions"]
    assert policy["expiration"].startswith(made["upload"]["expires_at"][:16])
    assert form["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256" and "x-amz-signature" in form["fields"]
    # The client POSTs the form straight to the bucket (moto's S3 over HTTP), not through the API
    import httpx

    posted = httpx.post(form["url"], data=form["fields"], files={"file": ("scan.pdf", large, "application/pdf")})
    assert posted.status_code in (200, 204), posted.text
    complete = api_gateway_event(books, "POST", f"/v1/files/uploads/{made['id']}/complete",
                                 "/v1/files/uploads/{id}/complete", id=made["id"])
    done = handler(complete, LambdaContext())
    assert done["statusCode"] == 201, done["body"]
    file = json.loads(done["body"])
    assert (file["size"], file["sha256"]) == (len(large), hashlib.sha256(large).hexdigest())
    final = f"{books.tenant_id}/files/{file['id']}/{file['sha256']}.pdf"
    stored = s3_store.client.get_object(Bucket="ledgerline-documents", Key=final)
    assert stored["Body"].read() == large and stored["ContentType"] == "application/pdf"
    assert s3_store.find(key, 10) is None  # the pending object is removed
    again = handler(complete, LambdaContext())
    assert (again["statusCode"], json.loads(again["body"])) == (200, file)
    assert books.get(f"/v1/files/{file['id']}") == file


@pytest.mark.parametrize(("data", "status", "code"), [(b"%PDF-" + bytes(LIMIT - 4), 413, "file_too_large"),
                                                      (EXECUTABLE, 415, "unsupported_file_type")])
def test_in_aws_refused_bytes_of_an_upload_are_deleted_from_the_bucket(books: Books, s3_store, data, status, code):
    made = books.post("/v1/files/uploads", {"filename": "x.pdf", "content_type": "application/pdf", "size": LIMIT})
    key = made["upload"]["fields"]["key"]
    s3_store.client.put_object(Bucket="ledgerline-documents", Key=key, Body=data)  # what S3 let through
    refused = books.call("POST", f"/v1/files/uploads/{made['id']}/complete", expect=status).json()["error"]
    assert refused["code"] == code
    assert s3_store.find(key, 10) is None and books.get("/v1/files")["data"] == []
    assert "file.created" not in books.events()


def test_completions_racing_make_one_file(books: Books, folder: FolderBlobStore):
    from concurrent.futures import ThreadPoolExecutor

    made = books.post("/v1/files/uploads", {"filename": "a.pdf", "content_type": "application/pdf",
                                            "size": len(PDF)})
    folder.receive_post(made["upload"]["fields"], PDF)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: books.call("POST", f"/v1/files/uploads/{made['id']}/complete"),
                                range(4)))
    assert sorted(a.status_code for a in answers).count(201) == 1, [a.text for a in answers]
    assert {a.status_code for a in answers} <= {200, 201} and len({a.json()["id"] for a in answers}) == 1
    assert len(books.get("/v1/files")["data"]) == 1 and books.events().count("file.created") == 1


def test_another_tenants_upload_is_a_404(books: Books, make_tenant, folder: FolderBlobStore):
    made = books.post("/v1/files/uploads", {"filename": "a.pdf", "content_type": "application/pdf",
                                            "size": len(PDF)})
    folder.receive_post(made["upload"]["fields"], PDF)
    other = Books(books.api, *(lambda key: (key.tenant_id, key.headers))(make_tenant(name="Other")))
    assert other.call("POST", f"/v1/files/uploads/{made['id']}/complete", expect=404).json()["error"]["code"] == (
        "resource_missing")
    assert books.call("POST", f"/v1/files/uploads/{made['id']}/complete", expect=201)
