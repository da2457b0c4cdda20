"""The README's walk-through works exactly as written, against a running local server."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from ledgerline.local.dynamodb_local import free_port
from tests.conftest import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"<!-- walkthrough:start -->\s*```bash\n(?P<script>.*?)```\s*<!-- walkthrough:end -->", re.S)


def walkthrough() -> str:
    match = BLOCK.search(README.read_text())
    assert match, "README.md has no ```bash block between <!-- walkthrough:start --> and <!-- walkthrough:end -->"
    return match["script"]


def test_the_walkthrough_starts_where_a_reader_starts():
    script = walkthrough()
    assert script.startswith("API=${LEDGERLINE_URL:-http://127.0.0.1:3000}\n")
    assert ".venv/bin/ledgerline tenant create" in script


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="the walk-through needs curl and jq")
def test_the_walkthrough_invoices_gets_paid_and_balances(server, tmp_path):
    # Given the block exactly as the README shows it
    script = tmp_path / "walkthrough.sh"
    script.write_text(walkthrough())

    # When it runs against the server (its CLI call uses the server's database)
    run = subprocess.run(["bash", "-euo", "pipefail", str(script)], cwd=ROOT,
                         env=server.env | {"LEDGERLINE_URL": server.url},
                         capture_output=True, text=True, timeout=120, check=False)

    # Then it succeeds and shows the invoice numbered, paid and booked
    assert run.returncode == 0, f"exit {run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    out = run.stdout
    assert re.search(r'"number": "INV-\d{4}-0001"', out), out
    assert re.search(r'"status": "awaiting_payment"', out), out
    assert re.search(r'"status": "paid"', out), out
    for field, amount in (("subtotal", "1250.00"), ("tax_total", "125.00"), ("total", "1375.00"),
                          ("amount_paid", "1375.00"), ("amount_due", "0.00")):
        assert f'"{field}": "{amount}"' in out, (field, out)
    assert '"total_debit": "2750.00"' in out and '"total_credit": "2750.00"' in out, out


needs_curl_and_jq = pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")),
                                       reason="the walk-through needs curl and jq")


def run_walkthrough(tmp_path, env: dict[str, str], *shell: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "walkthrough.sh"
    script.write_text(walkthrough())
    return subprocess.run([*shell, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


@needs_curl_and_jq
@pytest.mark.parametrize("shell", [("bash",), ("bash", "-euo", "pipefail")], ids=["plain", "strict"])
def test_the_walkthrough_stops_with_a_message_when_the_server_does_not_know_the_key(server, tmp_path, shell):
    # Given a terminal whose CLI writes to another table than the server reads (another LEDGERLINE_TABLE_NAME)
    env = server.env | {"LEDGERLINE_URL": server.url, "LEDGERLINE_TABLE_NAME": "ledgerline-e2e-elsewhere"}
    # When the block runs, even in a shell that does not stop on errors by itself
    run = run_walkthrough(tmp_path, env, *shell)
    # Then it stops at once, saying why, and prints nothing of the later steps
    assert run.returncode == 1, f"exit {run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert f"The API at {server.url} does not accept this key: Invalid API key provided" in run.stderr, run.stderr
    assert "LEDGERLINE_* settings" in run.stderr and run.stdout == ""


@needs_curl_and_jq
def test_the_walkthrough_stops_with_a_message_when_no_server_answers(server, tmp_path):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    run = run_walkthrough(tmp_path, server.env | {"LEDGERLINE_URL": url}, "bash")
    assert run.returncode == 1, run.stderr
    assert f"No API answers at {url}" in run.stderr and run.stdout == ""
