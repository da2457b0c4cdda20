"""Fuzzing: schemathesis generates requests from the served OpenAPI description, for every operation.

Checks: no response is a 5xx, and every documented response matches its schema (the error envelope
included). Examples per operation are bounded so the suite fits CI (LEDGERLINE_FUZZ_EXAMPLES, 10 by
default); `make fuzz` runs many more.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from ledgerline.domain import api_versions
from ledgerline.local.server import create_local_app
from tests.breakit.conftest import TenantKey, new_tenant

EXAMPLES = int(os.environ.get("LEDGERLINE_FUZZ_EXAMPLES", "10"))


@pytest.fixture(scope="module")
def fuzz_tenant() -> TenantKey:
    return new_tenant("Fuzz Pty Ltd")


# The in-process app, the same one the other break-it tests use (routes, auth, error mapping).
# Building the OpenAPI document of ~300 routes takes seconds on a loaded 2-core machine: schemathesis's default
# 10 s read timeout for loading it failed the collection there, so it gets minutes.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_local_app(), timeout=300)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_5xx_and_responses_match_the_schema(case, fuzz_tenant):
    # The OpenAPI document describes the newest API version (issue 20): older versions answer older shapes on
    # purpose (tests/integration/test_dated_versions_api.py), so the schema is checked against the newest
    # the per-request read timeout is minutes too: on a loaded machine a large fuzzed body (100 nested positions)
    # took over schemathesis's 10 s, which says nothing about the API (a 5xx or a wrong shape is what is checked)
    case.call_and_validate(headers={**fuzz_tenant.headers, api_versions.HEADER: api_versions.LATEST},
                           checks=[not_a_server_error, response_schema_conformance], timeout=300)
