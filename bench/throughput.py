"""Posting throughput: concurrent writers posting drafts through `services.invoices.post`.

Conflicts and retries are counted from what DynamoDB answered (bench/meter.py): every cancelled
posting transaction is one retry of the use case (services/retry.py re-reads and tries again);
`ConditionalCheckFailed` means another posting took the number first, `TransactionConflict` that
another transaction held one of the items (the number series, a balance bucket) at that moment.
Beside them, in the same run: 8 writer processes (nothing shared in memory, as Lambda invocations), the
raw ceiling of one hot item (`raw_ceiling`) and a 1,000-invoice bulk import with posting (`bulk_import`).
docs/benchmarks-notes.md describes the method.
"""

from __future__ import annotations

import copy
import importlib
import json
import multiprocessing
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.ledger import LINES, Ledger
from bench.meter import metered
from ledgerline.domain.errors import ServiceUnavailable
from ledgerline.schemas.bulk import MAX_INVOICES
from ledgerline.services import invoices, retry
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
    retry.stats["most_attempts"] = 0
    before = Counter(retry.stats)
    with metered() as meter:
        start, cpu = time.perf_counter(), time.process_time()
        with ThreadPoolExecutor(max_workers=writers) as pool:
            list(pool.map(writer, queues))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    posted = len(work) - gave_up
    cancelled = meter.cancelled()
    counted = Counter(retry.stats)
    counted.subtract(before)
    return {"cpu_ms_per_posting": round(cpu * 1000 / max(posted, 1), 1),
            "attempts_per_posting": round(counted["attempts"] / max(posted, 1), 2),
            "most_attempts_of_one_posting": retry.stats["most_attempts"], "postings": posted,
            "seconds": round(elapsed, 2), "postings_per_second": round(posted / elapsed, 1),
            "retries": sum(cancelled.values()), "conflicts": dict(cancelled), "gave_up_503": gave_up,
            **{name: counted[name] for name in QUEUE_FIGURES}}


QUEUE_FIGURES = ("tickets", "polls", "skips")  # the series' fair queue (services/retry.py), per scenario


def _process_writer(endpoint: str, table: str, tenant_id: str, invoice_ids: list[str], barrier: Any,
                    results: Any) -> None:
    """One writer in its own process (as one Lambda invocation after another): nothing shared in memory with
    the others, so no turns and no numbers seen; they race for the series and the losers queue for it."""
    import warnings  # noqa: PLC0415

    warnings.filterwarnings("ignore")
    from ledgerline.settings import configure  # noqa: PLC0415
    from ledgerline.store.table import reset_connection  # noqa: PLC0415

    configure(environment="local", dynamodb_endpoint=endpoint, table_name=table)
    reset_connection()
    _ = connection().connection.client
    barrier.wait()
    gave_up = 0
    for invoice_id in invoice_ids:
        try:
            invoices.post(tenant_id, invoice_id)
        except ServiceUnavailable:
            gave_up += 1
    results.put({"end": time.time(), "posted": len(invoice_ids) - gave_up, "gave_up": gave_up,
                 "attempts": retry.stats["attempts"], "retries": retry.stats["retries"],
                 "most_attempts": retry.stats["most_attempts"],
                 **{name: retry.stats[name] for name in QUEUE_FIGURES}})


def _run_processes(ledger: Ledger, writers: int, postings: int) -> dict[str, Any]:
    from ledgerline.settings import get_settings  # noqa: PLC0415

    work = [invoice_id for _, invoice_id in _drafts([ledger], postings)]
    settings = get_settings()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(writers + 1), context.Queue()
    processes = [context.Process(target=_process_writer, args=(settings.dynamodb_endpoint, settings.table_name,
                                                              ledger.tenant, work[n::writers], barrier, results))
                 for n in range(writers)]
    for process in processes:
        process.start()
    barrier.wait(timeout=300)  # every writer imported and connected: the clock starts
    start = time.time()
    done = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    elapsed = max(d["end"] for d in done) - start
    posted = sum(d["posted"] for d in done)
    return {"attempts_per_posting": round(sum(d["attempts"] for d in done) / max(posted, 1), 2),
            "most_attempts_of_one_posting": max(d["most_attempts"] for d in done), "postings": posted,
            "seconds": round(elapsed, 2), "postings_per_second": round(posted / elapsed, 1),
            "retries": sum(d["retries"] for d in done), "conflicts": {},
            "gave_up_503": sum(d["gave_up"] for d in done),
            **{name: sum(d[name] for d in done) for name in QUEUE_FIGURES}}


