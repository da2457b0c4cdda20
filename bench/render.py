"""docs/benchmarks.md from the figures of one run: a table per section and a sentence per figure."""

from __future__ import annotations

from typing import Any


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(str(c) for c in row) + " |" for row in rows), ""]


def _calls(calls: dict[str, int]) -> str:
    return ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))


def render(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = ["# Benchmarks", "",
             f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB), Python {m['python']}, "
             f"against DynamoDB Local 3.3.1 in memory, load average {m['load_average_at_start']} at the start. "
             "Re-run with `make bench` (about ten minutes here); every figure below comes from that one run, "
             "and every ratio compares figures measured side by side in it. Medians unless a column says "
             "otherwise; docs/benchmarks.json has every sample.", ""]
    if report.get("quick"):
        lines += ["**Quick run (`--quick`): small sizes and few runs, for developing the benchmark only.**", ""]
    for name, section in (("cold_start", _cold_start), ("latency", _latency), ("dynamodb_cost", _cost),
                          ("growth", _growth), ("throughput", _throughput), ("pdf", _pdf),
                          ("package_size", _package_size), ("bank_import", _bank_import),
                          ("einvoice", _einvoice), ("queries", _queries), ("stock_levels", _stock_levels)):
        if name in report:
            lines += section(report[name])
    seconds = ", ".join(f"{k} {v} s" for k, v in report.get("seconds", {}).items())
    lines += [f"The whole run took {report['bench_seconds']} s ({seconds}).", ""]
    return "\n".join(lines)


GOAL_COLD_START = 1.1


def _cold_start(results: dict[str, Any]) -> list[str]:
    rows = [[name, f"{f['import_ms']:.0f}", f"{f['total_ms']:.0f}", f["ratio_to_baseline"],
             f.get("own_modules", "-"), f.get("own_import_ms", "-"), f.get("other_import_ms", "-")]
            for name, f in results.items()]
    runs = next(iter(results.values()))["runs"]
    functions = {name: f for name, f in results.items() if "own_modules" in f}
    within = [name for name, f in functions.items() if f["ratio_to_baseline"] <= GOAL_COLD_START]
    own = sorted(f["own_import_ms"] for f in functions.values())
    other = sorted(f["other_import_ms"] for f in functions.values())
    return ["## 1. Cold start per function", "",
            "A fresh Python process imports the function's handler and serves its first request: *import* is the "
            "time to import the handler module, *import + first request* adds the request itself, as API Gateway "
            "sends it after the authorizer (auth for the API functions is the authorizer row, which authenticates a "
            "real key with one GetItem). The ratio divides a function's import + first request by the baseline's, "
            "a minimal FastAPI + Mangum + PynamoDB function doing one GetItem; samples of all functions are "
            f"interleaved, {runs} rounds, tracing disabled as Powertools does outside Lambda. The last three "
            "columns come from one `python -X importtime` run per function: what it imports that the baseline "
            "does not, as the project's own modules (how many, and their own import time) and other packages' "
            "modules.", "",
            *_table(["function (route served)", "import ms", "import + first request ms", "ratio to baseline",
                     "own modules", "their import ms", "other packages' import ms beyond the baseline"], rows),
            f"Goal ≤ {GOAL_COLD_START}× the baseline: {len(within)} of {len(functions)} functions within it. "
            f"Other packages add {other[0]}–{other[-1]} ms over the baseline's (Powertools Logger and Metrics, "
            f"ulid): the difference is the functions' own code, {own[0]}–{own[-1]} ms of importing their router, "
            "schemas, services, store models and domain rules (PynamoDB's model classes, the dataclasses and enums "
            "of the domain), about 1 ms a module. "
            "What was already taken out of the first request, found the same way:", "",
            "- Powertools' `Tracer()` imports the X-Ray SDK (about 130 to 200 ms here) even when tracing is "
            "disabled; `observability.tracer()` now builds it only where Powertools would trace (in Lambda, unless "
            "`POWERTOOLS_TRACE_DISABLED`). In AWS with active tracing this import is still paid, by design.",
            "- Every pydantic model was built at import: `schemas/documents.py` alone took about 100 ms to build the "
            "models of invoices, receipts, credit notes and journal entries in every function. Request and response "
            "models now use `defer_build`, so a function builds the models of its own routes, on first use.",
            "- Powertools' idempotency utility (and boto3 with it) is gone: the Idempotency-Key's record is the "
            "store's own item (section 3); the PDF modules are imported by the `GET …/pdf` routes only, and in "
            "AWS not even there (the PDF renderer function renders); the API-key lookup, which the authorizer "
            "already ran, is imported only by the local server's authentication.",
            "- FastAPI built every route twice before the first request answered: when the router declared it "
            "(its dependant, body field and response model's TypeAdapter, which also built the deferred pydantic "
            "models it names) and again, for every route of the router, on the first request (the included "
            "router's effective routes). Routes are now lazy (`api/lazy_routes.py`): declared with their path "
            "and methods only, and built on their first request or for the OpenAPI document, so a cold start "
            "builds the one route it serves, once. The OpenAPI document is unchanged (a unit test compares it "
            "with eager routes' for every function).",
            *(["- What remains beyond the baseline is importing the code a function's routes run: its router, "
               "schemas, services, store models and domain rules (the own-modules columns), and for functions "
               "whose first request is the first to read a model, pydantic building that model's schema. A "
               "function serving many routes imports the services of all of them; importing them per route "
               "inside each route function would take them out, at the cost of editing every router's imports "
               "(not done: issue 18 and 20 edit the same routers). Lambda SnapStart for Python, which restores "
               "an initialised snapshot instead of importing at all, is not enabled (decisions, \"Performance "
               "(issue 13)\"), and cannot be measured on this machine."] if len(within) < len(functions) else []),
            ""]


