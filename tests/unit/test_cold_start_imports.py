"""Cold start: a function imports only what it uses, and builds nothing it may not need."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from aws_lambda_powertools import Tracer

from ledgerline import observability
from tests.conftest import ROOT

# Modules a cold start must not pay for unless the request needs them
HEAVY = ("aws_xray_sdk", "aws_lambda_powertools.utilities.idempotency", "boto3", "reportlab", "ledgerline.pdf",
         "ledgerline.services.pdfs")
PROBE = """
import json, sys
import {module}
from ledgerline.schemas.documents import ReceiptOut, JournalEntryOut
print(json.dumps({{"modules": sorted(m for m in sys.modules if m.startswith({heavy})),
                  "built": [m.__name__ for m in (ReceiptOut, JournalEntryOut) if m.__pydantic_complete__]}}))
"""


@pytest.mark.parametrize("function", ["invoices", "credit_notes", "reminders", "parties", "reports", "tenant"])
def test_importing_a_function_loads_no_tracing_sdk_idempotency_or_pdf_library(function):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_", "LAMBDA_"))}
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'shared'}"
    probe = PROBE.format(module=f"functions.{function}.app", heavy=repr(HEAVY))
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded["modules"] == []
    # Schemas of other resources are defined but not built until first used
    assert loaded["built"] == []


def test_the_tracer_is_built_only_where_it_traces(monkeypatch):
    built: list[str] = []

    class FakeTracer:
        _is_tracer_disabled = staticmethod(Tracer._is_tracer_disabled)

        def __init__(self, service: str) -> None:
            built.append(service)

    monkeypatch.setattr(observability, "Tracer", FakeTracer)
    for lambda_root, disabled, expected in ((None, None, False), ("/var/task", "true", False),
                                            ("/var/task", "false", True)):
        observability.tracer.cache_clear()
        for name, value in (("LAMBDA_TASK_ROOT", lambda_root), ("POWERTOOLS_TRACE_DISABLED", disabled)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        assert isinstance(observability.tracer(), FakeTracer) is expected
    assert built == ["ledgerline"]
    observability.tracer.cache_clear()


@pytest.mark.parametrize("function", ["invoices", "parties", "reports"])
def test_an_api_function_does_not_load_the_key_lookup_the_authorizer_already_ran(function):
    # In AWS the authorizer function authenticates; the API functions read its result from the request context
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_", "LAMBDA_"))}
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'shared'}"
    probe = f"import sys, functions.{function}.app; print('ledgerline.services.api_keys' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("function", ["bills", "expenses", "payment_runs", "supplier_payments"])
def test_purchase_functions_do_not_load_the_email_service_only_sending_a_purchase_order_uses(function):
    # services.purchase_orders (goods received, billing) is imported by these functions; its `send` alone emails
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_", "LAMBDA_"))}
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'shared'}"
    probe = (f"import sys, functions.{function}.app; "
             "print(sorted(m for m in sys.modules if m.startswith(('ledgerline.services.emails', 'ledgerline.mail'))))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[]"
