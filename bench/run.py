"""`make bench`: figures anyone can reproduce on DynamoDB Local. Writes docs/benchmarks.{json,md}."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.cold_start import measure, process_env
from bench.meter import metered
from ledgerline.local.dynamodb_local import DynamoDBLocal, free_port
from ledgerline.local.table_setup import ensure_table
from ledgerline.services import credit_notes, invoices, master_data, receipts, reports
from ledgerline.services.tenants import create_tenant
from ledgerline.settings import configure
from ledgerline.store.accounts import all_accounts
from ledgerline.store.documents import list_invoices
from ledgerline.store.parties import Party
from ledgerline.store.table import reset_connection
from ledgerline.clock import today

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"
TABLE = "ledgerline-bench"


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                         if line.startswith("MemTotal")))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "os": platform.platform(),
            "date": datetime.now(UTC).isoformat(timespec="seconds")}


class Ledger:
    """One tenant with a customer, its tax code and bank account."""

    def __init__(self) -> None:
        tenant, _ = create_tenant(name="Bench Pty Ltd", base_currency="AUD", country="AU")
        self.tenant = tenant.id
        self.accounts = {a.code: a.id for a in all_accounts(tenant.id)}
        self.customer = master_data.create(Party, tenant.id, {"name": "Globex", "kind": "customer"}).id
        from ledgerline.store.tax_codes import list_tax_codes

        self.gst = next(t.id for t in list_tax_codes(tenant.id, active=None, archived=False, limit=10,
                                                     start_key=None).items if t.code == "GST10")

    def draft(self) -> dict[str, Any]:
        return invoices.create_draft(self.tenant, {"customer_id": self.customer, "lines": [
            {"description": "Consulting", "quantity": Decimal(10), "unit_price": Decimal("100.00"),
             "tax_code_id": self.gst},
            {"description": "Setup", "quantity": Decimal(1), "unit_price": Decimal("250.00"),
             "tax_code_id": self.gst}]})

    def pay(self, invoice: dict[str, Any]) -> dict[str, Any]:
        return receipts.create(self.tenant, {"customer_id": self.customer, "amount": Decimal(invoice["total"]),
                                             "account_id": self.accounts["1010"],
                                             "allocations": [{"invoice_id": invoice["id"],
                                                              "amount": Decimal(invoice["total"])}]})


def dynamodb_cost(ledger: Ledger) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with metered() as meter:
        draft = ledger.draft()
    results["create draft"] = meter.as_dict()
    with metered() as meter:
        posted = invoices.post(ledger.tenant, draft["id"])
    results["post invoice"] = meter.as_dict()
    with metered() as meter:
        ledger.pay(posted)
    results["receipt (pays one invoice)"] = meter.as_dict()
    other = invoices.post(ledger.tenant, ledger.draft()["id"])
    with metered() as meter:
        credit_notes.create(ledger.tenant, {"invoice_id": other["id"], "amount": Decimal("100.00")})
    results["credit note"] = meter.as_dict()
    with metered() as meter:
        list_invoices(ledger.tenant, status=None, customer_id=None, from_date=None, to_date=None, today=today(),
                      limit=50, start_key=None)
    results["list page (50 invoices)"] = meter.as_dict()
    with metered() as meter:
        reports.trial_balance(ledger.tenant, today())
    results["trial balance"] = meter.as_dict()
    with metered() as meter:
        ledger.pay(invoices.post(ledger.tenant, ledger.draft()["id"]))
    results["whole invoice life (create, post, pay in full)"] = meter.as_dict()
    return results


def cold_starts(endpoint: str, ledger: Ledger) -> dict[str, Any]:
    env = process_env(endpoint, TABLE)
    context = {"tenant_id": ledger.tenant, "key_id": "key_bench", "scopes": "admin", "principalId": "key_bench"}

    def api_event(name: str, **fill: str) -> dict[str, Any]:
        text = (EVENTS / "api" / name).read_text()
        for key, value in {"tenant_id": ledger.tenant, "key_id": "key_bench", **fill}.items():
            text = text.replace("{{" + key + "}}", value)
        event = json.loads(text)
        event["requestContext"]["authorizer"] = context
        return event

    party_event = api_event("get_party.json", party_id=ledger.customer)
    cases = {
        "baseline (FastAPI + Mangum + PynamoDB, one GetItem)": ("bench.baseline_function", party_event),
        "parties": ("functions.parties.app", party_event),
        "tenant": ("functions.tenant.app", api_event("get_tenant.json")),
        "invoices": ("functions.invoices.app", api_event("list_invoices.json")),
        "reports": ("functions.reports.app", api_event("trial_balance.json")),
    }
    results = {name: measure(module, event, env) for name, (module, event) in cases.items()}
    base = results["baseline (FastAPI + Mangum + PynamoDB, one GetItem)"]["total_ms"]
    for figures in results.values():
        figures["ratio_to_baseline"] = round(figures["total_ms"] / base, 2)
    return results


def main() -> None:
    started = time.perf_counter()
    database = DynamoDBLocal(free_port()).start()
    try:
        configure(environment="local", dynamodb_endpoint=database.endpoint, table_name=TABLE)
        reset_connection()
        ensure_table()
        ledger = Ledger()
        report = {"machine": machine(), "dynamodb_cost": dynamodb_cost(ledger),
                  "cold_start": cold_starts(database.endpoint, ledger)}
    finally:
        database.stop()
    report["bench_seconds"] = round(time.perf_counter() - started, 1)
    (ROOT / "docs" / "benchmarks.json").write_text(json.dumps(report, indent=2) + "\n")
    (ROOT / "docs" / "benchmarks.md").write_text(render(report))
    print(render(report))


def render(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = ["# Benchmarks", "", f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB), "
             f"Python {m['python']}, against DynamoDB Local (in memory). Re-run with `make bench`.", "",
             "## DynamoDB cost per operation", "",
             "Round trips and consumed capacity as DynamoDB Local reports them (ReturnConsumedCapacity=TOTAL).", "",
             "| operation | round trips | calls | RCU | WCU |", "|---|---|---|---|---|"]
    for name, cost in report["dynamodb_cost"].items():
        calls = ", ".join(f"{op} {n}" for op, n in sorted(cost["calls"].items()))
        lines.append(f"| {name} | {cost['round_trips']} | {calls} | {cost['read_units']} | {cost['write_units']} |")
    lines += ["", "## Cold start per function", "",
              "A fresh Python process imports the handler and serves its first request (median of 5).", "",
              "| function | import ms | import + first request ms | ratio to baseline |", "|---|---|---|---|"]
    for name, figures in report["cold_start"].items():
        lines.append(f"| {name} | {figures['import_ms']:.0f} | {figures['total_ms']:.0f} | "
                     f"{figures['ratio_to_baseline']} |")
    lines += ["", f"The whole run took {report['bench_seconds']} s.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
