"""Encryption at rest for secrets the service must read back (webhook signing secrets).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under a key derived with HKDF from the
`webhook_secrets_key` setting, so the setting can be any long random string (Secrets Manager
generates one in AWS). The table only ever holds the token; the plain secret lives in memory.
"""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ledgerline.settings import LOCAL_WEBHOOK_SECRETS_KEY, get_settings

_INFO = b"ledgerline webhook signing secrets v1"


class SecretBoxError(RuntimeError):
    """The key is missing, or a stored token was not sealed with it."""


@cache
def _fernet(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _box() -> Fernet:
    settings = get_settings()
    material = settings.webhook_secrets_key.get_secret_value()
    if not settings.is_local and material == LOCAL_WEBHOOK_SECRETS_KEY:
        raise SecretBoxError("LEDGERLINE_WEBHOOK_SECRETS_KEY must be set outside the local runtime")
    return _fernet(material)


def seal(plain: str) -> str:
    return _box().encrypt(plain.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretBoxError("a stored secret could not be decrypted with the configured key") from exc
