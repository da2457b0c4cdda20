"""Exchange rates against DynamoDB Local (issue 16, part X): the rate a document takes is one query on the
rates' sort key (the latest on or before its date); none known is a 422 naming the currency and the date;
the API's refusals (a second rate of a day 409, the base currency 422, another tenant's id 404, unknown
parameter 400, scope 403), pagination and the filters."""

from __future__ import annotations

from decimal import Decimal as D

from ledgerline.store.exchange_rates import rate_on
from tests.integration.books import Books

LINES = [{"description": "Export", "unit_price": "100.00"}]


def test_an_invoice_and_its_receipt_take_the_rates_of_their_dates(books):
    for day, value in (("2026-01-05", "1.60"), ("2026-01-31", "1.70"), ("2026-03-01", "1.80")):
        books.post("/v1/exchange-rates", {"date": day, "currency": "EUR", "rate": value, "source": "ecb"})
    books.post("/v1/exchange-rates", {"date": "2026-01-10", "currency": "USD", "rate": "1.50"})
    customer = books.customer()
    missing = books.call("POST", "/v1/invoices", {"customer_id": customer, "currency": "EUR", "lines": LINES,
                                                  "issue_date": "2026-01-02"}, expect=422).json()["error"]
    assert missing["param"] == "exchange_rate" and "EUR" in missing["message"] and "2026-01-02" in missing["message"]
    invoice = books.posted(customer, LINES, currency="EUR", issue_date="2026-01-20")
    assert (D(invoice["exchange_rate"]), invoice["exchange_rate_id"]) == (D("1.60"), "EUR-2026-01-05")
    assert books.balance("1100") == D("160.00")
    receipt = books.receipt(customer, "100.00", [(invoice["id"], "100.00")], currency="EUR", date="2026-01-31")
    assert (D(receipt["exchange_rate"]), receipt["exchange_rate_id"]) == (D("1.70"), "EUR-2026-01-31")
    assert books.invoice(invoice["id"])["status"] == "paid"
    # realised gain on settlement: AUD 170 received for AUD 160 receivable
    assert books.balance("1100") == 0 and books.balance("7950") == D("-10.00")
    assert D(books.get(f"/v1/exchange-rates/{invoice['exchange_rate_id']}")["rate"]) == D("1.60")
    trial = books.trial_balance()
    assert trial["total_debit"] == trial["total_credit"]
    assert books.events().count("exchange_rate.created") == 4


def test_the_lookup_reads_only_the_currency_and_days_on_or_before(books):
    for currency, day in (("CHF", "2026-02-01"), ("EUR", "2025-12-31"), ("EUR", "2026-01-31"), ("GBP", "2026-01-01"),
                          ("EUR", "2026-02-02")):
        books.post("/v1/exchange-rates", {"date": day, "currency": currency, "rate": "1.5"})
    from datetime import date
    assert rate_on(books.tenant_id, "EUR", date(2026, 2, 1)).id == "EUR-2026-01-31"
    assert rate_on(books.tenant_id, "EUR", date(2025, 12, 31)).id == "EUR-2025-12-31"
    assert rate_on(books.tenant_id, "EUR", date(2025, 12, 30)) is None
    assert rate_on(books.tenant_id, "GBP", date(2099, 1, 1)).id == "GBP-2026-01-01"
    assert rate_on(books.tenant_id, "USD", date(2099, 1, 1)) is None


def test_the_api_refuses_duplicates_the_base_currency_other_tenants_unknown_parameters_and_missing_scopes(
        api, make_tenant):
    tenant = make_tenant()
    books = Books(api, tenant.tenant_id, tenant.headers)
    first = books.post("/v1/exchange-rates", {"date": "2026-01-05", "currency": "EUR", "rate": "1.6640"},
                       **{"Idempotency-Key": "r1"})
    again = books.call("POST", "/v1/exchange-rates", {"date": "2026-01-05", "currency": "EUR", "rate": "1.6640"},
                       expect=201, **{"Idempotency-Key": "r1"})
    assert again.json()["id"] == first["id"] == "EUR-2026-01-05" and again.headers.get("idempotent-replayed")
    books.call("POST", "/v1/exchange-rates", {"date": "2026-01-05", "currency": "EUR", "rate": "1.7"}, expect=409)
    base = books.call("POST", "/v1/exchange-rates", {"date": "2026-01-05", "currency": "AUD", "rate": "1"},
                      expect=422).json()["error"]
    assert base["param"] == "currency"
    for bad in ({"date": "2026-01-05", "currency": "EUR", "rate": "0"},
                {"date": "2026-01-05", "currency": "EURO", "rate": "1.2"},
                {"date": "05.01.2026", "currency": "EUR", "rate": "1.2"},
                {"date": "2026-01-05", "currency": "EUR", "rate": "1.2", "colour": "red"}):
        books.call("POST", "/v1/exchange-rates", bad, expect=422)
    books.post("/v1/exchange-rates", {"date": "2026-01-06", "currency": "EUR", "rate": "1.67"})
    books.post("/v1/exchange-rates", {"date": "2026-01-06", "currency": "USD", "rate": "1.6"})
    page = books.get("/v1/exchange-rates?limit=2")
    assert [r["id"] for r in page["data"]] == ["EUR-2026-01-05", "EUR-2026-01-06"] and page["has_more"]
    rest = books.get(f"/v1/exchange-rates?limit=2&cursor={page['next_cursor']}")
    assert [r["id"] for r in rest["data"]] == ["USD-2026-01-06"] and not rest["has_more"]
    assert [r["id"] for r in books.get("/v1/exchange-rates?currency=EUR&from_date=2026-01-06")["data"]] == [
        "EUR-2026-01-06"]
    assert [r["id"] for r in books.get("/v1/exchange-rates?to_date=2026-01-05")["data"]] == ["EUR-2026-01-05"]
    assert books.get("/v1/exchange-rates?from_date=2026-02-01&to_date=2026-01-01")["data"] == []
    books.call("GET", "/v1/exchange-rates?year=2026", expect=400)
    books.call("GET", "/v1/exchange-rates?currency=XYZ", expect=422)
    other = make_tenant()
    assert api.get("/v1/exchange-rates/EUR-2026-01-05", headers=other.headers).status_code == 404
    assert api.delete("/v1/exchange-rates/EUR-2026-01-05", headers=other.headers).status_code == 404
    assert api.get("/v1/exchange-rates", headers=other.headers).json()["data"] == []
    key = books.post("/v1/api-keys", {"name": "reader", "scopes": ["banking:read"]})["secret"]
    reader = {"Authorization": f"Bearer {key}"}
    assert api.get("/v1/exchange-rates", headers=reader).status_code == 200
    assert api.post("/v1/exchange-rates", json={"date": "2026-01-07", "currency": "EUR", "rate": "1.2"},
                    headers=reader).status_code == 403
    assert books.call("DELETE", "/v1/exchange-rates/EUR-2026-01-05", expect=200).json()["deleted"] is True
    books.call("GET", "/v1/exchange-rates/EUR-2026-01-05", expect=404)
    assert "exchange_rate.deleted" in books.events()


