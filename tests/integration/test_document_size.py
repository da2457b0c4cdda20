"""Documents within the request limits that would not fit in a DynamoDB item or an event (issue 11, item 11):
refused with 422 `document_too_large` before anything is written, never a 500."""

from __future__ import annotations

import pytest

from tests.integration.factories import assert_error

CJK = "東"  # 3 bytes in UTF-8


def _lines(books, count: int, chars: int, char: str = CJK) -> list[dict[str, str]]:
    return [{"description": char * chars, "unit_price": "10.00", "tax_code_id": books.tax_codes["GST10"]}
            for _ in range(count)]


def test_an_invoice_too_large_to_store_is_a_422_naming_the_limit_and_writes_nothing(books):
    customer = books.customer()
    events_before = books.events()
    response = books.call("POST", "/v1/invoices", {"customer_id": customer, "lines": _lines(books, 100, 2000)})
    error = assert_error(response, 422, "document_too_large")
    assert error["param"] == "lines"
    assert "bytes" in error["message"] and "limit" in error["message"]
    assert books.get("/v1/invoices")["data"] == []
    assert books.events() == events_before


def test_a_journal_entry_too_large_to_store_is_a_422(books):
    lines = [{"account_id": books.accounts["1010"], "debit": "1", "description": CJK * 2000}] * 25 + \
            [{"account_id": books.accounts["3000"], "credit": "1", "description": CJK * 2000}] * 25
    response = books.call("POST", "/v1/journal-entries", {"description": CJK * 2000, "lines": lines})
    assert assert_error(response, 422, "document_too_large")["param"] == "lines"
    assert books.get("/v1/journal-entries")["data"] == []


def test_a_draft_edited_beyond_the_limit_is_a_422_and_stays_as_it_was(books):
    draft = books.draft(books.customer())
    response = books.call("PATCH", f"/v1/invoices/{draft['id']}", {"lines": _lines(books, 100, 2000)})
    assert_error(response, 422, "document_too_large")
    assert books.invoice(draft["id"]) == draft


@pytest.mark.parametrize(("chars", "char"), [(600, CJK), (2000, "a")])
def test_a_large_invoice_that_fits_is_created_posted_and_read_back(books, chars, char):
    # what README promises: 100 lines of 600 CJK (about 180 KB as UTF-8) or 2,000 Latin characters fit
    draft = books.draft(books.customer(), _lines(books, 100, chars, char))
    posted = books.post(f"/v1/invoices/{draft['id']}/post", expect=200)
    assert posted["status"] == "awaiting_payment"
    assert books.invoice(draft["id"]) == posted
    assert "invoice.posted" in books.events()