def _posting_request(ledger: Ledger) -> list[dict[str, Any]]:
    """The TransactItems of one real posting, as the service sent them (to replay raw at the same size)."""
    draft = ledger.draft()["id"]
    with metered() as meter:
        invoices.post(ledger.tenant, draft)
    return next(call.request["TransactItems"] for call in meter.log
                if call.operation == "TransactWriteItems" and call.error is None)


def _raw_items(template: list[dict[str, Any]], run: int, n: int) -> list[dict[str, Any]]:
    """`template` with new keys: every put a new item, the updates on the same buckets, and the number
    series replaced by one hot item whose `last` moves from n - 1 to n on that condition."""
    items = []
    for index, entry in enumerate(template):
        (kind, body), = entry.items()
        body = copy.deepcopy(body)
        if (body.get("Item") or body.get("Key"))["SK"]["S"].startswith("SEQ#"):  # the series (an Update)
            kind, body = "Put", {"TableName": body["TableName"],
                                 "Item": {"PK": {"S": f"RAW#{run}"}, "SK": {"S": "HOT"}, "last": {"N": str(n)}}}
            if n == 1:
                body["ConditionExpression"] = "attribute_not_exists(PK)"
            else:
                body["ConditionExpression"] = "#l = :p"
                body["ExpressionAttributeNames"] = {"#l": "last"}
                body["ExpressionAttributeValues"] = {":p": {"N": str(n - 1)}}
        elif kind == "Put":  # a new item; where the posting had a condition (entry, event, invoice), a condition
            body["Item"]["PK"] = {"S": f"RAW#{run}#{n}#{index}"}
            conditional = "ConditionExpression" in body
            for name in ("ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
                         "ReturnValuesOnConditionCheckFailure"):
                body.pop(name, None)
            if conditional:
                body["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            body["Key"]["PK"] = {"S": f"RAW#{run}#BUCKETS"}
        items.append({kind: body})
    return items


def raw_ceiling(ledger: Ledger, count: int, run: int) -> dict[str, Any]:
    """The physical ceiling of one tenant's postings: TransactWriteItems of the posting's size, one after
    another, each moving one hot item on the condition that it holds the previous value (what a gapless
    series is), with no reads and no use case around them. One such transaction per round trip."""
    template = _posting_request(ledger)
    client = connection().connection.client
    requests = [_raw_items(template, run, n) for n in range(1, count + 1)]
    start, cpu = time.perf_counter(), time.process_time()
    for items in requests:
        client.transact_write_items(TransactItems=items)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"transactions": count, "items_per_transaction": len(template), "seconds": round(elapsed, 2),
            "cpu_ms_per_transaction": round(cpu * 1000 / count, 1),
            "transactions_per_second": round(count / elapsed, 1)}


def bulk_import(ledger: Ledger, invoices_count: int, per_request: int = MAX_INVOICES) -> dict[str, Any]:
    """A bulk import with posting: `POST /v1/bulk/invoices` with `"post": true` and requests of
    `per_request` invoices (the route's cap), through the bulk function's Lambda handler, one after
    another; every invoice created and posted. Counts the transactions it took."""
    from bench.latency import event  # noqa: PLC0415 - the API Gateway event the latency figures use
    from tests.lambda_context import LambdaContext  # noqa: PLC0415

    handler = importlib.import_module("functions.bulk.app").handler
    context = LambdaContext()
    one = {"customer_id": ledger.customer, "lines": [{**line, "quantity": str(line["quantity"]),
                                                      "unit_price": str(line["unit_price"]), "tax_code_id": ledger.gst}
                                                     for line in LINES]}

    def request(count: int) -> dict[str, Any]:
        base = event("create_invoice.json", tenant_id=ledger.tenant, key_id="key_bench", customer_id=ledger.customer,
                     tax_code_id=ledger.gst)
        base["resource"] = base["path"] = base["requestContext"]["resourcePath"] = "/v1/bulk/invoices"
        base["requestContext"]["path"] = "/dev/v1/bulk/invoices"
        base["body"] = json.dumps({"post": True, "operations": [{"data": one} for _ in range(count)]})
        return base

    def send(count: int) -> int:
        response = handler(request(count), context)
        assert response["statusCode"] == 200, response
        return json.loads(response["body"])["succeeded"]

    send(2)  # warm the handler
    requests = [request(min(per_request, invoices_count - start)) for start in range(0, invoices_count, per_request)]
    with metered() as meter:
        start = time.perf_counter()
        posted = 0
        for body in requests:
            response = handler(body, context)
            assert response["statusCode"] == 200, response
            posted += json.loads(response["body"])["succeeded"]
        elapsed = time.perf_counter() - start
    transactions = meter.calls["TransactWriteItems"]
    drafts_transactions = len(requests)  # one per request (2 items per draft, at most 50 drafts)
    return {"invoices": posted, "requests": len(requests), "per_request": per_request,
            "seconds": round(elapsed, 2), "invoices_per_second": round(posted / elapsed, 1),
            "transactions": transactions, "posting_transactions": transactions - drafts_transactions,
            "invoices_per_transaction": round(posted / max(transactions - drafts_transactions, 1), 1)}


