"""`ledgerline tenant create`: an operator's new tenant, with its books and admin key, usable over the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledgerline.domain.errors import ValidationFailed
from ledgerline.services.tenants import create_tenant
from ledgerline.settings import get_settings
from tests.conftest import ROOT
from tests.integration.factories import list_all

CLI = str(Path(sys.executable).parent / "ledgerline")

# country -> (name, base currency, the default tax code and its rate as the API shows it)
TENANTS = {
    "AU": ("Acme Pty Ltd", "AUD", "GST10", "10"),
    "ID": ("PT Maju Jaya", "IDR", "VAT11", "11"),
    "CH": ("Muster AG", "CHF", "VAT81", "8.1"),
}


@pytest.fixture(scope="module")
def cli_runs(dynamodb_local) -> dict[str, subprocess.CompletedProcess[str]]:
    """One `tenant create` per country, run side by side as an operator would run them."""
    env = {**os.environ, "LEDGERLINE_DYNAMODB_ENDPOINT": dynamodb_local.endpoint,
           "LEDGERLINE_TABLE_NAME": get_settings().table_name}
    running = {
        country: subprocess.Popen(
            # CH sends its currency in lower case: the CLI accepts either
            [CLI, "tenant", "create", "--name", name, "--country", country,
             "--base-currency", currency.lower() if country == "CH" else currency],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for country, (name, currency, _, _) in TENANTS.items()
    }
    runs = {}
    for country, process in running.items():
        stdout, stderr = process.communicate(timeout=120)
        runs[country] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return runs


def created(cli_runs, country: str) -> dict[str, str]:
    run = cli_runs[country]
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("country", sorted(TENANTS))
def test_the_cli_prints_the_new_tenant_and_its_admin_key_as_json(cli_runs, country):
    output = created(cli_runs, country)
    name, currency, _, _ = TENANTS[country]
    assert output["tenant_id"].startswith("ten_")
    assert output["api_key"].startswith(get_settings().api_key_prefix) and len(output["api_key"]) > 40
    assert (output["name"], output["base_currency"], output["country"], output["plan"]) == (
        name, currency, country, "starter")


@pytest.mark.parametrize("country", sorted(TENANTS))
def test_the_printed_key_is_an_admin_key_of_that_tenant(api, cli_runs, country):
    output = created(cli_runs, country)
    headers = {"Authorization": f"Bearer {output['api_key']}"}
    tenant = api.get("/v1/tenant", headers=headers)
    assert tenant.status_code == 200, tenant.text
    assert (tenant.json()["id"], tenant.json()["base_currency"]) == (output["tenant_id"], TENANTS[country][1])
    keys = list_all(api, "/v1/api-keys", headers)
    assert [(k["scopes"], k["status"]) for k in keys] == [(["admin"], "active")]
    assert output["api_key"] not in json.dumps(keys)


@pytest.mark.parametrize("country", sorted(TENANTS))
def test_the_new_tenant_has_the_default_chart_and_its_countrys_tax_code(api, cli_runs, country):
    headers = {"Authorization": f"Bearer {created(cli_runs, country)['api_key']}"}
    # The chart holds the accounts posting needs
    accounts = list_all(api, "/v1/accounts", headers)
    subtypes = {a["subtype"] for a in accounts}
    assert {"receivable", "bank", "tax", "customer_credit", "retained_earnings"} <= subtypes
    assert len({a["code"] for a in accounts}) == len(accounts)
    # And the country's standard rate books to the sales tax account
    _, _, code, rate = TENANTS[country]
    tax_codes = {t["code"]: t for t in list_all(api, "/v1/tax-codes", headers)}
    assert tax_codes[code]["rate"] == rate and tax_codes[code]["active"] is True
    tax_account = api.get(f"/v1/accounts/{tax_codes[code]['account_id']}", headers=headers).json()
    assert (tax_account["type"], tax_account["subtype"]) == ("liability", "tax")


def test_tenants_created_by_the_cli_do_not_share_books(api, cli_runs):
    keys = [{"Authorization": f"Bearer {created(cli_runs, country)['api_key']}"} for country in TENANTS]
    charts = [{a["id"] for a in list_all(api, "/v1/accounts", headers)} for headers in keys]
    assert all(charts) and not (charts[0] & charts[1] or charts[0] & charts[2] or charts[1] & charts[2])


def test_the_cli_refuses_missing_arguments():
    run = subprocess.run([CLI, "tenant", "create", "--name", "No Country"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2 and "--base-currency" in run.stderr and run.stdout == ""


@pytest.mark.parametrize(("currency", "country", "field"),
                         [("XYZ", "AU", "base_currency"), ("AUD", "Narnia", "country")])
def test_the_cli_refuses_a_tenant_whose_books_could_not_work(dynamodb_local, currency, country, field):
    # An unsupported base currency would make every later amount of the tenant fail
    env = {**os.environ, "LEDGERLINE_DYNAMODB_ENDPOINT": dynamodb_local.endpoint,
           "LEDGERLINE_TABLE_NAME": get_settings().table_name}
    run = subprocess.run([CLI, "tenant", "create", "--name", "Broken", "--base-currency", currency,
                          "--country", country], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and run.stdout == ""
    assert field in run.stderr


def test_create_tenant_names_every_fixed_setting_it_refuses():
    with pytest.raises(ValidationFailed) as caught:
        create_tenant(name="Broken", base_currency="EURO", country="DEU")
    assert [d.field for d in caught.value.details] == ["base_currency", "country"]
