"""Section 10 of make bench: querying (issue 18). Invoices of one tenant written straight into the table with
the entity's own keys (at 1k and 10k; 100k with LEDGERLINE_BENCH_QUERIES_100K=1), then typical planned queries
through the store's named read (`store/lists.query_invoices`, the same call `GET /v1/invoices` makes): items
read (DynamoDB's ScannedCount) per item returned, and the median latency of a number lookup, a filtered list
(open invoices over 1,000 by due date), an `updated_since` page and a search."""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ledgerline.domain.query import Predicate, Query
from ledgerline.services.tenants import create_tenant
from ledgerline.store.documents import Invoice
from ledgerline.store.lists import query_invoices
from ledgerline.store.table import connection

NAMES = ("Acme Trading", "Bolt & Co", "Zeta GmbH", "Globex", "Initech", "Umbrella", "Hooli", "Stark")
STATUSES = ("draft", "awaiting_payment", "awaiting_payment", "paid", "paid", "paid", "voided")
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def sizes(quick: bool) -> tuple[int, ...]:
    if quick:
        return (200, 1_000)
    return (1_000, 10_000, 100_000) if os.environ.get("LEDGERLINE_BENCH_QUERIES_100K") == "1" else (1_000, 10_000)


def invoices(tenant_id: str, count: int) -> None:
    connection()
    with Invoice.batch_write() as batch:
        for n in range(count):
            status = STATUSES[n % len(STATUSES)]
            total = Decimal(100 + (n * 37) % 2_400)
            due = Decimal(0) if status in ("paid", "voided") else total
            issue = date(2026, 1, 1) + timedelta(days=n * 300 // count)
            invoice = Invoice(
                id=f"inv_{n:026d}", tenant_id=tenant_id, status=status,
                number=None if status == "draft" else f"INV-2026-{n:06d}", customer_id=f"pty_{n % 50}",
                customer_name=f"{NAMES[n % len(NAMES)]} {n % 50}", currency="AUD", exchange_rate=Decimal(1),
                lines=[], tax_breakdown=[], subtotal=total, tax_total=Decimal(0), rounding_adjustment=Decimal(0),
                total=total, issue_date=issue, due_date=issue + timedelta(days=30), reference=f"PO-{n}",
                prices_include_tax=False, amount_paid=total - due, amount_credited=Decimal(0), amount_due=due,
                created_at=BASE + timedelta(minutes=n), updated_at=BASE + timedelta(minutes=n),
                closed_on=issue if status in ("paid", "voided") else None)
            invoice.assign_keys()
            batch.save(invoice)


def queries(count: int) -> dict[str, tuple[Query, int]]:
    return {
        "number lookup": (Query((Predicate("number", "eq", f"INV-2026-{count // 2 + 1:06d}"),)), 50),
        "open over 1,000 by due date": (Query((Predicate("status", "in", ("awaiting_payment", "overdue")),
                                               Predicate("total", "gte", Decimal(1000))), sort="due_date"), 50),
        "updated_since page": (Query(updated_since=BASE + timedelta(minutes=count - 150)), 100),
        "search 'acme'": (Query(search="acme"), 50),
        "total >= 2,000 (no index)": (Query((Predicate("total", "gte", Decimal(2000)),)), 50),
    }


def measure(*, quick: bool = False, runs: int = 20) -> dict[str, Any]:
    results: dict[str, Any] = {"sizes": {}}
    today = date(2026, 12, 1)
    for count in sizes(quick):
        tenant, _ = create_tenant(name=f"Query Bench {count}", base_currency="AUD", country="AU", plan="enterprise")
        invoices(tenant.id, count)
        per_size: dict[str, Any] = {}
        for name, (query, limit) in queries(count).items():
            timings, read, returned, exhausted = [], 0, 0, False
            for _ in range(3 if quick else runs):
                started = time.perf_counter()
                result = query_invoices(tenant.id, query, today=today, limit=limit, start_key=None)
                timings.append((time.perf_counter() - started) * 1000)
                read, returned, exhausted = result.items_read, len(result.items), result.budget_exhausted
            per_size[name] = {"p50_ms": round(statistics.median(timings), 2), "items_read": read,
                              "returned": returned, "read_per_returned": round(read / max(returned, 1), 2),
                              "budget_exhausted": exhausted, "access": result.access}
        results["sizes"][count] = per_size
    return results
