"""Issue 18 (part QC): `GET /v1/bank-rules` on the query planner: operators on what a rule matches and books
to, sorts by casefolded name and `updated_at`, search over name, value and description, `updated_since`,
`include=total_count`; the list without parameters is as before (every rule, oldest first)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.test_invoice_queries import everything, ids


@pytest.fixture
def three(books):
    expense = next(a for a in books.get("/v1/accounts?limit=100")["data"] if a["type"] == "expense")
    fees = books.post("/v1/bank-rules", {"name": "Bank charges", "field": "text", "value": "Account fee",
                                         "direction": "out", "account_id": expense["id"],
                                         "tax_code_id": books.tax_codes["GST10"]})
    phone = books.post("/v1/bank-rules", {"name": "Telecom", "field": "counterparty", "value": "Swisscom AG",
                                          "operator": "equals", "account_id": expense["id"],
                                          "description": "Monthly phone bill"})
    rent = books.post("/v1/bank-rules", {"name": "rent", "value": "Miete", "account_id": expense["id"]})
    rent = books.call("PATCH", f"/v1/bank-rules/{rent['id']}", {"active": False}, expect=200).json()
    return fees, phone, rent


def test_the_list_without_parameters_is_every_rule_oldest_first(books, three):
    fees, phone, rent = three
    assert ids(books.get("/v1/bank-rules")) == [fees["id"], phone["id"], rent["id"]]
    assert everything(books, "/v1/bank-rules", limit=1) == [fees["id"], phone["id"], rent["id"]]


def test_operators_sorts_search_and_changes(books, three):
    fees, phone, rent = three
    assert ids(books.get("/v1/bank-rules?sort=name:asc")) == [fees["id"], rent["id"], phone["id"]]
    assert ids(books.get("/v1/bank-rules?sort=name:desc,id:desc")) == [phone["id"], rent["id"], fees["id"]]
    assert ids(books.get("/v1/bank-rules?active=false")) == [rent["id"]]
    assert ids(books.get("/v1/bank-rules?active[ne]=false")) == [fees["id"], phone["id"]]
    assert ids(books.get("/v1/bank-rules?field=counterparty")) == [phone["id"]]
    assert ids(books.get("/v1/bank-rules?operator=equals")) == [phone["id"]]
    assert ids(books.get("/v1/bank-rules?direction[in]=in,out")) == [fees["id"]]
    assert ids(books.get(f"/v1/bank-rules?tax_code_id={books.tax_codes['GST10']}")) == [fees["id"]]
    assert ids(books.get("/v1/bank-rules?value[startswith]=SWISS")) == [phone["id"]]
    assert ids(books.get("/v1/bank-rules?name=rent")) == [rent["id"]]
    assert ids(books.get("/v1/bank-rules?search=phone")) == [phone["id"]]
    assert ids(books.get("/v1/bank-rules?search=fee&search_fields=value")) == [fees["id"]]
    since = rent["updated_at"]
    changed = books.get(f"/v1/bank-rules?updated_since={quote(since)}&include=total_count")
    assert ids(changed) == [rent["id"]] and changed["total_count"] == 1 and changed["total_count_exact"] is True
    # a renamed rule moves in the name index (every write path assigns its keys)
    books.call("PATCH", f"/v1/bank-rules/{phone['id']}", {"name": "Anschluss"}, expect=200)
    assert ids(books.get("/v1/bank-rules?sort=name:asc")) == [phone["id"], fees["id"], rent["id"]]


@pytest.mark.parametrize("params, named", [
    ("sort=value:asc", "value"), ("priority=1", "priority"), ("name[gt]=a", "gt"),
    ("search=a&search_fields=account_id", "account_id"), ("sort=name:asc,updated_at:asc", "name:asc,id:asc"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(books, three, params, named):
    assert named in books.call("GET", f"/v1/bank-rules?{params}", expect=400).text


def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(books, three):
    assert "direction" in books.call("GET", "/v1/bank-rules?direction=sideways", expect=422).text
    assert "active" in books.call("GET", "/v1/bank-rules?active=maybe", expect=422).text


def test_bank_rules_saved_before_the_query_indexes_are_indexed_by_reindex(books, three):
    from ledgerline.store.banking import BankRule
    from ledgerline.store.lists import index_query_keys

    fees, phone, rent = three
    record = BankRule.get(*BankRule.key(books.tenant_id, fees["id"]))
    BankRule._get_connection().update_item(record.pk, record.sk, actions=[
        BankRule.gsi4pk.remove(), BankRule.gsi4sk.remove(), BankRule.search_name.remove()])
    assert ids(books.get("/v1/bank-rules?sort=name:asc")) == [rent["id"], phone["id"]]
    assert index_query_keys(books.tenant_id) >= 1
    assert index_query_keys(books.tenant_id) == 0
    assert ids(books.get("/v1/bank-rules?sort=name:asc")) == [fees["id"], rent["id"], phone["id"]]
