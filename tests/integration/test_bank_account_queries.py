"""Issue 18 (part Q2): `GET /v1/bank-accounts` on the query planner: operators, sorts by casefolded name and
`updated_at`, search over name and IBAN, `updated_since`, `include=total_count`, and the older `archived=`
filter unchanged."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.test_banking import bank_account, chf  # noqa: F401  (the CHF tenant fixture)
from tests.integration.test_invoice_queries import everything, ids


@pytest.fixture
def three(chf):  # noqa: F811
    zkb = bank_account(chf, is_default=True)
    post = bank_account(chf, name="PostFinance Savings", iban="DE89 3704 0044 0532 0130 00", bic=None)
    old = bank_account(chf, name="Alte Bank", iban=None, bic=None)
    old = chf.call("PATCH", f"/v1/bank-accounts/{old['id']}", {"archived": True}, expect=200).json()
    return zkb, post, old


def test_the_older_archived_filter_keeps_its_meaning(chf, three):  # noqa: F811
    zkb, post, old = three
    assert ids(chf.get("/v1/bank-accounts")) == [zkb["id"], post["id"]]
    assert ids(chf.get("/v1/bank-accounts?archived=true")) == [old["id"]]
    assert ids(chf.get("/v1/bank-accounts?archived=false")) == [zkb["id"], post["id"]]
    assert ids(chf.get("/v1/bank-accounts?archived[ne]=false")) == [old["id"]]
    assert everything(chf, "/v1/bank-accounts", limit=1) == [zkb["id"], post["id"]]


def test_operators_sorts_search_and_changes(chf, three):  # noqa: F811
    zkb, post, old = three
    assert ids(chf.get("/v1/bank-accounts?sort=name:asc")) == [post["id"], zkb["id"]]
    assert ids(chf.get("/v1/bank-accounts?sort=name:desc,id:desc")) == [zkb["id"], post["id"]]
    assert ids(chf.get("/v1/bank-accounts?name[startswith]=POST")) == [post["id"]]
    assert ids(chf.get("/v1/bank-accounts?iban[contains]=de89")) == [post["id"]]
    assert ids(chf.get("/v1/bank-accounts?is_default=true")) == [zkb["id"]]
    assert ids(chf.get("/v1/bank-accounts?currency=CHF&search=zkb")) == [zkb["id"]]
    assert ids(chf.get("/v1/bank-accounts?search=ch93&search_fields=iban")) == [zkb["id"]]
    assert ids(chf.get(f"/v1/bank-accounts?account_id={post['account_id']}")) == [post["id"]]
    since = chf.get(f"/v1/bank-accounts/{post['id']}")["updated_at"]
    changed = chf.get(f"/v1/bank-accounts?updated_since={quote(since)}&include=total_count")
    assert ids(changed) == [post["id"]] and changed["total_count"] == 1 and changed["total_count_exact"] is True
    assert ids(chf.get(f"/v1/bank-accounts?updated_since={quote(since)}&archived=true")) == [old["id"]]


@pytest.mark.parametrize("params, named", [
    ("sort=iban:asc", "iban"), ("number=1", "number"), ("name[gt]=a", "gt"),
    ("search=a&search_fields=bic", "bic"), ("sort=name:asc,updated_at:asc", "name:asc,id:asc"),
])
def test_what_the_list_does_not_declare_is_a_400_naming_it(chf, three, params, named):  # noqa: F811
    assert named in chf.call("GET", f"/v1/bank-accounts?{params}", expect=400).text


def test_a_value_of_the_wrong_type_is_a_422_naming_the_parameter(chf, three):  # noqa: F811
    assert "is_default" in chf.call("GET", "/v1/bank-accounts?is_default=maybe", expect=422).text


def test_bank_accounts_saved_before_the_query_indexes_are_indexed_by_reindex(chf, three):  # noqa: F811
    from ledgerline.store.banking import BankAccount
    from ledgerline.store.lists import index_query_keys

    zkb, _, _ = three
    record = BankAccount.get(*BankAccount.key(chf.tenant_id, zkb["id"]))
    BankAccount._get_connection().update_item(record.pk, record.sk, actions=[
        BankAccount.gsi4pk.remove(), BankAccount.gsi4sk.remove(), BankAccount.search_name.remove()])
    assert ids(chf.get("/v1/bank-accounts?sort=name:asc")) == [three[1]["id"]]
    assert index_query_keys(chf.tenant_id) >= 1
    assert index_query_keys(chf.tenant_id) == 0
    assert ids(chf.get("/v1/bank-accounts?sort=name:asc")) == [three[1]["id"], zkb["id"]]
