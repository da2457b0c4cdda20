"""Test mode (issue 20) on the in-memory unit of work: test keys, the test twin and its provisioning."""

from __future__ import annotations

import pytest

from ledgerline.domain import chart, kinds, test_mode
from ledgerline.domain.api_keys import Principal, digest
from ledgerline.domain.errors import AlreadyExists, Conflict, Forbidden
from ledgerline.services import api_keys, tenants
from ledgerline.store.accounts import Account
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.records import tenant_partition
from ledgerline.store.table import Contention
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import open_unit


def live_admin(books) -> Principal:
    key, _ = api_keys.new_key(books.tenant_id, "Admin key", ["admin"], None)
    books.table.put(key)
    return Principal(books.tenant_id, key.id, ("admin",))


def test_a_live_key_asking_for_a_test_key_makes_the_test_twin_with_that_key_in_one_transaction(books):
    tenants.update_tenant(books.tenant_id, {"number_formats": {"invoice": "A-{SEQ:5}"}, "payment_terms_days": 14},
                          None)
    books.table.transactions = 0
    admin = live_admin(books)
    key, secret = api_keys.issue(admin, "Sandbox", ["invoices:write"], None, livemode=False)
    twin_id = test_mode.test_twin(books.tenant_id)
    assert secret.startswith("ll_test_") and key.tenant_id == twin_id and not key.livemode
    assert books.table.transactions == 1
    assert books.table.get(ApiKey, *ApiKey.key(digest(secret))).tenant_id == twin_id
    twin = books.table.get(Tenant, *Tenant.key(twin_id))
    live = open_unit(books.tenant_id).tenant()
    assert not twin.livemode and live.livemode
    assert (twin.name, twin.base_currency, twin.country, twin.plan) == (live.name, "AUD", "AU", live.plan)
    # the twin copies the live settings, and has its own chart and tax codes
    assert twin.number_format(kinds.SERIES["invoice"]) == "A-{SEQ:5}" and twin.payment_terms_days == 14
    accounts = [a for a in books.table.partition(Account, tenant_partition(twin_id)) if a.sk.startswith("ACCOUNT#")]
    assert sorted(a.code for a in accounts) == sorted(t.code for t in chart.DEFAULT_CHART)
    assert not {a.id for a in accounts} & set(books.accounts.values())
    assert twin.system_accounts.receivable in {a.id for a in accounts}
    tax_codes = [t for t in books.table.partition(TaxCode, tenant_partition(twin_id)) if t.sk.startswith("TAXCODE#")]
    assert {t.code for t in tax_codes} == set(books.tax_codes)
    # the twin's events are its own; the live outbox has none of them
    assert books.table.event_types(twin_id) == ["tenant.created", "api_key.created"]
    assert "api_key.created" not in books.table.event_types(books.tenant_id)
    # only the test key is in the twin: the live admin key is not
    assert [k.id for k in open_unit(twin_id).api_keys()] == [key.id]
    assert key.id not in [k.id for k in open_unit(books.tenant_id).api_keys()]


def test_a_second_test_key_joins_the_twin_and_a_test_key_makes_test_keys_only(books):
    admin = live_admin(books)
    first, _ = api_keys.issue(admin, "Sandbox", ["admin"], None, livemode=False)
    second, _ = api_keys.issue(admin, "Sandbox 2", ["parties:read"], None, livemode=False)
    twin_id = test_mode.test_twin(books.tenant_id)
    assert {k.id for k in open_unit(twin_id).api_keys()} == {first.id, second.id}
    tester = Principal(twin_id, first.id, ("admin",))
    assert not tester.livemode
    by_test, secret = api_keys.issue(tester, "Made by a test key", ["parties:read"], None)
    assert by_test.tenant_id == twin_id and secret.startswith("ll_test_")
    also, _ = api_keys.issue(tester, "Said so", ["parties:read"], None, livemode=False)
    assert also.tenant_id == twin_id
    before = books.table.transactions
    with pytest.raises(Forbidden) as refused:
        api_keys.issue(tester, "Live", ["parties:read"], None, livemode=True)
    assert (refused.value.param, refused.value.code) == ("livemode", "test_mode_key")
    assert books.table.transactions == before
    # a live key asking for a live key, or saying nothing, makes a live key
    live, secret = api_keys.issue(admin, "Live", ["parties:read"], None, livemode=True)
    assert live.tenant_id == books.tenant_id and secret.startswith("ll_live_") and live.livemode


def test_a_test_key_cannot_grant_scopes_its_live_creator_lacks(books):
    reader_key, _ = api_keys.new_key(books.tenant_id, "Reader", ["parties:read"], None)
    books.table.put(reader_key)
    reader = Principal(books.tenant_id, reader_key.id, ("parties:read",))
    with pytest.raises(Forbidden):
        api_keys.issue(reader, "Sandbox", ["parties:write"], None, livemode=False)
    assert tenants.find_test_twin(books.tenant_id) is None


def test_a_test_twin_is_made_once(books):
    twin, secret = tenants.create_test_twin(books.tenant_id)
    assert secret.startswith("ll_test_") and twin.id == test_mode.test_twin(books.tenant_id)
    with pytest.raises((Conflict, Contention, AlreadyExists)):
        tenants.create_test_twin(books.tenant_id)
    with pytest.raises(ValueError):
        tenants.create_test_twin(twin.id)


def test_deactivating_a_tenant_deactivates_its_test_twin_and_revokes_the_test_keys(books):
    tenants.create_test_twin(books.tenant_id)
    twin_id = test_mode.test_twin(books.tenant_id)
    tenants.deactivate_tenant(books.tenant_id)
    assert open_unit(twin_id).tenant().status == "deactivated"
    assert all(k.revoked_at is not None for k in open_unit(twin_id).api_keys())
    assert books.table.event_types(twin_id)[-2:] == ["tenant.deactivated", "api_key.revoked"]
