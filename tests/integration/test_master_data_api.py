"""Parties, items, accounts and tax codes through the HTTP API: create, read, list, change, archive, refuse."""

from __future__ import annotations

import pytest

from ledgerline.domain.chart import DEFAULT_CHART
from tests.integration.factories import (
    RESOURCES,
    account_id,
    assert_error,
    create,
    detail_fields,
    ids,
    list_all,
    tax_code_id,
    unique,
    valid_body,
)

CODED = ("items", "accounts", "tax-codes")


# ------------------------------------------------------------------ create and read


def test_create_and_get_a_party(api, tenant):
    # Given a full party body
    body = {"name": "Globex Corporation", "kind": "both", "email": "ap@globex.example", "tax_id": "51 824 753 556",
            "address": {"line1": "1 Market St", "city": "Sydney", "postal_code": "2000", "country": "au"},
            "currency": "usd", "payment_terms_days": 14}
    # When it is created
    created = api.post("/v1/parties", json=body, headers=tenant.headers)
    # Then it is stored with an id, version 1 as ETag, normalised codes and no surprises
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    party = created.json()
    assert party["id"].startswith("pty_") and party["object"] == "party"
    assert party["version"] == 1 and party["archived"] is False
    assert party["currency"] == "USD" and party["address"]["country"] == "AU"
    assert party["payment_terms_days"] == 14 and party["kind"] == "both"
    # And reading it back gives the same representation
    read = api.get(f"/v1/parties/{party['id']}", headers=tenant.headers)
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    assert read.json() == party


def test_create_and_get_an_item_with_money_as_decimal_strings(api, tenant):
    # Given an item priced "150.00" that charges GST10 and books to Services
    gst = tax_code_id(api, tenant.headers, "GST10")
    revenue = account_id(api, tenant.headers, "sales")
    body = {"code": "CONSULT", "name": "Consulting hour", "unit_price": "150.00", "unit": "hour",
            "tax_code_id": gst, "revenue_account_id": revenue, "description": "Senior consultant"}
    # When it is created
    created = api.post("/v1/items", json=body, headers=tenant.headers)
    # Then money comes back as a decimal string with the currency's minor units
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    item = created.json()
    assert item["unit_price"] == "150.00"
    assert (item["code"], item["tax_code_id"], item["revenue_account_id"]) == ("CONSULT", gst, revenue)
    # And reading it back (after DynamoDB stored it as a number) gives the same strings
    read = api.get(f"/v1/items/{item['id']}", headers=tenant.headers)
    assert read.status_code == 200
    assert read.json() == item
    assert [i["unit_price"] for i in list_all(api, "/v1/items", tenant.headers)] == ["150.00"]


@pytest.mark.parametrize(("sent", "shown"), [(99.5, "99.50"), (12, "12.00"), ("0.125", "0.125"), ("7.1", "7.10")])
def test_unit_prices_accept_numbers_and_strings_and_keep_extra_precision(api, tenant, sent, shown):
    item = create(api, tenant.headers, "items", unit_price=sent)
    assert item["unit_price"] == shown
    assert api.get(f"/v1/items/{item['id']}", headers=tenant.headers).json()["unit_price"] == shown


def test_unit_prices_follow_the_tenant_currency_minor_units(api, make_tenant):
    idr = make_tenant(country="ID", currency="IDR")
    item = create(api, idr.headers, "items", unit_price="555000")
    assert item["unit_price"] == "555000"
    assert api.get(f"/v1/items/{item['id']}", headers=idr.headers).json()["unit_price"] == "555000"


def test_create_and_get_an_account(api, tenant):
    created = api.post("/v1/accounts", json={"code": "1020", "name": "Savings", "type": "asset", "subtype": "bank",
                                             "description": "Online saver"}, headers=tenant.headers)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    account = created.json()
    assert account["id"].startswith("acc_") and account["object"] == "account"
    assert (account["code"], account["type"], account["subtype"]) == ("1020", "asset", "bank")
    read = api.get(f"/v1/accounts/{account['id']}", headers=tenant.headers)
    assert read.status_code == 200 and read.json() == account


