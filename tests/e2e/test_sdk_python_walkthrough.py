"""The Python SDK against the real local server (issue 20, item 1): the README's Python walk-through runs as
written, and the SDK's errors, pagination, idempotency and version header work end to end."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import ledgerline_sdk as sdk
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
BLOCK = re.compile(r"<!-- sdk-python:start -->\s*```python\n(?P<code>.*?)```\s*<!-- sdk-python:end -->", re.S)


def readme_walkthrough() -> str:
    match = BLOCK.search((ROOT / "README.md").read_text())
    assert match, "README.md has no ```python block between <!-- sdk-python:start --> and <!-- sdk-python:end -->"
    return match["code"]


def test_the_readme_python_walkthrough_invoices_gets_paid_and_balances(server, tmp_path):
    key = server.create_tenant(name="Acme Pty Ltd")["api_key"]
    script = tmp_path / "walkthrough.py"
    script.write_text(readme_walkthrough())
    run = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=server.env | {"LEDGERLINE_URL": server.url, "LEDGERLINE_API_KEY": key}, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert re.fullmatch(r"INV-\d{4}-0001 awaiting_payment 1375.00 1375.00", lines[0]), lines
    assert lines[1] == "posted 1375.00 0.00"
    assert re.fullmatch(r"INV-\d{4}-0001 paid 1375.00 0.00", lines[2]), lines
    assert re.fullmatch(r"\['INV-\d{4}-0001'\]", lines[3]), lines
    assert lines[4] == "2750.00 2750.00"


@pytest.fixture(scope="module")
def tenant_key(server) -> str:
    return server.create_tenant(name="SDK Pty Ltd")["api_key"]


def test_errors_pagination_idempotency_and_versions_against_the_server(server, tenant_key):
    with sdk.Client(tenant_key, base_url=server.url) as client:
        # A 422 names its field; a 404 for an id of no object; a 401 for a bad key
        with pytest.raises(sdk.ValidationError) as raised:
            client.parties.create(name="")
        assert raised.value.field == "name" and raised.value.request_id
        with pytest.raises(sdk.NotFoundError):
            client.invoices.get("inv_01JZZZZZZZZZZZZZZZZZZZZZZZ")
        with pytest.raises(sdk.InvalidRequestError):
            client.invoices.list(extra_headers={}, limit=5, ledgerline_version="1999-01-01")

        # Auto-pagination follows the cursor over pages of 2
        made = [client.parties.create(name=f"Customer {i}")["id"] for i in range(5)]
        listed = [party["id"] for party in client.parties.list_all(limit=2, search="Customer")]
        assert sorted(listed) == sorted(made)

        # The same Idempotency-Key answers the first call again; the generated ones differ per call
        first = client.parties.create(name="Once", idempotency_key="sdk-once")
        again = client.parties.create(name="Once", idempotency_key="sdk-once")
        assert first["id"] == again["id"]
        assert client.parties.create(name="Twice")["id"] != client.parties.create(name="Twice")["id"]

        # The version header: a key listed in the first version shows `last4`, in the newest `key_last4`
        old = client.api_keys.list(ledgerline_version="2026-01-01")["data"][0]
        new = client.api_keys.list(ledgerline_version="2026-12-05")["data"][0]
        assert "last4" in old and "key_last4" in new

    with sdk.Client("ll_live_not_a_key", base_url=server.url) as bad, pytest.raises(sdk.AuthenticationError):
        bad.tenant.get()


def test_the_async_client_against_the_server(server, tenant_key):
    async def run() -> tuple[str, list[str]]:
        async with sdk.AsyncClient(tenant_key, base_url=server.url) as client:
            party = await client.parties.create(name="Async Customer", metadata={"crm_id": "77"})
            found = [p["id"] async for p in client.parties.list_all(metadata={"crm_id": "77"})]
            return party["id"], found

    made, found = asyncio.run(run())
    assert found == [made]

