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
