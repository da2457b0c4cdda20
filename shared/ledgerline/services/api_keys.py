"""Issuing, listing, revoking and authenticating API keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pynamodb.transactions import TransactWrite

from ledgerline.clock import utc_now
from ledgerline.domain import api_keys as rules
from ledgerline.domain import scopes
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.errors import Conflict, FieldIssue, Forbidden, NotFound, Unauthenticated, ValidationFailed
from ledgerline.domain.events import EventType
from ledgerline.domain.tenants import TenantStatus
from ledgerline.ids import new_id
from ledgerline.schemas.api_keys import ApiKeyOut
from ledgerline.schemas.common import read_at
from ledgerline.services.idempotency import once
from ledgerline.settings import get_settings
from ledgerline.store import api_keys as store
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.records import Page
from ledgerline.store.tenants import find_tenant

ADMIN_KEY_NAME = "Admin key"  # the key provisioning makes (and `ledgerline tenant rotate-admin-key` replaces)


def authenticate(secret: str | None) -> Principal:
    """Resolve a bearer secret to the tenant and scopes it grants, or raise Unauthenticated."""
    if not secret:
        raise Unauthenticated("No API key provided; send 'Authorization: Bearer <api key>'")
    if not rules.looks_like_key(secret, get_settings().api_key_prefix):
        raise Unauthenticated("Invalid API key provided")
    key = store.find_by_digest(rules.digest(secret))
    if key is None:
        raise Unauthenticated("Invalid API key provided")
    # The tenant's status and plan: the authorizer's cache (60 s) makes this read rare in AWS. It comes
    # before the key's own state: deactivating a tenant also revokes its keys, and the caller should
    # learn the reason that holds for every key (`tenant_deactivated`), not `api_key_revoked`.
    tenant = find_tenant(key.tenant_id)
    if tenant is None or tenant.status != TenantStatus.ACTIVE:
        raise Unauthenticated("This API key's tenant has been deactivated", code="tenant_deactivated")
    if not rules.usable(revoked=key.revoked_at is not None, expires_at=key.expires_at, now=utc_now()):
        if key.revoked_at is not None:
            raise Unauthenticated("This API key has been revoked", code="api_key_revoked")
        raise Unauthenticated("This API key has expired", code="api_key_expired")
    return Principal(tenant_id=key.tenant_id, key_id=key.id, scopes=tuple(key.scopes), plan=tenant.plan)


def new_key(tenant_id: str, name: str, key_scopes: list[str], expires_at: datetime | None) -> tuple[ApiKey, str]:
    """Build a key and its one-time secret; the caller persists it (alone or in a transaction)."""
    secret = rules.generate_secret(get_settings().api_key_prefix)
    now = utc_now()
    key = ApiKey(
        id=new_id("key"),
        tenant_id=tenant_id,
        name=name,
        scopes=sorted(set(key_scopes)),
        last4=rules.last4(secret),
        expires_at=expires_at,
        created_at=now,
    )
    key.assign_keys(rules.digest(secret))
    return key, secret


def issue(principal: Principal, name: str, key_scopes: list[str], expires_at: datetime | None) -> tuple[ApiKey, str]:
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
    expires_at = rules.child_expiry(expires_at, store.find_by_id(principal.tenant_id, principal.key_id).expires_at)
    key, secret = new_key(principal.tenant_id, name, key_scopes, expires_at)
    store.insert(key, key_event(key, EventType.API_KEY_CREATED, key.created_at))
    return key, secret


def create(principal: Principal, fields: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    """Issue a key under an Idempotency-Key. Its secret is never stored, not even in the idempotency
    record (which keeps the key without it): a replay cannot show the secret again and is a 409 naming
    the key, so the client can revoke it and create another instead of holding a second unknown key."""

    def run() -> dict[str, Any]:
        key, secret = issue(principal, fields["name"], fields["scopes"], fields.get("expires_at"))
        return {**ApiKeyOut.model_validate(key, context=read_at(key.created_at)).model_dump(mode="json"),
                "secret": secret}

    return once(principal.tenant_id, idempotency_key, "create_api_key", fields, run,
                keep=_without_secret, replay=_secret_shown_once)


def _without_secret(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != "secret"}


def _secret_shown_once(stored: dict[str, Any]) -> dict[str, Any]:
    raise Conflict(
        f"This Idempotency-Key already created API key {stored['id']} (…{stored['last4']}). Its secret was shown "
        f"once and is not kept, so it cannot be shown again: if you did not receive it, revoke that key "
        f"(DELETE /v1/api-keys/{stored['id']}) and create another with a new Idempotency-Key",
        param="Idempotency-Key",
        code="secret_shown_once",
    )


def key_event(key: ApiKey, type: EventType, at: datetime, *, revoked_at: datetime | None = None
              ) -> Callable[[TransactWrite], None]:
    """The key's outbox event: the key as `GET /v1/api-keys/{id}` shows it, never its secret or digest.
    A key has no version; its events are sequence 1 (created) and 2 (revoked)."""
    # Imported here: the authorizer imports this module for `authenticate` and needs neither at cold start
    from ledgerline.schemas.api_keys import ApiKeyOut
    from ledgerline.store.events import add_event

    shown = ApiKeyOut.model_validate(key, context=read_at(at))  # the key as it is at the event's moment
    if revoked_at is not None:
        shown = shown.model_copy(update={"revoked_at": revoked_at})
    data = shown.model_dump(mode="json")

    def write(tx: TransactWrite) -> None:
        add_event(tx, tenant_id=key.tenant_id, type=type, object_type="api_key", object_id=key.id,
                  sequence=1 if revoked_at is None else 2, data=data, at=at)

    return write


def list_keys(tenant_id: str, *, limit: int, start_key: dict | None) -> Page[ApiKey]:
    return store.list_api_keys(tenant_id, limit=limit, start_key=start_key)


def get(tenant_id: str, key_id: str) -> ApiKey:
    return store.find_by_id(tenant_id, key_id)


def revoke(principal: Principal, key_id: str) -> ApiKey:
    key = store.find_by_id(principal.tenant_id, key_id)
    beyond = scopes.exceeding(key.scopes, principal.scopes)
    if beyond:
        raise Forbidden(f"A key cannot revoke a key with scopes it lacks: {', '.join(beyond)}", param="id")
    now = utc_now()
    store.mark_revoked(key, now, key_event(key, EventType.API_KEY_REVOKED, now, revoked_at=now))
    return key


def revoke_all(tenant_id: str) -> int:
    """Revoke every key of a tenant (when it is deprovisioned); returns how many were still usable."""
    now, revoked, start_key = utc_now(), 0, None
    while True:
        page = store.list_api_keys(tenant_id, limit=100, start_key=start_key)
        for key in page.items:
            if key.revoked_at is None:
                store.mark_revoked(key, now, key_event(key, EventType.API_KEY_REVOKED, now, revoked_at=now))
                revoked += 1
        if page.next_key is None:
            return revoked
        start_key = page.next_key


def rotate_admin_key(tenant_id: str) -> tuple[ApiKey, str, list[str]]:
    """Issue a new admin key, then revoke the admin keys that provisioning and earlier rotations made (named
    ADMIN_KEY_NAME, scope admin). Keys the tenant issued itself are kept. The new key is written first, so the
    tenant is never without one. Returns the new key, its secret (shown once) and the revoked keys' ids."""
    tenant = find_tenant(tenant_id)
    if tenant is None:
        raise NotFound(f"No such tenant: '{tenant_id}'", param="tenant_id")
    if tenant.status != TenantStatus.ACTIVE:
        raise Conflict(f"Tenant {tenant_id} is deactivated", param="tenant_id", code="tenant_deactivated")
    key, secret = new_key(tenant_id, ADMIN_KEY_NAME, [scopes.ADMIN], None)
    store.insert(key, key_event(key, EventType.API_KEY_CREATED, key.created_at))
    now, revoked, start_key = utc_now(), [], None
    while True:
        page = store.list_api_keys(tenant_id, limit=100, start_key=start_key)
        for old in page.items:
            if (old.id != key.id and old.revoked_at is None and old.name == ADMIN_KEY_NAME
                    and list(old.scopes) == [scopes.ADMIN]):
                store.mark_revoked(old, now, key_event(old, EventType.API_KEY_REVOKED, now, revoked_at=now))
                revoked.append(old.id)
        if page.next_key is None:
            return key, secret, revoked
        start_key = page.next_key
