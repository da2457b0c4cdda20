"""Test mode (issue 20): a tenant's test twin, a separate data partition for `ll_test_…` keys.

Every key of the table is built from the caller's tenant id, so giving test mode a tenant id of its own
separates everything for free: numbers, balances, idempotency records, events, webhooks, rate limits. The
twin's id is the live tenant's id with TEST_SUFFIX; nothing else marks test data. Pure rules, no I/O.
"""

from __future__ import annotations

TEST_SUFFIX = "_test"


def is_live(tenant_id: str) -> bool:
    """Whether a tenant id is a live tenant's (False: a test twin's)."""
    return not tenant_id.endswith(TEST_SUFFIX)


def test_twin(tenant_id: str) -> str:
    """The test twin's tenant id of a tenant (a twin is its own twin)."""
    return tenant_id if not is_live(tenant_id) else tenant_id + TEST_SUFFIX


def live_tenant(tenant_id: str) -> str:
    """The live tenant's id of a tenant or of its test twin."""
    return tenant_id.removesuffix(TEST_SUFFIX)


def partition_for(tenant_id: str, *, livemode: bool) -> str:
    """The tenant id whose data a request in `livemode` reaches, for a tenant or its twin."""
    return live_tenant(tenant_id) if livemode else test_twin(tenant_id)


def key_prefix(*, livemode: bool, live_prefix: str, test_prefix: str) -> str:
    """The prefix of a new key's secret: `ll_live_` for live keys, `ll_test_` for test keys."""
    return live_prefix if livemode else test_prefix


def secret_mode(secret: str, *, live_prefix: str, test_prefix: str) -> bool | None:
    """The mode a secret's prefix claims: True (live), False (test) or None (neither prefix)."""
    if secret.startswith(live_prefix):
        return True
    if secret.startswith(test_prefix):
        return False
    return None
