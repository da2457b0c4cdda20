"""`ledgerline dev` end to end: a monthly recurring invoice, the CLI run for three days, three posted invoices."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def test_a_monthly_template_run_by_the_cli_on_three_days_makes_three_posted_invoices(server, http):
    tenant = server.create_tenant(name="Recurring Pty Ltd")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    customer = http.post("/v1/parties", json={"name": "Subscriber"}, headers=headers).json()["id"]
    today = datetime.now(UTC).date()
    start = months_before(today, 4)  # the 1st, four months ago: three runs on past days
    created = http.post("/v1/recurring-invoices", headers={**headers, "Idempotency-Key": "rinv-e2e-1"}, json={
        "customer_id": customer, "auto_post": True, "payment_terms_days": 14,
        "lines": [{"description": "Hosting", "unit_price": "49.00"}],
        "schedule": {"interval": "monthly", "every": 1, "day_of_month": 1, "start_date": str(start)}})
    assert created.status_code == 201, created.text
    template = created.json()
    assert template["next_run_date"] == str(start)
    days = [start, months_before(today, 3), months_before(today, 2)]
    for day in days:  # each run makes that day's period; the second run of a day makes nothing
        for expected in (1, 0):
            run = server.cli("recurring", "run", "--date", str(day), "--tenant", tenant["tenant_id"])
            assert run.returncode == 0, run.stderr
            assert json.loads(run.stdout)["invoices_created"] == expected
    made = http.get(f"/v1/recurring-invoices/{template['id']}/invoices", headers=headers).json()["data"]
    assert [invoice["issue_date"] for invoice in made] == [str(day) for day in days]
    assert all(invoice["status"] != "draft" and invoice["number"] for invoice in made)
    assert all(invoice["source"] == {"kind": "recurring_invoice", "id": template["id"]} for invoice in made)
    numbers = [invoice["number"] for invoice in made]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    shown = http.get(f"/v1/recurring-invoices/{template['id']}", headers=headers).json()
    assert (shown["invoices_created"], shown["next_run_date"]) == (3, str(months_before(today, 1)))
