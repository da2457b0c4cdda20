"""The committed generated half of the Python SDK is what `make sdk` makes from today's OpenAPI document (CI fails
when an API change was not followed by `make sdk`), and every operation of the document has its method."""

from __future__ import annotations

import filecmp
import importlib.util
import inspect

import pytest

from tests.conftest import ROOT

SDK = ROOT / "sdk" / "python"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("ledgerline_sdk_generate", SDK / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def openapi(generator):
    return generator.load_openapi(None)


def test_the_committed_generated_code_is_current(generator, openapi, tmp_path):
    written = generator.generate(openapi, tmp_path)
    committed = SDK / "ledgerline_sdk" / "_generated"
    stale = [path.name for path in written if not filecmp.cmp(path, committed / path.name, shallow=False)]
    assert stale == [], f"sdk/python/ledgerline_sdk/_generated is stale ({stale}): run `make sdk` and commit"
    # Deterministic: a second run writes the same bytes
    again = generator.generate(openapi, tmp_path / "again")
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in again]


def test_every_operation_has_a_sync_and_an_async_method(generator, openapi):
    from ledgerline_sdk._generated import resources

    by_resource = generator.operations(openapi)
    count = 0
    for resource, ops in by_resource.items():
        sync = resources.SyncResources.__annotations__[resource]
        asynchronous = resources.AsyncResources.__annotations__[resource]
        for op in ops:
            sync_method = getattr(getattr(resources, sync), op["name"])
            async_method = getattr(getattr(resources, asynchronous), op["name"])
            assert inspect.iscoroutinefunction(async_method) and not inspect.iscoroutinefunction(sync_method)
            count += 1
    operation_ids = {o["operationId"] for path in openapi["paths"].values() for o in path.values()
                     if isinstance(o, dict) and "operationId" in o}
    assert count == len([o for p, item in openapi["paths"].items() if p.startswith("/v1/") for o in item.values()
                         if isinstance(o, dict) and "operationId" in o])
    assert {"create_invoice", "post_invoice", "list_invoices", "create_receipt"} <= operation_ids