def _latency(results: dict[str, Any]) -> list[str]:
    rows = [[r["function"], route, r["p50_ms"], r["p99_ms"], r["samples"]] for route, r in results.items()]
    return ["## 2. Warm latency per endpoint", "",
            "Every HTTP function's Lambda handler is invoked in process with API Gateway proxy events (those of "
            "events/api/ where one exists, else the same shape built by bench/latency.py), with the authorizer's "
            "result in the request context as API Gateway passes it from its cache: p50 is the median invocation, "
            "p99 the 99th percentile. Creating and money-moving routes are timed one after the other (each on a "
            "fresh object, with a new Idempotency-Key where the route takes one); reads are interleaved round by "
            "round after five warm-up calls each, so a slow moment of the machine spreads over all of them. Each "
            "invocation is the whole path, Mangum, FastAPI, the use case and DynamoDB Local over HTTP on the same "
            "two cores, so these are upper bounds for DynamoDB's single-digit-millisecond calls in AWS; section 3 "
            "has each money-moving request's round trips.", "",
            *_table(["function", "route", "p50 ms", "p99 ms", "samples"], rows)]


def _cost(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, r in results.items():
        least = r["minimum"]
        written = ", ".join(f"{n} {kind}" for kind, n in least["items_written"].items()) or "-"
        rows.append([name, f"{r['round_trips']} ({least['round_trips']})", _calls(r["calls"]),
                     f"{r['read_units']} ({least['read_units']})", r["write_units"], r.get("aws_write_units", "-"),
                     written, r["excess"]])
    return ["## 3. DynamoDB cost per operation", "",
            "Round trips and consumed capacity as DynamoDB Local reports them (`ReturnConsumedCapacity=TOTAL`), "
            "with, in brackets, the least the data model allows for the same operation: every item read by key "
            "fetched in one BatchGetItem per round of reads that depend on each other, each item read once, the "
            "queries the design needs, and one transaction. Writes have no excess by construction: every item a "
            "transaction writes is required by the model (document, journal entry, ledger lines, year/month/day "
            "balance and tax buckets, event, number series), so WCU is the minimum; AWS bills a transactional write "
            "twice a plain one, the price of all-or-nothing.", "",
            *_table(["operation", "round trips (minimum)", "calls", "RCU (minimum)", "WCU (DynamoDB Local)",
                     "WCU (AWS pricing)", "items written", "excess over the minimum"], rows),
            "DynamoDB Local's capacity for transactions does not follow AWS's pricing (four small puts in one "
            "transaction report 2 units where AWS bills 8), so *WCU (AWS pricing)* applies AWS's rules to the "
            "items each transaction wrote: 2 units per started KB of every item, plus a standard write per "
            "started KB for each index the item has keys for (all seven GSIs project ALL attributes, so the "
            "whole item is copied into each), two where a write moves the item's key in an index (the old entry "
            "deleted, the new one put), and 2 per Update or Delete (balance and tax buckets, number series: "
            "small items in no index). Condition checks are not counted.", "",
            *_life_capacity(results),
            "The excess is round trips, not capacity: the services read each item with its own GetItem, in the "
            "order the code needs them, where one BatchGetItem could fetch them together; that costs latency "
            "(a few ms per call in AWS), not RCU. A whole invoice life is three API requests, each reading what it "
            "needs, so the tenant and the invoice are read again by each (that is the bracketed minimum too).", "",
            "Every money-moving operation here sends an Idempotency-Key: the key's record is read in the "
            "operation's first BatchGetItem and written, completed, in its transaction (no round trip of its own); "
            "a replay is that one read. Where an operation needs a second read, a key it reads is named only by a "
            "record of the first (`read_rounds_reason` in benchmarks.json says which).", ""]


LIFE = "whole invoice life (create, post, pay in full)"
WCU_GOAL = 60


def _life_capacity(results: dict[str, Any]) -> list[str]:
    """Issue 13, target 6: where the write units of one invoice life go (the table and each index, each kind of
    item), and what each further unit would take."""
    life = results.get(LIFE)
    if not life or "aws_write_shares" not in life:
        return []
    total, shares, kinds = life["aws_write_units"], life["aws_write_shares"], life["aws_write_by_kind"]
    share_rows = [[name, units, f"{units / total:.0%}"] for name, units in shares.items()]
    kind_rows = [[kind, units, f"{units / total:.0%}"] for kind, units in sorted(kinds.items(), key=lambda x: -x[1])]
    buckets = kinds.get("balance bucket", 0) + kinds.get("tax total", 0)
    events = kinds.get("event", 0)
    return [f"**Write capacity of one invoice life** (issue 13, goal ≤ {WCU_GOAL} WCU at AWS pricing): "
            f"{total:g} WCU. By where the units go:", "",
            *_table(["table / index", "WCU", "share"], share_rows),
            "By item kind (each item's table write and its index copies):", "",
            *_table(["item", "WCU", "share"], kind_rows),
            "Already done: the nested lists no query reads (lines, tax breakdown, positions, allowances, charges, "
            "movements) and the idempotency record's stored response are stored compressed "
            "(`store/attributes.CompressedAttribute`). What the rest would take, each a product decision rather "
            "than an optimisation:",
            f"- balance and tax buckets ({buckets:g} WCU): each ledger line updates its account's year, month and "
            "day bucket in the posting's transaction, so reports are exact and read a handful of items. Dropping "
            "year buckets (a year summed from its months: 12 reads instead of 1) saves a third of them; moving "
            "them out of the transaction (a stream consumer) breaks exact reports, which the design forbids.",
            f"- events ({events:g} WCU): an event carries the document as the API shows it (webhooks and the event "
            "bus get it without a read back), and the EventBridge Pipe's input template reads `data` as a string, "
            "so it cannot be compressed. Thin events (ids only, the consumer reads the document) would take each "
            "under 1 KB.",
            "- index copies: every GSI projects ALL, so each write of an invoice is copied into up to six indexes "
            "at its full size. KEYS_ONLY or INCLUDE projections would make each copy a few hundred bytes, but a "
            "list page would then need a second read per page (BatchGetItem of the items), which the planner's "
            "one-Query pages forbid.",
            "- the invoice's fixed part (its keys in six indexes, dates, amounts, search copies) keeps it over 1 "
            "KB even with its lists compressed.", ""]


def _growth(results: dict[str, Any]) -> list[str]:
    rows = []
    for stage in results["stages"].values():
        tb, ar = stage["trial_balance_calls"], stage["aged_receivables_calls"]
        rows.append([f"{stage['invoices']:,}", stage["open_invoices"], stage["trial_balance_ms"],
                     f"{tb['round_trips']} calls, {tb['read_units']} RCU", stage["aged_receivables_ms"],
                     f"{ar['round_trips']} calls, {ar['read_units']} RCU", stage["beancount_ms"],
                     f"{stage['beancount_transactions']:,}"])
    ratios = results["ratio_largest_to_smallest"]
    unit = results["items_per_backfilled_unit"]
    return ["## 4. Reports as the books grow", "",
            "Trial balance and aged receivables at the end of today, through the services, as the tenant's books "
            "grow from 1,000 to 100,000 posted invoices; beside them Beancount (`loader.load_string` and "
            "`realization.realize` of the same ledger, the work `bean-report balances` does) computes the same trial "
            "balance. Every stage checks that both give every account the same balance.", "",
            *_table(["posted invoices", "open", "trial balance ms", "its DynamoDB reads", "aged receivables ms",
                     "its DynamoDB reads", "Beancount ms", "Beancount transactions"], rows),
            f"Largest over smallest: trial balance {ratios['trial_balance']}, aged receivables "
            f"{ratios['aged_receivables']}, Beancount {ratios['beancount']}. The trial balance reads balance buckets "
            "(years before, months of this year, days of this month), so its cost follows accounts and calendar, "
            "not entries. Aged receivables reads the open-invoice index, so its cost follows the open invoices, "
            "which stay a fixed set here while the paid ones grow; a tenant with ten times more unpaid invoices "
            "pays ten times more for it. Beancount reads every transaction every time.", "",
            "How the books were filled, honestly: the first 1,000 invoices went through the real services (created, "
            "posted, and paid ten at a time by one receipt, or left open). One paid unit of ten was recorded call by "
            "call, and the rest are copies of exactly the items its transactions wrote (the store's own "
            f"serialization, {unit['without_events']} items per ten invoices, {unit['with_events']} with their events)"
            ", with new ids, dates over two years and invoice numbers continuing the series, written with "
            "BatchWriteItem. The balance and tax buckets the copies would have ADDed are summed per bucket and ADDed "
            "once. Events older than their 90-day TTL are not written, as DynamoDB would have deleted them. "
            "Beancount gets the live journal entries read back from the table and the copies' entries as written.",
            ""]


def _throughput(results: dict[str, Any]) -> list[str]:
    scenarios = {name: r for name, r in results.items() if "median_postings_per_second" in r}
    rows = [[name, r["median_postings_per_second"], ", ".join(str(x) for x in r["postings_per_second_runs"]),
             r["postings"], r.get("cpu_ms_per_posting", "-"), r["retries"], r.get("attempts_per_posting", "-"),
             r.get("most_attempts_of_one_posting", "-"),
             ", ".join(f"{k} {v}" for k, v in r["conflicts"].items()) or "-",
             r["gave_up_503"], r.get("tickets", "-"), r.get("polls", "-"), r.get("skips", "-")]
            for name, r in scenarios.items()]
    lines = ["## 5. Posting throughput", "",
             "Threads post drafts through `services.invoices.post` against DynamoDB Local: postings/s is posted "
             "invoices over wall time (median of the runs listed), retries are posting transactions DynamoDB "
             "cancelled and the use case re-ran, by reason: `ConditionalCheckFailed` when another posting took the "
             "tenant's next number first, `TransactionConflict` when another transaction held one of its items. One "
             "tenant's postings serialize on its gapless number series. The writers of one tenant in one process "
             "read concurrently and take turns to stage and commit (`services/retry.retrying_unit`), each from the "
             "number the last one committed, so they do not race each other; writers in other processes (other "
             "Lambda invocations) still race; a loser of the race for the series queues for it (issue 13: a ticket, "
             "one UpdateItem ADD, then consistent looks at the series (polls) until its turn; a ticket left unserved "
             "for the timeout is skipped) and commits in its turn from the series it last saw, re-reading nothing "
             "else; other conflicts retry with bounded, fully jittered backoff. Eight tenants share no hot item.", "",
             *_table(["scenario", "postings/s", "runs", "postings", "CPU ms per posting (this process)", "retries",
                      "attempts per posting",
                      "most attempts of one posting", "conflicts", "gave up (503)", "tickets taken", "polls",
                      "skips"], rows)]
    ceiling = results.get("ceiling")
    if ceiling:
        lines += [f"The physical ceiling, measured in the same run between the scenarios: TransactWriteItems of "
                  f"the posting's own {ceiling['items_per_transaction']} items, one after another, each moving one hot "
                  f"item on the condition that it still holds the previous value (what a gapless series is), with no "
                  f"reads and no use case: {ceiling['transactions_per_second']} transactions/s (runs "
                  f"{', '.join(str(x) for x in ceiling['runs'])}; before and after each run's scenarios), "
                  f"{ceiling['cpu_ms_per_transaction']} ms of this process's CPU each. Eight writers of one tenant "
                  f"reach {ceiling['eight_writers_to_ceiling']} of it (goal 0.8), "
                  f"{ceiling['eight_writers_to_one_writer']}× one writer (goal ≥ 1) and "
                  f"{ceiling['eight_writers_to_eight_tenants']} of eight tenants' rate, which has no hot item at all"
                  + (". " if ceiling["eight_writers_to_ceiling"] >= 0.8 else
                     ": what stands between them and the ceiling is each posting's own work (its read, pricing, "
                     "building and serializing the items, the response), which the writers share on two cores with "
                     "DynamoDB Local, rather than the series. ")
                  + "Eight writer processes, which share nothing, race for the series and queue when they lose: "
                  "their retries, attempts, tickets, polls and skips are in the table"
                  + (f"; they reach {ceiling['eight_processes_to_ceiling']} of the ceiling (goal 0.8) and "
                     f"{ceiling['eight_processes_to_one_writer']}× one writer (goal ≥ 1)"
                     if "eight_processes_to_ceiling" in ceiling else "") + ".", ""]
    bulk = results.get("bulk")
    if bulk:
        lines += [f"Bulk import with posting: {bulk['invoices']:,} invoices through `POST /v1/bulk/invoices` with "
                  f"`\"post\": true` ({bulk['requests']} requests of {bulk['per_request']}), created and posted "
                  f"several per transaction ({bulk.get('posting_transactions', bulk['transactions'])} posting "
                  f"transactions beside one per request for the drafts, "
                  f"{bulk['invoices_per_transaction']} invoices each on average): {bulk['invoices_per_second']} "
                  f"invoices/s, {bulk['to_one_writer']}× one writer posting drafts one by one.", ""]
    return lines


def _pdf(results: dict[str, Any]) -> list[str]:
    if "skipped" in results:
        return ["## 6. PDF", "", f"Skipped: {results['skipped']}.", ""]
    r = results
    return ["## 6. PDF", "",
            f"A {r['lines']}-line invoice ({r['bytes']:,} bytes, one page, European names) rendered with ReportLab "
            f"and Noto Sans, by bench/pdf.py's probe in {r['fresh_runs']} fresh processes: importing the renderer "
            f"takes {r['import_ms']} ms, the first render {r['first_render_ms']} ms (of which {r['font_ms']} ms parse "
            f"the fonts, once per process), {r['fresh_process_total_ms']} ms for the first PDF in all (goal ≤ 150 ms); "
            f"a warm render takes {r['warm_render_ms']} ms (goal ≤ 10 ms; {r['warm_render_100_lines_ms']} ms for 100 "
            f"lines, median of {r['warm_renders_per_run']} per process). The first invoice with a CJK name in the "
            f"process takes {r.get('first_cjk_render_ms', '-')} ms (it parses Noto Sans CJK, once per process), later "
            f"ones {r.get('warm_cjk_render_ms', '-')} ms. The same document always gives the same bytes"
            f"{'' if r['deterministic'] else ' (NOT in this run)'}. The PDF layer's size is in "
            "section 7; docs/benchmarks-pdf.md has the PDF module's own, more detailed figures.", ""]


def _package_size(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, layer in results["layers"].items():
        largest = ", ".join(f"{k} {v}" for k, v in list(layer.get("largest_packages_mb", {}).items())[:6])
        rows.append([name, layer["source"], layer["unzipped_mb"], layer["zipped_mb"], largest or "-"])
    functions = results["functions"]
    sizes = sorted({f["with_layers_mb"] for f in functions.values()})
    return ["## 7. Package size", "",
            "Each layer of template.yaml as `sam build` makes it for Lambda (arm64, Python 3.13): the dependency "
            "layers by layers/build.py (`pip install --platform manylinux…_aarch64 --python-version 3.13 "
            "--only-binary=:all:` of the layer's requirements.txt, less boto3/botocore and their dependencies, "
            "which the runtime provides; the PDF layer also gets the fonts), the shared layer as its folder; "
            "unzipped is what counts against Lambda's 250 MB, zipped what is uploaded.", "",
            *_table(["layer", "source", "unzipped MB", "zipped MB", "largest packages (MB)"], rows),
            "Each function, unzipped: its adapter plus the layers it gets (Globals' SharedLayer and "
            "DependenciesLayer, and the layers of what its code imports: PdfLayer only where it renders PDFs, "
            "BankingLayer, XmlLayer, SecretsLayer, EInvoiceLayer, FacturXLayer; tests/unit/test_layers.py), against "
            "its goal (40 MB for an API function, 100 MB for one that renders):", "",
            *_table(["function", "layers", "unzipped MB", "goal MB", "within goal"],
                    [[name, ", ".join(f["layers"]), f["with_layers_mb"], f["goal_mb"],
                      "yes" if f["within_goal"] else "NO"] for name, f in functions.items()]),
            f"At most {max(f['share_of_250_mb_limit'] for f in functions.values()):.0%} of the 250 MB limit "
            f"({' / '.join(str(s) for s in sizes)} MB).", ""]


def _bank_import(results: dict[str, Any]) -> list[str]:
    r = results
    return ["## 8. Statement import", "",
            f"A camt.053 of {r['entries']:,} booked entries ({r['file_kb']} KB; each with a QR or RF reference, "
            "a counterparty and remittance text) imported into a new bank account (bench/banking.py): parsing "
            f"takes {r['parse_s']} s; the whole import {r['import_s']} s, **{r['transactions_per_s']} bank "
            "transactions per second** (written in steps of 45 with their uniqueness items, then the statement, "
            "then shown). The same entries again in another file, all duplicates: "
            f"{r['duplicate_import_s']} s ({r['duplicate_entries_per_s']} entries per second). "
            f"Median of {r['runs']} runs.", ""]


def _einvoice(results: dict[str, Any]) -> list[str]:
    rows = [[name, f"{r['bytes']:,}", r["render_ms"], r["validate_ms"], r["first_s"]]
            for name, r in results["formats"].items()]
    return ["## 9. E-invoices", "",
            "A 10-line invoice (two VAT rates) rendered in each format and validated with the format's official "
            "rule sets (bench/einvoices.py, in process). Median of "
            f"{results['runs']} runs; the first validation in a process compiles the rule sets (cached after).",
            "", *_table(["format", "bytes", "render ms", "validate ms", "first render + validate s"], rows), "",
            *_facturx(results.get("facturx")), *_delivery(results.get("delivery")),
            *_receiving(results.get("receiving"))]


def _delivery(r: dict[str, Any] | None) -> list[str]:
    if r is None:  # results from before e-invoice delivery (issue 17, part D)
        return []
    return [f"Delivery over Peppol (the local access point stand-in, HTTP on loopback): handing the Peppol UBL over "
            f"(the stand-in validates it with the Peppol rules before answering) takes {r['submit_ms']} ms, reading "
            f"its verdict {r['status_ms']} ms (medians).", ""]


def _receiving(r: dict[str, Any] | None) -> list[str]:
    if r is None:  # results from before receiving (issue 17, item 5)
        return []
    return [f"Receiving (`POST /v1/bills/import`): reading the same invoice back into the model and mapping it to "
            f"bill lines takes {r['peppol_parse_ms']} ms from Peppol UBL and {r['cii_parse_ms']} ms from CII "
            "(median); the import adds the validation above and one transaction.", ""]


def _facturx(r: dict[str, Any] | None) -> list[str]:
    if r is None:  # results from before Factur-X (issue 17, part FX)
        return []
    return [f"Factur-X (`format=facturx`): embedding the CII XML in a one-page PDF ({r['pdf_bytes']:,} → "
            f"{r['bytes']:,} bytes, PDF/A-3, the factur-x library with its XSD check) takes {r['embed_ms']} ms "
            "(median).", ""]


def _queries(results: dict[str, Any]) -> list[str]:
    rows = [[f"{int(size):,}", name, r["access"], r["returned"], r["items_read"], r["read_per_returned"],
             "yes" if r["budget_exhausted"] else "no", r["p50_ms"]]
            for size, per_size in results["sizes"].items() for name, r in per_size.items()]
    return ["## 10. Queries (issue 18)", "",
            "Invoices of one tenant, typical planned queries through `store/lists.query_invoices` (bench/queries.py): "
            "the access path the planner chose, items read (DynamoDB's ScannedCount) per item returned, whether the "
            "read budget ended the page, and the median latency of the first page.",
            "", *_table(["invoices", "query", "access path", "returned", "items read", "read per returned",
                         "budget hit", "p50 ms"], rows), ""]


def _stock_levels(results: dict[str, Any]) -> list[str]:
    rows = [[f"{int(size):,}", r["level_p50_ms"], r["movements_page_p50_ms"]] for size, r in results["sizes"].items()]
    return ["## 11. Stock levels (issue 19)", "",
            "One stock-managed item with N movements (bench/stock_levels.py): the median of the read `GET "
            "/v1/stock?item_id=` makes (`services/stock.list_levels`: the level kept with the movements, never a sum "
            "of them) and of a first page of 50 of its movements.",
            "", *_table(["movements", "level read p50 ms", "movements page p50 ms"], rows), ""]
