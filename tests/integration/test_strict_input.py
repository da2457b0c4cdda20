"""Numbers, booleans and dates at the edge (issue 11, items 14 and 15).

Money, quantities and rates: a JSON number or a plain decimal string (`-?[0-9]+(.[0-9]+)?`), within
the limits the OpenAPI schema states; always answered as plain decimal strings, never in exponent
form. Integers and booleans only as JSON integers and booleans. Dates only as `YYYY-MM-DD`, in bodies
and in query parameters. Anything else is a 422 naming the field, never a 500, and changes nothing.
"""

from __future__ import annotations

import pytest

from tests.integration.books import Books


def _error(response) -> dict:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    return error


def _line(**fields):
    return {"description": "Work", "quantity": "1", "unit_price": "10.00", **fields}


@pytest.mark.parametrize("unit_price", [
    "1_000", "١٠٠", "1E+1", "1e3", " 10", "10 ", "+10", ".5", "5.", "0x10", "NaN", "Infinity", "-", "", "1,000",
    True, [], {},
])
def test_money_is_a_json_number_or_a_plain_decimal_string(books: Books, unit_price):
    customer = books.customer()
    response = books.call("POST", "/v1/invoices", {"customer_id": customer, "lines": [_line(unit_price=unit_price)]})
    error = _error(response)
    assert error["param"] == "lines.0.unit_price"
    assert books.get("/v1/invoices")["data"] == []


@pytest.mark.parametrize("quantity", ["1E+1", "1e1", "10e0", "١", True])
def test_quantities_in_exponent_form_or_other_digits_are_refused(books: Books, quantity):
    response = books.call("POST", "/v1/invoices",
                          {"customer_id": books.customer(), "lines": [_line(quantity=quantity)]})
    assert _error(response)["param"] == "lines.0.quantity"


def test_json_numbers_are_accepted_and_answered_as_plain_strings(books: Books):
    customer = books.customer()
    # 1E+1 and 1e15 as JSON numbers (the parser reads them as floats) are 10 and 1000000000000000
    draft = books.draft(customer, [{"description": "A", "quantity": 1E+1, "unit_price": 2.5},
                                   {"description": "B", "quantity": 1, "unit_price": 1e15}])
    assert [line["quantity"] for line in draft["lines"]] == ["10", "1"]
    assert [line["unit_price"] for line in draft["lines"]] == ["2.50", "1000000000000000.00"]
    assert draft["total"] == "1000000000000025.00"
    again = books.invoice(draft["id"])
    assert [line["quantity"] for line in again["lines"]] == ["10", "1"]
    assert again["total"] == "1000000000000025.00"


def test_json_numbers_too_precise_for_a_float_are_refused(books: Books):
    # 0.1234567890123456789 has lost digits by the time the JSON parser hands it over: ask for a string
    response = books.call("POST", "/v1/invoices", {"customer_id": books.customer(),
                                                   "lines": [_line(unit_price=1234567.891234567)]})
    error = _error(response)
    assert error["param"] == "lines.0.unit_price" and "string" in error["details"][0]["message"]


@pytest.mark.parametrize("quantity", ["1000000000000", "0.0000001", "-1", "0"])
def test_quantity_limits_are_enforced_at_the_edge(books: Books, quantity):
    response = books.call("POST", "/v1/invoices",
                          {"customer_id": books.customer(), "lines": [_line(quantity=quantity)]})
    assert _error(response)["param"] == "lines.0.quantity"


def test_the_largest_quantity_and_price_the_schema_allows_are_accepted(books: Books):
    customer = books.customer()
    draft = books.draft(customer, [_line(quantity="1", unit_price="1000000000000000")])
    assert draft["total"] == "1000000000000000.00"
    draft = books.draft(customer, [_line(quantity="999999999999.999999", unit_price="0.000001")])
    assert draft["lines"][0]["quantity"] == "999999999999.999999"
    assert draft["total"] == "1000000.00"


@pytest.mark.parametrize("unit_price", ["1000000000000000.000001", "10000000000000000", "1" + "0" * 30,
                                        "0." + "1" * 30, 10**40])
def test_amounts_beyond_the_stated_limits_are_a_422_not_a_500(books: Books, unit_price):
    response = books.call("POST", "/v1/invoices",
                          {"customer_id": books.customer(), "lines": [_line(unit_price=unit_price)]})
    assert _error(response)["param"] == "lines.0.unit_price"


