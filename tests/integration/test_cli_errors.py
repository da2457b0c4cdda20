"""`ledgerline` fails in one line with a non-zero exit, and has --version, `tenant list` and
`tenant rotate-admin-key` (issue 11, item 32)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ledgerline.local.dynamodb_local import free_port
from ledgerline.settings import get_settings
from tests.conftest import ROOT
from tests.integration.factories import list_all

CLI = str(Path(sys.executable).parent / "ledgerline")


def environment(dynamodb_local=None, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERLINE_")}
    if dynamodb_local is not None:
        env |= {"LEDGERLINE_DYNAMODB_ENDPOINT": dynamodb_local.endpoint,
                "LEDGERLINE_TABLE_NAME": get_settings().table_name}
    return env | settings


def ledgerline(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], cwd=ROOT, env=env or environment(), capture_output=True, text=True,
                          timeout=timeout, check=False)


def one_error_line(run: subprocess.CompletedProcess[str]) -> str:
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ledgerline: error: "), run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    return lines[0]


def test_version_prints_the_package_version():
    run = ledgerline("--version")
    assert run.returncode == 0 and run.stdout.strip() == "ledgerline 0.1.0"


@pytest.mark.parametrize(("args", "names"), [
    (("reminders", "run", "--date", "2026-13-01"), ["--date", "2026-13-01", "YYYY-MM-DD"]),
    (("tenant", "create", "--name", "X", "--base-currency", "AUD", "--country", "XX"), ["--country", "'XX'"]),
    (("tenant", "create", "--name", "X", "--base-currency", "AUD", "--country", "AUS"), ["--country", "'AUS'"]),
    (("events", "replay", "--tenant", "t", "--webhook", "w", "--since", "2026-11-01"), ["--since", "time zone"]),
    (("dev", "--port", "http"), ["--port", "'http'"]),
    (("tenant",), ["action"]),
    (("tenant", "rotate-admin-key"), ["tenant id"]),
])
def test_a_wrong_command_line_is_one_line_and_exit_2(args, names):
    run = ledgerline(*args)
    line = one_error_line(run)
    assert run.returncode == 2
    for name in names:
        assert name in line


def test_an_unreachable_dynamodb_is_one_line_and_exit_1_within_seconds():
    closed = free_port()  # nothing listens there
    run = ledgerline("tenant", "list", env=environment(LEDGERLINE_DYNAMODB_ENDPOINT=f"http://127.0.0.1:{closed}"),
                     timeout=20)
    line = one_error_line(run)
    assert run.returncode == 1 and f"cannot reach DynamoDB at http://127.0.0.1:{closed}" in line


def test_dev_on_a_busy_port_stops_before_it_starts_anything(dynamodb_local):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = ledgerline("dev", "--port", str(port), env=environment(dynamodb_local), timeout=30)
    line = one_error_line(run)
    assert run.returncode == 1 and f"cannot serve on 127.0.0.1:{port}" in line
    assert "Reminders job" not in run.stderr and "serving" not in run.stderr


def test_reminders_for_an_unknown_tenant_fail(dynamodb_local):
    run = ledgerline("reminders", "run", "--tenant", "ten_00000000000000000000000000",
                     env=environment(dynamodb_local))
    assert run.returncode == 1 and "no tenant ten_00000000000000000000000000" in one_error_line(run)


def test_a_refused_field_is_named_once(dynamodb_local):
    run = ledgerline("tenant", "create", "--name", "", "--base-currency", "AUD", "--country", "AU",
                     env=environment(dynamodb_local))
    line = one_error_line(run)
    assert run.returncode == 2 and line.count("name") == 1, line


def test_unknown_tenants_are_one_line_and_exit_1(dynamodb_local):
    env = environment(dynamodb_local)
    for args in (("tenant", "deactivate", "ten_00000000000000000000000000"),
                 ("tenant", "update", "ten_00000000000000000000000000", "--plan", "starter"),
                 ("tenant", "rotate-admin-key", "ten_00000000000000000000000000")):
        run = ledgerline(*args, env=env)
        assert run.returncode == 1 and "ten_00000000000000000000000000" in one_error_line(run), args


def test_tenant_list_shows_the_tenants_the_cli_created(dynamodb_local):
    env = environment(dynamodb_local)
    created = json.loads(ledgerline("tenant", "create", "--name", "Listed GmbH", "--base-currency", "EUR",
                                    "--country", "de", env=env).stdout)
    run = ledgerline("tenant", "list", env=env)
    assert run.returncode == 0, run.stderr
    listed = {t["tenant_id"]: t for t in json.loads(run.stdout)}
    mine = listed[created["tenant_id"]]
    assert (mine["name"], mine["country"], mine["base_currency"], mine["plan"], mine["status"]) == (
        "Listed GmbH", "DE", "EUR", "starter", "active")


def test_rotate_admin_key_prints_a_new_key_and_revokes_the_old_one(dynamodb_local, api):
    env = environment(dynamodb_local)
    created = json.loads(ledgerline("tenant", "create", "--name", "Rotated Pty Ltd", "--base-currency", "AUD",
                                    "--country", "AU", env=env).stdout)
    old = {"Authorization": f"Bearer {created['api_key']}"}
    # A key the tenant issued itself is kept
    own = api.post("/v1/api-keys", headers=old, json={"name": "Integration", "scopes": ["invoices:read"]})
    assert own.status_code == 201, own.text
    run = ledgerline("tenant", "rotate-admin-key", "--tenant", created["tenant_id"], env=env)
    assert run.returncode == 0, run.stderr
    rotated = json.loads(run.stdout)
    new = {"Authorization": f"Bearer {rotated['api_key']}"}
    assert rotated["api_key"] != created["api_key"] and len(rotated["revoked_key_ids"]) == 1
    assert api.get("/v1/tenant", headers=new).status_code == 200
    refused = api.get("/v1/tenant", headers=old)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "api_key_revoked"
    keys = {k["id"]: k for k in list_all(api, "/v1/api-keys", new)}
    assert keys[own.json()["id"]]["status"] == "active"
    assert keys[rotated["key_id"]]["scopes"] == ["admin"] and keys[rotated["key_id"]]["status"] == "active"
    # Rotating again revokes the previous rotation's key
    again = json.loads(ledgerline("tenant", "rotate-admin-key", created["tenant_id"], env=env).stdout)
    assert again["revoked_key_ids"] == [rotated["key_id"]]


@pytest.mark.parametrize("country", ["XX", "UK", "ZZ"])
def test_a_tenant_in_no_country_is_refused_by_every_entry_point(country):
    # The CLI checks it as an argument; the custom resource and the CLI's provisioning share this check
    from ledgerline.domain.errors import ValidationFailed
    from ledgerline.services.tenants import create_tenant

    with pytest.raises(ValidationFailed) as caught:
        create_tenant(name="Nowhere Ltd", base_currency="AUD", country=country)
    assert [d.field for d in caught.value.details] == ["country"]
