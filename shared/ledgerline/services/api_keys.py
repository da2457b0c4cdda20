"""Issuing, listing, revoking and authenticating API keys."""

from __future__ import annotations

from datetime import datetime

from ledgerline.clock import utc_now
from ledgerline.domain import api_keys as rules
from ledgerline.domain import scopes
from ledgerline.domain.api_keys import Principal
from ledgerline.domain.errors import FieldIssue, Forbidden, Unauthenticated, ValidationFailed
from ledgerline.domain.tenants import TenantStatus
from ledgerline.ids import new_id
from ledgerline.settings import get_settings
from ledgerline.store import api_keys as store
from ledgerline.store.api_keys import ApiKey
from ledgerline.store.records import Page
from ledgerline.store.tenants import find_tenant


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
    if key.revoked_at is not None:
        raise Unauthenticated("This API key has been revoked", code="api_key_revoked")
    if key.expires_at is not None and key.expires_at <= utc_now():
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
    store.insert(key)
    return key, secret


def list_keys(tenant_id: str, *, limit: int, start_key: dict | None) -> Page[ApiKey]:
    return store.list_api_keys(tenant_id, limit=limit, start_key=start_key)


def get(tenant_id: str, key_id: str) -> ApiKey:
    return store.find_by_id(tenant_id, key_id)


def revoke(principal: Principal, key_id: str) -> ApiKey:
    key = store.find_by_id(principal.tenant_id, key_id)
    beyond = scopes.exceeding(key.scopes, principal.scopes)
    if beyond:
        raise Forbidden(f"A key cannot revoke a key with scopes it lacks: {', '.join(beyond)}", param="id")
    store.mark_revoked(key, utc_now())
    return key


def revoke_all(tenant_id: str) -> int:
    """Revoke every key of a tenant (when it is deprovisioned); returns how many were still usable."""
    now, revoked, start_key = utc_now(), 0, None
    while True:
        page = store.list_api_keys(tenant_id, limit=100, start_key=start_key)
        for key in page.items:
            if key.revoked_at is None:
                store.mark_revoked(key, now)
                revoked += 1
        if page.next_key is None:
            return revoked
        start_key = page.next_key
