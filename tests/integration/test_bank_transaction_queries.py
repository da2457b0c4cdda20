"""Issue 18 (part Q2): `GET /v1/bank-transactions` on the query planner, over a real camt.053 import: the older
filters (`status`, `bank_account_id`, `from_date`, `to_date`) unchanged, the reference lookup (GSI7), operators on
amount and booking date, counterparty search, sorts and `updated_since`."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

import pytest

from tests.integration.test_banking import JANUARY, bank_account, blob_store, chf, upload  # noqa: F401
from tests.integration.test_invoice_queries import everything, ids


@pytest.fixture
def imported(chf):  # noqa: F811
    account = bank_account(chf)
    upload(chf, account["id"], JANUARY)
    every = chf.get("/v1/bank-transactions?limit=100")["data"]
    assert len(every) == 7
    return account, every


def by_date(rows):
    return [t["id"] for t in sorted(rows, key=lambda t: (t["date"], t["id"]))]


def test_the_older_filters_keep_their_meaning(chf, imported):  # noqa: F811
    account, every = imported
    assert ids(chf.get("/v1/bank-transactions?limit=100")) == by_date(every)
    assert everything(chf, "/v1/bank-transactions", limit=2) == by_date(every)
    assert ids(chf.get(f"/v1/bank-transactions?bank_account_id={account['id']}&status=unmatched&limit=100")) == \
        by_date(every)
    assert ids(chf.get("/v1/bank-transactions?status=matched")) == []
    first = min(t["date"] for t in every)
    assert ids(chf.get(f"/v1/bank-transactions?from_date={first}&to_date={first}&limit=100")) == \
        by_date([t for t in every if t["date"] == first])
    ignored = every[0]
    chf.call("POST", f"/v1/bank-transactions/{ignored['id']}/ignore", {}, expect=200)
    assert ids(chf.get("/v1/bank-transactions?status=ignored")) == [ignored["id"]]
    assert ignored["id"] not in ids(chf.get("/v1/bank-transactions?status[ne]=ignored&limit=100"))


def test_lookup_operators_search_and_sorts(chf, imported):  # noqa: F811
    account, every = imported
    referenced = next(t for t in every if t["reference"])
    assert ids(chf.get(f"/v1/bank-transactions?reference={referenced['reference']}&limit=100")) == by_date(
        [t for t in every if t["reference"] == referenced["reference"]])
    assert ids(chf.get(f"/v1/bank-transactions?reference[startswith]={referenced['reference'][:4].lower()}"
                       "&limit=100")) == by_date([t for t in every if (t["reference"] or "").startswith(
                           referenced["reference"][:4])])
    money_in = [t for t in every if Decimal(t["amount"]) >= 0]
    assert ids(chf.get("/v1/bank-transactions?amount[gte]=0&limit=100")) == by_date(money_in)
    named = next(t for t in every if t["counterparty_name"])
    needle = named["counterparty_name"].split()[0].upper()
    assert ids(chf.get(f"/v1/bank-transactions?search={quote(needle)}&search_fields=counterparty_name"
                       "&limit=100")) == by_date(
        [t for t in every if needle.casefold() in (t["counterparty_name"] or "").casefold()])
    assert ids(chf.get("/v1/bank-transactions?sort=date:desc,id:desc&limit=100")) == by_date(every)[::-1]
    since = max(t["updated_at"] for t in every)
    changed = chf.get(f"/v1/bank-transactions?updated_since={quote(since)}&include=total_count")
    assert changed["total_count"] == len(changed["data"]) >= 1 and changed["total_count_exact"] is True


@pytest.mark.parametrize("params, named", [
    ("sort=amount:asc", "amount"), ("status=importing", "status"), ("number=1", "number"),
    ("sort=date:asc,amount:asc", "date:asc,id:asc"),
])
def test_what_the_list_does_not_declare_is_refused_naming_it(chf, imported, params, named):  # noqa: F811
    response = chf.call("GET", f"/v1/bank-transactions?{params}")
    assert response.status_code in (400, 422) and named in response.text
