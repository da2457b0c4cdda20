"""Issue 20: the metadata rules (domain/metadata.py), pure: limits on keys and values, and how a PATCH merges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain import metadata
from ledgerline.domain.errors import ValidationFailed
from ledgerline.domain.query import metadata_predicate

keys = st.text(alphabet="abcdefghij_0123456789", min_size=1, max_size=6)
values = st.text(alphabet="xyz 123", min_size=1, max_size=5)
stored = st.dictionaries(keys, values, max_size=20)
patches = st.dictionaries(keys, st.one_of(values, st.just(""), st.none()), max_size=20)


@given(stored, patches)
def test_a_patch_sets_the_keys_it_gives_unsets_the_empty_ones_and_keeps_the_rest(current, patch):
    result = metadata.merged(current, patch)
    for key, value in patch.items():
        if value in ("", None):
            assert key not in result
        else:
            assert result[key] == value
    for key, value in current.items():
        if key not in patch:
            assert result[key] == value
    assert set(result) <= set(current) | set(patch)
    assert metadata.merged(result, {}) == result  # nothing named: nothing changes


def test_at_most_fifty_keys_after_the_merge():
    full = {f"k{i}": "v" for i in range(50)}
    assert metadata.merged(full, {"k0": "", "new": "x"})["new"] == "x"
    with pytest.raises(ValidationFailed) as refused:
        metadata.merged(full, {"one_more": "x"})
    assert refused.value.param == "metadata"


@pytest.mark.parametrize(("key", "ok"), [("order_id", True), ("k" * 40, True), ("k" * 41, False), ("", False),
                                         ("a[b]", False), ("tab\there", False), ("Ünïcode key", True)])
def test_keys(key, ok):
    assert (metadata.key_problem(key) is None) is ok


def test_values():
    assert metadata.value_problem("x" * 500) is None
    assert metadata.value_problem("x" * 501) is not None
    assert metadata.value_problem("a\x00b") is not None


def test_only_a_metadata_change_is_allowed_on_posted_documents():
    assert metadata.only_metadata({"metadata": {"a": "b"}})
    assert not metadata.only_metadata({"metadata": {"a": "b"}, "notes": "x"})
    assert not metadata.only_metadata({})


def test_the_planner_predicate_is_an_equality_on_the_pair():
    p = metadata_predicate("order_id", "42")
    assert (p.field, p.op, p.value) == ("metadata", "eq", ("order_id", "42"))