PROCESSES = "1 tenant, 8 writer processes (as separate Lambda invocations)"


def measure(runs: int = 3, postings: int = 240, bulk_invoices: int = 1_000) -> dict[str, Any]:
    """Each scenario `runs` times, and beside them the raw ceiling of one hot item (same run, same sizes)."""
    scenarios = {
        "1 tenant, 1 writer": (1, 1, postings // 4),
        "1 tenant, 8 writers": (1, 8, postings),
        "8 tenants, 8 writers (one each)": (8, 8, postings),
        PROCESSES: (1, 8, postings // 2),
    }
    results: dict[str, Any] = {}
    raw_ceiling(Ledger("Warm-up"), 20, -1)  # DynamoDB Local's JIT, before anything is timed
    ceilings, by_scenario = [], {name: [] for name in scenarios}
    for run in range(runs):  # interleaved, so that every figure of a run saw the same machine
        ceilings.append(raw_ceiling(Ledger("Ceiling"), postings // 4, run))
        for name, (tenants, writers, count) in scenarios.items():
            if name == PROCESSES:
                by_scenario[name].append(_run_processes(Ledger("Throughput processes"), writers, count))
            else:
                by_scenario[name].append(_run([Ledger(f"Throughput {n}") for n in range(tenants)], writers, count))
        ceilings.append(raw_ceiling(Ledger("Ceiling"), postings // 4, runs + run))  # and after them
    for name, (tenants, writers, _count) in scenarios.items():
        samples = by_scenario[name]
        middle = sorted(samples, key=lambda s: s["postings_per_second"])[len(samples) // 2]
        results[name] = {**middle, "postings_per_second_runs": [s["postings_per_second"] for s in samples],
                         "median_postings_per_second": statistics.median(s["postings_per_second"] for s in samples),
                         "tenants": tenants, "writers": writers}
    bulk = bulk_import(Ledger("Bulk import"), bulk_invoices)
    ceiling = round(statistics.median(c["transactions_per_second"] for c in ceilings), 1)
    one, eight, tenants_rate = (results[n]["median_postings_per_second"] for n in (
        "1 tenant, 1 writer", "1 tenant, 8 writers", "8 tenants, 8 writers (one each)"))
    results["ceiling"] = {"transactions_per_second": ceiling, "runs": [c["transactions_per_second"] for c in ceilings],
                          "items_per_transaction": ceilings[0]["items_per_transaction"],
                          "transactions": ceilings[0]["transactions"],
                          "eight_writers_to_ceiling": round(eight / ceiling, 2),
                          "eight_writers_to_one_writer": round(eight / one, 2),
                          "eight_writers_to_eight_tenants": round(eight / tenants_rate, 2),
                          "eight_processes_to_ceiling": round(results[PROCESSES]["median_postings_per_second"]
                                                              / ceiling, 2),
                          "eight_processes_to_one_writer": round(results[PROCESSES]["median_postings_per_second"]
                                                                 / one, 2),
                          "cpu_ms_per_transaction": statistics.median(c["cpu_ms_per_transaction"] for c in ceilings)}
    results["bulk"] = {**bulk, "to_one_writer": round(bulk["invoices_per_second"] / one, 2)}
    return results
