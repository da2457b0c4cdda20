"""Banking over real HTTP (issue 16): add a bank account, import a camt.053, list what is unmatched."""

from __future__ import annotations

from pathlib import Path

import pytest

JANUARY = (Path(__file__).parents[1] / "fixtures" / "banking" / "camt053_ch_qr_rf.xml").read_bytes()


@pytest.fixture(scope="module")
def auth(server) -> dict[str, str]:
    tenant = server.create_tenant(name="Bank Demo AG", currency="CHF", country="CH")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def test_a_camt053_is_imported_into_a_new_bank_account_and_listed_unmatched(http, auth):
    # Given a bank account with its opening balance
    made = http.post("/v1/bank-accounts", headers={**auth, "Idempotency-Key": "e2e-bank-1"}, json={
        "name": "ZKB current account", "iban": "CH93 0076 2011 6238 5295 7", "opening_balance": "10000.00",
        "opening_date": "2026-01-01", "is_default": True})
    assert made.status_code == 201, made.text
    account = made.json()
    assert account["iban"] == "CH9300762011623852957" and account["opening_entry_id"]

    # When January's statement is uploaded (multipart), twice
    def upload(expect: int) -> dict:
        response = http.post(f"/v1/bank-accounts/{account['id']}/statements", headers=auth,
                             files={"file": ("2026-01.xml", JANUARY, "application/xml")})
        assert response.status_code == expect, response.text
        return response.json()

    statement = upload(201)
    assert (statement["format"], statement["imported"], statement["closing_balance"]) == ("camt.053", 7, "12187.25")
    assert statement["follows_previous"] is True  # its opening balance is the account's opening balance
    assert upload(200)["already_imported"]

    # Then its entries are bank transactions waiting to be matched, each once
    unmatched = http.get(f"/v1/bank-transactions?status=unmatched&bank_account_id={account['id']}&limit=100",
                         headers=auth)
    assert unmatched.status_code == 200, unmatched.text
    data = unmatched.json()["data"]
    assert len(data) == 7 and sorted(t["date"] for t in data) == [t["date"] for t in data]
    assert {t["reference"] for t in data if t["reference_type"]} == {"210000000003139471430009017",
                                                                     "RF18539007547034"}
    assert http.get(f"/v1/bank-accounts/{account['id']}", headers=auth).json()["statement_balance"] == "12187.25"
