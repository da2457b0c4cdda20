"""Creating a tenant and changing its settings on the in-memory unit of work (the integration tier's
test_tenant_cli.py, test_tenant_provisioner.py and test_number_formats.py are the spec)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ledgerline.domain import chart, kinds
from ledgerline.domain.api_keys import digest
from ledgerline.domain.documents import PeriodClosed
from ledgerline.domain.errors import PreconditionFailed, ValidationFailed
from ledgerline.services import periods, tenants
from ledgerline.store.accounts import Account
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.codes import CodeGuard
from ledgerline.store.memory import MemoryTable, MemoryUnitOfWork
from ledgerline.store.records import tenant_partition
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenant_directory import TenantListing
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import open_unit, using


def test_a_tenant_starts_with_its_chart_tax_codes_admin_key_and_listing_in_one_transaction():
    table = MemoryTable()
    with using(table.unit):
        tenant, secret = tenants.create_tenant(name="Acme", base_currency="AUD", country="au",
                                               number_formats={"invoice": "A-{SEQ:5}"})
    assert table.transactions == 1
    stored = table.get(Tenant, *Tenant.key(tenant.id))
    assert (stored.country, stored.status, stored.version) == ("AU", "active", 1)
    assert stored.number_format(kinds.SERIES["invoice"]) == "A-{SEQ:5}" == stored.invoice_number_format
    partition = tenant_partition(tenant.id)
    accounts = [a for a in table.partition(Account, partition) if a.sk.startswith("ACCOUNT#")]
    assert sorted(a.code for a in accounts) == sorted(t.code for t in chart.DEFAULT_CHART)
    by_code = {a.code: a.id for a in accounts}
    assert stored.system_accounts.retained_earnings == by_code["3100"]
    tax_codes = [t for t in table.partition(TaxCode, partition) if t.sk.startswith("TAXCODE#")]
    assert {t.code for t in tax_codes} == {t.code for t in chart.tax_codes_for("AU")}
    guard = CodeGuard.for_code(tenant.id, Account.PREFIX, "4000")
    assert table.get(CodeGuard, guard.pk, guard.sk).target_id == by_code["4000"]  # codes are reserved
    key = table.get(ApiKey, *ApiKey.key(digest(secret)))
    assert (key.tenant_id, list(key.scopes), key.name) == (tenant.id, ["admin"], tenants.ADMIN_KEY_NAME)
    assert table.get(TenantListing, *TenantListing.key(tenant.id)) is not None
    created, key_created = table.events(tenant.id)
    assert (created.type, created.object_id, created.sequence) == ("tenant.created", tenant.id, 1)
    assert json.loads(created.data)["number_formats"]["invoice"] == "A-{SEQ:5}"
    assert (key_created.type, key_created.object_id, key_created.sequence) == ("api_key.created", key.id, 1)
    shown = json.loads(key_created.data)
    assert (shown["id"], shown["status"], shown["key_last4"]) == (key.id, "active", key.last4)
    assert "secret" not in shown


def test_a_tenant_with_a_bad_currency_country_or_format_is_refused_and_nothing_is_written():
    table = MemoryTable()
    with using(table.unit):
        for fields, field in (({"base_currency": "XYZ"}, "base_currency"), ({"country": "QQ"}, "country"),
                              ({"invoice_number_format": "INV"}, "invoice_number_format"),
                              ({"default_tax_code_id": "txc_nowhere"}, "default_tax_code_id")):
            with pytest.raises(ValidationFailed) as error:
                tenants.create_tenant(**{"name": "Acme", "base_currency": "AUD", "country": "AU"} | fields)
            assert error.value.param == field
    assert table.items == {} and table.transactions == 0


def test_updating_settings_saves_the_tenant_with_its_event(books):
    before = books.table.transactions
    updated = tenants.update_tenant(books.tenant_id, {"name": "Acme Pty", "number_formats": {"credit_note": "C{SEQ:3}"},
                                                      "default_tax_code_id": books.tax_codes["GST10"]}, 1)
    assert books.table.transactions == before + 1
    assert (updated.name, updated.version, updated.credit_note_number_format) == ("Acme Pty", 2, "C{SEQ:3}")
    stored = tenants.get_tenant(books.tenant_id)
    assert (stored.name, stored.default_tax_code_id, stored.version) == ("Acme Pty", books.tax_codes["GST10"], 2)
    [event] = books.table.events(books.tenant_id)
    assert (event.type, event.sequence, json.loads(event.data)["name"]) == ("tenant.updated", 2, "Acme Pty")


def test_a_refused_update_writes_nothing(books):
    with pytest.raises(PreconditionFailed):
        tenants.update_tenant(books.tenant_id, {"name": "Stale"}, 7)
    with pytest.raises(ValidationFailed) as error:
        tenants.update_tenant(books.tenant_id, {"default_tax_code_id": "txc_nowhere"}, None)
    assert error.value.param == "default_tax_code_id"
    with pytest.raises(ValidationFailed) as error:
        tenants.update_tenant(books.tenant_id, {"number_formats": {"estimate": "Q{SEQ:3}"}}, None)
    assert error.value.param == "number_formats.estimate"
    with pytest.raises(ValidationFailed) as error:
        tenants.update_tenant(books.tenant_id, {"invoice_number_format": "I-{SEQ:4}",
                                                "number_formats": {"invoice": "J-{SEQ:4}"}}, None)
    assert error.value.param == "invoice_number_format"
    assert books.table.transactions == 0 and tenants.get_tenant(books.tenant_id).version == 1


def test_a_closed_year_keeps_the_lock_date_and_the_fiscal_year_start(books):
    periods.close_year(books.tenant_id, 2025)
    with pytest.raises(PeriodClosed) as error:
        tenants.update_tenant(books.tenant_id, {"lock_date": date(2025, 6, 30)}, None)
    assert error.value.param == "lock_date"
    with pytest.raises(PeriodClosed):
        tenants.update_tenant(books.tenant_id, {"fiscal_year_start_month": 7}, None)
    assert tenants.update_tenant(books.tenant_id, {"lock_date": date(2026, 1, 31)}, None).lock_date == date(2026, 1, 31)


def test_an_update_that_meets_a_concurrent_change_reads_again_and_applies_to_it(books, monkeypatch):
    commit = MemoryUnitOfWork.commit
    raced: list[bool] = []

    def racing(self):  # noqa: ANN001, ANN202
        if not raced:  # another request changes the tenant between this one's read and its commit
            raced.append(True)
            tenants.update_tenant(books.tenant_id, {"email": "books@acme.example"}, None)
        return commit(self)

    monkeypatch.setattr(MemoryUnitOfWork, "commit", racing)
    updated = tenants.update_tenant(books.tenant_id, {"name": "Acme Pty"}, None)
    assert (updated.name, updated.email, updated.version) == ("Acme Pty", "books@acme.example", 3)
    raced.clear()
    with pytest.raises(PreconditionFailed):  # with If-Match the re-read version no longer matches
        tenants.update_tenant(books.tenant_id, {"name": "Acme Ltd"}, 3)
    assert tenants.get_tenant(books.tenant_id).name == "Acme Pty"


def test_deactivating_saves_the_status_once_and_revokes_the_keys(books, monkeypatch):
    revoked: list[str] = []
    monkeypatch.setattr(tenants, "revoke_all", revoked.append)
    tenants.deactivate_tenant(books.tenant_id)
    again = tenants.deactivate_tenant(books.tenant_id)
    assert (again.status, again.version) == ("deactivated", 2)
    assert books.table.event_types(books.tenant_id) == ["tenant.deactivated"]
    assert revoked == [books.tenant_id, books.tenant_id]
    assert open_unit(books.tenant_id).tenant().status == "deactivated"
