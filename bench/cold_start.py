"""Cold start of a function: a fresh Python process imports its handler and serves one request."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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
print(json.dumps({"import_ms": (imported - start) * 1000, "total_ms": (done - start) * 1000}))
"""


def measure(module: str, event: dict, env: dict[str, str], runs: int = 5) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE, module, json.dumps(event)], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"import_ms": statistics.median(s["import_ms"] for s in samples),
            "total_ms": statistics.median(s["total_ms"] for s in samples), "runs": runs}


def process_env(endpoint: str, table: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"LEDGERLINE_DYNAMODB_ENDPOINT": endpoint, "LEDGERLINE_TABLE_NAME": table,
                "PYTHONPATH": f"{ROOT}:{ROOT / 'shared'}", "POWERTOOLS_TRACE_DISABLED": "1",
                "POWERTOOLS_METRICS_NAMESPACE": "Ledgerline", "AWS_LAMBDA_FUNCTION_NAME": "bench"})
    return env
