"""API keys: issue, revoke, revoke all and rotate the admin key on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ledgerline.domain import api_keys as rules
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ledgerline.domain.tenants import TenantStatus
from ledgerline.services import api_keys
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.table import Contention
from ledgerline.store.tenants import Tenant


def seed_key(books, name="Admin key", scopes=("admin",), expires_at=None) -> tuple[ApiKey, Principal]:
    key, _ = api_keys.new_key(books.tenant_id, name, list(scopes), expires_at)
    books.table.put(key)
    return key, Principal(books.tenant_id, key.id, tuple(key.scopes))


def stored(books, key_id: str) -> ApiKey:
    return next(key for key in books.table.unit(books.tenant_id).api_keys() if key.id == key_id)


def events(books) -> list[tuple[str, str, int]]:
    return [(e.type, e.object_id, e.sequence) for e in books.table.events(books.tenant_id)]


def test_issue_stores_the_digest_and_its_event_in_one_transaction(books):
    _, admin = seed_key(books)
    key, secret = api_keys.issue(admin, "Reporting", ["reports:read", "parties:read"], None)
    found = books.table.get(ApiKey, *ApiKey.key(rules.digest(secret)))
    assert (found.id, found.scopes, found.last4, found.revoked_at) == (key.id, ["parties:read", "reports:read"],
                                                                        secret[-4:], None)
    assert books.table.transactions == 1
    assert events(books) == [("api_key.created", key.id, 1)]
    data = books.table.events(books.tenant_id)[0].payload()
    assert data["id"] == key.id and "secret" not in data and secret not in str(data)
    assert rules.digest(secret) not in str(data)


def test_a_key_cannot_grant_scopes_its_creator_lacks_and_nothing_is_written(books):
    _, reader = seed_key(books, "Reader", ["parties:read"])
    with pytest.raises(Forbidden) as error:
        api_keys.issue(reader, "Writer", ["parties:write"], None)
    assert error.value.param == "scopes"
    with pytest.raises(ValidationFailed):
        api_keys.issue(reader, "Odd", ["parties:fly"], None)
    assert books.table.transactions == 0 and events(books) == []


def test_a_key_expires_no_later_than_the_key_that_made_it(books):
    parent_expiry = datetime.now(UTC) + timedelta(days=3)
    _, parent = seed_key(books, "Temporary", ["admin"], parent_expiry)
    child, _ = api_keys.issue(parent, "Child", ["parties:read"], None)
    assert stored(books, child.id).expires_at == parent_expiry
    with pytest.raises(ValidationFailed) as error:
        api_keys.issue(parent, "Later", ["parties:read"], parent_expiry + timedelta(days=1))
    assert error.value.param == "expires_at"


def test_create_answers_the_key_with_its_secret_once(books):
    _, admin = seed_key(books)
    body = api_keys.create(admin, {"name": "CI", "scopes": ["invoices:read"]}, None)
    assert body["secret"].startswith("ll_") and body["status"] == "active" and body["name"] == "CI"


def test_revoke_marks_the_key_and_records_its_event_and_revoking_again_writes_nothing(books):
    _, admin = seed_key(books)
    key, _ = api_keys.issue(admin, "CI", ["invoices:read"], None)
    revoked = api_keys.revoke(admin, key.id)
    assert revoked.revoked_at is not None
    assert stored(books, key.id).revoked_at == revoked.revoked_at
    assert events(books)[-1] == ("api_key.revoked", key.id, 2)
    assert books.table.events(books.tenant_id)[-1].payload()["status"] == "revoked"
    transactions = books.table.transactions
    again = api_keys.revoke(admin, key.id)
    assert again.revoked_at == revoked.revoked_at  # the first revocation's time
    assert books.table.transactions == transactions and len(events(books)) == 2


def test_revoke_refuses_a_key_with_scopes_the_caller_lacks_and_an_unknown_key(books):
    admin_key, _ = seed_key(books)
    _, reader = seed_key(books, "Keys", ["api-keys:write"])
    with pytest.raises(Forbidden):
        api_keys.revoke(reader, admin_key.id)
    with pytest.raises(NotFound):
        api_keys.revoke(reader, "key_nowhere")
    assert stored(books, admin_key.id).revoked_at is None and books.table.transactions == 0


def test_another_tenants_key_is_not_found(books):
    _, admin = seed_key(books)
    stranger, _ = api_keys.new_key("ten_other", "Theirs", ["admin"], None)
    books.table.put(stranger)
    with pytest.raises(NotFound):
        api_keys.revoke(admin, stranger.id)


def provisioned(books) -> list[ApiKey]:
    """The admin key the tenant was created with."""
    return books.table.unit(books.tenant_id).api_keys()


def test_revoke_all_revokes_every_usable_key_once(books):
    assert len(provisioned(books)) == 1
    _, admin = seed_key(books)
    api_keys.issue(admin, "CI", ["invoices:read"], None)
    already, _ = api_keys.issue(admin, "Old", ["invoices:read"], None)
    api_keys.revoke(admin, already.id)
    assert api_keys.revoke_all(books.tenant_id) == 3  # the provisioned key, the seeded one and CI
    assert all(key.revoked_at for key in books.table.unit(books.tenant_id).api_keys())
    assert api_keys.revoke_all(books.tenant_id) == 0


def test_rotating_the_admin_key_revokes_only_the_provisioned_admin_keys(books):
    [first_admin] = provisioned(books)
    old_admin, _ = seed_key(books)  # an earlier rotation's
    own_admin, _ = seed_key(books, "Ops", ["admin"])
    reader, _ = seed_key(books, "Admin key", ["parties:read"])  # the name, not the scope
    new, secret, revoked = api_keys.rotate_admin_key(books.tenant_id)
    assert sorted(revoked) == sorted([first_admin.id, old_admin.id])
    assert (new.name, new.scopes) == ("Admin key", ["admin"]) and secret.endswith(new.last4)
    assert {key.id for key in books.table.unit(books.tenant_id).api_keys() if key.revoked_at is None} == {
        new.id, own_admin.id, reader.id}
    assert [t for t, _, _ in events(books)] == ["api_key.created", "api_key.revoked", "api_key.revoked"]


def test_a_deactivated_tenant_cannot_rotate_its_admin_key(books):
    tenant = books.table.get(Tenant, *Tenant.key(books.tenant_id))
    tenant.status = TenantStatus.DEACTIVATED
    books.table.put(tenant)
    with pytest.raises(Conflict) as error:
        api_keys.rotate_admin_key(books.tenant_id)
    assert error.value.code == "tenant_deactivated" and books.table.transactions == 0
    with pytest.raises(NotFound):
        api_keys.rotate_admin_key("ten_nowhere")


def test_the_memory_unit_revokes_a_key_once(books):
    key, _ = seed_key(books)
    moment = datetime(2026, 3, 1, tzinfo=UTC)
    uow = books.table.unit(books.tenant_id)
    uow.revoke_api_key(key, moment)
    uow.commit()
    assert stored(books, key.id).revoked_at == moment
    uow = books.table.unit(books.tenant_id)
    uow.revoke_api_key(key, moment + timedelta(days=1))
    with pytest.raises(Contention):
        uow.commit()
    missing, _ = api_keys.new_key(books.tenant_id, "Never stored", ["admin"], None)
    uow = books.table.unit(books.tenant_id)
    uow.revoke_api_key(missing, moment)
    with pytest.raises(Contention):
        uow.commit()
    assert stored(books, key.id).revoked_at == moment


# ------------------------------------------------------------------ dated API versions (issue 20, item 4)


def test_a_new_key_is_pinned_to_the_newest_version_unless_it_asks_for_another(books):
    from ledgerline.domain.api_versions import LATEST, ORIGINAL

    _, admin = seed_key(books)
    newest, _ = api_keys.issue(admin, "Newest", ["parties:read"], None)
    older, _ = api_keys.issue(admin, "Older", ["parties:read"], None, ORIGINAL)
    assert (stored(books, newest.id).api_version, stored(books, older.id).api_version) == (LATEST, ORIGINAL)


def test_rotating_the_admin_key_keeps_the_version_of_the_admin_key_it_replaces(books):
    from ledgerline.domain.api_versions import ORIGINAL

    for key in provisioned(books):
        key.api_version = None  # provisioned before versions existed
        books.table.put(key)
    new, _, _ = api_keys.rotate_admin_key(books.tenant_id)
    assert stored(books, new.id).api_version == ORIGINAL