def test_a_line_amount_beyond_the_limit_is_a_422_naming_the_line(books: Books):
    # Each factor is within its limit; the product (10^27) is not an amount the books can hold
    response = books.call("POST", "/v1/invoices", {"customer_id": books.customer(), "lines": [
        _line(quantity="999999999999", unit_price="1000000000000000")]})
    error = _error(response)
    assert error["param"].startswith("lines.0")
    assert books.get("/v1/invoices")["data"] == []


def test_a_line_priced_from_an_item_beyond_the_limit_is_a_422(books: Books):
    item = books.post("/v1/items", {"code": "BIG", "name": "Big", "unit_price": "1000000000000000"})
    response = books.call("POST", "/v1/invoices", {"customer_id": books.customer(), "lines": [
        {"item_id": item["id"], "quantity": "1000"}]})
    assert _error(response)["param"].startswith("lines.0")


def test_receipt_amounts_beyond_the_limit_are_a_422(books: Books):
    body = {"customer_id": books.customer(), "amount": "1" + "0" * 29, "account_id": books.accounts["1010"]}
    assert _error(books.call("POST", "/v1/receipts", body))["param"] == "amount"


@pytest.mark.parametrize("value", [True, False, "30", 30.0, "thirty"])
def test_payment_terms_days_is_an_integer_only(books: Books, value):
    error = _error(books.call("POST", "/v1/parties", {"name": "Initech", "payment_terms_days": value}))
    assert error["param"] == "payment_terms_days"
    error = _error(books.call("POST", "/v1/invoices", {"customer_id": books.customer(), "lines": [_line()],
                                                       "payment_terms_days": value}))
    assert error["param"] == "payment_terms_days"
    assert _error(books.call("PATCH", "/v1/tenant", {"payment_terms_days": value}))["param"] == "payment_terms_days"


@pytest.mark.parametrize("value", ["true", 1, 0, "yes", "on"])
def test_booleans_are_booleans_only(books: Books, value):
    error = _error(books.call("POST", "/v1/invoices", {"customer_id": books.customer(), "lines": [_line()],
                                                       "prices_include_tax": value}))
    assert error["param"] == "prices_include_tax"
    assert _error(books.call("PATCH", "/v1/tenant", {"cash_rounding": value}))["param"] == "cash_rounding"


@pytest.mark.parametrize("value", [0, 1700000000, "0", "1700000000", "2026-02-01T00:00:00", "2026-2-1", "20260201",
                                   "２０２６-０２-０１", True])
def test_dates_are_yyyy_mm_dd_only_in_bodies(books: Books, value):
    error = _error(books.call("POST", "/v1/invoices", {"customer_id": books.customer(), "lines": [_line()],
                                                       "issue_date": value}))
    assert error["param"] == "issue_date"
    assert _error(books.call("PATCH", "/v1/tenant", {"lock_date": value}))["param"] == "lock_date"


@pytest.mark.parametrize("path", ["/v1/invoices", "/v1/receipts", "/v1/credit-notes", "/v1/journal-entries",
                                  "/v1/events", "/v1/reminders"])
@pytest.mark.parametrize("value", ["0", "1700000000", "2026-02-01T00:00:00"])
def test_dates_are_yyyy_mm_dd_only_in_query_parameters(books: Books, path, value):
    error = _error(books.call("GET", f"{path}?to_date={value}"))
    assert error["param"] == "to_date"


def test_report_dates_are_yyyy_mm_dd_only(books: Books):
    assert _error(books.call("GET", "/v1/reports/trial-balance?as_of=0"))["param"] == "as_of"
    assert _error(books.call("GET", "/v1/reports/tax-summary?from=0&to=2026-01-31"))["param"] == "from"


def test_plain_dates_still_work_in_query_parameters(books: Books):
    assert books.get("/v1/invoices?from_date=2026-02-01&to_date=2026-02-28")["data"] == []
    ledger = books.get(f"/v1/accounts/{books.accounts['1100']}/ledger?from_date=2026-02-01&to_date=2026-02-28")
    assert ledger["data"] == []
    assert _error(books.call("GET", f"/v1/accounts/{books.accounts['1100']}/ledger?to_date=0"))["param"] == "to_date"


def test_rates_are_answered_plain(books: Books):
    tax = books.post("/v1/tax-codes", {"code": "R1", "name": "R", "rate": 1E+1, "account_id": books.accounts["2200"]})
    assert tax["rate"] == "10"
    assert _error(books.call("POST", "/v1/tax-codes", {"code": "R2", "name": "R", "rate": "1E+1",
                                                       "account_id": books.accounts["2200"]}))["param"] == "rate"
