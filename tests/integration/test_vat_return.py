"""The tax summary and the VAT return against DynamoDB Local (issue 15, items 5 and 7): output tax from
invoices over HTTP, input tax from a purchase posted through the unit of work (as a bill will post it),
read back from the tax buckets by direction; both equal the tax accounts to the cent."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal as D

from ledgerline.domain.journal import JournalLine
from ledgerline.domain.posting import INPUT, Conversion, TaxAmount, tax_totals
from ledgerline.store.ledger import JournalEntry
from ledgerline.store.unit_of_work import open_unit
from tests.integration.books import Books


def post_purchase(books: Books, day: date, code: str, net: str, tax: str) -> None:
    """Expense and input tax debited, payable credited, with the input tax's bucket."""
    net_, tax_ = D(net), D(tax)
    lines = [JournalLine(books.accounts["6000"], net_, D(0), "CHF", net_, None),
             JournalLine(books.accounts["1300"], tax_, D(0), "CHF", tax_, None),
             JournalLine(books.accounts["2000"], D(0), net_ + tax_, "CHF", net_ + tax_, None)]
    uow = open_unit(books.tenant_id)
    entry = JournalEntry.new(books.tenant_id, day, Conversion("CHF", "CHF", D(1)), source_type="manual",
                             source_id=None, description="Purchase", at=datetime.now(UTC))
    taxes = [TaxAmount(books.tax_codes[code], books.accounts["1300"], net_, tax_, net_, tax_, INPUT)]
    uow.post_entry(entry, lines, tax_totals(taxes))
    uow.commit()


def swiss_books(api, make_tenant) -> Books:
    tenant = make_tenant(country="CH", currency="CHF")
    books = Books(api, tenant.tenant_id, tenant.headers)
    customer = books.customer("Kunde AG")
    for day, code, price in (("2026-01-15", "VAT81", "1000.00"), ("2026-02-01", "VAT26", "500.00"),
                             ("2026-04-02", "VAT81", "100.00")):  # the last one is in the next quarter
        books.posted(customer, [{"description": "Work", "unit_price": price, "tax_code_id": books.tax_codes[code]}],
                     issue_date=day)
    post_purchase(books, date(2026, 2, 10), "VAT81", "400.00", "32.40")
    post_purchase(books, date(2026, 4, 10), "VAT81", "100.00", "8.10")
    return books


def test_the_vat_return_and_tax_summary_show_both_directions_and_equal_the_tax_accounts(api, make_tenant):
    books = swiss_books(api, make_tenant)
    quarter = books.get("/v1/reports/vat-return?from=2026-01-01&to=2026-03-31")
    rows = {row["code"]: row for row in quarter["tax_codes"]}
    assert (rows["VAT81"]["output_base"], rows["VAT81"]["output_tax"]) == ("1000.00", "81.00")
    assert (rows["VAT81"]["input_base"], rows["VAT81"]["input_tax"]) == ("400.00", "32.40")
    assert (rows["VAT26"]["output_base"], rows["VAT26"]["output_tax"], rows["VAT26"]["input_tax"]) == (
        "500.00", "13.00", "0.00")
    assert (quarter["output_tax"], quarter["input_tax"], quarter["net_payable"]) == ("94.00", "32.40", "61.60")
    boxes = {b["box"]: b["amount"] for b in quarter["boxes"]}
    assert quarter["form"] == "CH MWST"
    assert (boxes["200"], boxes["303"], boxes["303.tax"], boxes["313"], boxes["313.tax"]) == (
        "1500.00", "1000.00", "81.00", "500.00", "13.00")
    assert (boxes["399"], boxes["400"], boxes["479"], boxes["500"], boxes["510"]) == (
        "94.00", "32.40", "32.40", "61.60", "0.00")

    summary = books.get("/v1/reports/tax-summary?from=2026-01-01&to=2026-03-31")
    by_code = {row["code"]: row for row in summary["tax_codes"]}
    assert (by_code["VAT81"]["purchases_taxable"], by_code["VAT81"]["purchases_tax"]) == ("400.00", "32.40")
    assert (summary["total_sales_tax"], summary["total_purchases_tax"]) == ("94.00", "32.40")

    # the whole year equals the tax accounts to the cent: output tax on 2200, input tax on 1300
    year = books.get("/v1/reports/vat-return?from=2026-01-01&to=2026-12-31")
    assert D(year["output_tax"]) == -books.balance("2200") == D("102.10")
    assert D(year["input_tax"]) == books.balance("1300") == D("40.50")


