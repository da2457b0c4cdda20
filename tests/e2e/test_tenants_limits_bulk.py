"""Over real HTTP against `ledgerline dev`: a bulk import of 50 invoices, the rate limit in the headers,
and the CLI's tenant commands (the same provisioning code as the CloudFormation resource)."""

from __future__ import annotations

import json
from datetime import date


def test_a_bulk_import_of_50_invoices_posts_them_in_order_and_a_retry_adds_none(server, http):
    tenant = server.create_tenant(name="Bulk Importer Pty Ltd")
    auth = {"Authorization": f"Bearer {tenant['api_key']}"}
    customer = http.post("/v1/parties", headers=auth, json={"name": "Globex Corporation"}).json()["id"]
    batch = {"post": True, "items": [
        {"idempotency_key": f"import-7-{n}",
         "data": {"customer_id": customer, "reference": f"PO-{n}",
                  "lines": [{"description": "Consulting", "quantity": "1", "unit_price": f"{100 + n}.00"}]}}
        for n in range(50)]}

    # When the integrator sends the 50 invoices in one request
    response = http.post("/v1/bulk/invoices", headers=auth, json=batch, timeout=120)

    # Then every one is created and posted, numbered in the order sent
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["processed"], result["succeeded"], result["failed"]) == (50, 50, 0)
    year = date.today().year
    invoices = [item["data"] for item in result["results"]]
    assert [i["number"] for i in invoices] == [f"INV-{year}-{n:04d}" for n in range(1, 51)]
    assert [i["reference"] for i in invoices] == [f"PO-{n}" for n in range(50)]
    assert {i["status"] for i in invoices} == {"awaiting_payment"}
    assert invoices[7]["total"] == "107.00"

    # And sending the same batch again (a timeout on the client's side) replays it: no duplicates
    again = http.post("/v1/bulk/invoices", headers=auth, json=batch, timeout=120).json()
    assert [item["data"]["id"] for item in again["results"]] == [i["id"] for i in invoices]
    listed = http.get("/v1/invoices", headers=auth, params={"limit": 100}).json()
    assert len(listed["data"]) == 50 and not listed["has_more"]


def test_the_rate_limit_shows_in_the_headers_and_follows_the_cli_plan_changes(server, http):
    # Given a starter tenant made by the CLI
    tenant = server.create_tenant(name="Limited Pty Ltd", plan="starter")
    auth = {"Authorization": f"Bearer {tenant['api_key']}"}
    first = http.get("/v1/tenant", headers=auth)
    assert first.status_code == 200
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == ("120", "119")
    assert int(first.headers["X-RateLimit-Reset"]) % 60 == 0

    # When the operator moves it to the professional plan (as an Update of its stack would)
    run = server.cli("tenant", "update", tenant["tenant_id"], "--plan", "professional")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["plan"] == "professional"
    assert http.get("/v1/tenant", headers=auth).headers["X-RateLimit-Limit"] == "600"

    # When the operator deactivates it (as deleting its stack would), its key is refused; its books stay
    run = server.cli("tenant", "deactivate", tenant["tenant_id"])
    assert run.returncode == 0, run.stderr
    refused = http.get("/v1/tenant", headers=auth)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "tenant_deactivated"  # issue 11.18
    # (exit 1: the command line was right, the command could not do it; issue 11.32)
    assert server.cli("tenant", "update", tenant["tenant_id"], "--plan", "starter").returncode == 1
    assert server.cli("tenant", "deactivate", "ten_00000000000000000000000000").returncode == 1
