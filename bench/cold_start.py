"""Cold start of a function: a fresh Python process imports its handler and serves one request.

Every API function of template.yaml is measured with one of its own routes (a GET without required
parameters where it has one), as API Gateway would invoke it once the authorizer has run; the
authorizer function is measured too, authenticating a real key: that is the auth part of a cold
request in AWS. The baseline is a minimal FastAPI + Mangum + PynamoDB function doing one GetItem.
Samples of the functions and the baseline are interleaved, so load on the machine hits all alike.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from ledgerline.local.template import Route, api_routes

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"
BASELINE = "bench.baseline_function"

PROBE = r"""
import json, sys, time
start = time.perf_counter()
import importlib
handler = importlib.import_module(sys.argv[1]).handler
imported = time.perf_counter()
event = json.loads(sys.argv[2])
from tests.lambda_context import LambdaContext
response = handler(event, LambdaContext())
done = time.perf_counter()
assert response.get("statusCode", 200) < 500 or "policyDocument" in response, response
print(json.dumps({"import_ms": (imported - start) * 1000, "total_ms": (done - start) * 1000,
                  "status": response.get("statusCode")}))
"""


def process_env(endpoint: str, table: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGERLINE_", "POWERTOOLS_"))}
    env.update({"LEDGERLINE_DYNAMODB_ENDPOINT": endpoint, "LEDGERLINE_TABLE_NAME": table,
                "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'shared'}", "POWERTOOLS_TRACE_DISABLED": "1",
                "POWERTOOLS_METRICS_NAMESPACE": "Ledgerline", "AWS_LAMBDA_FUNCTION_NAME": "bench"})
    return env


def api_event(route: Route, tenant_id: str, object_id: str) -> dict[str, Any]:
    """An API Gateway REST event for the route, with the authorizer's result in its context."""
    event = json.loads((EVENTS / "api" / "get_party.json").read_text())
    params = {name: object_id for name in _params(route.path)}
    path = route.path
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    event.update({"resource": route.path, "path": path, "httpMethod": route.method, "pathParameters": params or None,
                  "body": None})
    event["requestContext"].update({"resourcePath": route.path, "httpMethod": route.method, "path": "/dev" + path,
                                    "authorizer": {"tenant_id": tenant_id, "key_id": "key_bench", "scopes": "admin",
                                                   "principalId": "key_bench"}})
    return event


def _params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _probe_route(routes: list[Route]) -> Route:
    gets = [r for r in routes if r.method == "GET"]
    return next((r for r in gets if not _params(r.path)), gets[0] if gets else routes[0])


def cases(tenant_id: str, object_id: str, secret: str) -> dict[str, tuple[str, dict[str, Any]]]:
    by_function: dict[str, list[Route]] = {}
    for route in api_routes():
        by_function.setdefault(route.function, []).append(route)
    found = {"baseline (FastAPI + Mangum + PynamoDB, one GetItem)":
             (BASELINE, api_event(Route("parties", "GET", "/v1/parties/{id}"), tenant_id, object_id))}
    authorizer = (EVENTS / "authorizer" / "request.json").read_text().replace("{{api_key}}", secret)
    found["authorizer (authenticates a key)"] = ("functions.authorizer.app", json.loads(authorizer))
    for function, routes in sorted(by_function.items()):
        route = _probe_route(routes)
        found[f"{function} ({route.method} {route.path})"] = (f"functions.{function}.app",
                                                              api_event(route, tenant_id, object_id))
    return found


def _sample(module: str, event: dict[str, Any], env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", PROBE, module, json.dumps(event)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"cold start of {module} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_profile(module: str, env: dict[str, str]) -> dict[str, Any]:
    """What importing `module` executes, by `python -X importtime` in a fresh process: every module with its
    own ("self") time, in microseconds."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"importing {module} failed:\n{out.stderr[-2000:]}")
    modules: dict[str, int] = {}
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _, name = line.removeprefix("import time:").split("|", 2)
            modules[name.strip()] = modules.get(name.strip(), 0) + int(own)
    return modules


def beyond_baseline(module: str, baseline: dict[str, int], env: dict[str, str]) -> dict[str, Any]:
    """The imports of a function that the baseline does not make: the project's own modules (count and time)
    and other packages' modules (time)."""
    extra = {name: us for name, us in import_profile(module, env).items() if name not in baseline}
    own = {name: us for name, us in extra.items() if name.split(".")[0] in ("ledgerline", "functions")}
    return {"own_modules": len(own), "own_import_ms": round(sum(own.values()) / 1000, 1),
            "other_import_ms": round((sum(extra.values()) - sum(own.values())) / 1000, 1)}


def measure(tenant_id: str, object_id: str, secret: str, env: dict[str, str], runs: int = 5) -> dict[str, Any]:
    """Median import and import + first request per function; rounds interleave every function."""
    found = cases(tenant_id, object_id, secret)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in found}
    for _ in range(runs):
        for name, (module, event) in found.items():
            samples[name].append(_sample(module, event, env))
    results: dict[str, Any] = {}
    for name, values in samples.items():
        results[name] = {"import_ms": round(statistics.median(v["import_ms"] for v in values), 1),
                         "total_ms": round(statistics.median(v["total_ms"] for v in values), 1),
                         "status": values[0].get("status"), "runs": runs}
    base = results["baseline (FastAPI + Mangum + PynamoDB, one GetItem)"]["total_ms"]
    for figures in results.values():
        figures["ratio_to_baseline"] = round(figures["total_ms"] / base, 2)
    # what each function imports beyond the baseline (one -X importtime run each: where the difference is)
    baseline = import_profile(BASELINE, env)
    for name, (module, _) in found.items():
        if module != BASELINE:
            results[name].update(beyond_baseline(module, baseline, env))
    return results
