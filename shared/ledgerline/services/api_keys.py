"""Issuing, listing, revoking and authenticating API keys.

Issuing, revoking and rotating run on the unit of work (`store/unit_of_work.open_unit`): the key and its
`api_key.created`/`.revoked` event in one transaction, a revocation conditional on the key not being revoked
yet. Authentication and the lists are the store's named reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ledgerline.clock import utc_now
from ledgerline.domain import api_keys as rules
from ledgerline.domain import api_versions, scopes, test_mode
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.errors import (
    AlreadyExists,
    Conflict,
    FieldIssue,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from ledgerline.domain.events import EventType
from ledgerline.domain.tenants import TenantStatus
from ledgerline.ids import new_id
from ledgerline.schemas.api_keys import ApiKeyOut
from ledgerline.schemas.common import read_at
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.settings import get_settings
from ledgerline.store import api_keys as store
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.records import Page
from ledgerline.store.table import Contention
from ledgerline.store.tenants import find_tenant

if TYPE_CHECKING:
    from ledgerline.store.unit_of_work import UnitOfWork

ADMIN_KEY_NAME = "Admin key"  # the key provisioning makes (and `ledgerline tenant rotate-admin-key` replaces)


def open_unit(tenant_id: str) -> UnitOfWork:
    """`store/unit_of_work.open_unit`, imported on first write: the authorizer imports this module for
    `authenticate` and needs none of the unit of work at cold start."""
    from ledgerline.store.unit_of_work import open_unit as open_

    return open_(tenant_id)


def authenticate(secret: str | None) -> Principal:
    """Resolve a bearer secret to the tenant and scopes it grants, or raise Unauthenticated."""
    if not secret:
        raise Unauthenticated("No API key provided; send 'Authorization: Bearer <api key>'")
    settings = get_settings()
    livemode = test_mode.secret_mode(secret, live_prefix=settings.api_key_prefix,
                                     test_prefix=settings.test_api_key_prefix)
    prefix = settings.api_key_prefix if livemode is not False else settings.test_api_key_prefix
    if livemode is None or not rules.looks_like_key(secret, prefix):
        raise Unauthenticated("Invalid API key provided")
    key = store.find_by_digest(rules.digest(secret))
    # Test mode (issue 20): an `ll_test_` key is a key of the tenant's test twin, an `ll_live_` key of a live
    # tenant; a key whose prefix claims the other mode is refused as unknown.
    if key is None or test_mode.is_live(key.tenant_id) != livemode:
        raise Unauthenticated("Invalid API key provided")
    # The tenant's status and plan: the authorizer's cache (60 s) makes this read rare in AWS. It comes
    # before the key's own state: deactivating a tenant also revokes its keys, and the caller should
    # learn the reason that holds for every key (`tenant_deactivated`), not `api_key_revoked`. A test key
    # answers to its live tenant's status and plan.
    tenant = find_tenant(test_mode.live_tenant(key.tenant_id))
    if tenant is None or tenant.status != TenantStatus.ACTIVE:
        raise Unauthenticated("This API key's tenant has been deactivated", code="tenant_deactivated")
    if not rules.usable(revoked=key.revoked_at is not None, expires_at=key.expires_at, now=utc_now()):
        if key.revoked_at is not None:
            raise Unauthenticated("This API key has been revoked", code="api_key_revoked")
        raise Unauthenticated("This API key has expired", code="api_key_expired")
    return Principal(tenant_id=key.tenant_id, key_id=key.id, scopes=tuple(key.scopes), plan=tenant.plan,
                     api_version=key.api_version)


def new_key(tenant_id: str, name: str, key_scopes: list[str], expires_at: datetime | None,
            api_version: str | None = None) -> tuple[ApiKey, str]:
    """Build a key and its one-time secret; the caller persists it (alone or in a transaction). The key is
    pinned to `api_version`, by default the newest (domain/api_versions.LATEST). A key of a test twin
    (domain/test_mode) is an `ll_test_` key."""
    settings = get_settings()
    secret = rules.generate_secret(test_mode.key_prefix(livemode=test_mode.is_live(tenant_id),
                                                        live_prefix=settings.api_key_prefix,
                                                        test_prefix=settings.test_api_key_prefix))
    now = utc_now()
    key = ApiKey(
        id=new_id("key"),
        tenant_id=tenant_id,
        name=name,
        scopes=sorted(set(key_scopes)),
        last4=rules.last4(secret),
        expires_at=expires_at,
        created_at=now,
        api_version=api_version or api_versions.LATEST,
    )
    key.assign_keys(rules.digest(secret))
    return key, secret


def issue(principal: Principal, name: str, key_scopes: list[str], expires_at: datetime | None,
          api_version: str | None = None, livemode: bool | None = None) -> tuple[ApiKey, str]:
    """A new key of the caller's tenant, or with `livemode: false` from a live key, of its test twin (made
    with the key when the tenant has none yet). A test key manages test keys only (403 for `livemode: true`)."""
    target = principal.tenant_id if livemode is None else test_mode.partition_for(principal.tenant_id,
                                                                                   livemode=livemode)
    if not principal.livemode and target != principal.tenant_id:
        raise Forbidden("A test key can only create test keys; create live keys with a live key",
                        param="livemode", code="test_mode_key")
    unknown = scopes.unknown_scopes(key_scopes)
    if unknown:
        raise ValidationFailed(
            "Unknown scopes", param="scopes", details=[FieldIssue("scopes", f"unknown scope {s!r}") for s in unknown]
        )
    beyond = scopes.exceeding(key_scopes, principal.scopes)
    if beyond:
        raise Forbidden(f"A key cannot grant scopes its creator lacks: {', '.join(beyond)}", param="scopes")
    if expires_at is not None and expires_at <= utc_now():
        raise ValidationFailed(
            "expires_at must be in the future",
            param="expires_at",
            details=[FieldIssue("expires_at", "must be in the future")],
        )
    uow = open_unit(principal.tenant_id)
    expires_at = rules.child_expiry(expires_at, _find(uow, principal.key_id).expires_at)
    key, secret = new_key(target, name, key_scopes, expires_at, api_version)
    if target != principal.tenant_id:  # a live key making a test key
        uow = open_unit(target)
        if _made_test_twin_with(principal.tenant_id, key):
            return key, secret
    _stage_insert(uow, key)
    uow.commit()
    return key, secret


def _made_test_twin_with(tenant_id: str, key: ApiKey) -> bool:
    """Make the tenant's test twin with `key` as its first key when it has none yet (tenants created before
    test mode): True when this call made it. Imported here: services.tenants imports this module."""
    from ledgerline.services.tenants import create_test_twin, find_test_twin

    if find_test_twin(tenant_id) is not None:
        return False
    try:
        create_test_twin(tenant_id, key)
    except (Contention, Conflict, AlreadyExists):  # made meanwhile by another request: add the key to it
        if find_test_twin(tenant_id) is None:
            raise
        return False
    return True


def create(principal: Principal, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    """Issue a key under an Idempotency-Key. Its secret is never stored, not even in the idempotency
    record (which keeps the key without it): a replay cannot show the secret again and is a 409 naming
    the key, so the client can revoke it and create another instead of holding a second unknown key."""

    def run() -> dict[str, Any]:
        key, secret = issue(principal, fields["name"], fields["scopes"], fields.get("expires_at"),
                            fields.get("api_version"), fields.get("livemode"))
        return {**ApiKeyOut.model_validate(key, context=read_at(key.created_at)).model_dump(mode="json"),
                "secret": secret}

    return once(principal.tenant_id, idempotency_key, "create_api_key", fields, run,
                keep=_without_secret, replay=_secret_shown_once)


def _without_secret(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != "secret"}


def _secret_shown_once(stored: dict[str, Any]) -> dict[str, Any]:
    last4 = stored.get("key_last4", stored.get("last4"))  # `last4` in records kept before API version 2026-12-05
    raise Conflict(
        f"This Idempotency-Key already created API key {stored['id']} (…{last4}). Its secret was shown "
        f"once and is not kept, so it cannot be shown again: if you did not receive it, revoke that key "
        f"(DELETE /v1/api-keys/{stored['id']}) and create another with a new Idempotency-Key",
        param="Idempotency-Key",
        code="secret_shown_once",
    )


def key_event_data(key: ApiKey, at: datetime, *, revoked_at: datetime | None = None) -> dict[str, Any]:
    """What a key's event carries: the key as `GET /v1/api-keys/{id}` shows it at the event's moment, never
    its secret or digest."""
    shown = ApiKeyOut.model_validate(key, context=read_at(at))
    if revoked_at is not None:
        shown = shown.model_copy(update={"revoked_at": revoked_at})
    return shown.model_dump(mode="json")


def stage_key_event(uow: UnitOfWork, key: ApiKey, type: EventType, at: datetime, *,
                    revoked_at: datetime | None = None) -> None:
    """The key's outbox event, staged on the unit of work that writes the change. A key has no version; its
    events are sequence 1 (created) and 2 (revoked)."""
    uow.record_event_data(type, object_type="api_key", object_id=key.id, sequence=1 if revoked_at is None else 2,
                          data=key_event_data(key, at, revoked_at=revoked_at), at=at)


def list_keys(tenant_id: str, *, limit: int, start_key: dict | None) -> Page[ApiKey]:
    return store.list_api_keys(tenant_id, limit=limit, start_key=start_key)


def get(tenant_id: str, key_id: str) -> ApiKey:
    return store.find_by_id(tenant_id, key_id)


def revoke(principal: Principal, key_id: str) -> ApiKey:
    """Revoke a key the caller's scopes cover. Revoking again changes nothing and keeps the first time."""

    def attempt() -> ApiKey:
        uow = open_unit(principal.tenant_id)
        key = _find(uow, key_id)
        beyond = scopes.exceeding(key.scopes, principal.scopes)
        if beyond:
            raise Forbidden(f"A key cannot revoke a key with scopes it lacks: {', '.join(beyond)}", param="id")
        return _revoke(uow, key, utc_now())

    return retrying(attempt)


