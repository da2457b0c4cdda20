"""Tax code validity over the API against DynamoDB Local (issue 15, item 5)."""

from __future__ import annotations

from tests.integration.books import Books


def test_a_rate_change_is_a_new_code_and_invoices_name_the_code_valid_on_their_date(api, make_tenant):
    tenant = make_tenant(country="CH", currency="CHF")
    books = Books(api, tenant.tenant_id, tenant.headers)
    old = books.post("/v1/tax-codes", {"code": "VAT77", "name": "MWST 7.7 %", "rate": "7.7"})
    assert (old["valid_from"], old["valid_to"]) == (None, None)
    bad = books.call("PATCH", f"/v1/tax-codes/{old['id']}", {"valid_from": "2024-01-01", "valid_to": "2023-12-31"},
                     expect=422).json()["error"]
    assert bad["param"] == "valid_to"
    changed = books.call("PATCH", f"/v1/tax-codes/{old['id']}", {"valid_to": "2023-12-31"}, expect=200).json()
    assert changed["valid_to"] == "2023-12-31"
    assert books.call("POST", "/v1/tax-codes", {"code": "X", "name": "X", "rate": "1", "valid_to": "31.12.2023"},
                      expect=422).json()["error"]["param"].endswith("valid_to")
    customer = books.customer("Kunde AG")
    line = {"description": "Beratung", "unit_price": "100.00", "tax_code_id": old["id"]}
    assert books.draft(customer, [line], issue_date="2023-12-31")["tax_total"] == "7.70"
    refused = books.call("POST", "/v1/invoices", {"customer_id": customer, "issue_date": "2024-01-01",
                                                  "lines": [line]}, expect=422).json()["error"]
    assert refused["param"] == "lines.0.tax_code_id" and "valid until 2023-12-31" in refused["message"]
    # the new rate's code, valid from the change
    books.call("PATCH", f"/v1/tax-codes/{books.tax_codes['VAT81']}", {"valid_from": "2024-01-01"}, expect=200)
    later = books.draft(customer, [{**line, "tax_code_id": books.tax_codes["VAT81"]}], issue_date="2024-01-01")
    assert later["tax_total"] == "8.10"
    cleared = books.call("PATCH", f"/v1/tax-codes/{old['id']}", {"valid_to": None}, expect=200).json()
    assert cleared["valid_to"] is None
    assert books.draft(customer, [line], issue_date="2024-01-01")["tax_total"] == "7.70"