@pytest.mark.parametrize(("sent", "shown"), [("10", "10"), (10, "10"), (8.1, "8.1"), ("2.6", "2.6"), ("0", "0")])
def test_create_and_get_a_tax_code_with_the_rate_as_a_percentage_string(api, tenant, sent, shown):
    tax_account = account_id(api, tenant.headers, "tax")
    created = api.post("/v1/tax-codes", json={"code": unique("VAT"), "name": "VAT", "rate": sent,
                                              "account_id": tax_account}, headers=tenant.headers)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    tax_code = created.json()
    assert tax_code["rate"] == shown and tax_code["active"] is True and tax_code["account_id"] == tax_account
    read = api.get(f"/v1/tax-codes/{tax_code['id']}", headers=tenant.headers)
    assert read.status_code == 200 and read.json() == tax_code


def test_a_tax_code_without_account_books_to_the_sales_tax_account(api, tenant):
    # Issue 11.28: account_id defaults to the tenant's sales tax account (2200), named in the tenant's settings
    created = api.post("/v1/tax-codes", json={"code": unique("GST"), "name": "GST", "rate": "10"},
                       headers=tenant.headers)
    assert created.status_code == 201, created.text
    accounts = api.get("/v1/tenant", headers=tenant.headers).json()["system_accounts"]
    sales_tax = api.get(f"/v1/accounts/{accounts['sales_tax']}", headers=tenant.headers).json()
    assert created.json()["account_id"] == sales_tax["id"] and sales_tax["code"] == "2200"


