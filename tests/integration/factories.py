"""Request bodies and API helpers shared by the integration tests (every call goes through the API)."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi.testclient import TestClient

_serial = itertools.count(1)

RESOURCES = ("parties", "items", "accounts", "tax-codes")


def unique(prefix: str) -> str:
    return f"{prefix}{next(_serial)}"


def account_id(api: TestClient, headers: dict[str, str], subtype: str) -> str:
    """The id of the tenant's (default chart) account with this subtype."""
    response = api.get("/v1/accounts", params={"subtype": subtype}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"][0]["id"]


def tax_code_id(api: TestClient, headers: dict[str, str], code: str) -> str:
    return next(t["id"] for t in list_all(api, "/v1/tax-codes", headers) if t["code"] == code)


def valid_body(api: TestClient, headers: dict[str, str], resource: str) -> dict[str, Any]:
    """A minimal valid create body for `resource`, with a fresh code where codes must be unique."""
    if resource == "parties":
        return {"name": unique("Party "), "kind": "customer", "email": f"{unique('p')}@example.com"}
    if resource == "items":
        return {"code": unique("ITEM-"), "name": "Consulting hour", "unit_price": "150.00", "unit": "hour"}
    if resource == "accounts":
        return {"code": unique("41"), "name": "Consulting revenue", "type": "revenue", "subtype": "sales"}
    if resource == "tax-codes":
        return {"code": unique("TX"), "name": "Test tax", "rate": "10", "account_id": account_id(api, headers, "tax")}
    raise ValueError(resource)


def create(api: TestClient, headers: dict[str, str], resource: str, **fields: Any) -> dict[str, Any]:
    body = {**valid_body(api, headers, resource), **fields}
    response = api.post(f"/v1/{resource}", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def list_all(api: TestClient, path: str, headers: dict[str, str], *, limit: int = 100,
             **params: Any) -> list[dict[str, Any]]:
    """Every record of a list, walking `next_cursor`; asserts the pages are well formed on the way."""
    records: list[dict[str, Any]] = []
    cursor = None
    for _ in range(500):
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["data"]) <= limit
        records.extend(page["data"])
        if not page["has_more"]:
            assert page["next_cursor"] is None
            return records
        assert page["next_cursor"] and page["data"], "has_more without a cursor or with an empty page"
        cursor = page["next_cursor"]
    raise AssertionError(f"{path} did not end after 500 pages")


def ids(records: list[dict[str, Any]]) -> list[str]:
    return [record["id"] for record in records]


def assert_error(response: Any, status: int, code: str, *, type: str | None = None) -> dict[str, Any]:
    """The response is an error with the contract's envelope; returns the `error` object."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert {"type", "code", "message", "request_id"} <= error.keys()
    assert error["code"] == code, error
    assert error["message"] and error["request_id"]
    assert response.headers["X-Request-ID"] == error["request_id"]
    if type is not None:
        assert error["type"] == type
    return error


def detail_fields(error: dict[str, Any]) -> set[str]:
    return {detail["field"] for detail in error["details"]}
