"""An id longer than DynamoDB allows in a key is an unknown record (404), never a database error (500).

The document routes read a record by id through their services (issue 12, part C), and those read through the
unit of work, which treats a key DynamoDB would refuse as missing (`unit_of_work._fetch_possible`).
"""

from __future__ import annotations

import pytest

from tests.integration.books import Books

TOO_LONG = "x" * 2100  # longer than DynamoDB's 2048 bytes of a partition key and 1024 of a sort key

ROUTES = [
    ("GET", "/v1/invoices/inv_{id}"),
    ("GET", "/v1/invoices/inv_{id}/pdf"),
    ("PATCH", "/v1/invoices/inv_{id}"),
    ("DELETE", "/v1/invoices/inv_{id}"),
    ("POST", "/v1/invoices/inv_{id}/post"),
    ("POST", "/v1/invoices/inv_{id}/void"),
    ("POST", "/v1/invoices/inv_{id}/send"),
    ("GET", "/v1/invoices/inv_{id}/reminders"),
    ("POST", "/v1/invoices/inv_{id}/reminders"),
    ("GET", "/v1/receipts/rct_{id}"),
    ("POST", "/v1/receipts/rct_{id}/allocations"),
    ("POST", "/v1/receipts/rct_{id}/reverse"),
    ("GET", "/v1/credit-notes/cn_{id}"),
    ("GET", "/v1/credit-notes/cn_{id}/pdf"),
    ("GET", "/v1/journal-entries/je_{id}"),
    ("POST", "/v1/journal-entries/je_{id}/reverse"),
    ("GET", "/v1/refunds/rfd_{id}"),
    ("POST", "/v1/refunds/rfd_{id}/reverse"),
    ("GET", "/v1/events/evt_{id}"),
    ("GET", "/v1/reminders/rem_{id}"),
    ("POST", "/v1/reminders/rem_{id}/send"),
    ("DELETE", "/v1/reminders/rem_{id}"),
    ("GET", "/v1/reminders/rem_{id}/pdf"),
]
BODIES = {"/allocations": {"allocations": [{"invoice_id": "inv_1", "amount": "1.00"}]}}


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_an_id_too_long_for_a_key_is_a_404(books: Books, method: str, path: str):
    # Before: GET /v1/invoices/{id} (and the other reads by id, the PDFs) asked DynamoDB for a key it refuses
    # (ValidationException), which was a 500
    body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)
    if method == "PATCH":
        body = {"notes": "x"}
    response = books.api.request(method, path.replace("{id}", TOO_LONG), json=body, headers=books.headers)
    assert response.status_code == 404, response.text
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("resource_missing", "id"), error
