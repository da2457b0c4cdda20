"""`make bench`: figures anyone can reproduce on DynamoDB Local. Writes docs/benchmarks.{json,md}.

    python -m bench.run                  # everything, full sizes (what make bench runs)
    python -m bench.run --quick          # small sizes, for developing the benchmark (writes to /tmp)
    python -m bench.run --only cost,pdf  # some sections (writes to /tmp)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    banking,
    cold_start,
    cost,
    einvoices,
    growth,
    latency,
    package_size,
    pdf_figures,
    queries,
    stock_levels,
    throughput,
)
from bench.ledger import Ledger
from bench.render import render
from ledgerline.local.dynamodb_local import DynamoDBLocal, free_port
from ledgerline.local.table_setup import ensure_table
from ledgerline.settings import configure
from ledgerline.store.table import reset_connection

ROOT = Path(__file__).resolve().parents[1]
TABLE = "ledgerline-bench"
SECTIONS = ("cold_start", "latency", "dynamodb_cost", "growth", "throughput", "pdf", "package_size", "bank_import",
            "einvoice", "queries", "stock_levels")


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                         if line.startswith("MemTotal")))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "os": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "date": datetime.now(UTC).isoformat(timespec="seconds")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and few runs; results go to /tmp")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    args = parser.parse_args()
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    complete = set(only) == set(SECTIONS) and not args.quick
    out = ROOT / "docs" if complete else Path("/tmp/ledgerline-bench")
    out.mkdir(parents=True, exist_ok=True)
    warnings.filterwarnings("ignore", module="aws_lambda_powertools")

    started = time.perf_counter()
    report: dict[str, Any] = {"machine": machine(), "quick": args.quick, "seconds": {}}
    database = DynamoDBLocal(free_port()).start()
    try:
        configure(environment="local", dynamodb_endpoint=database.endpoint, table_name=TABLE)
        reset_connection()
        ensure_table()
        ledger = Ledger()
        q = args.quick
        steps: dict[str, Callable[[], Any]] = {
            "package_size": package_size.measure,
            "cold_start": lambda: cold_start.measure(ledger.tenant, ledger.customer, ledger.secret,
                                                     cold_start.process_env(database.endpoint, TABLE),
                                                     runs=3 if q else 5),
            "dynamodb_cost": lambda: cost.measure(Ledger("Cost Pty Ltd")),
            "latency": lambda: latency.measure(Ledger("Latency Pty Ltd"), samples=40 if q else 150,
                                               writes=20 if q else 100),
            "throughput": lambda: throughput.measure(runs=1 if q else 3, postings=64 if q else 240,
                                                     bulk_invoices=100 if q else 1_000),
            "pdf": lambda: pdf_figures.measure() if pdf_figures.available()
            else {"skipped": "no PDF module (ledgerline.pdf) in this build"},
            "growth": lambda: growth.measure(sizes=(200, 1_000, 3_000) if q else (1_000, 10_000, 100_000),
                                             open_invoices=50 if q else 250, runs=3 if q else 5,
                                             beancount_runs=1 if q else 3),
            "bank_import": lambda: banking.measure(entries=500 if q else 5_000, runs=1 if q else 3),
            "einvoice": lambda: einvoices.measure(runs=10 if q else 50),
            "queries": lambda: queries.measure(quick=q),
            "stock_levels": lambda: stock_levels.measure(quick=q),
        }
        for name in (s for s in steps if s in only):
            step_start = time.perf_counter()
            print(f"bench: {name} …", flush=True)
            report[name] = steps[name]()
            report["seconds"][name] = round(time.perf_counter() - step_start, 1)
            print(f"bench: {name} done in {report['seconds'][name]} s", flush=True)
    finally:
        database.stop()
    report["bench_seconds"] = round(time.perf_counter() - started, 1)
    (out / "benchmarks.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / "benchmarks.md").write_text(render(report))
    print(f"bench: wrote {out / 'benchmarks.md'} and benchmarks.json in {report['bench_seconds']} s")


if __name__ == "__main__":
    main()
