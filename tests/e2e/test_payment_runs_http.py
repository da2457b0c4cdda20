"""Payment runs over real HTTP (issue 16, item 4): bills → a run → download its pain.001 file → the bank's
camt.053 with the run's end-to-end ids → the bills are paid and the run completed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from ledgerline.domain.banking.references import qr_reference
from tests.camt_builder import Entry, camt053

XSD = Path(__file__).resolve().parents[1] / "fixtures" / "banking" / "pain001" / "pain.001.001.09.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


@pytest.fixture(scope="module")
def auth(server) -> dict[str, str]:
    tenant = server.create_tenant(name="Zahllauf AG", currency="CHF", country="CH")
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def test_bills_are_paid_by_a_run_whose_file_the_bank_confirms_in_a_statement(http, auth):
    def call(method: str, path: str, expect: int, **body):  # noqa: ANN202
        response = http.request(method, path, headers=auth, json=body or None)
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response.json()

    accounts = {a["code"]: a["id"] for a in call("GET", "/v1/accounts?limit=100", 200)["data"]}
    vat0 = {t["code"]: t["id"] for t in call("GET", "/v1/tax-codes", 200)["data"]}["VAT0"]
    bank = call("POST", "/v1/bank-accounts", 201, name="PostFinance", iban="CH93 0076 2011 6238 5295 7",
                currency="CHF")
    qr_supplier = call("POST", "/v1/parties", 201, name="Strom AG", kind="supplier",
                       iban="CH56 0483 5012 3456 7800 9", qr_iban="CH44 3199 9123 0008 8901 2")["id"]
    plain_supplier = call("POST", "/v1/parties", 201, name="Papier GmbH", kind="supplier",
                          iban="CH5604835012345678009")["id"]
    no_iban = call("POST", "/v1/parties", 201, name="Bar AG", kind="supplier")["id"]

    def bill(supplier: str, reference: str, price: str) -> dict:
        draft = call("POST", "/v1/bills", 201, supplier_id=supplier, supplier_reference=reference,
                     due_date=(date.today() + timedelta(days=5)).isoformat(),
                     lines=[{"description": "Monthly", "unit_price": price, "account_id": accounts["6000"],
                             "tax_code_id": vat0}])
        return call("POST", f"/v1/bills/{draft['id']}/post", 200)

    # Given two posted bills, one carrying the supplier's QR reference
    qr = qr_reference(20260315)
    power, paper = bill(qr_supplier, qr, "312.40"), bill(plain_supplier, "R-2026-88", "45.00")
    cash_only = bill(no_iban, "B-1", "10.00")

    # A supplier without an IBAN is named, and nothing is scheduled
    refused = http.post("/v1/payment-runs", headers=auth, json={
        "bank_account_id": bank["id"], "bills": [{"bill_id": power["id"]}, {"bill_id": cash_only["id"]}]})
    assert refused.status_code == 422 and refused.json()["error"]["param"] == "bills.1.bill_id"
    assert cash_only["id"] in refused.json()["error"]["message"]

    # When a run pays the other two
    run = http.post("/v1/payment-runs", headers={**auth, "Idempotency-Key": "run-march"}, json={
        "bank_account_id": bank["id"], "bills": [{"bill_id": power["id"]}, {"bill_id": paper["id"]}]})
    assert run.status_code == 201, run.text
    again = http.post("/v1/payment-runs", headers={**auth, "Idempotency-Key": "run-march"}, json={
        "bank_account_id": bank["id"], "bills": [{"bill_id": power["id"]}, {"bill_id": paper["id"]}]})
    assert again.json()["id"] == run.json()["id"]  # a retry answers the same run
    run = run.json()
    assert (run["status"], run["total"], run["file_format"]) == ("scheduled", "357.40", "pain.001.001.09.ch")
    assert call("GET", f"/v1/bills/{power['id']}", 200)["scheduled_amount"] == "312.40"

    # Then its file downloads, validates and pays the QR reference to the QR-IBAN
    download = http.get(f"/v1/payment-runs/{run['id']}/file", headers=auth)
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/xml")
    xmlschema.XMLSchema(XSD).validate(download.text)
    tree = etree.fromstring(download.content)
    transfers = tree.findall(".//p:CdtTrfTxInf", NS)
    assert [t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) for t in transfers] == [
        "CH4431999123000889012", "CH5604835012345678009"]
    assert transfers[0].findtext(".//p:CdtrRefInf/p:Ref", namespaces=NS) == qr
    e2e = [t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for t in transfers]

    # And when the bank's statement shows both debits with those end-to-end ids
    today = date.today().isoformat()
    statement = camt053([Entry("-312.40", today, end_to_end_id=e2e[0], name="Strom AG"),
                         Entry("-45.00", today, end_to_end_id=e2e[1], name="Papier GmbH"),
                         Entry("-1.50", today, text="Gebühren")], currency="CHF",
                        iban="CH9300762011623852957", statement_id="PF-2026-03")
    imported = http.post(f"/v1/bank-accounts/{bank['id']}/statements", headers=auth,
                         files={"file": ("camt053.xml", statement, "application/xml")})
    assert imported.status_code == 201, imported.text

    # Then the bills are paid, the run completed and the transactions matched; the fee is left to book
    for paid in (power, paper):
        shown = call("GET", f"/v1/bills/{paid['id']}", 200)
        assert (shown["status"], shown["amount_due"], shown["scheduled_amount"]) == ("paid", "0.00", "0.00")
    done = call("GET", f"/v1/payment-runs/{run['id']}", 200)
    assert done["status"] == "completed"
    unmatched = call("GET", f"/v1/bank-transactions?status=unmatched&bank_account_id={bank['id']}", 200)["data"]
    assert [t["amount"] for t in unmatched] == ["-1.50"]
    assert [r["id"] for r in call("GET", "/v1/payment-runs?status=completed", 200)["data"]] == [run["id"]]
    assert call("GET", f"/v1/payment-runs?supplier_id={qr_supplier}", 200)["data"][0]["id"] == run["id"]
