"""API key secrets: random, shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime


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


def usable(*, revoked: bool, expires_at: datetime | None, now: datetime) -> bool:
    return not revoked and (expires_at is None or expires_at > now)
