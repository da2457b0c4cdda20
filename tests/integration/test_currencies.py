"""A tenant's currencies against DynamoDB Local (issue 16, part X): the base currency first, CHF cash 0.05,
PATCH with If-Match, disable, and the API's refusals (409 twice, 422 steps, 404 another tenant's, 400 unknown
parameter, 403 scope)."""

from __future__ import annotations

from tests.integration.books import Books


def test_currencies_are_enabled_listed_changed_and_disabled(api, make_tenant):
    tenant = make_tenant()
    books = Books(api, tenant.tenant_id, tenant.headers)
    chf = books.post("/v1/currencies", {"code": "CHF", "name": "Swiss franc"}, **{"Idempotency-Key": "c1"})
    assert (chf["rounding_step"], chf["cash_rounding_step"], chf["is_base"]) == ("0.01", "0.05", False)
    replay = books.call("POST", "/v1/currencies", {"code": "CHF", "name": "Swiss franc"}, expect=201,
                        **{"Idempotency-Key": "c1"})
    assert replay.headers.get("idempotent-replayed") == "true"
    books.call("POST", "/v1/currencies", {"code": "CHF"}, expect=409)
    books.call("POST", "/v1/currencies", {"code": "AUD"}, expect=409)
    assert books.call("POST", "/v1/currencies", {"code": "EUR", "rounding_step": "0.001"},
                      expect=422).json()["error"]["param"] == "rounding_step"
    books.call("POST", "/v1/currencies", {"code": "XXX"}, expect=422)
    books.post("/v1/currencies", {"code": "EUR"})
    page = books.get("/v1/currencies?limit=2")
    assert [c["code"] for c in page["data"]] == ["AUD", "CHF"] and page["data"][0]["is_base"]
    assert [c["code"] for c in books.get(f"/v1/currencies?limit=2&cursor={page['next_cursor']}")["data"]] == ["EUR"]
    first = books.get("/v1/currencies?limit=1")
    assert [c["code"] for c in first["data"]] == ["AUD"] and first["has_more"]
    assert [c["code"] for c in books.get(f"/v1/currencies?limit=1&cursor={first['next_cursor']}")["data"]] == ["CHF"]
    assert [c["code"] for c in books.get("/v1/currencies")["data"]] == ["AUD", "CHF", "EUR"]
    etag = books.call("GET", "/v1/currencies/CHF", expect=200).headers["etag"]
    books.call("PATCH", "/v1/currencies/CHF", {"name": "Franc"}, expect=200, **{"If-Match": etag})
    books.call("PATCH", "/v1/currencies/CHF", {"name": "Stale"}, expect=412, **{"If-Match": etag})
    assert books.post("/v1/currencies/CHF/disable", expect=200)["enabled"] is False
    assert [c["code"] for c in books.get("/v1/currencies?enabled=false")["data"]] == ["CHF"]
    assert books.call("POST", "/v1/currencies/AUD/disable", expect=409).json()["error"]["param"] == "enabled"
    books.call("GET", "/v1/currencies?code=CHF", expect=400)
    books.call("GET", "/v1/currencies/USD", expect=404)
    assert {"currency.created", "currency.updated", "currency.disabled"} <= set(books.events())
    other = make_tenant()
    assert api.get("/v1/currencies/CHF", headers=other.headers).status_code == 404
    assert api.post("/v1/currencies/CHF/disable", headers=other.headers).status_code == 404
    assert [c["code"] for c in api.get("/v1/currencies", headers=other.headers).json()["data"]] == ["AUD"]
    key = books.post("/v1/api-keys", {"name": "reader", "scopes": ["banking:read"]})["secret"]
    reader = {"Authorization": f"Bearer {key}"}
    assert api.get("/v1/currencies", headers=reader).status_code == 200
    assert api.post("/v1/currencies", json={"code": "USD"}, headers=reader).status_code == 403
