"""Issue 18 (part QB): `GET /v1/files` on the query planner: operators on content type, filename, size, purpose,
`attached` and `created_at`, sorts by upload moment, casefolded filename and `updated_at`, search over the
filename, `updated_since`, `include=total_count`, and the older `purpose`, `from_date` and `to_date` filters
unchanged."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

import pytest

from tests.integration.books import Books
from tests.integration.test_files import JPEG, PDF, folder, upload  # noqa: F401  (the blob store fixture)
from tests.integration.test_invoice_queries import everything, ids


@pytest.fixture
def three(books: Books, folder):  # noqa: F811
    bill = upload(books, purpose="bill", name="Bill-4711.pdf")
    scan = upload(books, JPEG, name="taxi receipt.jpg", purpose="receipt")
    contract = upload(books, name="contract.pdf")
    entry = books.post("/v1/journal-entries", {"description": "Rent", "attachment_ids": [bill["id"]], "lines": [
        {"account_id": books.accounts["1010"], "debit": "5.00"},
        {"account_id": books.accounts["4900"], "credit": "5.00"}]})
    return books.get(f"/v1/files/{bill['id']}"), scan, contract, entry


def test_the_older_filters_keep_their_meaning(books: Books, three):
    bill, scan, contract, _ = three
    assert ids(books.get("/v1/files")) == [bill["id"], scan["id"], contract["id"]]
    assert ids(books.get("/v1/files?purpose=bill")) == [bill["id"]]
    today = date.fromisoformat(bill["created_at"][:10])
    assert ids(books.get(f"/v1/files?from_date={today}&to_date={today}")) == [bill["id"], scan["id"], contract["id"]]
    assert ids(books.get(f"/v1/files?from_date={today + timedelta(days=1)}")) == []
    assert ids(books.get(f"/v1/files?to_date={today - timedelta(days=1)}")) == []
    assert everything(books, "/v1/files", limit=1) == [bill["id"], scan["id"], contract["id"]]


def test_operators_sorts_search_and_changes(books: Books, three):
    bill, scan, contract, entry = three
    assert bill["attached_to"] == [entry["id"]]
    assert ids(books.get("/v1/files?attached=true")) == [bill["id"]]
    assert ids(books.get("/v1/files?attached=false")) == [scan["id"], contract["id"]]
    assert ids(books.get("/v1/files?content_type[startswith]=image/")) == [scan["id"]]
    assert ids(books.get("/v1/files?content_type=application/pdf&sort=created_at:desc")) == [contract["id"],
                                                                                            bill["id"]]
    assert ids(books.get("/v1/files?sort=filename:asc")) == [bill["id"], contract["id"], scan["id"]]
    assert ids(books.get("/v1/files?filename[startswith]=BILL")) == [bill["id"]]
    assert ids(books.get("/v1/files?filename[endswith]=.JPG")) == [scan["id"]]
    assert ids(books.get("/v1/files?search=RECEIPT")) == [scan["id"]]
    assert ids(books.get(f"/v1/files?size[lt]={len(PDF)}")) == [scan["id"]]
    assert ids(books.get(f"/v1/files?sha256={scan['sha256']}")) == [scan["id"]]
    assert ids(books.get("/v1/files?purpose[in]=bill,receipt&purpose[ne]=receipt")) == [bill["id"]]
    after = books.get(f"/v1/files?created_at[gt]={quote(bill['created_at'])}")
    assert bill["id"] not in ids(after)
    since = bill["updated_at"]
    changed = books.get(f"/v1/files?updated_since={quote(since)}&include=total_count")
    assert ids(changed)[-1] == bill["id"] and changed["total_count"] == len(ids(changed))
    assert changed["total_count_exact"] is True


@pytest.mark.parametrize("params, named", [
    ("sort=size:asc", "size"), ("number=1", "number"), ("attached[gt]=true", "gt"),
    ("search=a&search_fields=content_type", "content_type"),
    ("sort=filename:asc,created_at:asc", "filename:asc,id:asc"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books: Books, three, params, named):
    assert named in books.call("GET", f"/v1/files?{params}", expect=400).text


@pytest.mark.parametrize("params, named", [("attached=maybe", "attached"), ("size[gt]=1.5", "size"),
                                           ("created_at[gte]=yesterday", "created_at")])
def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(books: Books, three, params, named):
    assert named in books.call("GET", f"/v1/files?{params}", expect=422).text


def test_attaching_and_detaching_keeps_the_index_keys_current(books: Books, three):
    bill, scan, _, entry = three
    party = books.post("/v1/parties", {"name": "Taxi Co", "kind": "supplier", "attachment_ids": [scan["id"]]})
    assert ids(books.get("/v1/files?attached=true")) == [bill["id"], scan["id"]]
    books.call("PATCH", f"/v1/parties/{party['id']}", {"attachment_ids": []}, expect=200)
    assert ids(books.get("/v1/files?attached=true")) == [bill["id"]]
    moved = books.get(f"/v1/files/{scan['id']}")
    assert ids(books.get(f"/v1/files?updated_since={quote(moved['updated_at'])}")) == [scan["id"]]


def test_files_saved_before_the_query_indexes_are_indexed_by_reindex(books: Books, three):
    from ledgerline.store.files import UploadedFile
    from ledgerline.store.lists import index_query_keys

    bill, scan, contract, _ = three
    record = UploadedFile.get(*UploadedFile.key(books.tenant_id, scan["id"]))
    UploadedFile._get_connection().update_item(record.pk, record.sk, actions=[
        UploadedFile.gsi4pk.remove(), UploadedFile.gsi4sk.remove(), UploadedFile.search_filename.remove(),
        UploadedFile.attached.remove()])
    assert ids(books.get("/v1/files?sort=filename:asc")) == [bill["id"], contract["id"]]
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get("/v1/files?sort=filename:asc")) == [bill["id"], contract["id"], scan["id"]]
    assert ids(books.get("/v1/files?attached=false")) == [scan["id"], contract["id"]]