def _find(uow: UnitOfWork, key_id: str) -> ApiKey:
    key = uow.find_api_key(key_id)
    if key is None:
        raise NotFound(f"No such API key: '{key_id}'", param="id")
    return key


def _stage_insert(uow: UnitOfWork, key: ApiKey) -> None:
    uow.create(key)
    stage_key_event(uow, key, EventType.API_KEY_CREATED, key.created_at)


def _revoke(uow: UnitOfWork, key: ApiKey, now: datetime) -> ApiKey:
    """Revoke once, with its event; a key revoked already is answered as it is (nothing written). The key's
    list entry (an index) may lag: the key itself is read again before it is written."""
    if key.revoked_at is None:
        key = uow.find_at(ApiKey, (key.pk, key.sk)) or key
    if key.revoked_at is not None:
        return key
    uow.revoke_api_key(key, now)
    stage_key_event(uow, key, EventType.API_KEY_REVOKED, now, revoked_at=now)
    uow.commit()
    key.revoked_at = now
    return key


def _revoke_if(tenant_id: str, keep: Callable[[ApiKey], bool]) -> list[str]:
    """Revoke every usable key of the tenant that `keep` does not spare, each in its own transaction; the ids
    of those this call revoked (one revoked meanwhile by another request is left as it is)."""
    now, revoked = utc_now(), []
    for key in open_unit(tenant_id).api_keys():
        if key.revoked_at is not None or keep(key):
            continue
        try:
            if _revoke(open_unit(tenant_id), key, now).revoked_at == now:
                revoked.append(key.id)
        except Contention:
            continue
    return revoked


