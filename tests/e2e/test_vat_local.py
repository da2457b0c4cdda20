"""Tax over HTTP against `ledgerline dev` (issue 15, items 5 and 7): a Swiss tenant changes rate with a new
tax code valid from 2024, invoices at both rates, reads the VAT return of a quarter (CH form boxes), closes
the VAT period (settlement entry to 2300) and finds the period locked."""

from __future__ import annotations


def test_a_quarter_is_invoiced_returned_closed_and_locked(server, http):
    tenant = server.create_tenant(name="Steuer AG", currency="CHF", country="CH")
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}

    def post(path: str, body: dict | None = None, expect: int = 201) -> dict:
        response = http.post(path, json=body, headers=headers)
        assert response.status_code == expect, response.text
        return response.json()

    codes = {t["code"]: t for t in http.get("/v1/tax-codes", headers=headers).json()["data"]}
    old = post("/v1/tax-codes", {"code": "VAT77", "name": "MWST 7.7 %", "rate": "7.7", "valid_to": "2023-12-31"})
    assert old["valid_to"] == "2023-12-31" and old["valid_from"] is None
    customer = post("/v1/parties", {"name": "Kunde GmbH"})["id"]

    def invoice(day: str, code_id: str, price: str, expect: int = 200) -> dict:
        draft = http.post("/v1/invoices", headers=headers, json={
            "customer_id": customer, "issue_date": day,
            "lines": [{"description": "Beratung", "unit_price": price, "tax_code_id": code_id}]})
        if expect == 422:
            assert draft.status_code == 422, draft.text
            return draft.json()
        assert draft.status_code == 201, draft.text
        return post(f"/v1/invoices/{draft.json()['id']}/post", expect=expect)

    invoice("2023-12-20", old["id"], "1000.00")
    refused = invoice("2024-01-10", old["id"], "1000.00", expect=422)["error"]
    assert refused["param"] == "lines.0.tax_code_id" and "valid until 2023-12-31" in refused["message"]
    invoice("2024-01-10", codes["VAT81"]["id"], "2000.00")
    invoice("2024-02-10", codes["VAT26"]["id"], "500.00")

    vat_return = http.get("/v1/reports/vat-return", params={"from": "2024-01-01", "to": "2024-03-31"},
                          headers=headers).json()
    boxes = {b["box"]: b["amount"] for b in vat_return["boxes"]}
    assert (vat_return["form"], vat_return["output_tax"], vat_return["net_payable"]) == ("CH MWST", "175.00", "175.00")
    assert (boxes["200"], boxes["303"], boxes["303.tax"], boxes["313.tax"], boxes["500"]) == (
        "2500.00", "2000.00", "162.00", "13.00", "175.00")
    csv = http.get("/v1/reports/vat-return.csv", params={"from": "2024-01-01", "to": "2024-03-31"}, headers=headers)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")

    period = post("/v1/vat-periods", {"from": "2024-01-01", "to": "2024-03-31"})
    closed = post(f"/v1/vat-periods/{period['id']}/close", expect=200)
    assert (closed["status"], closed["net_payable"]) == ("closed", "175.00")
    trial = {row["code"]: row for row in http.get("/v1/reports/trial-balance", params={"as_of": "2024-03-31"},
                                                  headers=headers).json()["accounts"]}
    assert trial["2300"]["balance"] == "-175.00"
    assert trial["2200"]["balance"] == "-77.00"  # only the 2023 invoice's tax is left on the tax account
    late = http.post("/v1/invoices", headers=headers, json={
        "customer_id": customer, "issue_date": "2024-03-30",
        "lines": [{"description": "Nachtrag", "unit_price": "10.00", "tax_code_id": codes["VAT81"]["id"]}]}).json()
    locked = http.post(f"/v1/invoices/{late['id']}/post", headers=headers)
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "vat_period_closed"
    assert http.get(f"/v1/vat-periods/{period['id']}", headers=headers).json()["journal_entry_id"] == (
        closed["journal_entry_id"])
