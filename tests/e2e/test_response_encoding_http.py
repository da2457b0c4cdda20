"""Issue 20, items 4 and 7 over HTTP (`ledgerline dev`): gzip for responses over 1 KB when the client accepts it,
with JSON, CSV and PDF bodies intact; `X-Response-Time` and `Ledgerline-Version` on every response."""

from __future__ import annotations

import gzip
import hashlib
import time

import httpx
import pytest

from ledgerline.domain.api_versions import LATEST, ORIGINAL

IDENTITY = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}


def raw(http: httpx.Client, path: str, headers: dict[str, str]) -> httpx.Response:
    """The response with its body as sent on the wire (not decoded by httpx)."""
    with http.stream("GET", path, headers=headers) as response:
        response.wire = b"".join(response.iter_raw())  # type: ignore[attr-defined]
    return response


def test_large_responses_are_gzipped_only_when_accepted_and_decode_to_the_same_bytes(server, http):
    tenant = server.create_tenant(name="Gzip Pty Ltd")
    auth = {"Authorization": f"Bearer {tenant['api_key']}"}
    customer = http.post("/v1/parties", json={"name": "Initech"}, headers=auth).json()["id"]
    draft = http.post("/v1/invoices", headers=auth, json={
        "customer_id": customer, "lines": [{"description": "Consulting", "quantity": "2", "unit_price": "500.00"}]})
    invoice = http.post(f"/v1/invoices/{draft.json()['id']}/post", headers=auth).json()
    for number in range(8):  # a general ledger over 1 KB as CSV
        more = http.post("/v1/invoices", headers=auth, json={
            "customer_id": customer, "lines": [{"description": f"Work {number}", "unit_price": "100.00"}]})
        assert http.post(f"/v1/invoices/{more.json()['id']}/post", headers=auth).status_code == 200

    accounts = http.get("/v1/accounts?limit=100", headers=auth).json()["data"]
    receivable = next(account["id"] for account in accounts if account["code"] == "1100")
    checked = []
    for path, kind in (("/v1/accounts?limit=100", "application/json"),
                       (f"/v1/reports/general-ledger?format=csv&account_id={receivable}", "text/csv")):
        plain, zipped = raw(http, path, {**auth, **IDENTITY}), raw(http, path, {**auth, **GZIP})
        assert plain.status_code == zipped.status_code == 200, plain.wire
        assert plain.headers["content-type"].startswith(kind) and len(plain.wire) > 1024
        assert "content-encoding" not in plain.headers
        assert zipped.headers["content-encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["vary"]
        assert gzip.decompress(zipped.wire) == plain.wire and len(zipped.wire) < len(plain.wire)
        checked.append(path)
    assert len(checked) == 2

    # the PDF (binary) arrives intact either way: its bytes match the rendered document's digest
    deadline = time.monotonic() + 20
    while (pdf := http.get(f"/v1/invoices/{invoice['id']}/pdf", headers={**auth, **GZIP})).status_code != 200:
        if time.monotonic() > deadline:
            pytest.fail(f"no PDF: {pdf.status_code} {pdf.text[:200]}")
        time.sleep(0.2)
    plain_pdf = http.get(f"/v1/invoices/{invoice['id']}/pdf", headers={**auth, **IDENTITY})
    assert pdf.content == plain_pdf.content and pdf.content.startswith(b"%PDF")
    if "x-content-sha256" in pdf.headers:
        assert hashlib.sha256(pdf.content).hexdigest() == pdf.headers["x-content-sha256"]

    # small responses (here an error envelope) are never compressed
    small = raw(http, "/v1/parties/pty_missing", {**auth, **GZIP})
    assert small.status_code == 404 and "content-encoding" not in small.headers and len(small.wire) < 1024


def test_every_response_says_its_version_and_time(server, http):
    tenant = server.create_tenant(name="Headers Pty Ltd")
    auth = {"Authorization": f"Bearer {tenant['api_key']}"}
    for response in (http.get("/v1/tenant", headers=auth), http.get("/v1/parties/pty_missing", headers=auth),
                     http.get("/v1/tenant"), http.get("/openapi.json")):
        assert float(response.headers["x-response-time"]) >= 0
        assert response.headers["ledgerline-version"] in (LATEST, ORIGINAL)
    assert http.get("/v1/tenant", headers=auth).headers["ledgerline-version"] == LATEST  # a new tenant's key
    older = http.get("/v1/tenant", headers={**auth, "Ledgerline-Version": ORIGINAL})
    assert older.status_code == 200 and older.headers["ledgerline-version"] == ORIGINAL
    bad = http.get("/v1/tenant", headers={**auth, "Ledgerline-Version": "2026-02-30"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "Ledgerline-Version"
    document = http.get("/openapi.json").json()
    operation = document["paths"]["/v1/tenant"]["get"]
    assert any(p["name"] == "Ledgerline-Version" and p["in"] == "header" for p in operation["parameters"])
    assert "Ledgerline-Version" in operation["responses"]["200"]["headers"]