def revoke_all(tenant_id: str) -> int:
    """Revoke every key of a tenant (when it is deprovisioned); returns how many were still usable."""
    return len(_revoke_if(tenant_id, lambda key: False))


def rotate_admin_key(tenant_id: str) -> tuple[ApiKey, str, list[str]]:
    """Issue a new admin key, then revoke the admin keys that provisioning and earlier rotations made (named
    ADMIN_KEY_NAME, scope admin). Keys the tenant issued itself are kept. The new key is written first, so the
    tenant is never without one. Returns the new key, its secret (shown once) and the revoked keys' ids."""
    uow = open_unit(tenant_id)
    if uow.tenant().status != TenantStatus.ACTIVE:
        raise Conflict(f"Tenant {tenant_id} is deactivated", param="tenant_id", code="tenant_deactivated")
    # The new admin key keeps the API version of the admin key it replaces: rotating never upgrades the API
    replaced = [old.api_version or api_versions.ORIGINAL for old in uow.api_keys()
                if old.revoked_at is None and old.name == ADMIN_KEY_NAME and list(old.scopes) == [scopes.ADMIN]]
    key, secret = new_key(tenant_id, ADMIN_KEY_NAME, [scopes.ADMIN], None, max(replaced, default=None))
    _stage_insert(uow, key)
    uow.commit()
    revoked = _revoke_if(tenant_id, lambda old: not (
        old.id != key.id and old.name == ADMIN_KEY_NAME and list(old.scopes) == [scopes.ADMIN]))
    return key, secret, revoked
