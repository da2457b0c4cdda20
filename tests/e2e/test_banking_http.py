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


def test_an_invoice_is_paid_by_a_camt053_carrying_its_reference(server, http):
    """Invoice posted → camt.053 with its RF reference imported → the receipt posted, the invoice paid."""
    from datetime import date

    from ledgerline.domain.banking.matching import references_for_number
    from tests.camt_builder import Entry, camt053

    tenant = server.create_tenant(name="Reconcile Pty Ltd")
    auth = {"Authorization": f"Bearer {tenant['api_key']}"}
    gst = next(t["id"] for t in http.get("/v1/tax-codes", headers=auth).json()["data"] if t["code"] == "GST10")
    customer = http.post("/v1/parties", headers=auth, json={"name": "Muster Pty Ltd"}).json()
    draft = http.post("/v1/invoices", headers=auth, json={"customer_id": customer["id"], "lines": [
        {"description": "Consulting", "quantity": "10", "unit_price": "100.00", "tax_code_id": gst}]}).json()
    invoice = http.post(f"/v1/invoices/{draft['id']}/post", headers=auth).json()
    assert (invoice["status"], invoice["amount_due"]) == ("awaiting_payment", "1100.00")
    account = http.post("/v1/bank-accounts", headers=auth, json={"name": "Main"}).json()

    reference = next(r for r in references_for_number(invoice["number"]) if r.startswith("RF"))
    statement = camt053([Entry("1100.00", date.today().isoformat(), reference=reference, name="Muster Pty Ltd"),
                         Entry("-9.50", date.today().isoformat(), text="Account fee")], currency="AUD")
    response = http.post(f"/v1/bank-accounts/{account['id']}/statements", headers=auth,
                         files={"file": ("today.xml", statement, "application/xml")})
    assert response.status_code == 201, response.text

    assert http.get(f"/v1/invoices/{invoice['id']}", headers=auth).json()["status"] == "paid"
    matched = http.get("/v1/bank-transactions?status=matched", headers=auth).json()["data"]
    assert [(t["amount"], t["matched_by"]) for t in matched] == [("1100.00", "receipt")]
    receipt = http.get(f"/v1/receipts/{matched[0]['receipt_id']}", headers=auth).json()
    assert [a["invoice_id"] for a in receipt["allocations"]] == [invoice["id"]]

    # And the bank fee is booked, and the reconciliation shows the books and the bank in step
    fee = next(t for t in http.get("/v1/bank-transactions?status=unmatched", headers=auth).json()["data"]
               if t["amount"] == "-9.50")
    expense = next(a for a in http.get("/v1/accounts?limit=100", headers=auth).json()["data"] if a["type"] == "expense")
    booked = http.post(f"/v1/bank-transactions/{fee['id']}/book", headers=auth, json={"account_id": expense["id"]})
    assert booked.status_code == 200, booked.text
    report = http.get(f"/v1/bank-accounts/{account['id']}/reconciliation", headers=auth).json()
    assert (report["bank_balance"], report["ledger_balance"], report["difference"], report["unexplained"]) == (
        "1090.50", "1090.50", "0.00", "0.00")


def test_a_supplier_payment_on_the_statement_pays_the_bill_it_names(server, http):
    """Bill posted → camt.053 paying it out, naming the supplier's invoice number → its bill suggestion →
    match → the supplier payment posted, the bill paid; unmatch → the bill open again."""
    from datetime import date

    from tests.camt_builder import Entry, camt053

    tenant = server.create_tenant(name="Pay Out Pty Ltd")
    auth = {"Authorization": f"Bearer {tenant['api_key']}"}
    gst = next(t["id"] for t in http.get("/v1/tax-codes", headers=auth).json()["data"] if t["code"] == "GST10")
    rent = next(a["id"] for a in http.get("/v1/accounts?limit=100", headers=auth).json()["data"]
                if a["code"] == "6000")
    vendor = http.post("/v1/parties", headers=auth, json={"name": "Landlord Ltd", "kind": "supplier"}).json()
    draft = http.post("/v1/bills", headers=auth, json={"supplier_id": vendor["id"], "supplier_reference": "L-77",
                                                        "lines": [{"description": "Rent", "unit_price": "400.00",
                                                                   "account_id": rent, "tax_code_id": gst}]}).json()
    bill = http.post(f"/v1/bills/{draft['id']}/post", headers=auth).json()
    assert bill["amount_due"] == "440.00", bill
    account = http.post("/v1/bank-accounts", headers=auth, json={"name": "Main"}).json()
    statement = camt053([Entry("-440.00", date.today().isoformat(), text="Rent L-77", name="Landlord")],
                        currency="AUD")
    response = http.post(f"/v1/bank-accounts/{account['id']}/statements", headers=auth,
                         files={"file": ("today.xml", statement, "application/xml")})
    assert response.status_code == 201, response.text

    [paid_out] = http.get("/v1/bank-transactions?status=unmatched", headers=auth).json()["data"]
    assert [(s["bill_id"], s["reason"]) for s in paid_out["bill_suggestions"]] == [(bill["id"], "number_in_text")]
    matched = http.post(f"/v1/bank-transactions/{paid_out['id']}/match", headers=auth, json={})
    assert matched.status_code == 200, matched.text
    payment = http.get(f"/v1/supplier-payments/{matched.json()['supplier_payment_id']}", headers=auth).json()
    assert (payment["amount"], [a["bill_id"] for a in payment["allocations"]]) == ("440.00", [bill["id"]])
    assert http.get(f"/v1/bills/{bill['id']}", headers=auth).json()["status"] == "paid"

    undone = http.post(f"/v1/bank-transactions/{paid_out['id']}/unmatch", headers=auth)
    assert undone.status_code == 200, undone.text
    assert http.get(f"/v1/bills/{bill['id']}", headers=auth).json()["amount_due"] == "440.00"
