"""Posting throughput: concurrent writers posting drafts through `services.invoices.post`.

Conflicts and retries are counted from what DynamoDB answered (bench/meter.py): every cancelled
posting transaction is one retry of the use case (services/retry.py re-reads and tries again);
`ConditionalCheckFailed` means another posting took the number first, `TransactionConflict` that
another transaction held one of the items (the number series, a balance bucket) at that moment.
"""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.ledger import Ledger
from bench.meter import metered
from ledgerline.domain.errors import ServiceUnavailable
from ledgerline.services import invoices
from ledgerline.store.table import connection


def _drafts(ledgers: list[Ledger], per_ledger: int) -> list[tuple[Ledger, str]]:
    def make(ledger: Ledger) -> list[tuple[Ledger, str]]:
        return [(ledger, ledger.draft()["id"]) for _ in range(per_ledger)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        return [pair for batch in pool.map(make, ledgers) for pair in batch]


def _run(ledgers: list[Ledger], writers: int, postings: int) -> dict[str, Any]:
    work = _drafts(ledgers, postings // len(ledgers))
    # One tenant: the writers share its drafts. Several: writer n posts tenant n's drafts.
    queues = [work[n::writers] for n in range(writers)] if len(ledgers) == 1 else \
        [[pair for pair in work if pair[0] is ledger] for ledger in ledgers]
    barrier = threading.Barrier(writers)
    gave_up = 0
    lock = threading.Lock()

    def writer(queue: list[tuple[Ledger, str]]) -> None:
        nonlocal gave_up
        barrier.wait()
        for ledger, invoice_id in queue:
            try:
                invoices.post(ledger.tenant, invoice_id)
            except ServiceUnavailable:
                with lock:
                    gave_up += 1

    _ = connection().connection.client  # built once, before the threads share it
    with metered() as meter:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=writers) as pool:
            list(pool.map(writer, queues))
        elapsed = time.perf_counter() - start
    posted = len(work) - gave_up
    cancelled = meter.cancelled()
    return {"postings": posted, "seconds": round(elapsed, 2), "postings_per_second": round(posted / elapsed, 1),
            "retries": sum(cancelled.values()), "conflicts": dict(cancelled), "gave_up_503": gave_up}


def measure(runs: int = 3, postings: int = 240) -> dict[str, Any]:
    scenarios = {
        "1 tenant, 1 writer": (1, 1, postings // 4),
        "1 tenant, 8 writers": (1, 8, postings),
        "8 tenants, 8 writers (one each)": (8, 8, postings),
    }
    results: dict[str, Any] = {}
    for name, (tenants, writers, count) in scenarios.items():
        samples = [_run([Ledger(f"Throughput {n}") for n in range(tenants)], writers, count) for _ in range(runs)]
        middle = sorted(samples, key=lambda s: s["postings_per_second"])[len(samples) // 2]
        results[name] = {**middle, "postings_per_second_runs": [s["postings_per_second"] for s in samples],
                         "median_postings_per_second": statistics.median(s["postings_per_second"] for s in samples),
                         "tenants": tenants, "writers": writers}
    return results
