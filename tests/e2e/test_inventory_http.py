"""Inventory over real HTTP (issue 19): opening stock with a cost, a transfer, a count, the levels, the history
and the valuation report equal to the inventory account; a stock take in bulk with one item refused."""

from __future__ import annotations

from decimal import Decimal as D

import pytest


@pytest.fixture(scope="module")
def tenant(server) -> dict[str, str]:
    return server.create_tenant(name="Stock Demo Pty Ltd", currency="AUD", country="AU")


def test_opening_stock_transfer_count_levels_and_valuation(http, tenant):
    auth = {"Authorization": f"Bearer {tenant['api_key']}"}

    def post(path: str, body: dict, key: str | None = None) -> dict:
        response = http.post(path, headers={**auth, **({"Idempotency-Key": key} if key else {})}, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    item = post("/v1/items", {"code": "CHAIR", "name": "Chair", "unit": "piece", "track_stock": True,
                              "purchase_price": "40.00", "reorder_level": "10"})["id"]
    warehouse = post("/v1/stock-locations", {"name": "Warehouse", "areas": ["A-01", "A-02"]})["id"]
    shop = post("/v1/stock-locations", {"name": "Shop"})["id"]

    # Given 50 chairs of opening stock at 40.00 (sent twice with one key: one adjustment)
    body = {"item_id": item, "reason": "opening", "quantity": "50", "unit_cost": "40.00", "date": "2026-01-01",
            "area": "A-01"}
    opened = post("/v1/stock-adjustments", body, key="e2e-stock-opening")
    assert post("/v1/stock-adjustments", body, key="e2e-stock-opening") == opened
    assert (opened["location_id"], opened["value"]) == (warehouse, "2000.00")

    # When 12 go to the shop and the warehouse count finds 36 (2 missing)
    moved = post("/v1/stock-transfers", {"item_id": item, "from_location_id": warehouse, "to_location_id": shop,
                                         "quantity": "12", "date": "2026-01-10"})
    assert moved["value"] == "480.00"
    counted = post("/v1/stock-adjustments", {"item_id": item, "location_id": warehouse, "reason": "count",
                                             "counted_quantity": "36", "date": "2026-01-31"})
    assert (counted["quantity"], counted["value"]) == ("-2", "-80.00")

    # Then the levels, the history and the valuation agree with the ledger
    levels = {row["location_id"]: row for row in http.get(f"/v1/stock?item_id={item}", headers=auth).json()["data"]}
    assert (levels[warehouse]["on_hand"], levels[warehouse]["value"]) == ("36", "1440.00")
    assert (levels[shop]["on_hand"], levels[shop]["average_cost"]) == ("12", "40.000000")
    history = http.get(f"/v1/stock/{item}/movements", headers=auth).json()["data"]
    assert [m["quantity_after"] for m in history if m["location_id"] == warehouse] == ["50", "38", "36"]
    assert [m["quantity_after"] for m in history if m["location_id"] == shop] == ["12"]
    valuation = http.get("/v1/reports/stock-valuation?as_of=2026-01-31", headers=auth).json()
    assert valuation["total"] == "1920.00"
    january = http.get("/v1/reports/trial-balance?as_of=2026-01-31", headers=auth).json()
    inventory = next(row for row in january["accounts"] if row["code"] == "1200")
    assert D(inventory["balance"]) == D(valuation["total"])
    assert http.get("/v1/reports/stock-valuation?as_of=2026-01-05", headers=auth).json()["total"] == "2000.00"

    # And a stock take in bulk: one line asks for more than the shop holds, the other goes through
    result = http.post("/v1/bulk/stock-adjustments", headers=auth, json={"items": [
        {"data": {"item_id": item, "location_id": shop, "reason": "damage", "quantity": "-13"}},
        {"data": {"item_id": item, "location_id": shop, "reason": "count", "counted_quantity": "11"}}]})
    assert result.status_code == 200, result.text
    outcomes = result.json()
    assert (outcomes["succeeded"], outcomes["failed"]) == (1, 1)
    assert http.get(f"/v1/stock?location_id={shop}", headers=auth).json()["data"][0]["on_hand"] == "11"