def test_bulk_rates_report_each_item_and_add_only_the_valid_ones(books):
    body = {"items": [{"data": {"date": "2026-01-05", "currency": "EUR", "rate": "1.60", "source": "ecb"}},
                      {"data": {"date": "2026-01-05", "currency": "AUD", "rate": "1"}},
                      {"data": {"date": "2026-01-05", "currency": "USD", "rate": "-1"}},
                      {"data": {"date": "2026-01-05", "currency": "EUR", "rate": "1.61"}},
                      {"data": {"date": "2026-01-05", "currency": "USD", "rate": "1.50"}, "idempotency_key": "u1"}]}
    result = books.call("POST", "/v1/bulk/exchange-rates", body, expect=200).json()
    assert [(r["index"], r["status"]) for r in result["results"]] == [(0, 201), (1, 422), (2, 422), (3, 409),
                                                                      (4, 201)]
    assert result["results"][1]["error"]["param"] == "currency"
    assert [r["id"] for r in books.get("/v1/exchange-rates")["data"]] == ["EUR-2026-01-05", "USD-2026-01-05"]
    again = books.call("POST", "/v1/bulk/exchange-rates", {"items": body["items"][4:]}, expect=200).json()
    assert again["results"][0]["status"] == 201 and again["results"][0]["data"]["id"] == "USD-2026-01-05"
    over = {"items": [{"data": {"date": "2026-01-06", "currency": "EUR", "rate": "1"}}] * 101}
    assert books.call("POST", "/v1/bulk/exchange-rates", over, expect=422).json()["error"]["param"] == "items"
    key = books.post("/v1/api-keys", {"name": "parties only", "scopes": ["parties:write"]})["secret"]
    refused = books.api.post("/v1/bulk/exchange-rates", json=body, headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 403


def test_the_cli_imports_the_ecb_file_and_a_csv_file_once(books, dynamodb_local, tmp_path):
    import json

    from tests.conftest import ROOT
    from tests.integration.test_cli_errors import environment, ledgerline

    env = environment(dynamodb_local)
    fixtures = ROOT / "tests" / "fixtures" / "rates"
    run = ledgerline("rates", "import", str(fixtures / "eurofxref-daily.xml"), "--tenant", books.tenant_id, env=env)
    assert run.returncode == 0, run.stderr
    # two days of EUR, USD, JPY, GBP and CHF in AUD (AUD itself left out)
    assert json.loads(run.stdout) == {"rates": 10, "added": 10, "existing": 0, "skipped_base_currency": 0}
    usd = books.get("/v1/exchange-rates/USD-2026-01-05")
    assert (D(usd["rate"]), usd["source"]) == (D("1.6"), "ecb")
    again = ledgerline("rates", "import", str(fixtures / "eurofxref-daily.xml"), "--tenant", books.tenant_id, env=env)
    assert json.loads(again.stdout)["existing"] == 10
    csv_run = ledgerline("rates", "import", str(fixtures / "rates.csv"), "--tenant", books.tenant_id, env=env)
    assert json.loads(csv_run.stdout) == {"rates": 3, "added": 1, "existing": 2, "skipped_base_currency": 0}
    assert books.get("/v1/exchange-rates/EUR-2026-01-31")["source"] == "bank"
    bad = tmp_path / "rates-bad.csv"
    bad.write_text("date,currency,rate\n2026-02-01,EUR,1.7\n2026-02-30,EUR,1.7\n")
    refused = ledgerline("rates", "import", str(bad), "--tenant", books.tenant_id, env=env)
    assert refused.returncode == 2 and "line 3" in refused.stderr and refused.stdout == ""
    books.call("GET", "/v1/exchange-rates/EUR-2026-02-01", expect=404)  # nothing of the bad file was added