def test_trailing_zeros_of_a_rate_do_not_change_what_is_read_back(api, tenant):
    tax_code = create(api, tenant.headers, "tax-codes", rate="10.00")
    assert tax_code["rate"] == api.get(f"/v1/tax-codes/{tax_code['id']}", headers=tenant.headers).json()["rate"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_get_of_an_unknown_id_is_404(api, tenant, resource):
    assert_error(api.get(f"/v1/{resource}/nope_01", headers=tenant.headers), 404, "resource_missing",
                 type="invalid_request_error")


# ------------------------------------------------------------------ lists, filters and cursors


def test_parties_filter_by_kind_email_and_archived(api, tenant):
    # Given customers, a supplier, a party that is both, and an archived customer
    customer = create(api, tenant.headers, "parties", kind="customer", email="c@example.com")
    supplier = create(api, tenant.headers, "parties", kind="supplier", email="s@example.com")
    both = create(api, tenant.headers, "parties", kind="both", email="b@example.com")
    archived = create(api, tenant.headers, "parties", kind="customer", email="c@example.com")
    assert api.delete(f"/v1/parties/{archived['id']}", headers=tenant.headers).status_code == 200
    h = tenant.headers
    # Then kind filters treat "both" as either, email matches exactly, archived ones are apart
    assert set(ids(list_all(api, "/v1/parties", h))) == {customer["id"], supplier["id"], both["id"]}
    assert set(ids(list_all(api, "/v1/parties", h, kind="customer"))) == {customer["id"], both["id"]}
    assert set(ids(list_all(api, "/v1/parties", h, kind="supplier"))) == {supplier["id"], both["id"]}
    assert ids(list_all(api, "/v1/parties", h, kind="both")) == [both["id"]]
    assert ids(list_all(api, "/v1/parties", h, email="c@example.com")) == [customer["id"]]
    assert ids(list_all(api, "/v1/parties", h, email="c@example.com", archived="true")) == [archived["id"]]
    assert ids(list_all(api, "/v1/parties", h, email="nobody@example.com")) == []
    assert ids(list_all(api, "/v1/parties", h, archived="true")) == [archived["id"]]
    # And an unknown kind is a 422 naming the parameter
    error = assert_error(api.get("/v1/parties", params={"kind": "vendor"}, headers=h), 422, "validation_error")
    assert detail_fields(error) == {"kind"}


def test_accounts_filter_by_type_and_subtype(api, tenant):
    h = tenant.headers
    chart = list_all(api, "/v1/accounts", h)
    assert len(chart) == len(DEFAULT_CHART)  # 19: issue 15 added 2300 and 1400
    revenue = list_all(api, "/v1/accounts", h, type="revenue")
    assert revenue and all(a["type"] == "revenue" for a in revenue)
    assert {a["code"] for a in revenue} == {a["code"] for a in chart if a["type"] == "revenue"}
    tax = list_all(api, "/v1/accounts", h, subtype="tax")
    assert {(a["type"], a["code"]) for a in tax} == {("asset", "1300"), ("liability", "2200")}
    assert [a["code"] for a in list_all(api, "/v1/accounts", h, type="liability", subtype="tax")] == ["2200"]
    assert list_all(api, "/v1/accounts", h, type="equity", subtype="bank") == []
    assert_error(api.get("/v1/accounts", params={"type": "income"}, headers=h), 422, "validation_error")


def test_tax_codes_filter_by_active(api, tenant):
    h = tenant.headers
    inactive = create(api, h, "tax-codes", active=False)
    active_codes = {t["code"] for t in list_all(api, "/v1/tax-codes", h, active="true")}
    assert active_codes == {"GST10", "GSTFREE"}
    assert ids(list_all(api, "/v1/tax-codes", h, active="false")) == [inactive["id"]]
    assert len(list_all(api, "/v1/tax-codes", h)) == 3


@pytest.mark.parametrize("resource", RESOURCES)
def test_cursor_pagination_walks_every_record_once(api, tenant, resource):
    # Given seven new records on top of whatever the tenant starts with
    for _ in range(7):
        create(api, tenant.headers, resource)
    everything = ids(list_all(api, f"/v1/{resource}", tenant.headers, limit=100))
    assert len(everything) >= 7
    # When the list is walked two at a time
    walked = ids(list_all(api, f"/v1/{resource}", tenant.headers, limit=2))
    # Then every record appears exactly once, in the same order, and the last page says so
    assert walked == everything
    assert len(set(walked)) == len(walked)


def test_pagination_with_a_filter_and_an_exact_multiple_of_the_page_size(api, tenant):
    for _ in range(4):
        create(api, tenant.headers, "parties", kind="supplier")
    for _ in range(3):
        create(api, tenant.headers, "parties", kind="customer")
    pages = []
    cursor = None
    while True:
        params = {"kind": "supplier", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/parties", params=params, headers=tenant.headers).json()
        pages.append(page)
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert [len(p["data"]) for p in pages] == [2, 2]
    assert pages[-1]["next_cursor"] is None
    assert all(p["kind"] == "supplier" for page in pages for p in page["data"])


@pytest.mark.parametrize("limit", [0, 101, -1, "ten"])
def test_limit_out_of_range_is_a_422(api, tenant, limit):
    error = assert_error(api.get("/v1/parties", params={"limit": limit}, headers=tenant.headers), 422,
                         "validation_error")
    assert detail_fields(error) == {"limit"}


# ------------------------------------------------------------------ PATCH with If-Match

CHANGES = {
    "parties": {"name": "Renamed Ltd", "payment_terms_days": 7},
    "items": {"name": "Renamed item", "unit_price": "99.95"},
    "accounts": {"name": "Renamed account", "description": "changed"},
    "tax-codes": {"name": "Renamed tax", "rate": "12.5", "active": False},
}


@pytest.mark.parametrize("resource", RESOURCES)
def test_patch_with_the_current_version_applies_and_bumps_the_version(api, tenant, resource):
    record = create(api, tenant.headers, resource)
    changes = CHANGES[resource]
    response = api.patch(f"/v1/{resource}/{record['id']}", json=changes,
                         headers={**tenant.headers, "If-Match": '"1"'})
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    updated = response.json()
    assert updated["version"] == 2
    assert {k: updated[k] for k in changes} == changes
    # Fields not sent stay as they were
    untouched = {k: v for k, v in record.items() if k not in changes and k not in ("version", "updated_at")}
    assert {k: updated[k] for k in untouched} == untouched
    assert api.get(f"/v1/{resource}/{record['id']}", headers=tenant.headers).json() == updated
    # And a PATCH without If-Match is unconditional
    again = api.patch(f"/v1/{resource}/{record['id']}", json={"name": "Third name"}, headers=tenant.headers)
    assert again.status_code == 200 and again.json()["version"] == 3


@pytest.mark.parametrize("resource", RESOURCES)
def test_patch_with_a_stale_version_is_412_and_changes_nothing(api, tenant, resource):
    record = create(api, tenant.headers, resource)
    assert api.patch(f"/v1/{resource}/{record['id']}", json={"name": "First change"},
                     headers=tenant.headers).status_code == 200
    stale = api.patch(f"/v1/{resource}/{record['id']}", json={"name": "Lost update"},
                      headers={**tenant.headers, "If-Match": '"1"'})
    assert_error(stale, 412, "version_mismatch", type="invalid_request_error")
    current = api.get(f"/v1/{resource}/{record['id']}", headers=tenant.headers).json()
    assert (current["name"], current["version"]) == ("First change", 2)


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("if_match", ["abc", '"1.0"', "-1"])
def test_patch_with_a_malformed_if_match_is_400(api, tenant, resource, if_match):
    record = create(api, tenant.headers, resource)
    response = api.patch(f"/v1/{resource}/{record['id']}", json={"name": "Never"},
                         headers={**tenant.headers, "If-Match": if_match})
    error = assert_error(response, 400, "invalid_if_match", type="invalid_request_error")
    assert error["param"] == "If-Match"
    assert api.get(f"/v1/{resource}/{record['id']}", headers=tenant.headers).json() == record


@pytest.mark.parametrize("resource", RESOURCES)
def test_patch_of_an_unknown_id_is_404(api, tenant, resource):
    assert_error(api.patch(f"/v1/{resource}/nope_01", json={"name": "x"}, headers=tenant.headers), 404,
                 "resource_missing")


# ------------------------------------------------------------------ DELETE archives


@pytest.mark.parametrize("resource", RESOURCES)
def test_delete_archives_and_the_record_moves_to_the_archived_list(api, tenant, resource):
    # Given a record and another one that stays
    record = create(api, tenant.headers, resource)
    keep = create(api, tenant.headers, resource)
    # When it is deleted
    response = api.delete(f"/v1/{resource}/{record['id']}", headers={**tenant.headers, "If-Match": '"1"'})
    # Then it is archived, not gone
    assert response.status_code == 200, response.text
    assert response.json()["archived"] is True and response.json()["version"] == 2
    assert response.headers["ETag"] == '"2"'
    read = api.get(f"/v1/{resource}/{record['id']}", headers=tenant.headers)
    assert read.status_code == 200 and read.json()["archived"] is True
    # And it leaves the default list for the archived one
    active = ids(list_all(api, f"/v1/{resource}", tenant.headers))
    assert record["id"] not in active and keep["id"] in active
    assert ids(list_all(api, f"/v1/{resource}", tenant.headers, archived="true")) == [record["id"]]


@pytest.mark.parametrize("resource", RESOURCES)
def test_delete_with_a_stale_if_match_is_412_and_keeps_the_record(api, tenant, resource):
    record = create(api, tenant.headers, resource)
    assert_error(api.delete(f"/v1/{resource}/{record['id']}", headers={**tenant.headers, "If-Match": '"5"'}),
                 412, "version_mismatch")
    assert record["id"] in ids(list_all(api, f"/v1/{resource}", tenant.headers))


@pytest.mark.parametrize("resource", RESOURCES)
def test_delete_of_an_unknown_id_is_404(api, tenant, resource):
    assert_error(api.delete(f"/v1/{resource}/nope_01", headers=tenant.headers), 404, "resource_missing")


# ------------------------------------------------------------------ bad input writes nothing

# (resource, body changes from a valid body, fields the 422 must name). None removes a field.
UNKNOWN_FIELDS = {"colour", "address.street", "extra", "price", "balance"}
BAD_CREATES = [
    ("parties", {"name": None}, {"name"}),
    ("parties", {"name": ""}, {"name"}),
    ("parties", {"name": 42}, {"name"}),
    ("parties", {"payment_terms_days": "two weeks"}, {"payment_terms_days"}),
    ("parties", {"payment_terms_days": -1}, {"payment_terms_days"}),
    ("parties", {"colour": "blue"}, {"colour"}),
    ("parties", {"address": {"street": "1 Main St"}}, {"address.street"}),
    ("parties", {"address": {"country": "Australia"}}, {"address.country"}),
    ("parties", {"currency": "XYZ"}, {"currency"}),
    ("parties", {"currency": 36}, {"currency"}),
    ("parties", {"email": "not-an-email"}, {"email"}),
    ("parties", {"kind": "vendor"}, {"kind"}),
    ("parties", {"name": None, "email": "x@", "currency": "EURO", "extra": 1}, {"name", "email", "currency", "extra"}),
    ("items", {"name": None}, {"name"}),
    ("items", {"code": None}, {"code"}),
    ("items", {"code": "has space"}, {"code"}),
    ("items", {"unit_price": "-0.01"}, {"unit_price"}),
    ("items", {"unit_price": "abc"}, {"unit_price"}),
    ("items", {"unit_price": "NaN"}, {"unit_price"}),
    ("items", {"unit_price": "1.0000001"}, {"unit_price"}),
    ("items", {"price": "10"}, {"price"}),
    ("items", {"tax_code_id": "txc_doesnotexist"}, {"tax_code_id"}),
    ("items", {"revenue_account_id": "acc_doesnotexist"}, {"revenue_account_id"}),
    ("accounts", {"name": None}, {"name"}),
    ("accounts", {"type": "income"}, {"type"}),
    ("accounts", {"type": None}, {"type"}),
    ("accounts", {"type": "revenue", "subtype": "bank"}, {"subtype"}),
    ("accounts", {"type": "asset", "subtype": "retained_earnings"}, {"subtype"}),
    ("accounts", {"balance": "0"}, {"balance"}),
    ("tax-codes", {"name": None}, {"name"}),
    ("tax-codes", {"rate": "100.01"}, {"rate"}),
    ("tax-codes", {"rate": 101}, {"rate"}),
    ("tax-codes", {"rate": "-1"}, {"rate"}),
    ("tax-codes", {"rate": "ten"}, {"rate"}),
    ("tax-codes", {"rate": None}, {"rate"}),
    ("tax-codes", {"account_id": 42}, {"account_id"}),  # was None, which now means the sales tax account (11.28)
    ("tax-codes", {"account_id": "acc_doesnotexist"}, {"account_id"}),
    ("tax-codes", {"active": "maybe"}, {"active"}),
]


@pytest.mark.parametrize(("resource", "changes", "fields"), BAD_CREATES,
                         ids=[f"{r}-{'+'.join(sorted(f))}-{i}" for i, (r, _, f) in enumerate(BAD_CREATES)])
def test_invalid_create_is_a_422_naming_each_bad_field_and_writes_nothing(api, tenant, resource, changes, fields):
    # Given the records the tenant has
    before = list_all(api, f"/v1/{resource}", tenant.headers)
    body = valid_body(api, tenant.headers, resource)
    for field, value in changes.items():
        if value is None:
            body.pop(field, None)
        else:
            body[field] = value
    # When a body with bad fields is sent
    response = api.post(f"/v1/{resource}", json=body, headers=tenant.headers)
    # Then it is a 422 that names exactly those fields
    error = assert_error(response, 422, "validation_error", type="invalid_request_error")
    assert detail_fields(error) == fields, error["details"]
    assert error["param"] in fields
    for detail in error["details"]:
        assert (detail["message"] == "unknown field") == (detail["field"] in UNKNOWN_FIELDS), detail
    # And nothing was written
    assert list_all(api, f"/v1/{resource}", tenant.headers) == before


def test_an_item_cannot_use_another_tenants_tax_code(api, make_tenant):
    # Given two tenants, each with its own GST10
    a, b = make_tenant(), make_tenant()
    a_gst = tax_code_id(api, a.headers, "GST10")
    # When B creates an item that points at A's tax code
    response = api.post("/v1/items", json={"code": "X1", "name": "X", "tax_code_id": a_gst}, headers=b.headers)
    # Then it is refused exactly like an id that does not exist, and nothing is written
    error = assert_error(response, 422, "validation_error")
    assert detail_fields(error) == {"tax_code_id"}
    assert list_all(api, "/v1/items", b.headers) == []
    # And B cannot move one of its items to A's tax code either
    item = create(api, b.headers, "items")
    patch = api.patch(f"/v1/items/{item['id']}", json={"tax_code_id": a_gst}, headers=b.headers)
    assert detail_fields(assert_error(patch, 422, "validation_error")) == {"tax_code_id"}
    assert api.get(f"/v1/items/{item['id']}", headers=b.headers).json() == item
    # While its own GST10 is fine
    own = api.post("/v1/items", json={"code": "X1", "name": "X", "tax_code_id": tax_code_id(api, b.headers, "GST10")},
                   headers=b.headers)
    assert own.status_code == 201, own.text


@pytest.mark.parametrize(
    ("resource", "changes", "fields"),
    [
        ("parties", {"name": None}, {"name"}),
        ("parties", {"email": "nope"}, {"email"}),
        ("parties", {"currency": "ABC"}, {"currency"}),
        ("parties", {"kind": "both", "colour": "red"}, {"colour"}),
        ("items", {"unit_price": "-5"}, {"unit_price"}),
        ("items", {"tax_code_id": "txc_missing"}, {"tax_code_id"}),
        ("accounts", {"subtype": "receivable", "name": "Sales"}, {"subtype"}),
        ("accounts", {"type": "asset"}, {"type"}),
        ("tax-codes", {"rate": "100.5"}, {"rate"}),
        ("tax-codes", {"account_id": "acc_missing"}, {"account_id"}),
    ],
)
def test_invalid_patch_is_a_422_and_changes_nothing(api, tenant, resource, changes, fields):
    record = create(api, tenant.headers, resource)
    response = api.patch(f"/v1/{resource}/{record['id']}", json=changes, headers=tenant.headers)
    error = assert_error(response, 422, "validation_error")
    assert detail_fields(error) == fields, error["details"]
    assert api.get(f"/v1/{resource}/{record['id']}", headers=tenant.headers).json() == record


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("payload", [b"{not json", b'{"name": "x",}', b"", b"[1, 2"])
def test_malformed_json_is_a_400_and_writes_nothing(api, tenant, resource, payload):
    before = list_all(api, f"/v1/{resource}", tenant.headers)
    response = api.post(f"/v1/{resource}", content=payload,
                        headers={**tenant.headers, "Content-Type": "application/json"})
    if payload == b"":
        # An empty body is a missing body: a validation error, not a crash
        assert_error(response, 422, "validation_error")
    else:
        assert_error(response, 400, "invalid_json", type="invalid_request_error")
    assert list_all(api, f"/v1/{resource}", tenant.headers) == before


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_json_body_that_is_not_an_object_is_a_422(api, tenant, resource):
    before = list_all(api, f"/v1/{resource}", tenant.headers)
    for payload in ([1, 2], "name", 7):
        response = api.post(f"/v1/{resource}", json=payload, headers=tenant.headers)
        assert_error(response, 422, "validation_error")
    # No body at all (nor a JSON content type) is a malformed request
    assert_error(api.post(f"/v1/{resource}", headers=tenant.headers), 400, "unsupported_content_type")
    # And JSON sent without its content type is told so, instead of a puzzling validation error
    plain = api.post(f"/v1/{resource}", content=b'{"name": "X"}', headers=tenant.headers)
    assert_error(plain, 400, "unsupported_content_type")
    assert list_all(api, f"/v1/{resource}", tenant.headers) == before


# ------------------------------------------------------------------ unique codes


@pytest.mark.parametrize("resource", CODED)
def test_a_duplicate_code_is_a_409_and_writes_nothing(api, tenant, resource):
    # Given a record with a code
    first = create(api, tenant.headers, resource)
    before = list_all(api, f"/v1/{resource}", tenant.headers)
    # When another record is created with the same code
    body = {**valid_body(api, tenant.headers, resource), "code": first["code"]}
    response = api.post(f"/v1/{resource}", json=body, headers=tenant.headers)
    # Then it is a conflict naming the code, and nothing was written
    error = assert_error(response, 409, "duplicate_code", type="invalid_request_error")
    assert error["param"] == "code"
    assert list_all(api, f"/v1/{resource}", tenant.headers) == before


@pytest.mark.parametrize("resource", CODED)
def test_patching_a_code_to_one_in_use_is_a_409_and_changes_nothing(api, tenant, resource):
    first = create(api, tenant.headers, resource)
    second = create(api, tenant.headers, resource)
    response = api.patch(f"/v1/{resource}/{second['id']}", json={"code": first["code"], "name": "Changed"},
                         headers={**tenant.headers, "If-Match": '"1"'})
    assert_error(response, 409, "duplicate_code")
    assert api.get(f"/v1/{resource}/{second['id']}", headers=tenant.headers).json() == second
    assert api.get(f"/v1/{resource}/{first['id']}", headers=tenant.headers).json() == first
    # And the second record's own code is still reserved for it
    again = api.post(f"/v1/{resource}", json={**valid_body(api, tenant.headers, resource), "code": second["code"]},
                     headers=tenant.headers)
    assert_error(again, 409, "duplicate_code")


def test_default_chart_and_tax_codes_reserve_their_codes(api, tenant):
    taken_account = api.post("/v1/accounts", json={"code": "1100", "name": "AR 2", "type": "asset"},
                             headers=tenant.headers)
    assert_error(taken_account, 409, "duplicate_code")
    taken_tax = api.post("/v1/tax-codes", json={"code": "GST10", "name": "x", "rate": "10",
                                                "account_id": account_id(api, tenant.headers, "tax")},
                         headers=tenant.headers)
    assert_error(taken_tax, 409, "duplicate_code")


def test_codes_are_unique_per_tenant_not_globally(api, make_tenant):
    a, b = make_tenant(), make_tenant()
    create(api, a.headers, "items", code="SHARED-CODE")
    assert create(api, b.headers, "items", code="SHARED-CODE")["code"] == "SHARED-CODE"


@pytest.mark.parametrize("resource", CODED)
def test_changing_a_code_frees_the_old_one(api, tenant, resource):
    # Given a record with code OLD
    old_code = unique("OLD")
    record = create(api, tenant.headers, resource, code=old_code)
    # When its code is changed
    new_code = unique("NEW")
    changed = api.patch(f"/v1/{resource}/{record['id']}", json={"code": new_code}, headers=tenant.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["code"] == new_code
    # Then a new record can take the old code, and the new code is taken
    taker = create(api, tenant.headers, resource, code=old_code)
    assert taker["code"] == old_code
    duplicate = api.post(f"/v1/{resource}", json={**valid_body(api, tenant.headers, resource), "code": new_code},
                         headers=tenant.headers)
    assert_error(duplicate, 409, "duplicate_code")


def test_patching_a_record_to_its_own_code_is_fine(api, tenant):
    item = create(api, tenant.headers, "items")
    response = api.patch(f"/v1/items/{item['id']}", json={"code": item["code"], "name": "Same code"},
                         headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2
