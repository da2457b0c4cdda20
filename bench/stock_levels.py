"""Section 11 of make bench: a stock-level read at 1k and 10k movements (issue 19's closing-note figure). One
stock-managed item of one tenant gets N movements written straight into the table with the entity's own keys
(`StockMovement`, and the level they end at, `StockLevel`, as the movements' transactions leave it), then the
read `GET /v1/stock?item_id=` makes (`services/stock.list_levels`) and a first page of the item's movements
(`services/stock.list_movements`, limit 50) are timed: medians of `runs` reads. The level is one item kept with
the movements, never a sum of them, so its read should not grow with N."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ledgerline.services import master_data, stock
from ledgerline.services.tenants import create_tenant
from ledgerline.store.stock import StockLevel, StockMovement
from ledgerline.store.table import connection

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def sizes(quick: bool) -> tuple[int, ...]:
    return (200, 1_000) if quick else (1_000, 10_000)


def seed(tenant_id: str, item_id: str, location_id: str, count: int) -> None:
    """`count` movements alternating 3 in and 1 out at 2.50 each, and the level after the last of them."""
    connection()
    quantity = value = Decimal(0)
    with StockMovement.batch_write() as batch:
        for n in range(count):
            moved = Decimal(3) if n % 2 == 0 else Decimal(-1)
            quantity, value = quantity + moved, value + moved * Decimal("2.50")
            at = BASE + timedelta(seconds=n)
            movement = StockMovement(
                id=f"smov_{n:026d}", tenant_id=tenant_id, item_id=item_id, location_id=location_id,
                date=date(2026, 1, 1) + timedelta(days=n * 300 // count), quantity=moved,
                value=moved * Decimal("2.50"), quantity_after=quantity, value_after=value,
                source_type="stock_adjustment", source_id=f"sadj_{n:026d}", reason="other", sequence=n + 1,
                created_at=at, updated_at=at)
            movement.assign_keys()
            batch.save(movement)
    level = StockLevel(id=StockLevel.id_of(item_id, location_id), tenant_id=tenant_id, item_id=item_id,
                       location_id=location_id, quantity=quantity, value=value, movements=count, created_at=BASE,
                       updated_at=BASE + timedelta(seconds=count))
    level.assign_keys()
    level.save()


def timed(read: Any, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        read()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2)


def measure(*, quick: bool = False, runs: int = 50) -> dict[str, Any]:
    results: dict[str, Any] = {"sizes": {}}
    for count in sizes(quick):
        tenant, _ = create_tenant(name=f"Stock Bench {count}", base_currency="AUD", country="AU", plan="enterprise")
        item = master_data.create("item", tenant.id, {"code": "BENCH-STOCK", "name": "Stocked", "track_stock": True})
        location = stock.create_location(tenant.id, {"name": "Main"})["id"]
        seed(tenant.id, item.id, location, count)
        level = stock.list_levels(tenant.id, item_id=item.id, location_id=None, limit=20, start_key=None).items
        assert len(level) == 1 and level[0].movements == count
        tenant_id, item_id = tenant.id, item.id
        results["sizes"][count] = {
            "level_p50_ms": timed(lambda t=tenant_id, i=item_id: stock.list_levels(
                t, item_id=i, location_id=None, limit=20, start_key=None), 5 if quick else runs),
            "movements_page_p50_ms": timed(lambda t=tenant_id, i=item_id: stock.list_movements(
                t, i, location_id=None, limit=50, start_key=None), 5 if quick else runs),
        }
    return results