def test_the_vat_return_as_csv_and_for_a_country_without_a_form(api, make_tenant):
    books = swiss_books(api, make_tenant)
    response = books.call("GET", "/v1/reports/vat-return.csv?from=2026-01-01&to=2026-03-31", expect=200)
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0][0] == "section" and all(len(row) == len(table[0]) for row in table)
    assert ["total", "net_payable", "", "", "", "", "", "", "61.60"] in table
    assert any(row[:2] == ["box", "500"] for row in table)
    assert books.call("GET", "/v1/reports/vat-return?from=2026-01-01&to=2026-03-31&format=csv",
                      expect=200).text == response.text

    other = make_tenant(country="NZ", currency="NZD")
    generic = Books(api, other.tenant_id, other.headers).get("/v1/reports/vat-return?from=2026-01-01&to=2026-03-31")
    assert (generic["form"], generic["boxes"], generic["net_payable"], generic["country"]) == (None, [], "0.00", "NZ")


def test_the_vat_return_refuses_bad_ranges_and_unknown_parameters(api, make_tenant):
    tenant = make_tenant()
    books = Books(api, tenant.tenant_id, tenant.headers)
    assert books.call("GET", "/v1/reports/vat-return?from=2026-03-31&to=2026-01-01", expect=400
                      ).json()["error"]["param"] == "to"
    books.call("GET", "/v1/reports/vat-return?from=2026-01-01&to=2026-03-31&period=q1", expect=400)
    books.call("GET", "/v1/reports/vat-return?from=2026-01-01", expect=422)


def test_ch_box_405_shows_the_input_tax_of_bill_lines_on_fixed_asset_accounts(api, make_tenant):
    """Issue 15 leftovers: input tax on investments (lines on a fixed-asset account) is box 405, the rest 400;
    a credit note on the investment line takes it off 405, a void takes the rest; 479 is always their sum."""
    tenant = make_tenant(country="CH", currency="CHF")
    books = Books(api, tenant.tenant_id, tenant.headers)
    machines = books.post("/v1/accounts", {"code": "1500", "name": "Machines", "type": "asset",
                                           "subtype": "fixed"})["id"]
    vendor = books.post("/v1/parties", {"name": "Maschinen AG", "kind": "supplier"})["id"]
    vat = books.tax_codes["VAT81"]
    draft = books.post("/v1/bills", {"supplier_id": vendor, "supplier_reference": "M-1", "bill_date": "2026-02-10",
                                     "lines": [{"description": "Lathe", "unit_price": "1000.00",
                                                "account_id": machines, "tax_code_id": vat},
                                               {"description": "Workshop rent", "unit_price": "400.00",
                                                "account_id": books.accounts["6000"], "tax_code_id": vat}]})
    bill = books.post(f"/v1/bills/{draft['id']}/post", expect=200)
    quarter = "/v1/reports/vat-return?from=2026-01-01&to=2026-03-31"

    def boxes() -> dict[str, str]:
        return {b["box"]: b["amount"] for b in books.get(quarter)["boxes"]}

    assert (boxes()["400"], boxes()["405"], boxes()["479"]) == ("32.40", "81.00", "113.40")
    assert books.get(quarter)["input_tax"] == "113.40"
    summary = {r["code"]: r for r in books.get("/v1/reports/tax-summary?from=2026-01-01&to=2026-03-31")["tax_codes"]}
    assert summary["VAT81"]["purchases_tax"] == "113.40"  # the tax summary still shows the code's whole input tax
    books.post("/v1/supplier-credit-notes", {"bill_id": bill["id"], "amount": "100.00", "date": "2026-02-15"})
    assert (boxes()["400"], boxes()["405"], boxes()["479"]) == ("32.40", "72.90", "105.30")
    second = books.post("/v1/bills", {**draft_body(vendor, machines, vat), "supplier_reference": "M-2"})
    books.post(f"/v1/bills/{second['id']}/post", expect=200)
    assert (boxes()["400"], boxes()["405"]) == ("32.40", "153.90")
    books.post(f"/v1/bills/{second['id']}/void", {"date": "2026-02-20"}, expect=200)
    assert (boxes()["400"], boxes()["405"]) == ("32.40", "72.90")  # the void takes off what the bill posted


def draft_body(vendor: str, account: str, vat: str) -> dict:
    return {"supplier_id": vendor, "bill_date": "2026-02-11", "lines": [
        {"description": "Drill", "unit_price": "1000.00", "account_id": account, "tax_code_id": vat}]}
