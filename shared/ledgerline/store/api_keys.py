"""API keys: `KEY#<sha256>` / `KEY`, found by the hash of the secret the client sends.

GSI1 (`T#<tid>#APIKEYS` / `<key id>`) lists a tenant's keys and finds one by id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.attributes import ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from ledgerline.domain.errors import NotFound
from ledgerline.domain.test_mode import is_live
from ledgerline.store.records import Page, check_start_key, page_of, tenant_partition
from ledgerline.store.table import TableModel, connection, transaction

Also = Callable[[TransactWrite], None] | None  # more items for the same transaction (the outbox event)


def _tenant_keys(tenant_id: str) -> str:
    return f"{tenant_partition(tenant_id)}#APIKEYS"


class ApiKey(TableModel):
    NOUN = "API key"

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    scopes = ListAttribute(of=UnicodeAttribute)
    last4 = UnicodeAttribute()
    # Not named `expires_at`: that is the table's TTL attribute, and keys must never vanish by TTL.
    expires_at = UTCDateTimeAttribute(null=True, attr_name="valid_until")
    revoked_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    # The dated API version pinned at creation (domain/api_versions); absent on keys made before versions existed
    api_version = UnicodeAttribute(null=True)

    @property
    def livemode(self) -> bool:
        """False for a key of a test twin (domain/test_mode): an `ll_test_` key."""
        return is_live(self.tenant_id)

    @staticmethod
    def key(secret_digest: str) -> tuple[str, str]:
        return f"KEY#{secret_digest}", "KEY"

    @staticmethod
    def index_partition(tenant_id: str) -> str:
        """The GSI1 partition that lists a tenant's keys."""
        return _tenant_keys(tenant_id)

    def assign_keys(self, secret_digest: str | None = None) -> None:
        """Keys from the secret's digest; without it (a unit of work writing a key built by `new_key`) the
        key keeps the primary key it has."""
        if secret_digest is not None:
            self.pk, self.sk = self.key(secret_digest)
        self.gsi1pk, self.gsi1sk = _tenant_keys(self.tenant_id), self.id


def find_by_digest(secret_digest: str) -> ApiKey | None:
    connection()
    try:
        return ApiKey.get(*ApiKey.key(secret_digest))
    except DoesNotExist:
        return None


def find_by_id(tenant_id: str, key_id: str) -> ApiKey:
    connection()
    for key in ApiKey.gsi1.query(_tenant_keys(tenant_id), ApiKey.gsi1sk == key_id):
        return key
    raise NotFound(f"No such API key: '{key_id}'", param="id")


def list_api_keys(tenant_id: str, *, limit: int, start_key: dict[str, Any] | None) -> Page[ApiKey]:
    connection()
    check_start_key(start_key, "GSI1PK", _tenant_keys(tenant_id))
    results = ApiKey.gsi1.query(_tenant_keys(tenant_id), limit=limit + 1, last_evaluated_key=start_key)
    return page_of(results, limit, index=ApiKey.gsi1)


def insert(key: ApiKey, also: Also = None) -> None:
    connection()
    if also is None:
        key.save(condition=ApiKey.pk.does_not_exist())
        return
    with transaction() as tx:
        tx.save(key, condition=ApiKey.pk.does_not_exist())
        also(tx)
