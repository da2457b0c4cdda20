"""Test mode's pure rules (issue 20): a tenant's test twin and the mode an API key's prefix claims."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain import test_mode
from ledgerline.domain.api_keys import Principal

tenant_ids = st.from_regex(r"ten_[0-9A-HJKMNP-TV-Z]{26}", fullmatch=True)


@given(tenant_ids)
def test_a_tenant_and_its_test_twin_are_two_partitions_that_lead_back_to_each_other(tenant_id):
    twin = test_mode.test_twin(tenant_id)
    assert test_mode.is_live(tenant_id) and not test_mode.is_live(twin)
    assert twin != tenant_id and twin.startswith(tenant_id)
    assert test_mode.live_tenant(twin) == test_mode.live_tenant(tenant_id) == tenant_id
    assert test_mode.test_twin(twin) == twin  # a twin is its own twin, never a twin of a twin


@given(tenant_ids, st.booleans(), st.booleans())
def test_either_mode_reaches_the_same_two_partitions_from_either_side(tenant_id, from_test, livemode):
    caller = test_mode.test_twin(tenant_id) if from_test else tenant_id
    reached = test_mode.partition_for(caller, livemode=livemode)
    assert reached == (tenant_id if livemode else test_mode.test_twin(tenant_id))
    assert test_mode.is_live(reached) is livemode


def test_a_secrets_prefix_claims_its_mode_and_new_keys_take_the_prefix_of_theirs():
    prefixes = {"live_prefix": "ll_live_", "test_prefix": "ll_test_"}
    assert test_mode.secret_mode("ll_live_abc", **prefixes) is True
    assert test_mode.secret_mode("ll_test_abc", **prefixes) is False
    assert test_mode.secret_mode("sk_live_abc", **prefixes) is None
    assert test_mode.key_prefix(livemode=True, **prefixes) == "ll_live_"
    assert test_mode.key_prefix(livemode=False, **prefixes) == "ll_test_"


@given(tenant_ids)
def test_a_principal_of_a_test_twin_is_not_live(tenant_id):
    assert Principal(tenant_id, "key_1", ("admin",)).livemode
    assert not Principal(test_mode.test_twin(tenant_id), "key_1", ("admin",)).livemode
