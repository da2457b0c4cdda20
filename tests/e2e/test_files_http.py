"""`ledgerline dev` over HTTP (issue 15): a supplier's PDF uploaded as multipart (as `curl -F` sends it),
downloaded byte for byte, attached to a journal entry and a party, kept from other tenants."""

from __future__ import annotations

import hashlib

import httpx

BILL = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


def test_a_supplier_pdf_is_uploaded_downloaded_attached_and_private_to_its_tenant(server, http: httpx.Client):
    tenant = server.create_tenant(name="Files Pty Ltd")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    # Upload: multipart/form-data with the file and a purpose
    response = http.post("/v1/files", headers=headers, data={"purpose": "bill"},
                         files={"file": ("supplier-bill-4711.pdf", BILL, "application/octet-stream")})
    assert response.status_code == 201, response.text
    made = response.json()
    assert (made["content_type"], made["size"], made["sha256"]) == ("application/pdf", len(BILL),
                                                                    hashlib.sha256(BILL).hexdigest())
    assert http.get(f"/v1/files/{made['id']}", headers=headers).json() == made
    # Download: the same bytes
    download = http.get(f"/v1/files/{made['id']}/download", headers=headers)
    assert download.status_code == 200 and download.content == BILL
    assert hashlib.sha256(download.content).hexdigest() == download.headers["x-content-sha256"] == made["sha256"]
    # Attached to a journal entry and to the supplier
    accounts = {a["code"]: a["id"] for a in http.get("/v1/accounts?limit=100", headers=headers).json()["data"]}
    entry = http.post("/v1/journal-entries", headers=headers, json={
        "description": "Supplier bill 4711", "attachment_ids": [made["id"]],
        "lines": [{"account_id": accounts["1010"], "debit": "42.00"}, {"account_id": accounts["4900"],
                                                                       "credit": "42.00"}]})
    assert entry.status_code == 201, entry.text
    supplier = http.post("/v1/parties", headers=headers, json={"name": "Paper Supplies Ltd", "kind": "supplier",
                                                               "attachment_ids": [made["id"]]}).json()
    assert http.get(f"/v1/parties/{supplier['id']}", headers=headers).json()["attachment_ids"] == [made["id"]]
    assert sorted(http.get(f"/v1/files/{made['id']}", headers=headers).json()["attached_to"]) == sorted(
        [entry.json()["id"], supplier["id"]])
    # A file one byte over 10 MB is a 413; a renamed executable a 415
    one_too_many = b"%PDF-" + bytes(10 * 1024 * 1024 - 4)
    too_large = http.post("/v1/files", headers=headers, files={"file": ("big.pdf", one_too_many)})
    assert too_large.status_code == 413 and too_large.json()["error"]["code"] == "file_too_large"
    renamed = http.post("/v1/files", headers=headers, files={"file": ("bill.pdf", b"MZ\x90\x00" + bytes(64))})
    assert renamed.status_code == 415 and renamed.json()["error"]["code"] == "unsupported_file_type"
    # Another tenant: 404 on its metadata and bytes, 422 as an attachment
    other = {"Authorization": f"Bearer {server.create_tenant(name='Other Pty Ltd')['api_key']}"}
    assert http.get(f"/v1/files/{made['id']}", headers=other).status_code == 404
    assert http.get(f"/v1/files/{made['id']}/download", headers=other).status_code == 404
    refused = http.post("/v1/parties", headers=other, json={"name": "X", "attachment_ids": [made["id"]]})
    assert refused.status_code == 422 and refused.json()["error"]["param"] == "attachment_ids.0"


def test_a_two_step_upload_posts_the_bytes_to_the_form_and_completes_into_the_same_file(server, http: httpx.Client):
    """Issue 15, part FU: the local runtime's stand-in for the presigned S3 POST, over real HTTP."""
    tenant = server.create_tenant(name="Uploads Pty Ltd")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    large = b"%PDF-1.7\n" + bytes(range(256)) * 4096 * 6 + b"\n%%EOF\n"  # about 6 MB: too large for Lambda
    started = http.post("/v1/files/uploads", headers=headers, json={
        "filename": "scan.pdf", "content_type": "application/pdf", "size": len(large),
        "sha256": hashlib.sha256(large).hexdigest(), "purpose": "bill"})
    assert started.status_code == 201, started.text
    made = started.json()
    form = made["upload"]
    assert form["url"] == f"{server.url}/local/uploads" and made["status"] == "pending"
    # Not completed before the bytes arrive
    early = http.post(f"/v1/files/uploads/{made['id']}/complete", headers=headers)
    assert early.status_code == 409 and early.json()["error"]["code"] == "upload_not_received"
    # The form: its fields, then the file, without the API key (as to S3)
    tampered = http.post(form["url"], data=form["fields"] | {"key": form["fields"]["key"] + "x"},
                         files={"file": ("scan.pdf", large, "application/pdf")})
    assert tampered.status_code == 403 and b"AccessDenied" in tampered.content
    too_large = http.post(form["url"], data=form["fields"], files={"file": ("scan.pdf", large + b"!")})
    assert too_large.status_code == 400 and b"EntityTooLarge" in too_large.content
    posted = http.post(form["url"], data=form["fields"], files={"file": ("scan.pdf", large, "application/pdf")})
    assert posted.status_code == 204, posted.text
    # Another tenant cannot complete it
    other = {"Authorization": f"Bearer {server.create_tenant(name='Other Uploads Ltd')['api_key']}"}
    assert http.post(f"/v1/files/uploads/{made['id']}/complete", headers=other).status_code == 404
    completed = http.post(f"/v1/files/uploads/{made['id']}/complete", headers=headers)
    assert completed.status_code == 201, completed.text
    file = completed.json()
    assert (file["object"], file["size"], file["sha256"], file["content_type"], file["purpose"]) == (
        "file", len(large), hashlib.sha256(large).hexdigest(), "application/pdf", "bill")
    again = http.post(f"/v1/files/uploads/{made['id']}/complete", headers=headers)
    assert (again.status_code, again.json()) == (200, file)
    download = http.get(f"/v1/files/{file['id']}/download", headers=headers)
    assert download.status_code == 200 and download.content == large
    # A renamed executable sent through the form is refused on completion (415) and its bytes deleted
    renamed = http.post("/v1/files/uploads", headers=headers, json={
        "filename": "invoice.pdf", "content_type": "application/pdf", "size": 68}).json()
    executable = b"MZ\x90\x00" + bytes(64)
    assert http.post(renamed["upload"]["url"], data=renamed["upload"]["fields"],
                     files={"file": ("invoice.pdf", executable)}).status_code == 204
    refused = http.post(f"/v1/files/uploads/{renamed['id']}/complete", headers=headers)
    assert refused.status_code == 415 and refused.json()["error"]["code"] == "unsupported_file_type"
    gone = http.post(f"/v1/files/uploads/{renamed['id']}/complete", headers=headers)
    assert gone.status_code == 409 and gone.json()["error"]["code"] == "upload_not_received"
    # Bad input is a 422 naming the field
    big = http.post("/v1/files/uploads", headers=headers, json={
        "filename": "x.pdf", "content_type": "application/pdf", "size": 10 * 1024 * 1024 + 1})
    assert big.status_code == 422 and big.json()["error"]["param"] == "size"
    exe = http.post("/v1/files/uploads", headers=headers, json={
        "filename": "x.exe", "content_type": "application/x-msdownload", "size": 10})
    assert exe.status_code == 422 and exe.json()["error"]["param"] == "content_type"
