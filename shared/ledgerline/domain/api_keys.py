"""API key secrets: random, shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.test_mode import is_live


def generate_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    # A fast hash is right here: the secret has 256 bits of entropy, so it cannot be guessed.
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_key(secret: str, prefix: str) -> bool:
    return secret.startswith(prefix) and 20 < len(secret) < 200


def last4(secret: str) -> str:
    return secret[-4:]


@dataclass(frozen=True)
class Principal:
    """Who is calling: resolved from an API key by the authorizer."""

    tenant_id: str
    key_id: str
    scopes: tuple[str, ...]
    plan: str | None = None  # the tenant's plan, for rate limits; None when the caller did not say
    api_version: str | None = None  # the key's pinned API version (domain/api_versions); None: the original

    @property
    def livemode(self) -> bool:
        """False for a test key: its tenant id is a test twin's (domain/test_mode)."""
        return is_live(self.tenant_id)


def usable(*, revoked: bool, expires_at: datetime | None, now: datetime) -> bool:
    return not revoked and (expires_at is None or expires_at > now)


def child_expiry(requested: datetime | None, parent: datetime | None) -> datetime | None:
    """When a key created by a key expires: never after its parent. Without an expiry of its own it
    takes the parent's; a later one than the parent's is a 422 on `expires_at`."""
    if parent is None:
        return requested
    if requested is None:
        return parent
    if requested > parent:
        message = f"must not be later than the creating key's expiry ({parent.isoformat()})"
        raise ValidationFailed(f"expires_at: {message}", param="expires_at",
                               details=[FieldIssue("expires_at", message)])
    return requested
