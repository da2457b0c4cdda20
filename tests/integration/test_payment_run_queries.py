"""Issue 18 (part QA): `GET /v1/payment-runs` on the query planner: `supplier_ids[contains]=` (a supplier among the
suppliers paid: the planner's operator on a list-valued field), operators, sorts by execution date (GSI1) and
`updated_at` (GSI5), search over the message id, `updated_since`, `include=total_count`, and the older filters
(`status`, `supplier_id`, `bank_account_id`, `from_date`, `to_date`) unchanged."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

import pytest

from tests.integration.test_invoice_queries import everything, ids
from tests.integration.test_payment_runs import (  # noqa: F401  (the blob store fixture)
    SUPPLIER_IBAN,
    bank_account,
    blob_store,
    books,
    posted_bill,
    supplier,
)

TODAY = date.today()


def day(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


@pytest.fixture
def runs(books):  # noqa: F811
    one, two = supplier(books, "Alpha SA", iban=SUPPLIER_IBAN), supplier(books, "Beta SA", iban=SUPPLIER_IBAN)
    account = bank_account(books)["id"]
    bills = [posted_bill(books, one, "A-1"), posted_bill(books, two, "B-1", "900.00"), posted_bill(books, two, "B-2")]
    both = books.post("/v1/payment-runs", {"bank_account_id": account, "execution_date": day(5),
                                           "bills": [{"bill_id": bills[0]["id"]}, {"bill_id": bills[1]["id"]}]})
    beta = books.post("/v1/payment-runs", {"bank_account_id": account, "execution_date": day(1),
                                           "bills": [{"bill_id": bills[2]["id"]}]})
    beta = books.post(f"/v1/payment-runs/{beta['id']}/cancel", expect=200)
    return one, two, account, both, beta


def test_the_older_filters_keep_their_meaning(books, runs):  # noqa: F811
    one, two, account, both, beta = runs
    assert ids(books.get("/v1/payment-runs")) == [beta["id"], both["id"]]
    assert everything(books, "/v1/payment-runs", limit=1) == [beta["id"], both["id"]]
    assert ids(books.get(f"/v1/payment-runs?supplier_id={one}")) == [both["id"]]
    assert ids(books.get(f"/v1/payment-runs?supplier_id={two}")) == [beta["id"], both["id"]]
    assert ids(books.get("/v1/payment-runs?status=cancelled")) == [beta["id"]]
    assert ids(books.get(f"/v1/payment-runs?bank_account_id={account}&from_date={day(2)}")) == [both["id"]]
    assert ids(books.get(f"/v1/payment-runs?to_date={day(1)}")) == [beta["id"]]


def test_operators_sorts_search_and_count(books, runs):  # noqa: F811
    one, two, account, both, beta = runs
    assert ids(books.get(f"/v1/payment-runs?supplier_ids[contains]={one}")) == [both["id"]]
    assert ids(books.get("/v1/payment-runs?supplier_ids[contains]=pty_nobody")) == []
    assert ids(books.get("/v1/payment-runs?sort=execution_date:desc")) == [both["id"], beta["id"]]
    assert ids(books.get("/v1/payment-runs?total[gte]=1000")) == [both["id"]]
    assert ids(books.get("/v1/payment-runs?status[ne]=cancelled")) == [both["id"]]
    assert ids(books.get(f"/v1/payment-runs?search={quote(both['message_id'].lower())}")) == [both["id"]]
    counted = books.get(f"/v1/payment-runs?supplier_ids[contains]={two}&include=total_count")
    assert counted["total_count"] == 2 and counted["total_count_exact"] is True
    since = books.get(f"/v1/payment-runs/{beta['id']}")["updated_at"]
    assert ids(books.get(f"/v1/payment-runs?updated_since={quote(since)}")) == [beta["id"]]


@pytest.mark.parametrize("params, named", [
    ("sort=total:asc", "total"), ("supplier_ids=pty_1", "eq"), ("supplier_ids[in]=pty_1", "in"),
    ("number=1", "number"), ("search=a&search_fields=file_key", "file_key"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, params, named):  # noqa: F811
    assert named in books.call("GET", f"/v1/payment-runs?{params}", expect=400).text


def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(books):  # noqa: F811
    assert "execution_date" in books.call("GET", "/v1/payment-runs?execution_date[gte]=soon", expect=422).text
