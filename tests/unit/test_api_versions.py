"""Dated API versions (issue 20, item 4): the registry and its response transformations, pure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain import api_versions
from ledgerline.domain.api_versions import LATEST, ORIGINAL, changes_after, check, downgrade, resolve
from ledgerline.domain.errors import InvalidRequest

KEY = {"object": "api_key", "id": "key_1", "name": "ci", "key_last4": "abcd", "scopes": ["admin"],
       "api_version": LATEST}


def test_versions_are_dated_oldest_first_and_unique():
    dates = [version.date for version in api_versions.VERSIONS]
    assert dates == sorted(set(dates)) and dates[0] == ORIGINAL and dates[-1] == LATEST
    assert all(len(date) == 10 for date in dates)


def test_the_newest_version_answers_the_newest_representation_unchanged():
    assert downgrade(KEY, LATEST) is KEY
    assert changes_after(LATEST) == []


def test_an_older_version_sees_the_old_name_in_the_same_place():
    old = downgrade(KEY, ORIGINAL)
    assert list(old) == ["object", "id", "name", "last4", "scopes", "api_version"]
    assert old["last4"] == "abcd" and "key_last4" not in old
    assert KEY["key_last4"] == "abcd"  # the input is not changed


def test_objects_are_found_anywhere_in_a_body_lists_events_and_nested():
    listing = {"object": "list", "data": [KEY, {**KEY, "id": "key_2"}], "has_more": False}
    event = {"object": "event", "type": "api_key.created", "data": KEY}
    assert [k["last4"] for k in downgrade(listing, ORIGINAL)["data"]] == ["abcd", "abcd"]
    assert downgrade(event, ORIGINAL)["data"]["last4"] == "abcd"


def test_other_object_types_keep_a_field_of_the_same_name():
    other = {"object": "invoice", "key_last4": "x"}
    assert downgrade(other, ORIGINAL) == other


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["object", "key_last4", "last4", "a"]), inner, max_size=4),
                    max_leaves=10))
def test_downgrading_never_loses_or_invents_values_and_is_idempotent(body):
    once = downgrade(body, ORIGINAL)
    assert downgrade(once, ORIGINAL) == once
    assert downgrade(body, LATEST) == body

    def leaves(value):
        if isinstance(value, dict):
            return sorted(repr(v) for x in value.values() for v in leaves(x))
        if isinstance(value, list):
            return sorted(repr(v) for x in value for v in leaves(x))
        return [value]

    assert leaves(once) == leaves(body)


def test_resolve_prefers_the_header_then_the_key_then_the_original():
    assert resolve(ORIGINAL, LATEST) == ORIGINAL
    assert resolve(None, ORIGINAL) == ORIGINAL
    assert resolve(None, LATEST) == LATEST
    assert resolve(None, None) == ORIGINAL  # a key made before versions existed


@pytest.mark.parametrize(("value", "code"), [
    ("2026-13-99", "unknown_api_version"), ("1999-01-01", "unknown_api_version"), ("latest", "invalid_api_version"),
    ("", "invalid_api_version"), ("2026-12-5", "invalid_api_version")])
def test_an_unknown_or_malformed_version_is_refused_naming_the_header_and_the_known_versions(value, code):
    with pytest.raises(InvalidRequest) as raised:
        check(value)
    assert raised.value.param == "Ledgerline-Version" and raised.value.code == code
    assert all(date in str(raised.value) for date in api_versions.KNOWN)
