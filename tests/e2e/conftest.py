"""End-to-end tier: the real local server (`ledgerline dev`) in a subprocess, spoken to over HTTP.

The server and every CLI call of a test use the session's DynamoDB Local (tests/conftest.py) and
their own table, so nothing here touches a developer's `make dev` data or ports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ledgerline.local.dynamodb_local import DynamoDBLocal, free_port
from tests.conftest import ROOT

CLI = str(Path(sys.executable).parent / "ledgerline")
TABLE = "ledgerline-e2e"
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class LocalServer:
    url: str
    env: dict[str, str]  # environment that points a CLI run at the server's database and table

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run `ledgerline <args>` as an operator would, against the server's database."""
        return subprocess.run([CLI, *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def create_tenant(self, name: str = "E2E Pty Ltd", currency: str = "AUD", country: str = "AU",
                      plan: str = "enterprise") -> dict[str, str]:
        # Enterprise (no rate limit) unless a test asks otherwise: tests make many requests per tenant.
        run = self.cli("tenant", "create", "--name", name, "--base-currency", currency, "--country", country,
                       "--plan", plan)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)


def _environment(dynamodb_local: DynamoDBLocal) -> dict[str, str]:
    # Drop the developer's LEDGERLINE_* settings (a port, a table, another endpoint) and set ours.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERLINE_")}
    return env | {
        "LEDGERLINE_ENVIRONMENT": "local",
        "LEDGERLINE_DYNAMODB_ENDPOINT": dynamodb_local.endpoint,
        "LEDGERLINE_TABLE_NAME": TABLE,
        "LEDGERLINE_SMTP_PORT": str(free_port()),  # the SMTP sink `ledgerline dev` runs (documents sent by email)
        "LEDGERLINE_ACCESS_POINT_PORT": str(free_port()),  # the Peppol access point stand-in (issue 17)
    }


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`ledgerline dev` exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"`ledgerline dev` did not answer GET /health within {START_TIMEOUT}s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(dynamodb_local: DynamoDBLocal, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """`ledgerline dev --port <free port>` on the session's DynamoDB Local, stopped at the end."""
    env = _environment(dynamodb_local)
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "ledgerline-dev.log"
    with log.open("wb") as output:
        process = subprocess.Popen([CLI, "dev", "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield LocalServer(url, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def http(server: LocalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
