"""API key scopes: admin grants everything, write implies read, nobody hands out more than they hold."""

from __future__ import annotations

import pytest

from ledgerline.domain.scopes import ADMIN, ALL_SCOPES, RESOURCES, exceeding, grants, unknown_scopes


@pytest.mark.parametrize("required", sorted(ALL_SCOPES))
def test_admin_grants_every_scope(required):
    assert grants([ADMIN], required)


def test_a_scope_grants_itself_and_write_implies_read():
    assert grants(["parties:read"], "parties:read")
    assert grants(["parties:write"], "parties:write")
    assert grants(["parties:write"], "parties:read")


@pytest.mark.parametrize(
    ("held", "required"),
    [
        (["parties:read"], "parties:write"),
        (["items:write"], "parties:read"),
        (["items:write"], "parties:write"),
        ([], "parties:read"),
        (["parties:read", "parties:write"], ADMIN),
        (["invoices:write"], "invoices-extra:read"),
    ],
)
def test_scopes_that_do_not_grant(held, required):
    assert not grants(held, required)


def test_every_resource_has_read_and_write_scopes():
    for resource in RESOURCES:
        assert {f"{resource}:read", f"{resource}:write"} <= ALL_SCOPES
    assert ADMIN in ALL_SCOPES


def test_unknown_scopes_are_reported_sorted_and_once():
    assert unknown_scopes(["parties:read", "parties:delete", "root", "root"]) == ["parties:delete", "root"]
    assert unknown_scopes(["admin", "items:write"]) == []


def test_admin_may_hand_out_anything_including_admin():
    assert exceeding([ADMIN, "invoices:write", "parties:read"], [ADMIN]) == []


def test_a_writer_may_hand_out_read_and_write_of_its_resource_only():
    assert exceeding(["parties:read", "parties:write"], ["parties:write"]) == []
    assert exceeding(["parties:read", "items:read"], ["parties:write"]) == ["items:read"]


def test_a_reader_cannot_hand_out_write_or_admin():
    assert exceeding(["parties:write", ADMIN, "parties:read"], ["parties:read"]) == [ADMIN, "parties:write"]
