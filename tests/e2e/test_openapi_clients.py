"""The OpenAPI document as clients and readers use it (issue 11, items 29 and 30), against the real server.

- `/docs` and `/redoc` load every asset from the server itself: they work offline.
- A Python client generated from `/openapi.json` by openapi-python-client runs a whole flow, the PDF and
  a CSV report included.
- `@redocly/cli lint` finds no error in the document.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

BIN = Path(sys.executable).parent
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
# openapi-python-client reads only content types it knows: a PDF is bytes (application/octet-stream).
GENERATOR_CONFIG = """\
content_type_overrides:
  application/pdf: application/octet-stream
  application/xml: application/octet-stream
post_hooks: []
"""


@pytest.fixture(scope="module")
def openapi(server) -> dict:
    response = httpx.get(f"{server.url}/openapi.json", timeout=30)
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def openapi_file(openapi, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(openapi))
    return path


# ------------------------------------------------------------------------------------- docs (item 29)

@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_every_asset_from_the_server_itself(http, page):
    html = http.get(page)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    # No external host anywhere: no CDN script or stylesheet, no web font, no favicon from elsewhere
    assert re.findall(r"(?:https?:)?//[\w.-]+", html.text) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    assert assets and all(asset.startswith("/docs-assets/") for asset in assets)
    for asset in assets:
        response = http.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 500, asset
    assert "/openapi.json" in html.text


def test_the_ui_scripts_ship_with_their_licences(http):
    for path in ("/docs-assets/swagger/LICENSE", "/docs-assets/redoc/redoc.standalone.js.LICENSE.txt"):
        assert http.get(path).status_code == 200, path


# ------------------------------------------------------------------------------ the document (item 30)

def test_the_document_names_servers_tags_examples_and_describes_every_operation(openapi):
    assert [server["url"] for server in openapi["servers"]][0] == "http://127.0.0.1:3000"
    assert any("execute-api" in server["url"] for server in openapi["servers"])
    tags = {tag["name"]: tag["description"] for tag in openapi["tags"]}
    used = {tag for path in openapi["paths"].values() for operation in path.values() for tag in operation["tags"]}
    assert used <= set(tags) and all(tags.values())
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") and operation.get("description"), (method, path)
    schemas = openapi["components"]["schemas"]
    # Money in and out is a string with a pattern and an example, never a number-or-string
    quantity = schemas["LineIn"]["properties"]["quantity"]
    assert quantity["type"] == "string" and quantity["pattern"] and quantity["examples"]
    total = schemas["InvoiceOut"]["properties"]["total"]
    assert total["type"] == "string" and total["examples"] == ["1375.00"]
    assert schemas["InvoiceCreate"]["examples"][0]["lines"][0]["unit_price"] == "100.00"
    # Non-JSON bodies are declared as what they are
    pdf = openapi["paths"]["/v1/invoices/{id}/pdf"]["get"]["responses"]
    assert list(pdf["200"]["content"])[0] == "application/pdf"
    assert list(pdf["404"]["content"]) == ["application/json"]
    report = openapi["paths"]["/v1/reports/trial-balance.csv"]["get"]["responses"]
    assert list(report["200"]["content"]) == ["text/csv"]


def test_redocly_lint_finds_no_error(openapi_file):
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    run = subprocess.run([str(REDOCLY), "lint", str(openapi_file), "--format=json"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    report = json.loads(run.stdout[run.stdout.index("{"):])
    errors = [problem for problem in report["problems"] if problem["severity"] == "error"]
    assert report["totals"]["errors"] == 0 and errors == []


def test_a_generated_python_client_runs_a_whole_flow(server, openapi_file, tmp_path, monkeypatch):
    # Given a client generated from the served document
    config = tmp_path / "generator.yaml"
    config.write_text(GENERATOR_CONFIG)
    run = subprocess.run([str(BIN / "openapi-python-client"), "generate", "--path", str(openapi_file),
                          "--meta", "none", "--output-path", str(tmp_path / "ledgerline_client"),
                          "--config", str(config)], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr  # nothing left out
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [module for module in sys.modules if module.startswith("ledgerline_client")]:
        monkeypatch.delitem(sys.modules, name)
    client_module = importlib.import_module("ledgerline_client")
    api = importlib.import_module("ledgerline_client.api")
    models = importlib.import_module("ledgerline_client.models")
    parties, invoices, reports, tax_codes = (importlib.import_module(f"{api.__name__}.{name}")
                                             for name in ("parties", "invoices", "reports", "tax_codes"))
    for package, names in ((parties, ["create_party"]), (tax_codes, ["list_tax_codes"]),
                           (invoices, ["create_invoice", "post_invoice", "get_invoice_pdf"]),
                           (reports, ["trial_balance", "trial_balance_csv", "aged_receivables_csv",
                                      "general_ledger_csv"])):
        for name in names:
            importlib.import_module(f"{package.__name__}.{name}")

    tenant = server.create_tenant(name="Generated Client Pty Ltd")
    client = client_module.AuthenticatedClient(base_url=server.url, token=tenant["api_key"],
                                               raise_on_unexpected_status=True)
    with client:
        # When it creates a customer and an invoice, posts it, and fetches its PDF and reports
        party = parties.create_party.sync(client=client, body=models.PartyCreate(name="Globex"))
        assert isinstance(party, models.PartyOut), party
        codes = tax_codes.list_tax_codes.sync(client=client)
        gst = next(code.id for code in codes.data if code.code == "GST10")
        draft = invoices.create_invoice.sync(client=client, body=models.InvoiceCreate(
            customer_id=party.id,
            lines=[models.LineIn(description="Consulting", quantity="10", unit_price="100.00", tax_code_id=gst),
                   models.LineIn(description="Setup", unit_price="250.00", tax_code_id=gst)]))
        assert isinstance(draft, models.InvoiceOut), draft
        assert (draft.subtotal, draft.tax_total, draft.total) == ("1250.00", "125.00", "1375.00")
        assert draft.lines[0].quantity == "10" and draft.lines[1].quantity == "1"
        posted = invoices.post_invoice.sync(id=draft.id, client=client)
        assert isinstance(posted, models.InvoiceOut) and posted.number and posted.status.value == "awaiting_payment"

        pdf = invoices.get_invoice_pdf.sync(id=posted.id, client=client)
        content = pdf.payload.read()
        assert content.startswith(b"%PDF-")

        balance = reports.trial_balance.sync(client=client)
        assert isinstance(balance, models.TrialBalance) and balance.total_debit == balance.total_credit == "1375.00"
        table = list(csv.reader(io.StringIO(reports.trial_balance_csv.sync(client=client))))
        assert table[0] == ["code", "name", "type", "debit", "credit", "balance"]
        assert table[-1][3:5] == ["1375.00", "1375.00"]
        aged = list(csv.reader(io.StringIO(reports.aged_receivables_csv.sync(client=client))))
        assert aged[1][0] == "Globex" and aged[1][-1] == "1375.00"

        # And an error is the JSON envelope, on a CSV operation too
        missing = reports.general_ledger_csv.sync_detailed(client=client, account_id="acc_missing")
        assert missing.status_code == 404 and missing.parsed.error.code == "resource_missing"
