"""Issue 18 (part Q2): `GET /v1/exchange-rates` on the query planner: `currency=` a lookup on GSI4 (by date), sorts
by date and by currency then date (`sort=currency:asc,date:asc`: the index's tie-breakers), operators on date and
rate, `updated_since`; the older filters (`currency`, `from_date`, `to_date`) unchanged."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.test_invoice_queries import ids


@pytest.fixture
def rates(books):
    given = [("2026-01-06", "USD", "1.6", "ECB"), ("2026-01-05", "EUR", "1.65", "ecb"),
             ("2026-01-07", "EUR", "1.7", "bank")]
    made = [books.post("/v1/exchange-rates", {"date": day, "currency": currency, "rate": rate, "source": source})
            for day, currency, rate, source in given]
    return [r["id"] for r in made]


def test_lookups_sorts_and_operators(books, rates):
    assert ids(books.get("/v1/exchange-rates")) == ["EUR-2026-01-05", "EUR-2026-01-07", "USD-2026-01-06"]
    assert ids(books.get("/v1/exchange-rates?currency=EUR")) == ["EUR-2026-01-05", "EUR-2026-01-07"]
    assert ids(books.get("/v1/exchange-rates?currency=EUR&from_date=2026-01-06")) == ["EUR-2026-01-07"]
    assert ids(books.get("/v1/exchange-rates?sort=date:desc")) == ["EUR-2026-01-07", "USD-2026-01-06",
                                                                   "EUR-2026-01-05"]
    assert ids(books.get("/v1/exchange-rates?sort=currency:desc,date:desc")) == [
        "USD-2026-01-06", "EUR-2026-01-07", "EUR-2026-01-05"]
    assert ids(books.get("/v1/exchange-rates?rate[gt]=1.65")) == ["EUR-2026-01-07"]
    assert ids(books.get("/v1/exchange-rates?search=ecb")) == ["EUR-2026-01-05", "USD-2026-01-06"]
    assert ids(books.get("/v1/exchange-rates?currency[in]=USD,CHF")) == ["USD-2026-01-06"]
    since = books.get("/v1/exchange-rates/EUR-2026-01-05")["updated_at"]
    assert ids(books.get(f"/v1/exchange-rates?updated_since={quote(since)}")) == ["EUR-2026-01-05", "EUR-2026-01-07"]


@pytest.mark.parametrize("params, named", [
    ("sort=rate:asc", "rate"), ("sort=currency:asc,date:desc", "currency:asc,date:asc,id:asc"),
    ("sort=date:asc,currency:asc", "date:asc,id:asc"), ("number=1", "number"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, rates, params, named):
    assert named in books.call("GET", f"/v1/exchange-rates?{params}", expect=400).text
